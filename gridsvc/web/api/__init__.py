"""JSON API under /api/v1. Each route is declared with `endpoint(...)`, which builds the
Starlette Route and records what /openapi.json says about it, so no route goes undescribed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...domain.errors import BadRequest, NotFound
from ...store.records import record_id
from ..permissions import require_entitled

PREFIX = "/api/v1"


@dataclass
class Operation:
    path: str
    method: str
    summary: str
    tag: str
    auth: str = "public"  # public | login | scoped
    params: list[dict] = field(default_factory=list)
    body: dict | None = None
    responses: dict = field(default_factory=dict)
    description: str = ""
    action: str | None = None  # the scope action (domain/scope.py RULES) that guards the operation


OPERATIONS: list[Operation] = []


def param(name: str, where: str = "query", *, type_: str = "string", required: bool = False, description: str = "",
          **schema: Any) -> dict:
    return {"name": name, "in": where, "required": required or where == "path", "description": description,
            "schema": {"type": type_, **schema}}


def endpoint(path: str, handler: Callable, method: str, summary: str, *, tag: str, auth: str = "public",
             params: list[dict] = (), body: dict | None = None, responses: dict | None = None,
             description: str = "", prefix: str = PREFIX, name: str | None = None,
             action: str | None = None) -> Route:
    """``action``: the scope action of the operation. A caller whose role has no rule for it
    is turned away (401 anonymous, 403 otherwise) before the handler runs; the handler then
    decides on the area or object. None only for authentication itself (login, token)."""
    full = prefix + path
    OPERATIONS.append(Operation(full, method.lower(), summary, tag, auth, list(params), body, responses or {},
                                description, action))
    return Route(full, _guarded(handler, action) if action else handler, methods=[method], name=name)


def _guarded(handler: Callable, action: str) -> Callable:
    async def guarded(request: Request) -> Response:
        require_entitled(request, action)
        return await handler(request)

    guarded.__name__ = guarded.__qualname__ = handler.__name__
    guarded.__doc__ = handler.__doc__
    return guarded


def json_ok(data: Any, status: int = 200, headers: dict | None = None) -> Response:
    return JSONResponse(data, status_code=status, headers=headers)


async def read_json(request: Request, *, want: type = dict) -> Any:
    raw = await request.body()
    if not raw:
        raise BadRequest("请求体为空,需要 JSON", "the request body is empty; JSON expected", code="empty_body")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        where = f"第 {e.lineno} 行第 {e.colno} 列" if isinstance(e, json.JSONDecodeError) else ""
        raise BadRequest(f"请求体不是有效的 JSON {where}", f"the body is not valid JSON: {e}", code="bad_json") from e
    if not isinstance(data, want):
        raise BadRequest(f"请求体应为 JSON {'对象' if want is dict else '数组'}",
                         f"the body must be a JSON {'object' if want is dict else 'array'}", code="bad_json")
    return data


def path_id(request: Request, name: str = "id") -> int:
    """A record id from the path: anything but a positive 32-bit integer names no record (404)."""
    raw = str(request.path_params.get(name, ""))
    rid = record_id(raw)
    if rid is None:
        raise NotFound(f"找不到编号为 {raw[:40]!r} 的记录", f"no record with id {raw[:40]!r}", details={name: raw[:40]})
    return rid


def query_float(request: Request, name: str, *, required: bool = True) -> float | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        if required:
            raise BadRequest(f"缺少参数 {name}", f"missing query parameter {name}", code="missing_parameter",
                             details={"parameter": name})
        return None
    try:
        v = float(raw)
    except ValueError:
        raise BadRequest(f"参数 {name} 应为数字,收到 {raw!r}", f"{name} must be a number, got {raw!r}",
                         code="bad_parameter", details={"parameter": name}) from None
    if v != v or v in (float("inf"), float("-inf")):
        raise BadRequest(f"参数 {name} 应为有限数字", f"{name} must be finite", code="bad_parameter",
                         details={"parameter": name})
    return v


def query_int(request: Request, name: str, default: int, *, lo: int = 0, hi: int = 10**9) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        v = int(raw)
    except ValueError:
        raise BadRequest(f"参数 {name} 应为整数", f"{name} must be an integer", code="bad_parameter",
                         details={"parameter": name}) from None
    if not lo <= v <= hi:
        raise BadRequest(f"参数 {name} 应在 {lo}-{hi} 之间", f"{name} must be within {lo}-{hi}", code="bad_parameter",
                         details={"parameter": name})
    return v
