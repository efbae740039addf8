"""Social organisations: the public registry (credit code checked per GB 32100), service areas,
members and projects, and an organisation's record.

Registering an organisation is civil affairs' (scope action ``org.manage`` on every service
area); an organisation's members manage its projects (``project.manage``, where a member's
areas are the organisation's service areas, see `org_scoped`).
"""

from __future__ import annotations

from dataclasses import replace

from starlette.requests import Request
from starlette.responses import Response

from ...domain.errors import BadRequest, Forbidden
from ...domain.orgs import ORG_KINDS, ORG_STATUSES, ORG_TYPES, describe_credit_code
from ...domain.wishes import WISH_CATEGORIES
from ...store import orgs as store
from ...store.wishes import city_today, utcnow
from ..permissions import can, principal, require, require_login
from . import path_id, endpoint, json_ok, param, query_int, read_json


async def org_scoped(request: Request):
    """An organisation member reaches where their organisation serves: put the service areas
    on the principal, so that the scope rules (``wish.browse``, ``wish.claim``, ``demand.take``,
    ``project.manage``: WITHIN) read "inside the organisation's service areas"."""
    p = principal(request)
    if p.role == "org_member" and p.org_id and not p.extra.get("org_scoped"):
        areas = await store.org_areas(p.org_id)
        p = replace(p, areas=tuple(areas), extra={**p.extra, "org_scoped": True})
        request.state.principal = p
    return p


async def body_or_empty(request: Request) -> dict:
    """A JSON object, or {} for an empty body (steps that need no fields)."""
    if not (await request.body()).strip():
        return {}
    return await read_json(request)


def _manages(request: Request, area_codes: list[str]) -> bool:
    return bool(area_codes) and all(can(request, "org.manage", c) for c in area_codes)


async def list_orgs(request: Request) -> Response:
    require(request, "org.read")
    return json_ok(await store.list_orgs(kind=request.query_params.get("kind") or None,
                                         under=request.query_params.get("under") or None,
                                         q=request.query_params.get("q") or None,
                                         limit=query_int(request, "limit", 100, lo=1, hi=1000),
                                         offset=query_int(request, "offset", 0)))


async def create_org(request: Request) -> Response:
    actor = require_login(request)
    data = await read_json(request)
    fields = store.parse_org(data)
    areas = await store.check_service_areas(data.get("areas"))
    for a in areas:
        require(request, "org.manage", a.code)
        if fields["status"] == "registered":
            require(request, "org.register", a.code)
    org = await store.create_org(fields, areas, actor=actor)
    return json_ok(await store.org_card(org, members=True, projects=True), 201,
                   headers={"Location": f"/api/v1/orgs/{org.id}"})


async def check_code(request: Request) -> Response:
    """Check a credit code without registering anything (for forms)."""
    require(request, "org.read")
    code = request.query_params.get("code")
    if not code:
        raise BadRequest("缺少参数 code", "missing query parameter code", code="missing_parameter",
                         details={"parameter": "code"})
    info = describe_credit_code(code)
    taken = await store.Organisation.filter(credit_code=info["code"]).first().values_list("id", flat=True)
    return json_ok({"valid": True, **info, "registered_org": taken})


async def get_org(request: Request) -> Response:
    require(request, "org.read")
    org = await store.get_org(path_id(request))
    p = principal(request)
    codes = [c for c, _ in await store.org_areas(org.id)]
    members = (p.is_authenticated and p.org_id == org.id) or _manages(request, codes)
    return json_ok(await store.org_card(org, members=members, projects=True))


async def patch_org(request: Request) -> Response:
    actor = require_login(request)
    org = await store.get_org(path_id(request))
    for code, _ in await store.org_areas(org.id):
        require(request, "org.manage", code)
    data = await read_json(request)
    merged = {"name": org.name, "org_type": org.org_type, "kind": org.kind, "status": org.status,
              "credit_code": org.credit_code,
              "phone": org.phone, "address": org.address, **{k: v for k, v in data.items() if k != "areas"}}
    fields = store.parse_org(merged)
    changed = {k: v for k, v in fields.items() if getattr(org, k) != v}
    areas = None
    if "areas" in data:
        areas = await store.check_service_areas(data["areas"])
        for a in areas:
            require(request, "org.manage", a.code)
    if changed.get("status") == "registered":
        for code in [a.code for a in areas] if areas is not None else [c for c, _ in await store.org_areas(org.id)]:
            require(request, "org.register", code)
    org = await store.update_org(org, changed, areas, actor=actor)
    return json_ok(await store.org_card(org, members=True, projects=True))


async def add_member(request: Request) -> Response:
    actor = require_login(request)
    org = await store.get_org(path_id(request))
    for code, _ in await store.org_areas(org.id):
        require(request, "org.manage", code)
    data = await read_json(request)
    user = await store.add_member(org, data.get("username"), actor=actor)
    return json_ok({"org": org.id, "user": {"id": user.id, "username": user.username, "role": user.role}}, 201)


