"""Request bodies, one pydantic model per operation, split by feature. `endpoint(..., body=Model)`
validates the body against the model before the handler runs, and /openapi.json publishes the
same model (`Model.model_json_schema()`), so what is checked and what is documented cannot drift.

The building blocks below bound every value by what its column or its rule holds: record ids
are positive 32-bit integers, counts and amounts finite and in range, texts no longer than their
columns, names free of control and invisible characters (`gridsvc.domain.text`)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    WithJsonSchema,
)

from ...domain.text import name_problem

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1


class Body(BaseModel):
    """A request body: unknown fields are refused (a field the operation does not take is a
    mistake the caller should hear about, not something silently ignored)."""

    model_config = ConfigDict(extra="forbid")


class OpenBody(BaseModel):
    """A body that carries free-form fields the store checks (catalog items, area properties)."""

    model_config = ConfigDict(extra="allow")


def _name(value: str) -> str:
    problem = name_problem(value)
    if problem is not None:
        raise ValueError(f"contains a {problem}")
    return value


def _json_value(value: Any, depth: int = 0) -> Any:
    # free-form values are stored as JSON: integers must fit a 64-bit column, floats be finite
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        if abs(value) > INT64_MAX:
            raise ValueError("integer out of the 64-bit range")
        return value
    if isinstance(value, float):
        if not abs(value) <= 1e15:  # also NaN and the infinities
            raise ValueError("number must be finite and within ±1e15")
        return value
    if isinstance(value, list):
        return [_json_value(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v, depth + 1) for k, v in value.items()}
    return value


Id = Annotated[int, Field(ge=1, le=INT32_MAX, description="记录编号 (record id)")]
Count = Annotated[int, Field(ge=0, le=INT32_MAX)]
Name = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_name)]
Username = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_name)]
Code = Annotated[str, Field(min_length=1, max_length=24, description="区域代码 (area code)")]
Phone = Annotated[str, Field(max_length=20)]
Address = Annotated[str, Field(max_length=200)]
Title = Annotated[str, Field(max_length=50)]
ShortText = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=5000)]
# out-of-range coordinates are the domain's to name (it spots swapped lon/lat): only finiteness here
Lon = Annotated[float, Field(ge=-1000, le=1000, allow_inf_nan=False, description="经度 WGS-84 (longitude)")]
Lat = Annotated[float, Field(ge=-1000, le=1000, allow_inf_nan=False, description="纬度 WGS-84 (latitude)")]
Finite = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]
JsonObject = Annotated[dict[str, Any], AfterValidator(_json_value)]
Codes = Annotated[list[Code], Field(max_length=10_000)]

Int64 = Annotated[int, Field(ge=-INT64_MAX, le=INT64_MAX)]
Text = Annotated[str, Field(max_length=5000)]
MAX_TEXT = 5000


def _scalar(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        raise ValueError(f"must be a single value (text, number, true/false or null), not {type(value).__name__}")
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise ValueError(f"text longer than {MAX_TEXT} characters")
    return _json_value(value)


# A value whose type and range the domain checks itself with its own error (a count given as
# "3", a fee as text or number): any JSON scalar, bounded so that nothing past a column's reach
# gets through; an object or a list in its place is refused here, with the field's path.
Scalar = Annotated[Any, PlainValidator(_scalar), WithJsonSchema(
    {"type": ["string", "number", "integer", "boolean", "null"], "maxLength": MAX_TEXT})]
