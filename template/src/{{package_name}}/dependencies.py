"""Dependencies every domain shares: the settings, and a bounded page of a list."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request

from .settings import Settings

MAX_PAGE_SIZE = 100


# Dependencies are `async def` even when they await nothing: FastAPI runs a plain
# `def` in a worker thread, a hand-off that costs more than the function itself.


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]
