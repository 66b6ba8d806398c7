"""A bounded page of a list: the `limit`/`offset` query and the page it answers."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Self

from fastapi import Depends, Query

from .schemas import ResponseModel

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int


# Dependencies are `async def` even when they await nothing: FastAPI runs a plain
# `def` in a worker thread, a hand-off that costs more than the function itself.
async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


class PageOut(ResponseModel):
    """A page of a list; subclasses declare `items`."""

    limit: int
    offset: int
    # Where the next page starts; null on the last page.
    next_offset: int | None

    @classmethod
    def of(cls, items: Sequence[Any], page: PageParams) -> Self:
        """The page holding `items`, asked for with `page` (a full page may have a next)."""
        return cls(
            items=items,
            limit=page.limit,
            offset=page.offset,
            next_offset=page.offset + page.limit if len(items) == page.limit else None,
        )
