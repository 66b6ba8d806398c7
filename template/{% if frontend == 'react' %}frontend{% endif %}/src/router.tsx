// Every page and the rule for reaching it. A signed-in page asks the server who the
// user is first (GET /auth/me) and sends anyone signed out to the sign-in page; the
// admin pages ask an admin API, whose 403 shows the "not allowed" page. Hiding links
// is only for the eye: the API decides.
import { QueryClient } from "@tanstack/react-query";
import {
  Link,
  Navigate,
  Outlet,
  createRootRouteWithContext,
  createRoute,
  createRouter,
  redirect,
  useLocation,
} from "@tanstack/react-router";

import { ApiError } from "./api";
import { ErrorPage, NotFound } from "./components/Pages";
import { AccountPage } from "./pages/account";
import { AdminSlotsPage, AdminUsersPage, usersQuery } from "./pages/admin";
import {
  ConfirmEmailPage,
  ForgotPasswordPage,
  ResetPasswordPage,
  SignInPage,
  SignUpPage,
  VerifyEmailPage,
} from "./pages/auth";
import { BookingsPage, SlotsPage } from "./pages/bookings";
import { HomePage } from "./pages/home";
import { ReportPage } from "./pages/report";
import { SignedInUserProvider, meQuery, useMe } from "./session";

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // An answer that may pass (no answer, 5xx, 429) is tried again; the server's
      // "no" (4xx) is final.
      retry: (failures, error) => failures < 2 && error instanceof ApiError && error.retryable,
    },
  },
});

function Layout(): React.ReactNode {
  const me = useMe();
  return (
    <div className="mx-auto flex max-w-3xl flex-col gap-6 p-6">
      <a href="#main" className="sr-only focus:not-sr-only">
        Skip to the content
      </a>
      <header>
        <nav aria-label="Main" className="flex flex-wrap gap-4">
          <Link to="/" className="font-semibold">Home</Link>
          {me ? (
            <>
              <Link to="/slots">Slots</Link>
              <Link to="/bookings">Bookings</Link>
              <Link to="/report">Report</Link>
              {me.role === "admin" && (
                <>
                  <Link to="/admin/users">Users</Link>
                  <Link to="/admin/slots">Open a slot</Link>
                </>
              )}
              <Link to="/account" className="ml-auto">{me.email}</Link>
            </>
          ) : (
            <>
              <Link to="/sign-in" className="ml-auto">Sign in</Link>
              <Link to="/sign-up">Create an account</Link>
            </>
          )}
        </nav>
      </header>
      <main id="main">
        <Outlet />
      </main>
    </div>
  );
}

/** The signed-in pages: only with a user the server named (a session that ends while
 * a page is open sends it back to the sign-in page). */
function SignedInLayout(): React.ReactNode {
  const me = useMe();
  const location = useLocation();
  if (me === null) {
    return <Navigate to="/sign-in" search={{ next: location.href }} />;
  }
  return (
    <SignedInUserProvider value={me}>
      <Outlet />
    </SignedInUserProvider>
  );
}

const rootRoute = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  component: Layout,
  errorComponent: ErrorPage,
  notFoundComponent: NotFound,
  loader: ({ context }) => context.queryClient.query(meQuery),
});

const page = (path: string, component: () => React.ReactNode) =>
  createRoute({ getParentRoute: () => rootRoute, path, component });

const signedIn = createRoute({
  getParentRoute: () => rootRoute,
  id: "signed-in",
  component: SignedInLayout,
  beforeLoad: async ({ context, location }): Promise<void> => {
    if ((await context.queryClient.query(meQuery)) === null) {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the router's redirect
      throw redirect({ to: "/sign-in", search: { next: location.href } });
    }
  },
});

const signedInPage = (path: string, component: () => React.ReactNode) =>
  createRoute({ getParentRoute: () => signedIn, path, component });

const admin = createRoute({
  getParentRoute: () => signedIn,
  path: "/admin",
  // The server's word on who may administer: a user gets its 403, shown as "not allowed".
  loader: ({ context }) => context.queryClient.query(usersQuery),
});

const routeTree = rootRoute.addChildren([
  page("/", HomePage),
  page("/sign-in", SignInPage),
  page("/sign-up", SignUpPage),
  page("/account/forgot-password", ForgotPasswordPage),
  page("/account/reset-password", ResetPasswordPage),
  page("/account/verify-email", VerifyEmailPage),
  page("/account/confirm-email", ConfirmEmailPage),
  signedIn.addChildren([
    signedInPage("/account", AccountPage),
    signedInPage("/slots", SlotsPage),
    signedInPage("/bookings", BookingsPage),
    signedInPage("/report", ReportPage),
    admin.addChildren([
      createRoute({ getParentRoute: () => admin, path: "/users", component: AdminUsersPage }),
      createRoute({ getParentRoute: () => admin, path: "/slots", component: AdminSlotsPage }),
    ]),
  ]),
]);

export const router = createRouter({
  routeTree,
  context: { queryClient },
  defaultErrorComponent: ErrorPage,
  defaultNotFoundComponent: NotFound,
  defaultPreload: "intent",
  // Loaders read through the query cache, which decides freshness.
  defaultPreloadStaleTime: 0,
});

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
