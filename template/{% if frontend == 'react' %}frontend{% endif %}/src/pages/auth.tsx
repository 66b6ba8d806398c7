// Signing up, in and out, and the pages the mailed links open. A link's token is in
// the URL's fragment (never sent to any server by the browser): read once, then
// dropped from the address bar before anything else runs.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";

import { call } from "../api";
import {
  authConfirmEmailChange,
  authForgotPassword,
  authLogin,
  authRegister,
  authResetPassword,
  authVerifyEmail,
} from "../client/sdk.gen";
import { ErrorMessage } from "../components/ErrorMessage";
import { Field, SubmitButton, valuesOf } from "../components/Field";
import { Page } from "../components/Pages";
import { meQuery } from "../session";

function linkToken(): string {
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token") ?? "";
  if (window.location.hash) {
    window.history.replaceState(null, "", window.location.pathname);
  }
  return token;
}

/** Where to go after signing in: ?next=, when it is a path of this app (never another
 * site's address: that would make the sign-in page an open redirect). */
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get("next") ?? "/";
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

export function SignInPage() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signIn = useMutation({
    mutationFn: (values: Record<string, string>) =>
      call(authLogin({ body: { email: values.email ?? "", password: values.password ?? "", token_in_body: false } })),
    onSuccess: async (started) => {
      queryClient.setQueryData(meQuery.queryKey, started.user);
      await navigate({ href: nextPath() });
    },
  });
  return (
    <Page title="Sign in">
      <form
        className="flex max-w-sm flex-col gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          signIn.mutate(valuesOf(event.currentTarget));
        }}
      >
        <Field label="Email" name="email" type="email" autoComplete="username" />
        <Field label="Password" name="password" type="password" autoComplete="current-password" />
        {signIn.isError && <ErrorMessage error={signIn.error} />}
        <SubmitButton pending={signIn.isPending}>Sign in</SubmitButton>
      </form>
      <p>
        <Link to="/account/forgot-password" className="underline">Forgot your password?</Link>{" "}
        New here? <Link to="/sign-up" className="underline">Create an account</Link>.
      </p>
    </Page>
  );
}

export function SignUpPage() {
  const signUp = useMutation({
    mutationFn: (values: Record<string, string>) =>
      call(authRegister({ body: { email: values.email ?? "", password: values.password ?? "" } })),
  });
  return (
    <Page title="Create an account">
      {signUp.isSuccess ? (
        <p role="status">{signUp.data.detail}</p>
      ) : (
        <form
          className="flex max-w-sm flex-col gap-3"
          onSubmit={(event) => {
            event.preventDefault();
            signUp.mutate(valuesOf(event.currentTarget));
          }}
        >
          <Field label="Email" name="email" type="email" autoComplete="username" />
          <Field label="Password (12 characters or more)" name="password" type="password" autoComplete="new-password" />
          {signUp.isError && <ErrorMessage error={signUp.error} />}
          <SubmitButton pending={signUp.isPending}>Create the account</SubmitButton>
        </form>
      )}
    </Page>
  );
}

export function ForgotPasswordPage() {
  const forgot = useMutation({
    mutationFn: (email: string) => call(authForgotPassword({ body: { email } })),
  });
  return (
    <Page title="Forgot your password?">
      {forgot.isSuccess ? (
        <p role="status">{forgot.data.detail}</p>
      ) : (
        <form
          className="flex max-w-sm flex-col gap-3"
          onSubmit={(event) => {
            event.preventDefault();
            forgot.mutate(valuesOf(event.currentTarget).email ?? "");
          }}
        >
          <Field label="Email" name="email" type="email" autoComplete="username" />
          {forgot.isError && <ErrorMessage error={forgot.error} />}
          <SubmitButton pending={forgot.isPending}>Mail me a link</SubmitButton>
        </form>
      )}
    </Page>
  );
}

export function ResetPasswordPage() {
  const [token] = useState(linkToken);
  const queryClient = useQueryClient();
  const reset = useMutation({
    mutationFn: (password: string) => call(authResetPassword({ body: { token, new_password: password } })),
    // Every session ended with the old password, this browser's too.
    onSuccess: () => queryClient.setQueryData(meQuery.queryKey, null),
  });
  return (
    <Page title="Choose a new password">
      {reset.isSuccess ? (
        <p role="status">
          Your password is changed and every session is signed out. <Link to="/sign-in" className="underline">Sign in</Link>.
        </p>
      ) : (
        <form
          className="flex max-w-sm flex-col gap-3"
          onSubmit={(event) => {
            event.preventDefault();
            reset.mutate(valuesOf(event.currentTarget).password ?? "");
          }}
        >
          <Field label="New password (12 characters or more)" name="password" type="password" autoComplete="new-password" />
          {reset.isError && <ErrorMessage error={reset.error} />}
          <SubmitButton pending={reset.isPending}>Change the password</SubmitButton>
        </form>
      )}
    </Page>
  );
}

/** A page that posts the link's token once, when its button is pressed (a mail
 * scanner that opens links presses no buttons). */
function ConfirmLinkPage({ title, action, done, confirm }: { title: string; action: string; done: string; confirm: (token: string) => Promise<unknown> }) {
  const [token] = useState(linkToken);
  const queryClient = useQueryClient();
  const confirmed = useMutation({
    mutationFn: () => confirm(token),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meQuery.queryKey }),
  });
  return (
    <Page title={title}>
      {confirmed.isSuccess ? (
        <p role="status">
          {done} <Link to="/" className="underline">Go to the start page</Link>.
        </p>
      ) : (
        <form
          className="flex flex-col items-start gap-3"
          onSubmit={(event) => {
            event.preventDefault();
            confirmed.mutate();
          }}
        >
          {confirmed.isError && <ErrorMessage error={confirmed.error} />}
          <SubmitButton pending={confirmed.isPending}>{action}</SubmitButton>
        </form>
      )}
    </Page>
  );
}

export function VerifyEmailPage() {
  return (
    <ConfirmLinkPage
      title="Confirm your address"
      action="Confirm my address"
      done="Your address is confirmed."
      confirm={(token) => call(authVerifyEmail({ body: { token } }))}
    />
  );
}

export function ConfirmEmailPage() {
  return (
    <ConfirmLinkPage
      title="Confirm your new address"
      action="Use this address"
      done="Your account uses the new address now."
      confirm={(token) => call(authConfirmEmailChange({ body: { token } }))}
    />
  );
}
