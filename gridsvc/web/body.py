"""Reading a request body against the operation's declared schema, before any handler runs.

Three checks come before JSON parsing because the parser cannot make them safely: the size
(the settings' limit), the nesting depth (json.loads recurses once per level; 1,000 levels
reach the interpreter's limit) and lone UTF-16 surrogates (json.loads turns "\\ud800" into a
str that breaks the first time it is encoded for the database or the answer). Then pydantic
validates the body against the operation's model in strict JSON mode; each problem is listed
with its place (`loc`)."""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError
from starlette.requests import Request

from ..domain.error_codes import ErrorCode
from ..domain.errors import BadRequest, ValidationError

MAX_DEPTH = 64
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def nesting_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in `raw` JSON (strings do not count)."""
    skeleton = np.frombuffer(_STRING.sub(b"", raw), dtype=np.uint8)
    steps = np.zeros(len(skeleton), dtype=np.int32)
    steps[(skeleton == ord("[")) | (skeleton == ord("{"))] = 1
    steps[(skeleton == ord("]")) | (skeleton == ord("}"))] = -1
    return int(np.cumsum(steps).max()) if len(steps) else 0


def _lone_surrogate(value: Any, loc: tuple) -> tuple | None:
    """The place of the first string (or key) holding a lone surrogate, or None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return loc
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            found = _lone_surrogate(k, loc + (k,)) or _lone_surrogate(v, loc + (k,))
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found = _lone_surrogate(v, loc + (i,))
            if found is not None:
                return found
    return None


def _no_constant(name: str) -> Any:
    # json.loads takes NaN and Infinity, which are not JSON and no column holds
    raise json.JSONDecodeError(f"{name} is not a JSON number", name, 0)


def parse_json(raw: bytes) -> Any:
    """`raw` as JSON, refusing what the parser or later encoding would trip over."""
    if not raw.strip():
        raise BadRequest("请求体为空,需要 JSON", "the request body is empty; JSON expected", code=ErrorCode.EMPTY_BODY)
    depth = nesting_depth(raw)
    if depth > MAX_DEPTH:
        raise BadRequest(f"JSON 嵌套过深({depth} 层,最多 {MAX_DEPTH} 层)",
                         f"JSON nested too deeply ({depth} levels, at most {MAX_DEPTH})", code=ErrorCode.TOO_DEEP,
                         details={"depth": depth, "max_depth": MAX_DEPTH})
    try:
        data = json.loads(raw, parse_constant=_no_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        where = f"第 {e.lineno} 行第 {e.colno} 列" if isinstance(e, json.JSONDecodeError) else ""
        raise BadRequest(f"请求体不是有效的 JSON {where}", f"the body is not valid JSON: {e}",
                         code=ErrorCode.BAD_JSON) from e
    if _SURROGATE_ESCAPE.search(raw):
        loc = _lone_surrogate(data, ())
        if loc is not None:
            raise BadRequest(f"{_dotted(loc) or '请求体'} 含有不成对的 UTF-16 代理字符",
                             f"{_dotted(loc) or 'the body'} holds a lone UTF-16 surrogate", code=ErrorCode.BAD_UNICODE,
                             details={"field": _dotted(loc), "loc": ["body", *loc]})
    return data


def _dotted(loc: tuple) -> str:
    return ".".join(str(p) for p in loc)


_UNION_TAG = re.compile(r"^(str|int|float|bool|none|constrained-.*|function-.*|.*\[.*|[A-Z][A-Za-z]*)$")


def _field_loc(loc: tuple) -> tuple:
    # pydantic adds the union member tried ("constrained-str", "Point") to the path: not a field
    return tuple(p for p in loc if isinstance(p, int) or not _UNION_TAG.match(p))


def problems(err: PydanticError) -> list[dict]:
    """Each problem once per place, with its path in the body."""
    found: dict[tuple, dict] = {}
    for e in err.errors(include_url=False, include_input=False):
        loc = _field_loc(e["loc"])
        found.setdefault(loc, {"loc": ["body", *loc], "field": _dotted(loc), "message": e["msg"], "type": e["type"]})
    return list(found.values())


def validate(model: type[BaseModel], data: bytes | dict) -> BaseModel:
    """`data` (JSON that `parse_json` accepted, or a form as a dict) checked against `model`: 422
    `invalid_body` naming the first problem's field and listing every problem with its place."""
    try:
        return model.model_validate_json(data if isinstance(data, bytes) else json.dumps(data), strict=True)
    except PydanticError as e:
        found = problems(e)
        first = found[0]
        where = first["field"] or "(body)"
        # the first problem's field on top (as every other 422 names it), then each problem
        raise ValidationError(f"请求体不符合要求:{where}:{first['message']}",
                              f"invalid body: {where}: {first['message']}",
                              code=ErrorCode.INVALID_BODY, details={"field": first["field"], "loc": first["loc"],
                                                            "problems": found}) from None


async def read_body(request: Request, model: type[BaseModel], *, empty_ok: bool = False) -> Any:
    """Parse and validate the body; the parsed JSON goes to `request.state.json`, the model to
    `request.state.body`."""
    raw = await request.body()
    if empty_ok and not raw.strip():
        data, raw = {}, b"{}"
    else:
        data = parse_json(raw)
    request.state.body = validate(model, raw)
    request.state.json = data
    return request.state.body
