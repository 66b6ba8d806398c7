"""Stripe's events as its webhook sends them (the fields of its API reference, trimmed),
signed offline with the stripe library's own helper and the test apps'
STRIPE_WEBHOOK_SECRET, exactly as Stripe signs them."""

import time
import uuid
from typing import Any

import httpx
import stripe
from stripe import WebhookSignature

from tests.support import STRIPE_PRICE_ID, STRIPE_WEBHOOK_SECRET

# The URL Stripe is configured with: a test fails if it moves.
WEBHOOK_PATH = "/api/v1/billing/webhook"
OTHER_PRICE_ID = "price_1SomeOtherProduct"
Event = dict[str, Any]
MONTH = 30 * 24 * 3600


def stripe_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:24]}"


def event(
    event_type: str,
    data: dict[str, Any],
    *,
    created: float | None = None,
    previous: dict[str, Any] | None = None,
) -> Event:
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "api_version": stripe.api_version,
        "created": int(created if created is not None else time.time()),
        "data": {"object": data, **({"previous_attributes": previous} if previous else {})},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def checkout_session(
    user_id: object,
    *,
    mode: str = "subscription",
    payment_status: str = "paid",
    amount_total: int | None = 900,
    price_id: str | None = STRIPE_PRICE_ID,
    subscription_id: str | None = None,
) -> dict[str, Any]:
    """A completed Checkout Session; `price_id` is the `metadata.price_id` the app sets."""
    now = int(time.time())
    subscription = (subscription_id or stripe_id("sub")) if mode == "subscription" else None
    return {
        "id": stripe_id("cs_test"),
        "object": "checkout.session",
        "mode": mode,
        "status": "complete",
        "payment_status": payment_status,
        "amount_subtotal": amount_total,
        "amount_total": amount_total,
        "currency": None if amount_total is None else "eur",
        "client_reference_id": str(user_id),
        "customer": stripe_id("cus"),
        "customer_email": "someone@bookings.test",
        "metadata": {} if price_id is None else {"price_id": price_id},
        "subscription": subscription,
        "payment_intent": stripe_id("pi") if mode == "payment" else None,
        "setup_intent": stripe_id("seti") if mode == "setup" else None,
        "success_url": "https://bookings.acme.dev/?checkout=success",
        "cancel_url": "https://bookings.acme.dev/?checkout=cancelled",
        "url": None,
        "livemode": False,
        "created": now,
        "expires_at": now + 24 * 3600,
    }


def checkout_completed(user_id: object, **session: Any) -> Event:
    return event("checkout.session.completed", checkout_session(user_id, **session))


def subscription(
    user_id: object | None,
    *,
    status: str = "active",
    price_id: str = STRIPE_PRICE_ID,
    subscription_id: str | None = None,
) -> dict[str, Any]:
    """A subscription with one item; `metadata.user_id` is what the app's checkout sets."""
    now = int(time.time())
    subscription_id = subscription_id or stripe_id("sub")
    item = {
        "id": stripe_id("si"),
        "object": "subscription_item",
        "price": {
            "id": price_id,
            "object": "price",
            "active": True,
            "currency": "eur",
            "product": stripe_id("prod"),
            "recurring": {"interval": "month", "interval_count": 1, "usage_type": "licensed"},
            "type": "recurring",
            "unit_amount": 900,
        },
        "quantity": 1,
        "current_period_start": now,
        "current_period_end": now + MONTH,
    }
    ended = now if status in {"canceled", "incomplete_expired"} else None
    return {
        "id": subscription_id,
        "object": "subscription",
        "customer": stripe_id("cus"),
        "status": status,
        "metadata": {} if user_id is None else {"user_id": str(user_id)},
        "items": {
            "object": "list",
            "data": [item],
            "has_more": False,
            "total_count": 1,
            "url": f"/v1/subscription_items?subscription={subscription_id}",
        },
        "cancel_at_period_end": False,
        "canceled_at": ended,
        "ended_at": ended,
        "collection_method": "charge_automatically",
        "currency": "eur",
        "latest_invoice": stripe_id("in"),
        "start_date": now,
        "created": now,
        "trial_end": None,
        "livemode": False,
    }


def subscription_event(change: str, data: dict[str, Any], *, created: float | None = None) -> Event:
    """customer.subscription.`change` (created, updated, deleted) about `data`."""
    return event(f"customer.subscription.{change}", data, created=created)


def body_of(payload: Event) -> bytes:
    """The bytes httpx sends for `json=payload`: what the signature must cover."""
    return httpx.Request("POST", "http://test", json=payload).content


def signature(
    body: bytes, *, secret: str = STRIPE_WEBHOOK_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    header = WebhookSignature.generate_signature_header(body.decode(), secret, timestamp)
    return {"Stripe-Signature": header}


async def deliver(client: httpx.AsyncClient, payload: Event) -> httpx.Response:
    body = body_of(payload)
    return await client.post(
        WEBHOOK_PATH, content=body, headers={**signature(body), "Content-Type": "application/json"}
    )
