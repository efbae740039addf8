"""The pages: home, login, an area, my area."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ...domain.errors import Forbidden
from ...domain.levels import LEVEL_NAMES_ZH, area_kind, area_level_name_zh
from ...domain.sizing import size_warning
from ...store import areas as store
from ...store.models import Area
from ..api.staff import my_area_data
from ..permissions import can, principal
from .render import render, render_login


async def home(request: Request) -> Response:
    tops = await Area.filter(parent_id=None).order_by("code")
    return render(request, "home.html", tops=tops, LEVEL_NAMES_ZH=LEVEL_NAMES_ZH)


async def login_page(request: Request) -> Response:
    if principal(request).is_authenticated:
        return RedirectResponse(request.query_params.get("next") or "/", status_code=303)
    return render_login(request, next_=request.query_params.get("next"))


async def area_page(request: Request) -> Response:
    area = await store.get_area(request.path_params["code"])
    chain = []
    node = area
    while node.parent_id:
        node = await Area.get(id=node.parent_id)
        chain.append(node)
    chain.reverse()
    children = await Area.filter(parent_id=area.id).order_by("code")
    from ..api.areas import area_staff

    staff = (await area_staff(request)).body
    import json

    cover = await store.coverage_of(area.code) if children and len(children) <= 2000 else None
    settings = request.app.state.settings
    band = store.size_band(area.level, settings) if area_kind(area.level, area.code) != "village" else None
    size_note = size_warning(area.level, area.households, band) if band and area.households is not None else None
    return render(request, "area.html", area=area, chain=chain, children=children, staff=json.loads(staff)["staff"],
                  coverage=cover, LEVEL_NAMES_ZH=LEVEL_NAMES_ZH, size_note=size_note,
                  level_name=area_level_name_zh(area.level, area.code), can_edit=can(request, "area.edit", area.code))


async def my_area_page(request: Request) -> Response:
    p = principal(request)
    if not p.is_authenticated:
        return RedirectResponse("/login?next=/me", status_code=303)
    if not can(request, "myarea.read"):
        raise Forbidden("只有网格人员和民政干部有“我的网格”", "my area is for staff and officials")
    data = await my_area_data(p)
    return render(request, "me.html", data=data, LEVEL_NAMES_ZH=LEVEL_NAMES_ZH,
                  officer=can(request, "staff.manage_every_tier"))


ROUTES = [
    Route("/", home, methods=["GET"]),
    Route("/login", login_page, methods=["GET"]),
    Route("/areas/{code}", area_page, methods=["GET"]),
    Route("/me", my_area_page, methods=["GET"]),
]
