"""Governance for officials (issue 12): information reports and their ratings, the table of
seed 000 as Excel, zones, and the indicators of the dashboards; each read is limited to the
caller's areas (a street official sees their street's communities only)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ...domain import clock
from ...domain.error_codes import ErrorCode
from ...domain.errors import BadRequest
from ...domain.text import whole_number
from ...store.governance import indicators as indicator_store
from ...store.governance import reports as store
from ...store.governance import sheets, zones
from ...store.spreadsheets import XLSX_TYPE
from ..permissions import prefixes, principal, require
from ..schemas.governance import InformationReportBody, ZoneBody
from . import endpoint, json_ok, param, read_json
from .files import attachment


def year_param(request: Request) -> int:
    raw = request.query_params.get("year")
    if not raw:
        return clock.today().year
    year = whole_number(raw)
    if year is None:
        raise BadRequest(f"参数 year 应为年份,收到 {raw[:20]!r}", f"year must be a year, got {raw[:20]!r}",
                         code=ErrorCode.BAD_PARAMETER, details={"parameter": "year"})
    return sheets.check_year(year)


async def scope(request: Request, action: str) -> tuple[Any, list[str] | None]:
    """The `under` area (checked against the caller's areas) or, without one, the caller's scope."""
    code = (request.query_params.get("under") or "").strip()
    if code:
        area = await store.area_or_404(code)
        require(request, action, area.code)
        return area, None
    return None, prefixes(request, action)


def targets(request: Request):
    return request.app.state.settings.governance


async def ratings(request: Request) -> Response:
    within, scoped = await scope(request, "report.read")
    rows = await store.ratings(year_param(request), targets(request), within=within, prefixes=scoped,
                               zone=request.query_params.get("zone") or None)
    return json_ok(rows)


async def table_xlsx(request: Request) -> Response:
    within, scoped = await scope(request, "report.read")
    year = year_param(request)
    groups = await store.table(year, targets(request), within=within, prefixes=scoped)
    city = await store.city_name()
    data = sheets.write_xlsx(groups, targets(request), year, city)
    return attachment(data, XLSX_TYPE, f"reports-{year}.xlsx")


async def file_report(request: Request) -> Response:
    data = InformationReportBody.model_validate(await read_json(request))
    community = await store.area_or_404(data.community, "community")
    require(request, "report.file", community.code)
    today = clock.today()
    view = await store.file_report(community, title=data.title, filed_on=data.filed_on or today, body=data.body,
                                   attachment=data.attachment, pushed=data.pushed, pushed_on=data.pushed_on,
                                   today=today, filed_by=principal(request).user_id)
    return json_ok(view, status=201)


async def list_reports(request: Request) -> Response:
    code = (request.query_params.get("community") or "").strip()
    if not code:
        raise BadRequest("缺少参数 community", "missing query parameter community", code=ErrorCode.MISSING_PARAMETER,
                         details={"parameter": "community"})
    community = await store.area_or_404(code, "community")
    require(request, "report.read", community.code)
    return json_ok(await store.reports_of(community, year_param(request)))


async def list_zones(request: Request) -> Response:
    return json_ok(await zones.list_zones())


async def declare_zone(request: Request) -> Response:
    data = ZoneBody.model_validate(await read_json(request))
    for code in data.areas:
        require(request, "zone.manage", code)
    return json_ok(await zones.declare_zone(data.name, list(data.areas)), status=201)


async def indicators(request: Request) -> Response:
    within, scoped = await scope(request, "indicator.read")
    return json_ok(await indicator_store.dashboard(year_param(request), targets(request), request.app.state.settings,
                                                   within=within, prefixes=scoped))


_YEAR = param("year", type_="integer", description="年份,缺省今年 (the year; default this year)")
_UNDER = param("under", description="区域代码,缺省本人辖区 (an area code; default the caller's areas)")
TAG = "governance"

ROUTES = [
    endpoint("/reports/ratings", ratings, "GET", "信息报送评级 优/良/差 (the year's reports per community, rated)",
             tag=TAG, auth="login", action="report.read",
             params=[_YEAR, _UNDER, param("zone", description="功能区名称 (a zone's name)")]),
    endpoint("/reports/table.xlsx", table_xlsx, "GET", "信息上报统计表 Excel (the table in seed 000's layout)",
             tag=TAG, auth="login", action="report.read", params=[_YEAR, _UNDER]),
    endpoint("/reports", list_reports, "GET", "社区报送的信息 (a community's reports of a year)", tag=TAG,
             auth="login", action="report.read", params=[param("community", required=True), _YEAR]),
    endpoint("/reports", file_report, "POST", "报送一条信息 (file an information report)", tag=TAG, auth="login",
             action="report.file", body=InformationReportBody),
    endpoint("/zones", list_zones, "GET", "功能区 (zones such as 新区)", tag=TAG, auth="login", action="report.read"),
    endpoint("/zones", declare_zone, "POST", "设立或修改功能区 (declare a zone over streets or communities)", tag=TAG,
             auth="login", action="zone.manage", body=ZoneBody),
    endpoint("/indicators", indicators, "GET", "考核指标 (every indicator per area against its target)", tag=TAG,
             auth="login", action="indicator.read", params=[_UNDER, _YEAR]),
]
