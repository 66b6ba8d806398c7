"""Stripe events to plans, each event verified and taking effect once; and the
Checkout Session a user pays through.

A user is on the paid plan while at least one of their subscriptions to
STRIPE_PRICE_ID has a paying status (`PAYING_STATUSES`): ending one of two
subscriptions leaves the plan paid. The webhook keeps each subscription as the
latest event about it left it (`subscriptions`), then derives the plan again:

- `customer.subscription.created`, `.updated` and `.deleted` carry the subscription
  as Stripe has it (status, prices), for the user in its `metadata.user_id`;
- `checkout.session.completed` and `.async_payment_succeeded` (payment methods that
  settle later) mark the checkout's subscription active for the user in its
  `client_reference_id`, so the plan changes as soon as the money is in, whichever
  event comes first. Only a checkout the app started for STRIPE_PRICE_ID (its
  `metadata.price_id`), in subscription mode, with `payment_status` "paid" does: a
  setup or one-off checkout, one for another price or not started by the app, one
  still unpaid and one with nothing to pay (a trial, a 100 % coupon: its
  subscription's own events decide, trialing counting as paying) change nothing.

Both ids are set when the app creates the checkout (`checkout_session_params`).
Other event types are acknowledged and ignored, without a record.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from stripe import SignatureVerificationError, Webhook

from ..auth import service as accounts
from ..auth.models import Plan, User
from ..errors import BadRequest, Conflict
from . import repository, stripe_api
from .schemas import Outcome, StripeCheckoutSession, StripeEvent, StripeSubscription

if TYPE_CHECKING:  # stripe.params takes most of a second to import
    from stripe.params.checkout import SessionCreateParams

    from .stripe_api import Stripe

logger = structlog.get_logger(__name__)

CHECKOUT_COMPLETED = "checkout.session.completed"
CHECKOUT_PAID_LATER = "checkout.session.async_payment_succeeded"
CHECKOUT_TYPES = frozenset({CHECKOUT_COMPLETED, CHECKOUT_PAID_LATER})
SUBSCRIPTION_TYPES = frozenset(
    {
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
    }
)
HANDLED_TYPES = CHECKOUT_TYPES | SUBSCRIPTION_TYPES
# The statuses that keep the paid plan. `trialing`: the owner chose to give the price a
# trial. `past_due`: a renewal failed and Stripe is retrying it; the subscription
# settings in Stripe's dashboard decide how long, and its next status (`canceled` or
# `unpaid`) ends the plan. Every other status, and any status Stripe adds, does not pay.
PAYING_STATUSES = frozenset({"active", "trialing", "past_due"})
# Stripe never revives a subscription in these statuses: a late event cannot either.
FINAL_STATUSES = frozenset({"canceled", "incomplete_expired"})
# What a checkout that qualifies says about its subscription: the first invoice is paid.
ACTIVE = "active"
PAID = "paid"
SUBSCRIPTION_MODE = "subscription"
# Where Stripe sends the browser back, under PUBLIC_BASE_URL: the page reads the query
# (Stripe fills in the session id) and shows the plan once the webhook has changed it.
CHECKOUT_SUCCESS_PATH = "/?checkout=success&session_id={CHECKOUT_SESSION_ID}"
CHECKOUT_CANCEL_PATH = "/?checkout=cancelled"
# Stripe's default: a signature more than 5 minutes old is refused (a replayed capture).
SIGNATURE_TOLERANCE_SECONDS = Webhook.DEFAULT_TOLERANCE
# A body that is not UTF-8, not JSON, or not an event (a named tuple of exceptions:
# `except` then reads, and is formatted, the same on every targeted Python).
NOT_AN_EVENT = (ValueError, ValidationError)


@dataclass(frozen=True)
class SubscriptionChange:
    subscription_id: str
    user_reference: object  # the id the app gave Stripe, as Stripe sends it back
    status: str
    price_id: str | None


@dataclass(frozen=True)
class Ignored:
    reason: str


def verified_event(payload: bytes, signature: str | None, secret: str) -> StripeEvent:
    """The event in `payload`, if Stripe signed it with `secret` in the last 5 minutes.

    Checked over the raw bytes as received: re-serialized JSON would not match.
    """
    try:
        event = Webhook.construct_event(payload, signature, secret, SIGNATURE_TOLERANCE_SECONDS)
        return StripeEvent.model_validate(event.to_dict())
    except SignatureVerificationError:
        raise BadRequest("The Stripe-Signature header is missing, invalid or too old.") from None
    except NOT_AN_EVENT:
        raise BadRequest("The body is not a Stripe event.") from None


def checkout_session_params(
    user: User, price_id: str, success_url: str, cancel_url: str
) -> SessionCreateParams:
    """A Stripe Checkout Session for a subscription to `price_id` the webhook can
    attribute to `user`: `client_reference_id` and `metadata.price_id` come back in
    checkout.session.completed, the subscription's metadata in every
    customer.subscription.* event."""
    user_id = str(user.id)
    return {
        "mode": SUBSCRIPTION_MODE,
        "line_items": [{"price": price_id, "quantity": 1}],
        "client_reference_id": user_id,
        "customer_email": user.email,
        "metadata": {"price_id": price_id},
        "subscription_data": {"metadata": {"user_id": user_id}},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }


async def start_checkout(
    session: AsyncSession, stripe: Stripe, user: User, public_base_url: str
) -> str:
    """The URL of a new Checkout Session for `user` to subscribe to the price.

    409 for a user who pays already; 502/503/504 when Stripe fails (`stripe_api`).
    """
    if user.plan is Plan.PAID or await repository.has_subscription(
        session, user.id, stripe.price_id, PAYING_STATUSES
    ):
        raise Conflict("You are on the paid plan already.")
    # Stripe may take seconds: the database connection goes back to the pool meanwhile.
    await accounts.release_connection(session)
    base = public_base_url.rstrip("/")
    params = checkout_session_params(
        user, stripe.price_id, base + CHECKOUT_SUCCESS_PATH, base + CHECKOUT_CANCEL_PATH
    )
    url = await stripe_api.create_checkout_session(stripe.client, params)
    logger.info("stripe checkout session created", user_id=user.id)
    return url


@contextmanager
def _readable_object() -> Iterator[None]:
    """Turn an event object the app cannot read into a 400."""
    try:
        yield
    except ValidationError:
        raise BadRequest("The event's object is not one the app can read.") from None


def _checkout_change(event: StripeEvent, price_id: str) -> SubscriptionChange | Ignored:
    with _readable_object():
        checkout = StripeCheckoutSession.model_validate(event.data.object)
    if checkout.mode != SUBSCRIPTION_MODE or checkout.subscription is None:
        return Ignored(f"a checkout in {checkout.mode} mode starts no subscription")
    if (checkout.metadata or {}).get("price_id") != price_id:
        return Ignored("a checkout the app did not start for STRIPE_PRICE_ID")
    if checkout.payment_status != PAID:
        # Unpaid: a bank debit that settles later (async_payment_succeeded follows).
        # No payment required: a trial or a full discount; the subscription's events decide.
        return Ignored(f"a checkout with payment_status {checkout.payment_status}")
    return SubscriptionChange(checkout.subscription, checkout.client_reference_id, ACTIVE, price_id)


def _subscription_change(event: StripeEvent, price_id: str) -> SubscriptionChange:
    with _readable_object():
        subscription = StripeSubscription.model_validate(event.data.object)
    prices = [item.price.id for item in subscription.items.data]
    return SubscriptionChange(
        subscription.id,
        (subscription.metadata or {}).get("user_id"),
        subscription.status,
        price_id if price_id in prices else next(iter(prices), None),
    )


def _change(event: StripeEvent, price_id: str) -> SubscriptionChange | Ignored:
    if event.type in CHECKOUT_TYPES:
        return _checkout_change(event, price_id)
    return _subscription_change(event, price_id)


def _user_id(reference: object) -> int | None:
    if isinstance(reference, str) and reference.isascii() and reference.isdigit():
        user_id = int(reference)
        return user_id if 0 < user_id < 2**63 else None
    return None


async def handle(session: AsyncSession, event: StripeEvent, price_id: str) -> Outcome:
    """Apply the event once; a redelivery finds it recorded and changes nothing.

    `price_id` is STRIPE_PRICE_ID: only subscriptions to it make the plan paid.
    """
    log = logger.bind(stripe_event_id=event.id, stripe_event_type=event.type)
    if event.type not in HANDLED_TYPES:
        log.info("stripe event ignored: not a type the app handles")
        return "ignored"
    change = _change(event, price_id)
    reference = change.user_reference if isinstance(change, SubscriptionChange) else None
    user_id = _user_id(reference)
    # Locked before the event is recorded, so that two events about one user
    # (or two deliveries of one event) are applied one after the other.
    user = await repository.locked_user(session, user_id) if user_id is not None else None
    recorded = await repository.record_event(
        session, event.id, event.type, event.created, user.id if user else None
    )
    if not recorded:
        log.info("stripe event already processed")
        return "duplicate"
    if isinstance(change, Ignored):
        log.info("stripe event changes no subscription", reason=change.reason)
        return "ignored"
    if user is None:
        # Retrying cannot help: acknowledge, and leave it to a person.
        log.warning("stripe event names no known user: nothing changed")
        return "unknown_user"
    log = log.bind(user_id=user.id, subscription_id=change.subscription_id)
    saved = await repository.save_subscription(
        session,
        subscription_id=change.subscription_id,
        user_id=user.id,
        status=change.status,
        price_id=change.price_id,
        changed_at=event.created,
        final_statuses=FINAL_STATUSES,
    )
    if not saved:
        log.info("stripe event older than the subscription's last change: not applied")
        return "stale"
    paying = await repository.has_subscription(session, user.id, price_id, PAYING_STATUSES)
    user.plan = Plan.PAID if paying else Plan.FREE
    await session.flush()
    log.info("subscription changed by stripe event", status=change.status, plan=user.plan.value)
    return "applied"
