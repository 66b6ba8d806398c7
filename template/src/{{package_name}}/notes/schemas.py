from datetime import datetime
from typing import Self

from pydantic import Field, model_validator

from ..kit.pagination import PageOut
from ..kit.schemas import RequestModel, ResponseModel
from .models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH


class NoteCreate(RequestModel):
    title: str = Field(min_length=1, max_length=TITLE_MAX_LENGTH)
    body: str = Field("", max_length=BODY_MAX_LENGTH)


class NoteUpdate(RequestModel):
    """The fields to change; a field left out keeps its value."""

    title: str | None = Field(None, min_length=1, max_length=TITLE_MAX_LENGTH)
    body: str | None = Field(None, max_length=BODY_MAX_LENGTH)

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("send title, body or both")
        if "title" in self.model_fields_set and self.title is None:
            raise ValueError("title cannot be null")
        if "body" in self.model_fields_set and self.body is None:
            raise ValueError("body cannot be null")
        return self


class NoteOut(ResponseModel):
    id: int
    title: str
    body: str
    created_at: datetime
    updated_at: datetime


class NotePage(PageOut):
    items: list[NoteOut]
