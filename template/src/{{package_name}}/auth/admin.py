"""Creating the first administrator from the command line (`create-admin`)."""

from pydantic import EmailStr, TypeAdapter, ValidationError

from ..db.engine import create_engine, create_sessionmaker
from ..settings import Settings
from . import service
from .password_policy import normalise, password_problem

_EMAIL = TypeAdapter(EmailStr)


class AdminInputError(ValueError):
    """The email or password given to create-admin cannot be used."""


def _checked(email: str, password: str) -> tuple[str, str]:
    """The email and password as the API would take them (the same normalisation and
    policy: an admin must be able to sign in with what they typed)."""
    try:
        email = _EMAIL.validate_python(email.strip())
    except ValidationError:
        raise AdminInputError("the email is not a valid address") from None
    password = normalise(password)
    problem = password_problem(password)
    if problem is not None:
        raise AdminInputError(f"the password {problem}")
    return email, password


async def create_admin_in_database(settings: Settings, email: str, password: str) -> None:
    email, password = _checked(email, password)
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            await service.create_admin(session, email, password)
    finally:
        await engine.dispose()
