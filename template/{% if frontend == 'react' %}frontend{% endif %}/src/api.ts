// One way to call the API: the generated client's answer, or an ApiError carrying the
// server's problem+json (its `detail` is written for people, its `request_id` is what
// support asks for).
import { client } from "./client/client.gen";

export type Problem = {
  title?: string;
  status?: number;
  detail?: string;
  request_id?: string | null;
  errors?: { loc: (string | number)[]; msg: string }[];
};

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail ?? problem.title ?? `The server answered ${String(status)}.`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
  }

  get requestId(): string | null {
    return this.problem.request_id ?? null;
  }

  /** Worth trying again as is: no answer, the server failing, or a rate limit. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export const NO_ANSWER = "No answer from the server: check your connection and try again.";

// The session is the HttpOnly cookie the server set: sent by the browser, never read here.
client.setConfig({ baseUrl: "", credentials: "same-origin" });

type Answer<T> = { data?: T; error?: unknown; response?: Response };

function problemOf(error: unknown): Problem {
  if (typeof error === "object" && error !== null) {
    return error;
  }
  return {};
}

/** The data of a successful answer; throws ApiError for any other. */
export async function call<T>(request: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await request;
  } catch {
    throw new ApiError(0, { detail: NO_ANSWER });
  }
  const { response } = answer;
  if (response === undefined) {
    throw new ApiError(0, { detail: NO_ANSWER });
  }
  if (!response.ok) {
    throw new ApiError(response.status, problemOf(answer.error));
  }
  return answer.data as T;
}

/** The message to show for any error: the server's own words when it answered. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    const first = error.problem.errors?.[0];
    return first ? `${first.loc.slice(1).join(".")}: ${first.msg}` : error.message;
  }
  return "Something went wrong on this page.";
}
