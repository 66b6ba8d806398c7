"""Demo data for a first look at the app (`make seed`): never in staging or production."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .auth import repository as users
from .auth import service as accounts
from .bookings import service as bookings
from .db.engine import create_engine, create_sessionmaker
from .settings import Settings

ADMIN_EMAIL = "admin@example.org"
USER_EMAIL = "user@example.org"
SLOTS = 10
BOOKED = 2


class DemoRefused(RuntimeError):
    """Demo accounts with known names have no place next to real users."""


@dataclass(frozen=True)
class DemoAccounts:
    """The accounts `seed` made, with their passwords (shown once, stored hashed)."""

    admin_password: str
    user_password: str


async def seed(settings: Settings) -> DemoAccounts | None:
    """An admin, a user, slots in the coming days and two bookings of the user's.

    None when the demo admin exists already (seeded before): nothing is changed.
    """
    if settings.app_env in {"staging", "production"}:
        raise DemoRefused(f"demo data is for development, not {settings.app_env}")
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            if await users.user_by_email(session, ADMIN_EMAIL) is not None:
                return None
            made = DemoAccounts(secrets.token_urlsafe(12), secrets.token_urlsafe(12))
            await accounts.create_admin(session, ADMIN_EMAIL, made.admin_password)
            user = await accounts.create_confirmed_user(session, USER_EMAIL, made.user_password)
            # Whole hours from tomorrow on, an hour long: they cannot overlap.
            first = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
            first += timedelta(days=1)
            slots = [
                await bookings.create_slot(
                    session, first + timedelta(hours=2 * n), first + timedelta(hours=2 * n + 1)
                )
                for n in range(SLOTS)
            ]
            for slot in slots[:BOOKED]:
                await bookings.book(session, user, slot.id, "booked by make seed")
            return made
    finally:
        await engine.dispose()
