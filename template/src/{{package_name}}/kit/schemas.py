"""The bases of every request and response schema."""

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from .text import storable_text_problem

# The largest id a BIGINT column holds: ids in paths and bodies are bounded by it.
MAX_ID = 2**63 - 1
# Unknown fields a body may carry before it is refused as a whole: each would be one
# error, and 90,000 of them made a 1 MB body cost seconds and an 8 MB answer.
MAX_UNKNOWN_FIELDS = 8


class RequestModel(BaseModel):
    """Base of every request body: unknown fields are refused, so a client can
    never set what the schema does not offer (`role`, `owner_id`, `plan`...);
    text PostgreSQL cannot store (a NUL, a lone surrogate) is refused with 422."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _bounded_and_storable(cls, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = len(data.keys() - cls.model_fields.keys())
            if unknown > MAX_UNKNOWN_FIELDS:
                raise PydanticCustomError(
                    "too_many_fields",
                    "{count} fields this body does not have; at most {limit} are reported",
                    {"count": unknown, "limit": MAX_UNKNOWN_FIELDS},
                )
        problem = storable_text_problem(data)
        if problem is not None:
            raise PydanticCustomError("unstorable_text", problem)
        return data


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)
