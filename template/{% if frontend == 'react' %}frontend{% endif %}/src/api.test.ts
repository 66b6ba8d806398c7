import { describe, expect, it } from "vitest";

import { ApiError, NO_ANSWER, call, messageOf } from "./api";

function answer(status: number, body: unknown) {
  const response = new Response(JSON.stringify(body), { status });
  return Promise.resolve(response.ok ? { data: body, response } : { error: body, response });
}

describe("call", () => {
  it("gives the data of a success", async () => {
    await expect(call(answer(200, { id: 1 }))).resolves.toEqual({ id: 1 });
  });

  it("turns a problem into an ApiError with the server's words and request id", async () => {
    const problem = { title: "Conflict", status: 409, detail: "This slot is taken.", request_id: "req-9" };
    const error = await call(answer(409, problem)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(messageOf(error)).toBe("This slot is taken.");
    expect((error as ApiError).requestId).toBe("req-9");
    expect((error as ApiError).retryable).toBe(false);
  });

  it("makes no answer at all a retryable error", async () => {
    const error = await call(Promise.reject(new TypeError("Failed to fetch"))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(0);
    expect((error as ApiError).retryable).toBe(true);
    expect(messageOf(error)).toBe(NO_ANSWER);
  });

  it("shows the first field a 422 names", async () => {
    const problem = { status: 422, detail: "Invalid", errors: [{ loc: ["body", "password"], msg: "too short" }] };
    const error = await call(answer(422, problem)).catch((caught: unknown) => caught);
    expect(messageOf(error)).toBe("password: too short");
  });
});
