"""What the browser's code needs from the server at run time, so that one build of the
frontend serves every environment."""

from fastapi import APIRouter

from ..kit.dependencies import SettingsDep
from ..kit.schemas import ResponseModel
from ..observability.sentry import release

router = APIRouter(prefix="/client-config", tags=["web"])


class ClientConfig(ResponseModel):
    sentry_dsn: str | None  # the browser's Sentry project; reporting is off when None
    environment: str
    release: str


@router.get("")
async def client_config(settings: SettingsDep) -> ClientConfig:
    """Public: the browser reads it before anyone signs in. It holds nothing secret."""
    dsn = settings.sentry_browser_dsn
    return ClientConfig(
        sentry_dsn=str(dsn) if dsn else None, environment=settings.app_env, release=release()
    )
