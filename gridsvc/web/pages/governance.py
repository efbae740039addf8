"""Pages of governance for officials, scoped like the API (a street official sees their street):
the dashboard of a level (/governance?under=&year=: each indicator of each area against its
target), the rows behind a figure (/governance/rows?under=&figure=), and the information-report
table in seed 000's layout (/governance/reports?year=&under=)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...domain.error_codes import ErrorCode
from ...domain.errors import BadRequest
from ...domain.governance.dashboard import FIGURES
from ...store.governance import indicators
from ...store.governance import reports as store
from ..api.governance import scope, targets, year_param
from ..permissions import require_entitled
from .render import render


async def reports_page(request: Request) -> Response:
    require_entitled(request, "report.read")
    within, scoped = await scope(request, "report.read")
    year = year_param(request)
    groups = await store.table(year, targets(request), within=within, prefixes=scoped)
    return render(request, "governance/reports.html", groups=groups, year=year, targets=targets(request),
                  under=within.code if within else "", city=await store.city_name())


async def dashboard_page(request: Request) -> Response:
    require_entitled(request, "indicator.read")
    within, scoped = await scope(request, "indicator.read")
    year = year_param(request)
    board = await indicators.dashboard(year, targets(request), request.app.state.settings, within=within,
                                       prefixes=scoped)
    if within is None and len(board["areas"]) == 1:
        # one area in scope (a street official's street): its dashboard is the viewer's level
        within = await store.area_or_404(board["areas"][0]["code"])
        board = await indicators.dashboard(year, targets(request), request.app.state.settings, within=within)
    return render(request, "governance/dashboard.html", board=board, year=year, within=within,
                  under=within.code if within else "", city=await store.city_name())


async def rows_page(request: Request) -> Response:
    """The communities (or the vacant posts) behind one figure of one area."""
    require_entitled(request, "indicator.read")
    figure = request.query_params.get("figure") or ""
    if figure not in FIGURES:
        raise BadRequest(f"参数 figure 应为 {'、'.join(FIGURES)} 之一", f"figure must be one of {', '.join(FIGURES)}",
                         code=ErrorCode.BAD_PARAMETER, details={"parameter": "figure", "choices": list(FIGURES)})
    within, scoped = await scope(request, "indicator.read")
    year = year_param(request)
    board = await indicators.dashboard(year, targets(request), request.app.state.settings, within=within,
                                       prefixes=scoped)
    return render(request, "governance/rows.html", board=board, year=year, within=within, figure=figure,
                  under=within.code if within else "")


ROUTES = [
    Route("/governance", dashboard_page, methods=["GET"]),
    Route("/governance/rows", rows_page, methods=["GET"]),
    Route("/governance/reports", reports_page, methods=["GET"]),
]
