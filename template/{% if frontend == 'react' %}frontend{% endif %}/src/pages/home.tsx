import { Link } from "@tanstack/react-router";

import { Page } from "../components/Pages";
import { useMe } from "../session";

export function HomePage() {
  const me = useMe();
  // Where Stripe sends the browser back: /?checkout=success or /?checkout=cancelled.
  const checkout = new URLSearchParams(window.location.search).get("checkout");
  if (me === null) {
    return (
      <Page title="Welcome">
        <p>Book a slot in a few clicks.</p>
        <p>
          <Link to="/sign-in" className="underline">Sign in</Link> or{" "}
          <Link to="/sign-up" className="underline">create an account</Link>.
        </p>
      </Page>
    );
  }
  const name = me.email.split("@")[0] ?? me.email;
  return (
    <Page title={`Hello, ${name}`}>
      {checkout === "success" && (
        <p role="status">Thank you: your plan changes as soon as the payment is confirmed.</p>
      )}
      {checkout === "cancelled" && <p role="status">The payment was cancelled: nothing was charged.</p>}
      <ul className="list-disc pl-6">
        <li><Link to="/slots" className="underline">Book a slot</Link></li>
        <li><Link to="/bookings" className="underline">Your bookings</Link></li>
        <li><Link to="/report" className="underline">Bookings report</Link> ({me.plan} plan)</li>
      </ul>
    </Page>
  );
}
