"""The bases of every request and response schema."""

from pydantic import BaseModel, ConfigDict

# The largest id a BIGINT column holds: ids in paths and bodies are bounded by it.
MAX_ID = 2**63 - 1


class RequestModel(BaseModel):
    """Base of every request body: unknown fields are refused, so a client can
    never set what the schema does not offer (`role`, `owner_id`, `plan`...)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)
