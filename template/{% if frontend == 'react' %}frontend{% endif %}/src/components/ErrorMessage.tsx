import { ApiError, messageOf } from "../api";

/** An error as people read it, with the request id to quote to support. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const requestId = error instanceof ApiError ? error.requestId : null;
  const retryable = error instanceof ApiError && error.retryable;
  return (
    <div role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-red-900">
      <p>{messageOf(error)}</p>
      {requestId && (
        <p className="mt-1 text-sm">
          Quote this to support: <code>{requestId}</code>
        </p>
      )}
      {retryable && onRetry && (
        <button type="button" className="mt-2 underline" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
