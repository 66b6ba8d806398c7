"""Stripe events to plan changes: each event verified, and taking effect once.

`checkout.session.completed` (and `checkout.session.async_payment_succeeded`, for
payment methods that settle later) upgrades the user named by the session's
`client_reference_id`; `customer.subscription.deleted` downgrades the user named
by the subscription's `metadata.user_id`. Both ids are set when the app creates
the checkout session (`checkout_session_params`). Other event types are
acknowledged and ignored, without a record: there is nothing to do twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from stripe import SignatureVerificationError, Webhook

from ..auth.models import Plan, User
from ..errors import BadRequest
from . import repository
from .schemas import Outcome, StripeEvent

if TYPE_CHECKING:  # stripe.params takes most of a second to import
    from stripe.params.checkout import SessionCreateParams

logger = structlog.get_logger(__name__)

CHECKOUT_COMPLETED = "checkout.session.completed"
CHECKOUT_PAID_LATER = "checkout.session.async_payment_succeeded"
SUBSCRIPTION_DELETED = "customer.subscription.deleted"
HANDLED_TYPES = frozenset({CHECKOUT_COMPLETED, CHECKOUT_PAID_LATER, SUBSCRIPTION_DELETED})
# A completed checkout whose money has not arrived (bank debits): wait for
# checkout.session.async_payment_succeeded.
UNPAID = "unpaid"
# Stripe's default: a signature more than 5 minutes old is refused (a replayed capture).
SIGNATURE_TOLERANCE_SECONDS = Webhook.DEFAULT_TOLERANCE
# A body that is not UTF-8, not JSON, or not an event (a named tuple of exceptions:
# `except` then reads, and is formatted, the same on every targeted Python).
NOT_AN_EVENT = (ValueError, ValidationError)


@dataclass(frozen=True)
class PlanChange:
    user_reference: object  # the id the app gave Stripe, as Stripe sends it back
    plan: Plan


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
    """A Stripe Checkout Session for a subscription the webhook can attribute to `user`:
    `client_reference_id` comes back in checkout.session.completed, the subscription's
    metadata in customer.subscription.deleted.

        client = stripe.StripeClient(settings.stripe_api_key.get_secret_value())
        checkout = await client.v1.checkout.sessions.create_async(
            params=checkout_session_params(user, "price_...", success_url, cancel_url)
        )  # then send the browser to checkout.url
    """
    user_id = str(user.id)
    return {
        "mode": "subscription",
        "line_items": [{"price": price_id, "quantity": 1}],
        "client_reference_id": user_id,
        "customer_email": user.email,
        "subscription_data": {"metadata": {"user_id": user_id}},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }


def _plan_change(event: StripeEvent) -> PlanChange | None:
    session_or_subscription = event.data.object
    if event.type == SUBSCRIPTION_DELETED:
        metadata = session_or_subscription.get("metadata")
        reference = metadata.get("user_id") if isinstance(metadata, Mapping) else None
        return PlanChange(reference, Plan.FREE)
    if session_or_subscription.get("payment_status") == UNPAID:
        return None
    return PlanChange(session_or_subscription.get("client_reference_id"), Plan.PAID)


def _user_id(reference: object) -> int | None:
    if isinstance(reference, str) and reference.isascii() and reference.isdigit():
        user_id = int(reference)
        return user_id if 0 < user_id < 2**63 else None
    return None


async def handle(session: AsyncSession, event: StripeEvent) -> Outcome:
    """Apply the event once; a redelivery finds it recorded and changes nothing."""
    log = logger.bind(stripe_event_id=event.id, stripe_event_type=event.type)
    if event.type not in HANDLED_TYPES:
        log.info("stripe event ignored: not a type the app handles")
        return "ignored"
    change = _plan_change(event)
    user_id = _user_id(change.user_reference) if change else None
    # Locked before the event is recorded, so that two events about one user
    # (or two deliveries of one event) are applied one after the other.
    user = await repository.locked_user(session, user_id) if user_id is not None else None
    recorded = await repository.record_event(
        session, event.id, event.type, event.created, user.id if user else None
    )
    if not recorded:
        log.info("stripe event already processed")
        return "duplicate"
    if change is None:
        log.info("stripe checkout completed unpaid: waiting for its payment")
        return "ignored"
    if user is None:
        # Retrying cannot help: acknowledge, and leave it to a person.
        log.warning("stripe event names no known user: nothing changed")
        return "unknown_user"
    if await repository.has_newer_change(session, user.id, event.id, event.created):
        log.info("stripe event older than the user's last plan change: not applied")
        return "stale"
    user.plan = change.plan
    await session.flush()
    log.info("plan changed by stripe event", user_id=user.id, plan=change.plan.value)
    return "applied"
