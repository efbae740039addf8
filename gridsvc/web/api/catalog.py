"""The public-service catalog API: search, items and their versions, spreadsheets, admission.

Reading the published catalog needs no login. Changes go through `gridsvc.web.permissions`
for every area an item applies to (before and after the change); an item for everywhere is
checked against every top-level area of the deployment, so it takes the admin or an official
of the whole city (see ``catalog.*`` and ``admission.*`` in gridsvc.domain.scope).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from starlette.requests import Request
from starlette.responses import Response

from gridsvc.store import catalog as store
from gridsvc.store.catalog import admission, sheets
from gridsvc.store.catalog.search import CatalogIndexHolder, CatalogSearch
from gridsvc.store.spreadsheets import CSV_TYPE, XLSX_TYPE

from ...domain import clock
from ...domain.catalog import CATEGORIES, LISTS, category_id, infer_level, list_id
from ...domain.dates import read_day
from ...domain.error_codes import ErrorCode
from ...domain.errors import (
    BadRequest,
    DomainError,
    Forbidden,
    NotFound,
    ValidationError,
)
from ...domain.levels import is_within
from ...store.db import normalise_db_url
from ...store.paging import rank_start, ranked_page
from ..permissions import can, principal, require, require_login
from ..schemas.catalog import Application, Decision, Item, Publish, Reason, Revoke
from . import endpoint, json_ok, param, path_id, query_bool, query_date, read_json
from .files import SHEET_BODY, attachment, sheet_upload
from .paging import next_headers, page_params, page_request

# ---- shared helpers (the pages and Open311 use them too) ----------------------------------


def holder(request: Request) -> CatalogIndexHolder:
    """The app's catalog index, made on first use and closed with the app's boundary index."""
    app = request.app
    h = getattr(app.state, "catalog_index", None)
    if h is None:
        settings = app.state.settings
        h = CatalogIndexHolder(normalise_db_url(settings.db_url), check_seconds=settings.index_check_seconds)
        app.state.catalog_index = h
        app.state.index.attach(h)
    return h


async def catalog_search(request: Request) -> CatalogSearch:
    return await holder(request).get()


async def area_param(request: Request, name: str = "area") -> str | None:
    code = (request.query_params.get(name) or "").strip()
    if not code:
        return None
    # the boundary index knows every area: no query on the hot path of a search
    if not (await request.app.state.index.get()).knows(code):
        raise NotFound(f"区域 {code} 不存在", f"area {code} not found", code=ErrorCode.NOT_FOUND,
                       details={"parameter": name, "area": code})
    return code


def filters(request: Request) -> tuple[str | None, str | None]:
    cat = request.query_params.get("category")
    lst = request.query_params.get("list")
    return (category_id(cat, "category") if cat else None), (list_id(lst, "list") if lst else None)


def authorizer(request: Request) -> Callable[[str, Sequence[str]], Awaitable[None]]:
    """``authorize(action, areas)`` for the store, as the caller (the store's own check)."""
    return store.authorizer_for(principal(request))


async def may_edit(request: Request, code: str) -> bool:
    """Whether the caller may edit (and so see the drafts of) an item."""
    p = principal(request)
    if not p.is_authenticated or not can(request, "catalog.edit"):
        return False
    try:
        item = await store.get_item(code)
        await authorizer(request)("catalog.edit", await store.scope_areas(item))
    except DomainError:
        return False
    return True


def _reason(data: dict) -> str:
    value = data.get("reason", "")
    if not isinstance(value, str):
        raise ValidationError("reason 应为文本", "reason must be text",
                              code=ErrorCode.BAD_TYPE, details={"field": "reason"})
    return value


async def _optional_json(request: Request) -> dict:
    if not await request.body():
        return {}
    return await read_json(request)


# ---- search and items ---------------------------------------------------------------------


async def list_services(request: Request) -> Response:
    category, list_ = filters(request)
    area = await area_param(request)
    day = query_date(request) or clock.today()
    page = page_request(request)
    start = rank_start("services", page)
    search = await catalog_search(request)
    hits = search.search(request.query_params.get("q"), category=category, list_=list_, area_code=area, on=day,
                         limit=page.limit + 1, offset=start)
    found = ranked_page(hits, "services", start, page.limit)
    return json_ok(found.rows, headers=next_headers(request, found.next_cursor))


async def get_service(request: Request) -> Response:
    code = request.path_params["code"]
    version = request.query_params.get("version")
    try:
        number = int(version) if version else None
    except ValueError:
        raise BadRequest("version 应为整数", "version must be an integer", code=ErrorCode.BAD_PARAMETER,
                         details={"parameter": "version"}) from None
    view = await store.item_detail(code, day=query_date(request) or clock.today(), area=await area_param(request),
                                   version=number, may_see_drafts=await may_edit(request, code))
    return json_ok(view, headers={"ETag": view["etag"]})


async def service_versions(request: Request) -> Response:
    code = request.path_params["code"]
    return json_ok(await store.version_list(code, may_see_drafts=await may_edit(request, code)))


async def create_service(request: Request) -> Response:
    p = require(request, "catalog.edit")
    data = await read_json(request)
    view = await store.create_item(data, actor=p, authorize=authorizer(request))
    return json_ok(view, 201, headers={"Location": f"/api/v1/services/{view['code']}", "ETag": view["etag"]})


async def edit_service(request: Request) -> Response:
    p = require(request, "catalog.edit")
    data = await read_json(request)
    view = await store.edit_item(request.path_params["code"], data, actor=p, authorize=authorizer(request),
                                 if_match=request.headers.get("if-match"))
    return json_ok(view, headers={"ETag": view["etag"]})


async def publish_service(request: Request) -> Response:
    p = require(request, "catalog.publish")
    data = await _optional_json(request)
    view = await store.publish_item(request.path_params["code"], on=read_day(data.get("on"), "on"), actor=p,
                                    authorize=authorizer(request))
    return json_ok(view)


async def revoke_service(request: Request) -> Response:
    p = require(request, "catalog.publish")
    data = await read_json(request)
    view = await store.revoke_item(request.path_params["code"], reason=_reason(data), on=read_day(data.get("on"), "on"),
                                   actor=p,
                                   authorize=authorizer(request))
    return json_ok(view)


async def discard_service_draft(request: Request) -> Response:
    p = require(request, "catalog.edit")
    await store.discard_draft(request.path_params["code"], actor=p, authorize=authorizer(request))
    return Response(status_code=204)


# ---- spreadsheets -------------------------------------------------------------------------


async def export_services(request: Request) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in ("xlsx", "csv"):
        raise NotFound(f"不支持的格式 {fmt}", f"unsupported format {fmt}; use .xlsx or .csv", code=ErrorCode.NOT_FOUND)
    category, list_ = filters(request)
    area = await area_param(request)
    day = query_date(request) or clock.today()
    items = await sheets.export_items(on=day, area=area, category=category, list_=list_)
    body = sheets.write_xlsx(items) if fmt == "xlsx" else sheets.write_csv(items)
    name = f"服务事项目录-{area + '-' if area else ''}{day.isoformat()}.{fmt}"
    return attachment(body, XLSX_TYPE if fmt == "xlsx" else CSV_TYPE, f"catalog-{day.isoformat()}.{fmt}", name)


async def import_services(request: Request) -> Response:
    p = require(request, "catalog.edit")
    publish_items = query_bool(request, "publish", True)
    dry_run = query_bool(request, "dry_run", False)
    day = query_date(request)
    data, fmt = await sheet_upload(request)
    numbered = sheets.parse(data, fmt)
    report = await sheets.import_items(numbered, actor=p, authorize=authorizer(request), publish_items=publish_items,
                                       on=day, dry_run=dry_run)
    return json_ok(report, 200 if dry_run else 201)


# ---- admission ----------------------------------------------------------------------------


def _admission_id(request: Request) -> int:
    return path_id(request)


def visible_to(request: Request):
    """Applications concern the officials of their areas and the staff of the communities in
    them: an application for a street is visible to its communities' heads too."""
    p = require_login(request)
    if not can(request, "admission.read"):
        raise Forbidden("无权查看准入申请", "not allowed to read admission applications",
                        details={"action": "admission.read", "role": p.role})

    def visible(areas: list[str]) -> bool:
        if any(can(request, "admission.read", c) for c in areas):
            return True
        return any(is_within(mine, c, infer_level(c)) for mine, _ in p.areas for c in areas)

    return visible


async def list_admissions(request: Request) -> Response:
    visible = visible_to(request)
    found = await admission.list_admissions(
        visible=visible, state=request.query_params.get("state") or None, item=request.query_params.get("item") or None,
        area=await area_param(request), page=page_request(request, default=100))
    return json_ok(found.rows, headers=next_headers(request, found.next_cursor))


async def get_admission(request: Request) -> Response:
    visible = visible_to(request)
    await admission.sweep()
    adm = await admission.get_admission(_admission_id(request))
    if not visible(list(adm.areas)):
        raise Forbidden("无权查看该准入申请", "not allowed to read this application", details={"id": adm.id})
    return json_ok(await admission.admission_view(adm))


async def apply_admission(request: Request) -> Response:
    p = require(request, "admission.apply")
    data = await read_json(request)
    view = await admission.apply(data, actor=p, authorize=authorizer(request))
    return json_ok(view, 201, headers={"Location": f"/api/v1/admissions/{view['id']}"})


async def _decide(request: Request, action: str) -> Response:
    p = require(request, "admission.decide")
    data = await _optional_json(request)
    papers = {k: data.get(k) for k in ("approval_document", "agreement")} if isinstance(data, dict) else {}
    return json_ok(await admission.decide(_admission_id(request), action, reason=_reason(data), actor=p,
                                          authorize=authorizer(request), papers=papers))


async def approve_admission(request: Request) -> Response:
    return await _decide(request, "approve")


async def reject_admission(request: Request) -> Response:
    return await _decide(request, "reject")


async def withdraw_admission(request: Request) -> Response:
    p = require_login(request)
    data = await _optional_json(request)
    return json_ok(await admission.withdraw(_admission_id(request), reason=_reason(data), actor=p,
                                            authorize=authorizer(request)))


async def end_admission(request: Request) -> Response:
    p = require(request, "admission.decide")
    data = await read_json(request)
    return json_ok(await admission.end(_admission_id(request), reason=_reason(data), actor=p,
                                       authorize=authorizer(request)))


# ---- routes -------------------------------------------------------------------------------

_CODE = param("code", "path", description="事项代码,如 GS-SB-001 (item code)")
_ON = param("on", description="日期 YYYY-MM-DD:当日实施的目录,缺省为今天 (the catalog as in force that day)",
            format="date")
_AREA = param("area", description="区域代码:该社区(街道、区县)适用的事项,含上级区域设定的事项 (area code)")
_CATEGORY = param("category", description="类别 (category id or Chinese name)", enum=[c.id for c in CATEGORIES])
_LIST = param("list", description="清单 (list id or Chinese name)", enum=[x.id for x in LISTS])
_ID = param("id", "path", type_="integer")
_MATERIAL = {"type": "object", "required": ["name"], "properties": {
    "name": {"type": "string"}, "copies": {"type": "integer", "minimum": 1, "maximum": 99},
    "electronic_ok": {"type": "boolean", "description": "电子证照与原件同等有效 (an electronic licence counts)"},
    "note": {"type": "string"}}}
_VENUE = {"type": "object", "required": ["kind"], "properties": {
    "kind": {"type": "string", "enum": ["community_window", "street_centre", "online"]}, "name": {"type": "string"},
    "address": {"type": "string"}, "hours": {"type": "string"}, "url": {"type": "string"}}}
ITEM_SCHEMA = {"type": "object", "required": ["name", "category", "list"], "properties": {
    "code": {"type": "string", "pattern": "^[A-Z]{2}-[A-Z]{2}-\\d{3,4}$",
             "description": "缺省时自动编号 (assigned when missing)"},
    "name": {"type": "string", "maxLength": 100}, "category": {"type": "string", "enum": [c.id for c in CATEGORIES]},
    "list": {"type": "string", "enum": [x.id for x in LISTS]}, "summary": {"type": "string"},
    "legal_basis": {"type": "string"}, "materials": {"type": "array", "items": _MATERIAL},
    "time_limit_days": {"type": ["integer", "null"], "minimum": 0, "maximum": 365},
    "fee": {"type": "string", "description": "金额(元)或文字,如 不收费 (amount in yuan or text)"},
    "venues": {"type": "array", "items": _VENUE}, "contact": {"type": "string"},
    "areas": {"type": "array", "items": {"type": "string"}, "description": "空为全市适用 (empty: everywhere)"},
    "keywords": {"type": "array", "items": {"type": "string"}}}}
_JSON = lambda schema: {"application/json": {"schema": schema}}  # noqa: E731
_REASON = _JSON({"type": "object", "properties": {"reason": {"type": "string"}}})
APPLICATION_SCHEMA = {"type": "object", "required": ["department", "reason", "legal_basis", "funding", "areas",
                                                     "period_start", "period_end"], "properties": {
    "department": {"type": "string", "description": "申请部门 (applying department)"},
    "item_code": {"type": "string"}, "item": {**ITEM_SCHEMA, "description": "新事项的内容 (a new item's content)"},
    "reason": {"type": "string"}, "legal_basis": {"type": "string"},
    "funding": {"type": "object", "required": ["amount", "source"], "properties": {
        "amount": {"type": "string"}, "source": {"type": "string"}}, "description": "费随事转"},
    "areas": {"type": "array", "items": {"type": "string"}},
    "period_start": {"type": "string", "format": "date"}, "period_end": {"type": "string", "format": "date"}}}

ROUTES = [
    endpoint("/services", list_services, "GET", "办事指南检索 (search the public-service catalog, best match first)",
             tag="catalog",
             params=[param("q", description="关键词,可为名称或材料的任意部分,如 低保 (words of a name or material)"),
                                    _CATEGORY, _LIST, _AREA, _ON, *page_params()],
             responses={"200": {"description": "事项列表 (a JSON list of items)", "content": _JSON(
                 {"type": "array", "items": {"type": "object"}})}}, action="catalog.read"),
    endpoint("/services", create_service, "POST", "新建事项草稿 (create an item as a draft)", tag="catalog",
             auth="scoped", body=Item, responses={"201": {"description": "created"}}, action="catalog.edit"),
    endpoint("/services/export.{fmt}", export_services, "GET",
             "导出目录 Excel/CSV (export the catalog as .xlsx or .csv)",
             tag="catalog", params=[param("fmt", "path", enum=["xlsx", "csv"]), _CATEGORY, _LIST, _AREA, _ON],
             responses={"200": {"description": "文件 (file)", "content": {XLSX_TYPE: {}, "text/csv": {}}}},
             action="catalog.read"),
    endpoint("/services/import", import_services, "POST",
             "导入目录 Excel/CSV,全部成功或全部不存 (import a catalog sheet, all or nothing)", tag="catalog",
             auth="scoped",
             params=[param("format", enum=["xlsx", "csv"]),
                     param("publish", type_="boolean", description="发布导入的事项,缺省 true (publish them)"),
                     param("on", description="发布日期 (publication date)", format="date"),
                     param("dry_run", type_="boolean", description="只检查不存储 (check only)")],
             body=SHEET_BODY, responses={"201": {"description": "导入报告 (report)"}}, action="catalog.edit"),
    endpoint("/services/{code}", get_service, "GET", "事项详情:带什么、去哪里办 (an item: what to bring, where to go)",
             tag="catalog", params=[_CODE, _ON, _AREA, param("version", type_="integer")], action="catalog.read"),
    endpoint("/services/{code}", edit_service, "PATCH", "修改事项,生成新版本草稿 (edit: the next version as a draft)",
             tag="catalog", auth="scoped", params=[_CODE, param("If-Match", "header", description="ETag")],
             body=Item, action="catalog.edit"),
    endpoint("/services/{code}/versions", service_versions, "GET", "事项的各个版本 (the versions of an item)",
             tag="catalog", params=[_CODE], action="catalog.read"),
    endpoint("/services/{code}/publish", publish_service, "POST", "发布草稿 (publish the draft)", tag="catalog",
             auth="scoped", params=[_CODE], body=Publish, empty_ok=True, action="catalog.publish"),
    endpoint("/services/{code}/revoke", revoke_service, "POST", "撤销事项 (revoke the item, with a reason)",
             tag="catalog", auth="scoped", params=[_CODE], body=Revoke, action="catalog.publish"),
    endpoint("/services/{code}/draft", discard_service_draft, "DELETE", "删除草稿 (discard the draft)", tag="catalog",
             auth="scoped", params=[_CODE], responses={"204": {"description": "deleted"}}, action="catalog.edit"),
    endpoint("/admissions", list_admissions, "GET", "准入申请列表 (admission applications in scope)", tag="admission",
             auth="scoped",
             params=[param("state", enum=["applied", "approved", "rejected", "withdrawn", "active", "expired"]),
                                    param("item"), _AREA, *page_params(default=100)], action="admission.read"),
    endpoint("/admissions", apply_admission, "POST", "提交准入申请 (apply for an item to enter communities' lists)",
             tag="admission", auth="scoped", body=Application, responses={"201": {"description": "applied"}},
             action="admission.apply"),
    endpoint("/admissions/{id}", get_admission, "GET", "准入申请详情及全部步骤 (an application and every step)",
             tag="admission", auth="scoped", params=[_ID], action="admission.read"),
    endpoint("/admissions/{id}/approve", approve_admission, "POST", "批准 (approve, optionally with a reason)",
             tag="admission", auth="scoped", params=[_ID], body=Decision, empty_ok=True, action="admission.decide"),
    endpoint("/admissions/{id}/reject", reject_admission, "POST", "驳回,须写明理由 (reject, with a reason)",
             tag="admission", auth="scoped", params=[_ID], body=Reason, empty_ok=True, action="admission.decide"),
    endpoint("/admissions/{id}/withdraw", withdraw_admission, "POST", "撤回申请 (withdraw an undecided application)",
             tag="admission", auth="scoped", params=[_ID], body=Reason, empty_ok=True, action="admission.apply"),
    endpoint("/admissions/{id}/end", end_admission, "POST", "提前退出,须写明理由 (end early: the work is done)",
             tag="admission", auth="scoped", params=[_ID], body=Reason, action="admission.decide"),
]
