"""The community's own registers (seed 004): refusals of work never admitted, the seal's use log."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from gridsvc.store.catalog import refusals, seal

from ..permissions import prefixes, require, require_login
from ..schemas.catalog import Refusal, SealUse
from . import endpoint, json_ok, param, query_int, read_json
from .catalog import authorizer


async def record_refusal(request: Request) -> Response:
    p = require(request, "refusal.record")
    view = await refusals.record_refusal(await read_json(request), actor=p, authorize=authorizer(request))
    return json_ok(view, 201, headers={"Location": f"/api/v1/refusals/{view['id']}"})


async def list_refusals(request: Request) -> Response:
    require_login(request)
    require(request, "refusal.read")
    return json_ok(await refusals.list_refusals(prefixes(request, "refusal.read"),
                                                limit=query_int(request, "limit", 200, lo=1, hi=1000),
                                                offset=query_int(request, "offset", 0)))




async def log_seal_use(request: Request) -> Response:
    p = require(request, "seal.use")
    view = await seal.log_seal_use(await read_json(request), actor=p, authorize=authorizer(request))
    return json_ok(view, 201)


async def list_seal_uses(request: Request) -> Response:
    require_login(request)
    require(request, "seal.read")
    community = request.query_params.get("community") or None
    if community:
        require(request, "seal.read", community)
    return json_ok(await seal.seal_uses(prefixes(request, "seal.read"), community=community,
                                        limit=query_int(request, "limit", 200, lo=1, hi=1000),
                                        offset=query_int(request, "offset", 0)))


ROUTES = [
    endpoint("/refusals", record_refusal, "POST",
             "记录社区拒绝执行未经准入的工作 (record a refusal of unadmitted work)",
             tag="admission", auth="scoped", body=Refusal,
             responses={"201": {"description": "recorded"}}, action="refusal.record"),
    endpoint("/refusals", list_refusals, "GET", "拒绝记录 (refusals in scope)", tag="admission", auth="scoped",
             params=[param("limit", type_="integer"), param("offset", type_="integer")], action="refusal.read"),
    endpoint("/seal-uses", log_seal_use, "POST", "社区印章用印登记 (log a use of the community seal)", tag="admission",
             auth="scoped", body=SealUse,
             responses={"201": {"description": "logged, with its electronic-seal record"}}, action="seal.use"),
    endpoint("/seal-uses", list_seal_uses, "GET", "用印登记 (the seal's use log in scope)", tag="admission",
             auth="scoped", params=[param("community"), param("limit", type_="integer"),
                                    param("offset", type_="integer")], action="seal.read"),
]
