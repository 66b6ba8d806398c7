// The paid report. Whether the plan includes it is the server's answer (402 when it
// does not), never a flag in the browser: flipping one here would download nothing.
import { useMutation } from "@tanstack/react-query";

import { ApiError, call } from "../api";
import { UpgradeButton } from "../plans/UpgradeButton";
import { reportsBookingsCsv } from "../client/sdk.gen";
import { ErrorMessage } from "../components/ErrorMessage";
import { Page } from "../components/Pages";

function save(file: Blob, name: string): void {
  const url = URL.createObjectURL(file);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

export function ReportPage() {
  const download = useMutation({
    mutationFn: () => call(reportsBookingsCsv({ parseAs: "blob" })),
    onSuccess: (file) => {
      save(file as Blob, "bookings.csv");
    },
  });
  const paywalled = download.error instanceof ApiError && download.error.status === 402;
  return (
    <Page title="Bookings report">
      <p>Every booking of yours as a CSV file, for your accounts or a spreadsheet.</p>
      <div>
        <button type="button" className="rounded bg-blue-700 px-4 py-2 font-medium text-white" disabled={download.isPending} onClick={() => {
          download.mutate();
        }}>
          Download the report
        </button>
      </div>
      {download.isSuccess && <p role="status">The report is downloaded.</p>}
      {paywalled ? (
        <div role="alert" className="flex flex-col items-start gap-2 rounded border border-amber-300 bg-amber-50 p-3">
          <p>Reports come with the paid plan.</p>
          <UpgradeButton />
        </div>
      ) : (
        download.isError && <ErrorMessage error={download.error} />
      )}
    </Page>
  );
}
