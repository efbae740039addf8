"""Social organisations: the public registry (credit code checked per GB 32100), service areas,
members and projects, and an organisation's record.

Registering an organisation is civil affairs' (scope action ``org.manage`` on every service
area); an organisation's members manage its projects (``project.manage``, where a member's
areas are the organisation's service areas, see `store.users.principal_for`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from gridsvc.store.orgs import organisations as store
from gridsvc.store.orgs import registry_sheet
from gridsvc.store.spreadsheets import CSV_TYPE, XLSX_TYPE

from ...domain import clock
from ...domain.error_codes import ErrorCode
from ...domain.errors import BadRequest, Forbidden, NotFound
from ...domain.orgs import ORG_KINDS, describe_credit_code
from ...domain.scope import Principal, acts_for_org, authorize_every, reaches_everywhere
from ..permissions import can, principal, require, require_entitled, require_login
from ..schemas.wishes import Member, OrgCreate, ProjectCreate
from . import endpoint, json_ok, param, path_id, query_bool, read_json
from .files import SHEET_BODY, attachment, sheet_upload
from .paging import page_params, page_request

if TYPE_CHECKING:  # annotations only: handlers call the store, they import no model
    from gridsvc.store.orgs.models import Organisation


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
                                         page=page_request(request, default=100)))


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
        raise BadRequest("缺少参数 code", "missing query parameter code", code=ErrorCode.MISSING_PARAMETER,
                         details={"parameter": "code"})
    info = describe_credit_code(code)
    taken = await store.org_with_credit_code(info["code"])
    return json_ok({"valid": True, **info, "registered_org": taken})


async def get_org(request: Request) -> Response:
    require(request, "org.read")
    org = await store.get_org(path_id(request))
    p = principal(request)
    codes = [c for c, _ in await store.org_areas(org.id)]
    members = (p.is_authenticated and p.org_id == org.id) or _manages(request, codes)
    return json_ok(await store.org_card(org, members=members, projects=True))


async def managed_org(request: Request) -> tuple[Principal, Organisation]:
    """The organisation of the path, and the caller, who manages (`org.manage`) every area it serves."""
    actor = require_login(request)
    org = await store.get_org(path_id(request))
    authorize_every(actor, "org.manage", [code for code, _ in await store.org_areas(org.id)])
    return actor, org


async def patch_org(request: Request) -> Response:
    actor, org = await managed_org(request)
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
    actor, org = await managed_org(request)
    data = await read_json(request)
    user = await store.add_member(org, data.get("username"), actor=actor)
    return json_ok({"org": org.id, "user": {"id": user.id, "username": user.username, "role": user.role}}, 201)


async def create_project(request: Request) -> Response:
    actor = require_login(request)
    org = await store.get_org(path_id(request))
    if acts_for_org(actor) and actor.org_id != org.id:
        raise Forbidden("只能为本组织新建项目", "members create projects of their own organisation only",
                        code=ErrorCode.NOT_YOUR_ORG, details={"org": org.id})
    data = await read_json(request)
    if data.get("areas") not in (None, [], ""):
        codes = [a.code for a in await store.check_service_areas(data.get("areas"))]
    else:
        codes = [c for c, _ in await store.org_areas(org.id)]
    authorize_every(actor, "project.manage", codes)
    project = await store.create_project(org, data, actor=actor, today=clock.today())
    return json_ok(store.project_card(project, org=org), 201)


async def list_projects(request: Request) -> Response:
    require(request, "org.read")
    org = await store.get_org(path_id(request))
    return json_ok({"projects": (await store.org_card(org, projects=True))["projects"]})


async def org_record(request: Request) -> Response:
    require(request, "org.read")
    org = await store.get_org(path_id(request))
    return json_ok(await store.org_record(org))


# ---- the registry as a spreadsheet (officials) ----------------------------------------------


def registry_area(request: Request) -> str | None:
    """The area of a registry export: ``under=``, else the official's first area (None: an
    admin's whole registry)."""
    p = require_login(request)
    everywhere = reaches_everywhere(p, "org.manage")
    under = request.query_params.get("under") or (p.areas[0][0] if p.areas and not everywhere else None)
    if under is None and not everywhere:
        raise Forbidden("只有民政官员可以导出名录", "only officials export the registry", code=ErrorCode.WRONG_ROLE,
                        details={"action": "org.manage"})
    if under:
        require(request, "org.manage", under)
    else:
        require_entitled(request, "org.manage")
    return under


