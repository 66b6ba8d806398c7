// Errors in the browser go to Sentry, like the server's: the DSN comes from the server
// at run time (GET /api/v1/client-config), so one build serves every environment and
// reporting is off where no DSN is set.
import * as Sentry from "@sentry/react";

import { call } from "./api";
import { webClientConfig } from "./client/sdk.gen";

// Parameters of these names carry a credential in our links and forms.
const SECRET_PARAMETERS = /([?&#](?:token|session_id|code|password)=)[^&#]*/gi;

/** A URL with the values of its credential-carrying parameters replaced. */
export function scrubUrl(url: string): string {
  return url.replace(SECRET_PARAMETERS, "$1[Filtered]");
}

/** What leaves the browser: no cookies, no headers, no credentials in URLs. */
export function scrub<T extends Sentry.ErrorEvent>(event: T): T {
  if (event.request) {
    delete event.request.cookies;
    delete event.request.headers;
    if (event.request.url) {
      event.request.url = scrubUrl(event.request.url);
    }
    if (typeof event.request.query_string === "string") {
      event.request.query_string = scrubUrl(`?${event.request.query_string}`).slice(1);
    }
  }
  for (const crumb of event.breadcrumbs ?? []) {
    for (const key of ["url", "from", "to"]) {
      const value: unknown = crumb.data?.[key];
      if (typeof value === "string" && crumb.data) {
        crumb.data[key] = scrubUrl(value);
      }
    }
  }
  return event;
}

export async function startErrorReporting(): Promise<void> {
  let config;
  try {
    config = await call(webClientConfig());
  } catch {
    return; // the app still works; the next page load tries again
  }
  if (!config.sentry_dsn) {
    return;
  }
  Sentry.init({
    dsn: config.sentry_dsn,
    environment: config.environment,
    release: config.release,
    beforeSend: scrub,
  });
}

/** Report an error the interface caught (an error boundary's). */
export function report(error: unknown): void {
  Sentry.captureException(error);
}
