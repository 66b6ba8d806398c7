"""Dependencies every domain shares."""

from typing import Annotated

from fastapi import Depends, Request

from ..settings import Settings


async def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with (not re-read from the environment)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
