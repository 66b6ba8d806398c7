import type { ErrorEvent } from "@sentry/react";
import { describe, expect, it } from "vitest";

import { scrub, scrubUrl } from "./errorReporting";

describe("scrubUrl", () => {
  it("hides the token of a mailed link, in the fragment or the query", () => {
    expect(scrubUrl("https://app.example/account/reset-password#token=abc123")).toBe(
      "https://app.example/account/reset-password#token=[Filtered]",
    );
    expect(scrubUrl("https://app.example/?checkout=success&session_id=cs_42&x=1")).toBe(
      "https://app.example/?checkout=success&session_id=[Filtered]&x=1",
    );
  });

  it("leaves other addresses alone", () => {
    expect(scrubUrl("https://app.example/slots?page=2")).toBe("https://app.example/slots?page=2");
  });
});

describe("scrub", () => {
  it("drops cookies and headers and filters URLs, breadcrumbs included", () => {
    const event = {
      type: undefined,
      request: {
        url: "https://app.example/account/verify-email#token=secret",
        cookies: { session: "value" },
        headers: { Cookie: "session=value" },
        query_string: "token=secret&page=1",
      },
      breadcrumbs: [{ category: "navigation", data: { from: "/a#token=one", to: "/b?token=two" } }],
    } as ErrorEvent;
    const scrubbed = JSON.stringify(scrub(event));
    expect(scrubbed).not.toContain("secret");
    expect(scrubbed).not.toContain("value");
    expect(scrubbed).not.toContain("one");
    expect(scrubbed).not.toContain("two");
    expect(scrubbed).toContain("page=1");
  });
});
