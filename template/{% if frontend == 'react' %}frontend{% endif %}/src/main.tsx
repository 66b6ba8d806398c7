import * as Sentry from "@sentry/react";
import { QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import "./index.css";
import { startErrorReporting } from "./errorReporting";
import { queryClient, router } from "./router";

await startErrorReporting();

const root = document.getElementById("root");
if (root === null) {
  throw new Error("index.html has no #root element");
}

// Each route has its own error page (router.tsx); this boundary catches what fails
// around them, so even then the screen is never blank, and Sentry hears of it.
function AppFailed() {
  return (
    <main className="mx-auto max-w-3xl p-6">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p>
        The error was reported. <a href="/" className="underline">Reload the app</a>.
      </p>
    </main>
  );
}

createRoot(root).render(
  <StrictMode>
    <Sentry.ErrorBoundary fallback={<AppFailed />}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </Sentry.ErrorBoundary>
  </StrictMode>,
);
