import { useQueryClient } from "@tanstack/react-query";
import { Link, useRouter, type ErrorComponentProps } from "@tanstack/react-router";
import { useEffect } from "react";

import { ApiError } from "../api";
import { report } from "../errorReporting";
import { ErrorMessage } from "./ErrorMessage";

export function Page({ title, children }: { title: string; children: React.ReactNode }) {
  useEffect(() => {
    document.title = title;
  }, [title]);
  return (
    <section aria-labelledby="page-title" className="flex flex-col gap-4">
      <h1 id="page-title" className="text-2xl font-semibold">
        {title}
      </h1>
      {children}
    </section>
  );
}

export function NotAllowed() {
  return (
    <Page title="Not allowed">
      <p>The server says your account may not see this page.</p>
      <Link to="/" className="underline">
        Back to the start page
      </Link>
    </Page>
  );
}

export function NotFound() {
  return (
    <Page title="Page not found">
      <p>There is no page at this address.</p>
      <Link to="/" className="underline">
        Back to the start page
      </Link>
    </Page>
  );
}

/** What a route shows instead of a white screen when it fails: the server's 403 is the
 * "not allowed" page, an answer that may pass is retryable, anything else is reported. */
export function ErrorPage({ error, reset }: ErrorComponentProps) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const forbidden = error instanceof ApiError && error.status === 403;
  const expected = error instanceof ApiError && (forbidden || error.retryable);
  useEffect(() => {
    if (!expected) {
      report(error);
    }
  }, [error, expected]);
  if (forbidden) {
    return <NotAllowed />;
  }
  // Everything is asked again: the answer that broke the page may have been a cached one.
  const retry = () => {
    void queryClient.invalidateQueries().then(() => {
      reset();
      return router.invalidate();
    });
  };
  return (
    <Page title="This page failed">
      <ErrorMessage error={error} onRetry={retry} />
      {!expected && (
        <p>
          The error was reported. <button type="button" className="underline" onClick={retry}>Reload the page</button>{" "}
          or go <Link to="/" className="underline">back to the start page</Link>.
        </p>
      )}
    </Page>
  );
}
