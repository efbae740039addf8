"""JSON API under /api/v1. Each route is declared with `endpoint(...)`, which builds the
Starlette Route and records what /openapi.json says about it, so no route goes undescribed.

The route runs the handler behind two checks: an operation that needs a login answers 401 to an
anonymous caller before anything else, and an operation with a body model (`body=Model`) reads
and validates the body against it (`gridsvc.web.body`) before the handler sees the request."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Awaitable, Callable, Sequence

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...domain import crs as crs_mod
from ...domain.error_codes import ErrorCode
from ...domain.errors import BadRequest, NotFound, Unauthenticated
from ...store.records import record_id
from ..body import parse_json, read_body
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
    model: type[BaseModel] | None = None
    empty_ok: bool = False
    forms: bool = False
    action: str | None = None  # the scope action (domain/scope.py RULES) that guards the operation


OPERATIONS: list[Operation] = []


def param(name: str, where: str = "query", *, type_: str = "string", required: bool = False, description: str = "",
          **schema: Any) -> dict:
    return {"name": name, "in": where, "required": required or where == "path", "description": description,
            "schema": {"type": type_, **schema}}


def endpoint(path: str, handler: Callable[[Request], Awaitable[Response]], method: str, summary: str, *, tag: str,
             auth: str = "public", params: Sequence[dict] = (), body: type[BaseModel] | dict | None = None,
             empty_ok: bool = False, forms: bool = False, responses: dict | None = None, description: str = "",
             prefix: str = PREFIX, name: str | None = None, action: str | None = None) -> Route:
    """`body` is the operation's pydantic model (JSON bodies) or an OpenAPI content map (files);
    `empty_ok`: an empty body counts as `{}`; `forms`: a form post is passed on unread (the
    handler validates its fields with the same model). `action`: the scope action of the
    operation; a caller whose role has no rule for it is turned away (401 anonymous, 403
    otherwise) before the body is read; the handler then decides on the area or object. None
    only for authentication itself (login, token)."""
    full = prefix + path
    model = body if isinstance(body, type) and issubclass(body, BaseModel) else None
    content = body if isinstance(body, dict) else None
    OPERATIONS.append(Operation(full, method.lower(), summary, tag, auth, list(params), content, responses or {},
                                description, model, empty_ok, forms, action))
    needs_login = auth != "public"

    async def guarded(request: Request) -> Response:
        if needs_login and not request.state.principal.is_authenticated:
            raise Unauthenticated("请先登录", "login required")
        if action is not None:
            require_entitled(request, action)
        if model is not None and not (forms and _is_form(request)):
            await read_body(request, model, empty_ok=empty_ok)
        return await handler(request)

    guarded.__name__ = guarded.__qualname__ = getattr(handler, "__name__", "endpoint")
    guarded.__doc__ = handler.__doc__
    return Route(full, guarded, methods=[method], name=name)


def _is_form(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded",
                                                              "multipart/form-data"))


def json_ok(data: Any, status: int = 200, headers: dict | None = None) -> Response:
    return JSONResponse(data, status_code=status, headers=headers)


async def read_json(request: Request, *, want: type = dict) -> Any:
    """The body as parsed JSON: validated already when the operation declares a model."""
    data = getattr(request.state, "json", None)
    if data is None:
        data = parse_json(await request.body())
    if not isinstance(data, want):
        raise BadRequest(f"请求体应为 JSON {'对象' if want is dict else '数组'}",
                         f"the body must be a JSON {'object' if want is dict else 'array'}", code=ErrorCode.BAD_JSON)
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
            raise BadRequest(f"缺少参数 {name}", f"missing query parameter {name}", code=ErrorCode.MISSING_PARAMETER,
                             details={"parameter": name})
        return None
    try:
        v = float(raw)
    except ValueError:
        raise BadRequest(f"参数 {name} 应为数字,收到 {raw!r}", f"{name} must be a number, got {raw!r}",
                         code=ErrorCode.BAD_PARAMETER, details={"parameter": name}) from None
    if v != v or v in (float("inf"), float("-inf")):
        raise BadRequest(f"参数 {name} 应为有限数字", f"{name} must be finite", code=ErrorCode.BAD_PARAMETER,
                         details={"parameter": name})
    return v


def query_int(request: Request, name: str, default: int, *, lo: int = 0, hi: int = 10**9) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        v = int(raw)
    except ValueError:
        raise BadRequest(f"参数 {name} 应为整数", f"{name} must be an integer", code=ErrorCode.BAD_PARAMETER,
                         details={"parameter": name}) from None
    if not lo <= v <= hi:
        raise BadRequest(f"参数 {name} 应在 {lo}-{hi} 之间", f"{name} must be within {lo}-{hi}",
                         code=ErrorCode.BAD_PARAMETER,
                         details={"parameter": name})
    return v


def query_bool(request: Request, name: str, default: bool) -> bool:
    """A true/false query parameter (1/0, yes/no, on/off too); anything else is a 400 naming it."""
    raw = (request.query_params.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise BadRequest(f"参数 {name} 应为 true 或 false", f"{name} must be true or false", code=ErrorCode.BAD_PARAMETER,
                     details={"parameter": name})


BBox = tuple[float, float, float, float]


def query_bbox(request: Request, crs: str = "wgs84") -> BBox | None:
    """``bbox=minlon,minlat,maxlon,maxlat`` in `crs`, returned in WGS-84 (None when absent). Four
    finite numbers, longitudes within ±180 and latitudes within ±90, each minimum at most its
    maximum; anything else is a 400 `bad_parameter` naming bbox and what is wrong. The one reader
    of every bbox the API and the pages take (areas, compounds, wishes, the choropleth)."""
    raw = request.query_params.get("bbox")
    if not raw:
        return None

    def bad(zh: str, en: str) -> BadRequest:
        return BadRequest(f"参数 bbox 应为 最小经度,最小纬度,最大经度,最大纬度:{zh}",
                          f"bbox is minlon,minlat,maxlon,maxlat: {en}", code=ErrorCode.BAD_PARAMETER,
                          details={"parameter": "bbox", "value": raw[:80]})

    try:
        parts = [float(x) for x in raw.split(",")]
    except ValueError:
        raise bad("应为四个数字", "four numbers expected") from None
    if len(parts) != 4:
        raise bad(f"应为四个数字,收到 {len(parts)} 个", f"four numbers expected, got {len(parts)}")
    if not all(math.isfinite(v) for v in parts):
        raise bad("应为有限数字", "the numbers must be finite")
    minx, miny, maxx, maxy = parts
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180):
        raise bad("经度应在 -180 到 180 之间", "longitudes lie within -180..180")
    if not (-90 <= miny <= 90 and -90 <= maxy <= 90):
        raise bad("纬度应在 -90 到 90 之间", "latitudes lie within -90..90")
    if minx > maxx or miny > maxy:
        raise bad("最小值不能大于最大值", "a minimum is greater than its maximum")
    if crs != "wgs84":  # the box is in the map's system: its four corners, converted
        xs, ys = crs_mod.transform_coords([minx, maxx, minx, maxx], [miny, miny, maxy, maxy], crs, "wgs84")
        return float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys))
    return minx, miny, maxx, maxy


def query_date(request: Request, name: str = "on") -> date | None:
    """A YYYY-MM-DD query parameter (None when absent); anything else is a 400 naming it."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise BadRequest(f"参数 {name} 应为日期 YYYY-MM-DD,收到 {raw[:40]!r}",
                         f"{name} must be a date YYYY-MM-DD, got {raw[:40]!r}",
                         code=ErrorCode.BAD_PARAMETER, details={"parameter": name, "value": raw[:40]}) from None
