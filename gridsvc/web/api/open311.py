"""Open311 GeoReport v2 read endpoints over the catalog, so existing Open311 clients can list
what a community offers.

- ``GET /open311/v2/services.json?jurisdiction_id=CODE``: the services in force today in the
  area ``CODE`` (a community, street, district or the city; street-wide and district-wide
  items included). Without ``jurisdiction_id``: every service in force anywhere.
- ``GET /open311/v2/services/{service_code}.json?jurisdiction_id=CODE``: the service
  definition, whose attributes are the materials to bring.

Only what residents can ask for is a service: the lists of work the community must not take
on and of certificates it must not issue are left out. Errors follow GeoReport v2: a JSON
array of ``{"code": <HTTP status>, "description": "..."}``. JSON only (no .xml).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gridsvc.store import catalog as store

from ...domain import clock
from ...domain.catalog import NEGATIVE_LISTS, Material, ServiceItemData, check_item
from ...domain.error_codes import ErrorCode
from ...domain.errors import DomainError, NotFound
from ...domain.open311 import service, service_definition
from . import endpoint, param
from .catalog import catalog_search

PREFIX = "/open311/v2"
# the negative lists (must not take on, must not certify) are not services to request
NOT_SERVICES = NEGATIVE_LISTS


def georeport_error(e: DomainError) -> Response:
    return JSONResponse([{"code": e.status, "description": e.message}], status_code=e.status)


async def _jurisdiction(request: Request) -> str | None:
    code = (request.query_params.get("jurisdiction_id") or "").strip()
    if not code:
        return None
    if not (await request.app.state.index.get()).knows(code):
        raise NotFound(f"jurisdiction_id {code} 不存在", f"jurisdiction_id {code} was not found",
                       code=ErrorCode.JURISDICTION_NOT_FOUND)
    return code


def _light_item(s: dict) -> ServiceItemData:
    """Enough of an item for `service` (from the index's listing form, without a query)."""
    return ServiceItemData(code=s["code"], name=s["name"], category=s["category"], list=s["list"],
                           summary=s["summary"], materials=[Material(name=m) for m in s["materials"]],
                           keywords=list(s["keywords"]))


async def services(request: Request) -> Response:
    try:
        area = await _jurisdiction(request)
        search = await catalog_search(request)
        found = search.search(None, area_code=area, on=clock.today(), limit=None)
    except DomainError as e:
        return georeport_error(e)
    return JSONResponse([service(_light_item(s)) for s in found if s["list"] not in NOT_SERVICES])


async def service_definition_json(request: Request) -> Response:
    code = request.path_params["service_code"]
    try:
        area = await _jurisdiction(request)
        view = await store.item_detail(code, day=clock.today(), area=area)
        if view["list"] in NOT_SERVICES:
            raise NotFound(f"{code} 不是可申请的服务", f"{code} is not a service", code=ErrorCode.NOT_A_SERVICE)
    except DomainError as e:
        return georeport_error(e)
    item = check_item({k: view[k] for k in ("code", "name", "category", "list", "summary", "legal_basis", "materials",
                                            "time_limit_days", "fee", "contact", "keywords")})
    return JSONResponse(service_definition(item))


_JURISDICTION = param("jurisdiction_id", description="区域代码:社区、街道、区县或市 (area code of the jurisdiction)")
_ERRORS = {"404": {"description": "GeoReport error", "content": {"application/json": {"schema": {
    "type": "array", "items": {"type": "object", "properties": {"code": {"type": "integer"},
                                                                  "description": {"type": "string"}}}}}}}}
_SERVICE = {"type": "object", "required": ["service_code", "service_name", "description", "metadata", "type",
                                           "keywords", "group"], "properties": {
    "service_code": {"type": "string"}, "service_name": {"type": "string"}, "description": {"type": "string"},
    "metadata": {"type": "boolean"}, "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
    "keywords": {"type": "string"}, "group": {"type": "string"}}}
_ATTRIBUTE = {"type": "object", "properties": {
    "variable": {"type": "boolean"}, "code": {"type": "string"}, "datatype": {"type": "string"},
    "required": {"type": "boolean"}, "datatype_description": {"type": ["string", "null"]}, "order": {"type": "integer"},
    "description": {"type": "string"}, "values": {"type": "array", "items": {"type": "object", "properties": {
        "key": {"type": "string"}, "name": {"type": "string"}}}}}}

ROUTES = [
    endpoint(f"{PREFIX}/services.json", services, "GET", "Open311 GeoReport v2: 服务列表 (GET services)", tag="open311",
             prefix="", params=[_JURISDICTION], responses={"200": {"description": "services", "content": {
                 "application/json": {"schema": {"type": "array", "items": _SERVICE}}}}, **_ERRORS},
             action="catalog.read"),
    endpoint(f"{PREFIX}/services/{{service_code}}.json", service_definition_json, "GET",
             "Open311 GeoReport v2: 服务定义,属性为所需材料 (GET service definition: the materials)", tag="open311",
             prefix="", params=[param("service_code", "path"), _JURISDICTION],
             responses={"200": {"description": "service definition", "content": {"application/json": {"schema": {
                 "type": "object", "properties": {"service_code": {"type": "string"},
                                                  "attributes": {"type": "array", "items": _ATTRIBUTE}}}}}}, **_ERRORS},
             action="catalog.read"),
]
