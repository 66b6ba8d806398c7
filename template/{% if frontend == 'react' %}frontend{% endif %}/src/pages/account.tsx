import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";

import { call } from "../api";
import { authChangeEmail, authLogout, authResendVerification, authRevokeSessions } from "../client/sdk.gen";
import { ErrorMessage } from "../components/ErrorMessage";
import { Field, SubmitButton, valuesOf } from "../components/Field";
import { Page } from "../components/Pages";
import { meQuery, useSignedInUser } from "../session";

export function ResendVerification() {
  const resend = useMutation({ mutationFn: () => call(authResendVerification()) });
  if (resend.isSuccess) {
    return <p role="status">{resend.data.detail}</p>;
  }
  return (
    <div className="flex flex-col items-start gap-2">
      {resend.isError && <ErrorMessage error={resend.error} />}
      <button type="button" className="underline" disabled={resend.isPending} onClick={() => {
          resend.mutate();
        }}>
        Mail me the confirmation link again
      </button>
    </div>
  );
}

export function AccountPage() {
  const me = useSignedInUser();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signedOut = async () => {
    queryClient.setQueryData(meQuery.queryKey, null);
    await navigate({ to: "/sign-in" });
  };
  const signOut = useMutation({ mutationFn: () => call(authLogout()), onSuccess: signedOut });
  const everywhere = useMutation({
    mutationFn: () => call(authRevokeSessions({ query: { keep_current: true } })),
  });
  const changeEmail = useMutation({
    mutationFn: (values: Record<string, string>) =>
      call(
        authChangeEmail({
          body: { new_email: values.new_email ?? "", current_password: values.current_password ?? "" },
        }),
      ),
  });
  return (
    <Page title="Your account">
      <dl className="grid max-w-md grid-cols-2 gap-1">
        <dt className="font-medium">Email</dt>
        <dd>{me.email}</dd>
        <dt className="font-medium">Confirmed</dt>
        <dd>{me.email_verified ? "yes" : "not yet"}</dd>
        <dt className="font-medium">Plan</dt>
        <dd>{me.plan}</dd>
      </dl>
      {!me.email_verified && <ResendVerification />}
      <h2 className="text-xl font-semibold">Change your address</h2>
      {changeEmail.isSuccess ? (
        <p role="status">{changeEmail.data.detail}</p>
      ) : (
        <form
          className="flex max-w-sm flex-col gap-3"
          onSubmit={(event) => {
            event.preventDefault();
            changeEmail.mutate(valuesOf(event.currentTarget));
          }}
        >
          <Field label="New email" name="new_email" type="email" autoComplete="email" />
          <Field label="Current password" name="current_password" type="password" autoComplete="current-password" />
          {changeEmail.isError && <ErrorMessage error={changeEmail.error} />}
          <SubmitButton pending={changeEmail.isPending}>Mail a confirmation link</SubmitButton>
        </form>
      )}
      <h2 className="text-xl font-semibold">Sessions</h2>
      <div className="flex gap-4">
        <button type="button" className="underline" onClick={() => {
            signOut.mutate();
          }}>
          Sign out
        </button>
        <button type="button" className="underline" onClick={() => {
            everywhere.mutate();
          }}>
          Sign out everywhere else
        </button>
      </div>
      {everywhere.isSuccess && <p role="status">Every other session is signed out.</p>}
      {signOut.isError && <ErrorMessage error={signOut.error} />}
      {everywhere.isError && <ErrorMessage error={everywhere.error} />}
    </Page>
  );
}
