// Who the user is, as the server says: GET /api/v1/auth/me. Everything the interface
// shows about roles, plans and confirmation comes from here, never from local state.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { createContext, useContext } from "react";

import { ApiError, call } from "./api";
import { authMe } from "./client/sdk.gen";
import type { UserOut } from "./client/types.gen";

export const meQuery = queryOptions({
  queryKey: ["me"],
  queryFn: async (): Promise<UserOut | null> => {
    try {
      return await call(authMe());
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        return null; // signed out, or the session ended on the server
      }
      throw error;
    }
  },
  staleTime: 30_000,
});

export function useMe(): UserOut | null {
  const { data } = useQuery(meQuery);
  return data ?? null;
}

const SignedInUser = createContext<UserOut | null>(null);

/** Set by the signed-in pages' layout, once the server named the user. */
export const SignedInUserProvider = SignedInUser.Provider;

/** The user of a signed-in page (the layout above renders none without one). */
export function useSignedInUser(): UserOut {
  const me = useContext(SignedInUser);
  if (me === null) {
    throw new Error("useSignedInUser is for pages under the signed-in layout");
  }
  return me;
}
