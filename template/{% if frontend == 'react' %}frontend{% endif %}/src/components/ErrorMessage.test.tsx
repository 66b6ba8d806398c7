import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { ApiError } from "../api";
import { ErrorMessage } from "./ErrorMessage";

describe("ErrorMessage", () => {
  it("shows the server's words and the request id to quote", () => {
    render(<ErrorMessage error={new ApiError(409, { detail: "This slot is taken.", request_id: "req-7" })} />);
    expect(screen.getByRole("alert")).toHaveTextContent("This slot is taken.");
    expect(screen.getByRole("alert")).toHaveTextContent("req-7");
    expect(screen.queryByRole("button", { name: "Try again" })).toBeNull(); // a 409 stays a 409
  });

  it("offers to try again when the failure may pass", async () => {
    const retry = vi.fn();
    render(<ErrorMessage error={new ApiError(503, { detail: "Down for a moment." })} onRetry={retry} />);
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(retry).toHaveBeenCalledOnce();
  });
});
