"""Schemas shared by every domain."""

from collections.abc import Sequence
from typing import Any, Self

from pydantic import BaseModel, ConfigDict

from .dependencies import PageParams


class RequestModel(BaseModel):
    """Base of every request body: unknown fields are refused, so a client can
    never set what the schema does not offer (`role`, `owner_id`, `plan`...)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


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
