"""办事指南: the catalog for residents (no login, phone-first), and where its other pages live.

- /services: pick a community (or use the phone's location), browse by category, search.
  ``?area=CODE&q=&category=``; a logged-in resident or staff member starts in their community.
- /services/{code}: what to bring and where to go, and for officials the upkeep panel
  (.catalog_items); /services/new, /services/{code}/edit, /services/drafts (.catalog_editing).
- /services/admissions: the admission desk and the application form (.admissions).
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gridsvc.store import areas

from ...domain import clock
from ...domain.catalog import CATEGORIES, LISTS
from ...domain.catalog import NEGATIVE_LISTS as NEGATIVE_LIST_IDS
from ...domain.levels import LEVEL_NAMES_ZH
from ...domain.text import whole_number
from ..api import query_date
from ..api.catalog import area_param, catalog_search, filters
from ..permissions import can, principal
from . import admissions, catalog_editing, catalog_items
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
    day = query_date(request) or clock.today()
    raw_offset = request.query_params.get("offset") or "0"
    offset = whole_number(raw_offset) or 0
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


ROUTES = [
    Route("/services", services_page, methods=["GET"]),
    *admissions.ROUTES,
    # the fixed paths (new, drafts) before /services/{code}
    *catalog_editing.ROUTES,
    *catalog_items.ROUTES,
]
