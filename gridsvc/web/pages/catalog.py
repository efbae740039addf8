"""办事指南: the catalog for residents (no login, phone-first) and the admission desk for officials.

- /services: pick a community (or use the phone's location), browse by category, search.
  ``?area=CODE&q=&category=``; a logged-in resident or staff member starts in their community.
- /services/{code}: what to bring (materials, copies, whether an electronic licence counts)
  and where to go (venue, address, hours, contact), with time limit, fee and legal basis.
- /services/admissions: applications in the official's scope, with approve/reject forms
  (the forms call the JSON API with the session's CSRF token).
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gridsvc.store import areas
from gridsvc.store.accounts import users
from gridsvc.store.catalog import admission

from ...domain import clock
from ...domain.catalog import CATEGORIES, LISTS
from ...domain.catalog import NEGATIVE_LISTS as NEGATIVE_LIST_IDS
from ...domain.levels import LEVEL_NAMES_ZH
from ...locale import gettext, pgettext
from ...store.paging import PageRequest
from ..api.catalog import (
    area_param,
    catalog_search,
    date_param,
    filters,
    visible_to,
)
from ..permissions import can, principal
from . import catalog_editing, catalog_items
from .render import render

PAGE = 30
RESIDENT_LISTS = [x for x in LISTS if x.id not in NEGATIVE_LIST_IDS]
NEGATIVE_LISTS = [x for x in LISTS if x.id in NEGATIVE_LIST_IDS]


def _home_community(request: Request) -> str | None:
    """A resident's or staff member's community, from their assigned area's code."""
    for code, level in principal(request).areas:
        if level in ("community", "grid", "group", "building"):
            return code[:12]
    return None


async def services_page(request: Request) -> Response:
    if "area" not in request.query_params and "pick" not in request.query_params and "all" not in request.query_params:
        home = _home_community(request)
        if home and await areas.area_exists(home):
            return RedirectResponse(f"/services?{urlencode({'area': home})}", status_code=303)
    area = await area_param(request)
    category, list_ = filters(request)
    q = (request.query_params.get("q") or "").strip()
    day = date_param(request) or clock.today()
    raw_offset = request.query_params.get("offset") or "0"
    offset = int(raw_offset) if raw_offset.isdigit() else 0
    search = await catalog_search(request)
    chain = await areas.chain_to(area) if area else []
    everything = search.search(q or None, area_code=area, on=day, limit=None)
    by_category = Counter(x["category"] for x in everything if x["list"] not in NEGATIVE_LIST_IDS)
    shown_lists = {list_} if list_ else {x.id for x in RESIDENT_LISTS}
    hits = [x for x in everything if x["list"] in shown_lists and (category is None or x["category"] == category)]
    negative = [] if (q or category or list_) else [x for x in everything if x["list"] in NEGATIVE_LIST_IDS]
    choices = await areas.areas_to_pick(request.query_params.get("pick")) if not area else []
    base = {k: v for k, v in (("area", area), ("q", q), ("category", category), ("list", list_)) if v}
    return render(
        request, "catalog/index.html", area=chain[-1] if chain else None, chain=chain, q=q, category=category,
        list_=list_, categories=[(c, by_category.get(c.id, 0)) for c in CATEGORIES], hits=hits[offset:offset + PAGE],
        total=len(hits), offset=offset, page=PAGE, negative=negative, lists=LISTS, choices=choices,
        pick=request.query_params.get("pick"), LEVEL_NAMES_ZH=LEVEL_NAMES_ZH, today=day,
        query=lambda **kw: urlencode({k: v for k, v in {**base, **kw}.items() if v not in (None, "")}),
        is_past=day != clock.today(), show_admissions=can(request, "admission.read"),
        show_upkeep=can(request, "catalog.edit"),
    )


def admission_step_word(action: str) -> str:
    """A step of an admission in words, as its history reads ("王芳 批准 2026-11-29")."""
    words = {"apply": pgettext("admission step", "申请"), "approve": pgettext("admission step", "批准"),
             "reject": pgettext("admission step", "驳回"), "withdraw": pgettext("admission step", "撤回"),
             "activate": pgettext("admission step", "开始执行"), "expire": pgettext("admission step", "到期退出")}
    return words.get(action, action)


async def admissions_page(request: Request) -> Response:
    p = principal(request)
    if not p.is_authenticated:
        return RedirectResponse("/login?next=/services/admissions", status_code=303)
    visible = visible_to(request)
    state = request.query_params.get("state") or None
    rows = (await admission.list_admissions(visible=visible, state=state, page=PageRequest(limit=200))).rows
    for r in rows:
        r["can_decide"] = r["state"] == "applied" and all(can(request, "admission.decide", c) for c in r["areas"]) \
            and r["applied_by"] != p.username
    names = await areas.area_names({c for r in rows for c in r["areas"]})
    people = await users.display_names([r["applied_by"] for r in rows] + [r["decided_by"] or "" for r in rows]
                                       + [s["by"] for r in rows for s in r["steps"]])
    people["system"] = gettext("系统")  # the calendar's steps (activate, expire)
    for r in rows:
        r["applied_by_name"] = people.get(r["applied_by"], r["applied_by"])
        r["decided_by_name"] = people.get(r["decided_by"] or "", r["decided_by"] or "")
        for step in r["steps"]:
            step["by_name"] = people.get(step["by"], step["by"])
            step["action_word"] = admission_step_word(step["action"])
    return render(request, "catalog/admissions.html", rows=rows, names=names, state=state)


ROUTES = [
    Route("/services", services_page, methods=["GET"]),
    Route("/services/admissions", admissions_page, methods=["GET"]),
    # the fixed paths (new, drafts) before /services/{code}
    *catalog_editing.ROUTES,
    *catalog_items.ROUTES,
]
