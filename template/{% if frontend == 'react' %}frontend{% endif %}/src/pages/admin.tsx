// Administration. The menu hides these pages from users only as a courtesy: each call
// here is refused (403) by the server for anyone but an administrator, and the route
// then shows the "not allowed" page.
import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";

import { call } from "../api";
import { adminChangePlan, adminListUsers, slotsCreateSlot } from "../client/sdk.gen";
import type { Plan, UserOut } from "../client/types.gen";
import { ErrorMessage } from "../components/ErrorMessage";
import { Field, SubmitButton, valuesOf } from "../components/Field";
import { Page } from "../components/Pages";

export const usersQuery = { queryKey: ["admin", "users"], queryFn: () => call(adminListUsers({ query: { limit: 100 } })) };

function PlanPicker({ user }: { user: UserOut }) {
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (plan: Plan) => call(adminChangePlan({ path: { user_id: user.id }, body: { plan } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersQuery.queryKey }),
  });
  return (
    <>
      <label className="sr-only" htmlFor={`plan-${String(user.id)}`}>Plan of {user.email}</label>
      <select
        id={`plan-${String(user.id)}`}
        value={user.plan}
        disabled={change.isPending}
        onChange={(event) => {
          change.mutate(event.target.value as Plan);
        }}
        className="rounded border border-gray-400 px-2 py-1"
      >
        <option value="free">free</option>
        <option value="paid">paid</option>
      </select>
      {change.isError && <ErrorMessage error={change.error} />}
    </>
  );
}

export function AdminUsersPage() {
  const users = useSuspenseQuery(usersQuery);
  return (
    <Page title="Users">
      <table className="text-left">
        <thead>
          <tr>
            <th scope="col" className="pr-6">Email</th>
            <th scope="col" className="pr-6">Role</th>
            <th scope="col" className="pr-6">Confirmed</th>
            <th scope="col">Plan</th>
          </tr>
        </thead>
        <tbody>
          {users.data.items.map((user) => (
            <tr key={user.id}>
              <td className="pr-6">{user.email}</td>
              <td className="pr-6">{user.role}</td>
              <td className="pr-6">{user.email_verified ? "yes" : "no"}</td>
              <td><PlanPicker user={user} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </Page>
  );
}

export function AdminSlotsPage() {
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (values: Record<string, string>) =>
      call(
        slotsCreateSlot({
          body: {
            starts_at: new Date(values.starts_at ?? "").toISOString(),
            ends_at: new Date(values.ends_at ?? "").toISOString(),
          },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["slots"] }),
  });
  return (
    <Page title="Open a slot">
      <form
        className="flex max-w-sm flex-col gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate(valuesOf(event.currentTarget));
        }}
      >
        <Field label="Starts at" name="starts_at" type="datetime-local" />
        <Field label="Ends at" name="ends_at" type="datetime-local" />
        {create.isError && <ErrorMessage error={create.error} />}
        {create.isSuccess && <p role="status">The slot is open for booking.</p>}
        <SubmitButton pending={create.isPending}>Open the slot</SubmitButton>
      </form>
    </Page>
  );
}
