"""Creating the first administrator from the command line (`create-admin`)."""

from pydantic import EmailStr, TypeAdapter, ValidationError

from ..db.engine import create_engine, create_sessionmaker
from ..settings import Settings
from . import service
from .schemas import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

_EMAIL = TypeAdapter(EmailStr)


class AdminInputError(ValueError):
    """The email or password given to create-admin cannot be used."""


def _checked(email: str, password: str) -> str:
    try:
        email = _EMAIL.validate_python(email)
    except ValidationError:
        raise AdminInputError("the email is not a valid address") from None
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise AdminInputError(
            f"the password must have {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters"
        )
    return email


async def create_admin_in_database(settings: Settings, email: str, password: str) -> None:
    email = _checked(email, password)
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            await service.create_admin(session, email, password)
    finally:
        await engine.dispose()
