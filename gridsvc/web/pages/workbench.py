"""The workbench (工作台): the home page after log-in, what is waiting for this person with
counts that link to the lists. Each count is read through the same scope as the list it links
to (the wish counts through the wish list's scope, demands through the demand list), so the
number and the list never disagree."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ...domain.scope import entitled
from ...store import demands as demand_store
from ...store import wishes as wish_store
from ...store.paging import PageRequest
from ..api.wishes import list_scope
from ..permissions import principal
from .render import render

ONE = PageRequest(limit=1)


async def _demands(status: str, under: str | None) -> int:
    return (await demand_store.list_demands(status=status, under=under, page=ONE)).extra["total"]


async def workbench(request: Request) -> Response:
    p = principal(request)
    scope = list_scope(request)
    home = p.areas[0][0] if p.areas else None
    tiles: list[dict] = []
    if entitled(p, "wish.read"):
        counts = await wish_store.counts_by_status(scope)
        tiles.append({"label": "待审核的心愿", "n": counts["submitted"], "href": "/wishes?tab=submitted"})
        tiles.append({"label": "认领中的心愿", "n": counts["claimed"], "href": "/wishes?tab=claimed"})
        tiles.append({"label": "待确认的心愿", "n": counts["fulfilled"], "href": "/wishes?tab=fulfilled"})
    if entitled(p, "demand.publish"):
        tiles.append({"label": "招募中的志愿需求", "n": await _demands("published", home),
                      "href": f"/demands?status=published&under={home or ''}"})
    if p.role == "org_member":
        counts = await wish_store.counts_by_status(scope, view="claims")
        tiles.append({"label": "服务区域内可认领的心愿", "n": (await wish_store.counts_by_status(scope))["published"],
                      "href": "/wishes?tab=published"})
        tiles.append({"label": "本组织认领中的心愿", "n": counts["claimed"], "href": "/wishes?tab=claims"})
        if p.org_id:
            tiles.append({"label": "本组织页面", "n": None, "href": f"/orgs/{p.org_id}"})
    if p.role in ("volunteer", "org_member"):
        tiles.append({"label": "附近招募中的志愿需求", "n": await _demands("published", home),
                      "href": "/demands?status=published"})
        tiles.append({"label": "我的志愿服务记录", "n": None, "href": "/me/service"})
    if p.role == "resident":
        counts = await wish_store.counts_by_status(scope, view="mine")
        tiles.append({"label": "我的心愿", "n": sum(counts.values()), "href": "/wishes"})
        tiles.append({"label": "待我确认", "n": counts["fulfilled"], "href": "/wishes"})
        tiles.append({"label": "附近的志愿活动", "n": await _demands("published", home), "href": "/demands"})
        tiles.append({"label": "办事指南", "n": None, "href": "/services"})
    return render(request, "workbench/index.html", tiles=tiles)