async def export_registry(request: Request) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in ("xlsx", "csv"):
        raise NotFound(f"不支持的格式 {fmt}", f"unsupported format {fmt}; use .xlsx or .csv", code=ErrorCode.NOT_FOUND)
    under = registry_area(request)
    rows = await registry_sheet.export_rows(under=under)
    body = registry_sheet.write_xlsx(rows) if fmt == "xlsx" else registry_sheet.write_csv(rows)
    name = f"社会组织名录-{under + '-' if under else ''}{clock.today().isoformat()}.{fmt}"
    return attachment(body, XLSX_TYPE if fmt == "xlsx" else CSV_TYPE, f"orgs-{clock.today().isoformat()}.{fmt}", name)


def registry_authority(request: Request):
    """May the caller record an organisation of this status serving this area."""
    return lambda code, status: can(request, "org.manage", code) and (
        status != "registered" or can(request, "org.register", code))


async def import_registry(request: Request) -> Response:
    p = require_entitled(request, "org.manage")
    dry_run = query_bool(request, "dry_run", False)
    data, fmt = await sheet_upload(request)
    report = await registry_sheet.import_rows(data, fmt, actor=p, may_manage=registry_authority(request),
                                              dry_run=dry_run)
    return json_ok(report, 200 if dry_run else 201)


ID = param("id", "path", type_="integer")

ROUTES = [
    endpoint("/orgs", list_orgs, "GET", "社会组织名录 (the registry of social organisations)", tag="orgs",
             params=[param("kind", enum=list(ORG_KINDS)), param("under"), param("q"), *page_params(default=100)],
             action="org.read"),
    endpoint("/orgs", create_org, "POST", "登记/备案社会组织 (register or file an organisation)", tag="orgs",
             auth="scoped", body=OrgCreate, responses={"201": {"description": "created"}}, action="org.manage"),
    endpoint("/orgs/check-code", check_code, "GET", "校验统一社会信用代码 (check a credit code)", tag="orgs",
             params=[param("code", required=True)], action="org.read"),
    endpoint("/orgs/export.{fmt}", export_registry, "GET", "导出社会组织名录 Excel/CSV (export the registry)",
             tag="orgs", auth="scoped", params=[param("fmt", "path", enum=["xlsx", "csv"]), param("under")],
             responses={"200": {"description": "文件 (file)", "content": {XLSX_TYPE: {}, "text/csv": {}}}},
             action="org.manage"),
    endpoint("/orgs/import", import_registry, "POST",
             "导入社会组织名录,全部成功或全部不存 (import the registry, all or nothing)", tag="orgs", auth="scoped",
             params=[param("format", enum=["xlsx", "csv"]),
                     param("dry_run", type_="boolean", description="只检查不存储 (check only)")],
             body=SHEET_BODY, responses={"201": {"description": "导入报告 (report)"}}, action="org.manage"),
    endpoint("/orgs/{id}", get_org, "GET", "社会组织 (one organisation, its areas and projects)", tag="orgs",
             params=[ID],
             action="org.read"),
    endpoint("/orgs/{id}", patch_org, "PATCH", "修改社会组织 (edit an organisation)", tag="orgs", auth="scoped",
             params=[ID], body=OrgCreate, action="org.manage"),
    endpoint("/orgs/{id}/members", add_member, "POST", "加入成员 (join an account to the organisation)", tag="orgs",
             auth="scoped", params=[ID], body=Member,
             responses={"201": {"description": "joined"}}, action="org.manage"),
    endpoint("/orgs/{id}/projects", list_projects, "GET", "组织的服务项目 (the organisation's projects)", tag="orgs",
             params=[ID], action="org.read"),
    endpoint("/orgs/{id}/projects", create_project, "POST", "新建服务项目 (add a service project)", tag="orgs",
             auth="scoped", params=[ID], body=ProjectCreate, responses={"201": {"description": "created"}},
             action="project.manage"),
    endpoint("/orgs/{id}/record", org_record, "GET", "组织服务记录 (what the organisation took on)", tag="orgs",
             params=[ID], action="org.read"),
]
