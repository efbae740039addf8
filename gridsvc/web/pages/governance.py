"""Pages of governance for officials: the information-report table in seed 000's layout
(/governance/reports?year=&under=), scoped like the API (a street official sees their street)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...domain.governance.reports import rule_text
from ...store.governance import reports as store
from ..api.governance import scope, targets, year_param
from ..permissions import require_entitled
from .render import render


async def reports_page(request: Request) -> Response:
    require_entitled(request, "report.read")
    within, scoped = await scope(request, "report.read")
    year = year_param(request)
    groups = await store.table(year, targets(request), within=within, prefixes=scoped)
    return render(request, "governance/reports.html", groups=groups, year=year, rule=rule_text(targets(request)),
                  under=within.code if within else "", city=await store.city_name())


ROUTES = [Route("/governance/reports", reports_page, methods=["GET"])]
