"""Staff rosters (issue 11 item 4): the roster of an area, appointing, transferring and ending
terms, and the roster as Excel. Who may: `roster.read` and `roster.appoint` in domain/scope.py,
and a head only for the tiers below their own (`can_manage_tier`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from gridsvc.store import areas as area_store
from gridsvc.store.accounts import users
from gridsvc.store.rosters import appointments, people, roster, sheets
from gridsvc.store.spreadsheets import XLSX_TYPE

from ...domain import clock
from ...domain.dates import read_day
from ...domain.error_codes import ErrorCode
from ...domain.errors import Forbidden, NotFound, ValidationError
from ...domain.levels import code_prefix
from ...domain.roles import ROLE_NAMES_ZH, TIER_LEVEL
from ...domain.scope import Principal, allows, can_manage_tier
from ...store.records import record_id
from ..permissions import principal, require
from ..schemas.rosters import Appoint, EndTerm, Transfer
from . import endpoint, json_ok, param, path_id, query_bool, read_json
from .files import XLSX_BODY, attachment, upload

if TYPE_CHECKING:  # annotations only: handlers call the store, they import no model
    from gridsvc.store.areas.models import Area
    from gridsvc.store.rosters.models import Appointment

_CODE = param("code", "path", description="区域代码 (area code)")
_ID = param("id", "path", type_="integer")


def may_appoint(p: Principal, area_code: str, role: str) -> bool:
    return allows(p, "roster.appoint", area_code) and can_manage_tier(p, role)


def require_appoint(request: Request, area_code: str, role: str) -> Principal:
    """403 with words when the caller may not appoint `role` in `area_code`."""
    p = require(request, "roster.appoint", area_code)
    if not can_manage_tier(p, role):
        raise Forbidden(f"只能任免比自己层级低的网格人员,不能任免{ROLE_NAMES_ZH.get(role, role)}",
                        f"you appoint only the tiers below yours, not a {role}",
                        details={"action": "roster.appoint", "role": role})
    return p


async def area_of(code: str) -> Area:
    return await area_store.get_area(code)


async def roster_area(request: Request) -> Area:
    area = await area_of(request.path_params["code"])
    require(request, "roster.read", area.code)
    return area


async def get_roster(request: Request) -> Response:
    return json_ok(await roster.roster(await roster_area(request)))


async def export_roster(request: Request) -> Response:
    area = await roster_area(request)
    body = await sheets.export_xlsx(code_prefix(area.code, area.level))
    name = f"花名册-{area.name}-{clock.today().isoformat()}.xlsx"
    return attachment(body, XLSX_TYPE, f"roster-{area.code}.xlsx", name)


async def appoint_from(request: Request, data: dict) -> Appointment:
    """Appoint as `data` says (the API's body or a page's form, validated by `Appoint`)."""
    area = await area_of(str(data["area"]))
    if data.get("person"):
        person = str(data["person"])
        pid = record_id(person)
        user = await users.find_user(pid) if pid is not None else None
        if user is None or user.role not in TIER_LEVEL:
            raise NotFound("网格人员不存在", "no such staff member", details={"person": data["person"]})
        role = user.role
    else:
        role = str(data.get("role") or "")
        if role not in TIER_LEVEL or not data.get("name"):
            raise ValidationError("请选择已有人员,或填写新人员的岗位和姓名",
                                  "name an existing person, or the new person's role and name",
                                  code=ErrorCode.REQUIRED, details={"field": "person"})
        user = None
    p = require_appoint(request, area.code, role)
    on, reason = read_day(data.get("on"), "on"), str(data.get("reason") or "")
    if user is None:
        return await people.appoint_new(role, area, name=str(data["name"]), phone=str(data.get("phone") or ""),
                                        username=data.get("username") or None, on=on, reason=reason, actor=p)
    return await appointments.appoint(user, area, on=on, reason=reason, actor=p)


async def create_appointment(request: Request) -> Response:
    term = await appoint_from(request, await read_json(request))
    return json_ok(appointments.term_view(term), 201, headers={"Location": f"/api/v1/appointments/{term.id}"})


async def term_in_scope(request: Request) -> tuple[Appointment, Principal]:
    term = await appointments.find_term(path_id(request))
    return term, require_appoint(request, term.area.code, term.role)


async def end_from(request: Request, term: Appointment, p: Principal, data: dict) -> Appointment:
    return await appointments.end_term(term, on=read_day(data.get("on"), "on"), reason=str(data.get("reason") or ""),
                                       actor=p)


async def transfer_from(request: Request, term: Appointment, p: Principal, data: dict) -> Appointment:
    to = await area_of(str(data.get("area") or ""))
    require_appoint(request, to.code, term.role)
    return await appointments.transfer(term, to, on=read_day(data.get("on"), "on"),
                                       reason=str(data.get("reason") or ""), actor=p)


async def end_appointment(request: Request) -> Response:
    term, p = await term_in_scope(request)
    return json_ok(appointments.term_view(await end_from(request, term, p, await read_json(request))))


async def transfer_appointment(request: Request) -> Response:
    term, p = await term_in_scope(request)
    new = await transfer_from(request, term, p, await read_json(request))
    return json_ok(appointments.term_view(new), 201, headers={"Location": f"/api/v1/appointments/{new.id}"})


async def import_roster(request: Request) -> Response:
    p = principal(request)
    dry_run = query_bool(request, "dry_run", False)
    rows = sheets.parse(await upload(request))
    report = await sheets.import_roster(rows, actor=p, dry_run=dry_run,
                                        may_appoint=lambda code, role: may_appoint(p, code, role))
    return json_ok(report, 200 if dry_run else 201)


ROUTES = [
    endpoint("/areas/{code}/roster", get_roster, "GET",
             "花名册:各岗位在任人员、空缺和任职历史 (the roster: holders, vacancies, past terms)", tag="staff",
             auth="scoped", params=[_CODE], action="roster.read"),
    endpoint("/areas/{code}/roster.xlsx", export_roster, "GET", "导出花名册 Excel (the roster as .xlsx)", tag="staff",
             auth="scoped", params=[_CODE], action="roster.read",
             responses={"200": {"description": "文件 (file)", "content": {XLSX_TYPE: {}}}}),
    endpoint("/appointments", create_appointment, "POST", "任命 (appoint to a post)", tag="staff", auth="scoped",
             body=Appoint, responses={"201": {"description": "created"}}, action="roster.appoint"),
    endpoint("/appointments/{id}/end", end_appointment, "POST", "免职 (end a term)", tag="staff", auth="scoped",
             params=[_ID], body=EndTerm, empty_ok=True, action="roster.appoint"),
    endpoint("/appointments/{id}/transfer", transfer_appointment, "POST",
             "调任:此处离任、彼处到任,一并完成 (transfer: end here and start there, all or nothing)", tag="staff",
             auth="scoped", params=[_ID], body=Transfer, responses={"201": {"description": "the new term"}},
             action="roster.appoint"),
    endpoint("/rosters/import", import_roster, "POST",
             "导入花名册 Excel,全部成功或全部不存 (import a roster sheet, all or nothing)", tag="staff",
             auth="scoped", params=[param("dry_run", type_="boolean", description="只检查不存储 (check only)")],
             body=XLSX_BODY, responses={"201": {"description": "导入报告 (report)"}}, action="roster.appoint"),
]
