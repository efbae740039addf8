"""The workbench (工作台): the home page after log-in, what is waiting for this person with
counts that link to the lists. Each count is read through the same scope as the list it links
to (the wish counts through the wish list's scope, demands through the demand list), so the
number and the list never disagree."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response

from gridsvc.store import workbench as due_store
from gridsvc.store.catalog import admission as admission_store
from gridsvc.store.orgs import demands as demand_store
from gridsvc.store.wishes import listing as wish_store

from ...domain import clock
from ...domain.scope import entitled, reaches_everywhere
from ...locale import N_
from ...store.paging import PageRequest
from ..api.catalog import visible_to
from ..api.wishes import list_scope
from ..permissions import can, prefixes, principal
from .render import render

ONE = PageRequest(limit=1)
# "about to expire": within the reminder window the claim notices use for the claimer
DUE_SOON = timedelta(days=3)


async def _demands(status: str, under: str | None) -> int:
    return (await demand_store.list_demands(status=status, under=under, page=ONE)).extra["total"]


async def _admissions_to_decide(request: Request) -> int:
    """Applications waiting for this official's decision (the admission desk's rule: in their
    county and not applied for by themselves)."""
    p = principal(request)
    rows = (await admission_store.list_admissions(visible=visible_to(request), state="applied",
                                                  page=PageRequest(limit=200))).rows
    return sum(1 for r in rows if r["applied_by"] != p.username and all(can(request, "admission.decide", c)
                                                                         for c in r["areas"]))


async def _staff_tiles(request: Request, home: str | None) -> list[dict]:
    """A worker's grids, a head's whole community, an official's area: claims near their
    deadline, tiers without a person, and for officials admissions and unfilled demands."""
    p = principal(request)
    tiles = []
    if entitled(p, "wish.read"):
        n = await due_store.claims_due(read=prefixes(request, "wish.read"), org_id=None, until=clock.now() + DUE_SOON)
        tiles.append({"label": N_("即将到期的认领"), "n": n, "href": "/wishes?tab=claimed"})
    if entitled(p, "staff.manage"):  # those who fill the tiers see the tiers left empty
        areas = None if reaches_everywhere(p, "staff.manage") else [code for code, _ in p.areas]
        tiles.append({"label": N_("缺员的网格岗位"), "n": await due_store.vacancy_count(areas),
                      "href": f"/areas/{home}" if home else "/me"})
    if entitled(p, "admission.decide"):
        tiles.append({"label": N_("待决定的准入申请"), "n": await _admissions_to_decide(request),
                      "href": "/services/admissions?state=applied"})
    if entitled(p, "demand.oversee"):
        tiles.append({"label": N_("未满员的志愿需求"), "n": await _demands("published", home),
                      "href": f"/demands?status=published&under={home or ''}"})
    return tiles


async def workbench(request: Request) -> Response:
    p = principal(request)
    scope = list_scope(request)
    home = p.areas[0][0] if p.areas else None
    tiles: list[dict] = []
    if entitled(p, "wish.read"):
        counts = await wish_store.counts_by_status(scope)
        tiles.append({"label": N_("待审核的心愿"), "n": counts["submitted"], "href": "/wishes?tab=submitted"})
        tiles.append({"label": N_("认领中的心愿"), "n": counts["claimed"], "href": "/wishes?tab=claimed"})
        tiles.append({"label": N_("待确认的心愿"), "n": counts["fulfilled"], "href": "/wishes?tab=fulfilled"})
    tiles += await _staff_tiles(request, home)
    if entitled(p, "demand.publish") and not entitled(p, "demand.oversee"):
        tiles.append({"label": N_("招募中的志愿需求"), "n": await _demands("published", home),
                      "href": f"/demands?status=published&under={home or ''}"})
    if entitled(p, "allocation.plan"):
        tiles.append({"label": N_("分配方案"), "n": None, "href": "/allocations"})
    if entitled(p, "user.manage"):
        tiles.append({"label": N_("账号管理"), "n": None, "href": "/accounts"})
    # the pages an official keeps, which the navigation does not name
    if entitled(p, "indicator.read"):
        tiles.append({"label": N_("考核指标"), "n": None, "href": "/governance"})
    if entitled(p, "org.manage"):
        tiles.append({"label": N_("社会组织名录"), "n": None, "href": "/orgs"})
    if entitled(p, "org.act_for"):
        counts = await wish_store.counts_by_status(scope, view="claims")
        tiles.append({"label": N_("服务区域内可认领的心愿"),
                      "n": (await wish_store.counts_by_status(scope))["published"],
                      "href": "/wishes?tab=published"})
        tiles.append({"label": N_("本组织认领中的心愿"), "n": counts["claimed"], "href": "/wishes?tab=claims"})
        if p.org_id:
            due = await due_store.claims_due(read=None, org_id=p.org_id, until=clock.now() + DUE_SOON)
            tiles.append({"label": N_("本组织即将到期的认领"), "n": due, "href": "/wishes?tab=claims"})
        if p.org_id:
            tiles.append({"label": N_("本组织页面"), "n": None, "href": f"/orgs/{p.org_id}"})
    if entitled(p, "demand.take"):
        tiles.append({"label": N_("附近招募中的志愿需求"), "n": await _demands("published", home),
                      "href": "/demands?status=published"})
        tiles.append({"label": N_("我的志愿服务记录"), "n": None, "href": "/me/service"})
    if entitled(p, "wish.post_own"):
        counts = await wish_store.counts_by_status(scope, view="mine")
        tiles.append({"label": N_("我的心愿"), "n": sum(counts.values()), "href": "/wishes"})
        tiles.append({"label": N_("待我确认"), "n": counts["fulfilled"], "href": "/wishes"})
        tiles.append({"label": N_("附近的志愿活动"), "n": await _demands("published", home), "href": "/demands"})
        tiles.append({"label": N_("办事指南"), "n": None, "href": "/services"})
    return render(request, "workbench/index.html", tiles=tiles)
