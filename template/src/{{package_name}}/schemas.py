"""Schemas shared by every domain."""

from pydantic import BaseModel, ConfigDict


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


def next_offset(returned: int, limit: int, offset: int) -> int | None:
    return offset + limit if returned == limit else None
