/// <reference types="vitest/config" />
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The app's own server, which `make dev` runs beside this one.
const API = process.env.API_ORIGIN ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    // Same origin in development too: the browser talks to this server only, which
    // hands /api to the app. The app's CSRF check sees the app's own origin.
    proxy: { "/api": { target: API, headers: { origin: API } } },
  },
  build: {
    // Hashed file names under /assets: the app serves them with a year-long cache.
    assetsDir: "assets",
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    restoreMocks: true,
  },
});
