"""Social organisation pages (社会组织): the registry of an official's area with registration
(credit code checked as typed, by static/orgs.js against /api/v1/orgs/check-code), and an
organisation's page: its card, service areas on a map, members, projects with capacity left,
and for its members the open demands of its service areas, best matches first with the reasons.

Same permission actions and store functions as gridsvc.web.api.orgs.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gridsvc.store.orgs import demands as demand_store
from gridsvc.store.orgs import organisations as store
from gridsvc.store.orgs import registry_sheet
from gridsvc.store.wishes.matching import matches_for

from ...domain.errors import DomainError, in_language
from ...domain.orgs import ORG_KINDS, ORG_STATUSES
from ...domain.scope import Reach, entitled, reach
from ...store.paging import PageRequest
from ..api.files import sheet_upload
from ..api.orgs import registry_authority
from ..permissions import can, principal, require, require_entitled
from .demands import login_redirect
from .render import render

OPEN_DEMANDS_SHOWN = 20


def _manages(request: Request, codes: list[str]) -> bool:
    return bool(codes) and all(can(request, "org.manage", c) for c in codes)


def _registry_area(request: Request) -> str | None:
    """The area the registry opens on (a default; ``under=`` picks another): the first area of
    those who look after areas of their own (staff and officials: ``myarea.read`` within their
    areas). The admin reaches everywhere and sees the whole registry; a volunteer's, member's or
    resident's areas are where they live or serve, not a registry they keep."""
    p = principal(request)
    if reach(p, "myarea.read") is Reach.WITHIN and p.areas:
        return p.areas[0][0]
    return None


async def _registry(request: Request, *, form: dict | None = None, error: str | None = None,
                    status: int = 200, **sheet: Any) -> Response:
    require(request, "org.read")
    under = request.query_params.get("under") or _registry_area(request)
    found = await store.list_orgs(kind=request.query_params.get("kind") or None, under=under,
                                  q=request.query_params.get("q") or None, page=PageRequest(limit=100))
    return render(request, "orgs/list.html", status=status, orgs=found["orgs"], total=found["total"],
                  under=under or "", q=request.query_params.get("q") or "", KINDS=ORG_KINDS, STATUSES=ORG_STATUSES,
                  can_register=entitled(principal(request), "org.manage"), form=form or {}, error=error,
                  section="orgs", **sheet)


async def import_sheet(request: Request) -> Response:
    """The registry's import form: the report, or every bad row and column (nothing stored)."""
    if (r := login_redirect(request)) is not None:
        return r
    p = require_entitled(request, "org.manage")
    try:
        data, fmt = await sheet_upload(request)
        report = await registry_sheet.import_rows(data, fmt, actor=p, may_manage=registry_authority(request))
    except DomainError as e:
        return await _registry(request, status=e.status, sheet_error=e.message, sheet_problems=e.problems)
    return await _registry(request, sheet_report=report)


async def org_list(request: Request) -> Response:
    return await _registry(request)


async def register_org(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    form = {k: str(v) for k, v in (await request.form()).items()}
    data: dict = {k: v for k, v in form.items() if k != "csrf_token" and v}
    data["areas"] = [c.strip() for c in str(data.get("areas") or "").replace(",", ",").split(",") if c.strip()]
    try:
        fields = store.parse_org(data)
        areas = await store.check_service_areas(data["areas"])
        for a in areas:
            require(request, "org.manage", a.code)
            if fields["status"] == "registered":
                require(request, "org.register", a.code)
        org = await store.create_org(fields, areas, actor=principal(request))
    except DomainError as e:
        return await _registry(request, form=form, error=e.message, status=e.status)
    return RedirectResponse(f"/orgs/{org.id}", status_code=303)


async def _fitting_demands(org_id: int, codes: list[str]) -> list[dict]:
    """Open demands in the organisation's service areas, those its projects fit best first,
    with the ranking's reasons (gridsvc.store.allocations)."""
    seen: dict[int, dict] = {}
    for code in codes:
        page = await demand_store.list_demands(status="published", under=code,
                                               page=PageRequest(limit=OPEN_DEMANDS_SHOWN))
        for d in page.rows:
            seen.setdefault(d["id"], d)
    out = []
    for d in list(seen.values())[:OPEN_DEMANDS_SHOWN]:
        demand = await demand_store.get_demand(d["id"])
        ours = [m for m in await matches_for(demand_store.demand_need(demand), kind="project", limit=50)
                if m["provider"]["org"] and m["provider"]["org"]["id"] == org_id]
        best = ours[0] if ours else None
        out.append({**d, "score": best["score"] if best else None,
                    "reasons": [in_language(r["zh"], r["en"]) for r in best["reasons"]] if best else [],
                    "project": best["provider"] if best else None})
    out.sort(key=lambda d: -(d["score"] or 0))
    return out


async def org_page(request: Request) -> Response:
    require(request, "org.read")
    org = await store.get_org(request.path_params["id"])
    p = principal(request)
    codes = [c for c, _ in await store.org_areas(org.id)]
    member = p.is_authenticated and p.org_id == org.id
    card = await store.org_card(org, members=member or _manages(request, codes), projects=True)
    record = await store.org_record(org)
    return render(request, "orgs/detail.html", o=card, record=record, member=member,
                  manages=_manages(request, codes), section="orgs",
                  demands=await _fitting_demands(org.id, codes) if member else [])


ROUTES = [
    Route("/orgs", org_list, methods=["GET"]),
    Route("/orgs", register_org, methods=["POST"]),
    Route("/orgs/import", import_sheet, methods=["POST"]),
    Route("/orgs/{id:int}", org_page, methods=["GET"]),
]
