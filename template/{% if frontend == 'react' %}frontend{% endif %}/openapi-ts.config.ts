import { defineConfig } from "@hey-api/openapi-ts";

// The API client, generated from the app's OpenAPI document: `make client` exports the
// document and runs this. Never edit src/client by hand: the tests regenerate it and
// fail on any difference.
export default defineConfig({
  input: process.env.OPENAPI_DOCUMENT ?? "../.tmp/openapi.json",
  output: { path: process.env.CLIENT_OUTPUT ?? "src/client" },
  plugins: ["@hey-api/client-fetch", "@hey-api/typescript", "@hey-api/sdk"],
});