async def create_project(request: Request) -> Response:
    actor = require_login(request)
    org = await store.get_org(path_id(request))
    p = await org_scoped(request)
    if p.role == "org_member" and p.org_id != org.id:
        raise Forbidden("只能为本组织新建项目", "members create projects of their own organisation only",
                        code="not_your_org", details={"org": org.id})
    data = await read_json(request)
    if data.get("areas") not in (None, [], ""):
        codes = [a.code for a in await store.check_service_areas(data.get("areas"))]
    else:
        codes = [c for c, _ in await store.org_areas(org.id)]
    for code in codes or [None]:
        require(request, "project.manage", code)
    project = await store.create_project(org, data, actor=actor, today=city_today(utcnow()))
    return json_ok(store.project_card(project, org=org), 201)


async def list_projects(request: Request) -> Response:
    require(request, "org.read")
    org = await store.get_org(path_id(request))
    return json_ok({"projects": (await store.org_card(org, projects=True))["projects"]})


async def org_record(request: Request) -> Response:
    require(request, "org.read")
    org = await store.get_org(path_id(request))
    return json_ok(await store.org_record(org))


ORG_BODY = {"application/json": {"schema": {"type": "object", "required": ["name", "areas"], "properties": {
    "org_type": {"type": "string", "enum": list(ORG_TYPES),
                 "description": "社会组织、驻区单位或爱心企业 (default social_organisation)"},
    "name": {"type": "string"}, "credit_code": {"type": "string", "description": "统一社会信用代码, 18 位 (GB 32100); "
                                                "登记 (registered) 必填"},
    "kind": {"type": "string", "enum": list(ORG_KINDS), "description": "社会组织必填 (required for social organisations)"},
    "status": {"type": "string", "enum": list(ORG_STATUSES), "description": "缺省备案 (default filed)"},
    "areas": {"type": "array", "items": {"type": "string"}, "description": "服务区域代码 (service area codes)"},
    "phone": {"type": "string"}, "address": {"type": "string"}}}}}
PROJECT_BODY = {"application/json": {"schema": {"type": "object", "required": ["name", "categories", "capacity"], "properties": {
    "name": {"type": "string"}, "description": {"type": "string"},
    "categories": {"type": "array", "items": {"type": "string", "enum": list(WISH_CATEGORIES)}},
    "areas": {"type": "array", "items": {"type": "string"}, "description": "缺省为组织的全部服务区域"},
    "period_start": {"type": "string", "format": "date"}, "period_end": {"type": "string", "format": "date"},
    "capacity": {"type": "integer", "minimum": 1}, "lon": {"type": "number"}, "lat": {"type": "number"}}}}}
ID = param("id", "path", type_="integer")

ROUTES = [
    endpoint("/orgs", list_orgs, "GET", "社会组织名录 (the registry of social organisations)", tag="orgs",
             params=[param("kind", enum=list(ORG_KINDS)), param("under"), param("q"), param("limit", type_="integer"),
                     param("offset", type_="integer")]),
    endpoint("/orgs", create_org, "POST", "登记/备案社会组织 (register or file an organisation)", tag="orgs",
             auth="scoped", body=ORG_BODY, responses={"201": {"description": "created"}}),
    endpoint("/orgs/check-code", check_code, "GET", "校验统一社会信用代码 (check a credit code)", tag="orgs",
             params=[param("code", required=True)]),
    endpoint("/orgs/{id}", get_org, "GET", "社会组织 (one organisation, its areas and projects)", tag="orgs", params=[ID]),
    endpoint("/orgs/{id}", patch_org, "PATCH", "修改社会组织 (edit an organisation)", tag="orgs", auth="scoped",
             params=[ID], body=ORG_BODY),
    endpoint("/orgs/{id}/members", add_member, "POST", "加入成员 (join an account to the organisation)", tag="orgs",
             auth="scoped", params=[ID], body={"application/json": {"schema": {"type": "object", "required": ["username"],
                                                                               "properties": {"username": {"type": "string"}}}}},
             responses={"201": {"description": "joined"}}),
    endpoint("/orgs/{id}/projects", list_projects, "GET", "组织的服务项目 (the organisation's projects)", tag="orgs",
             params=[ID]),
    endpoint("/orgs/{id}/projects", create_project, "POST", "新建服务项目 (add a service project)", tag="orgs",
             auth="scoped", params=[ID], body=PROJECT_BODY, responses={"201": {"description": "created"}}),
    endpoint("/orgs/{id}/record", org_record, "GET", "组织服务记录 (what the organisation took on)", tag="orgs",
             params=[ID]),
]
