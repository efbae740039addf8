"""The pages: home, login, an area, my area."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gridsvc.store import areas as store
from gridsvc.store.accounts import staff_board
from gridsvc.store.areas import generations

from ...domain.errors import DomainError, Forbidden
from ...domain.levels import LEVEL_NAMES_ZH, area_kind, area_level_name_zh
from ...domain.locate import answer, check_point
from ...domain.sizing import size_warning
from ..api import query_float
from ..api.areas import past_day
from ..api.auth import safe_next
from ..permissions import can, principal, require
from .governance_records import published_of
from .render import render, render_login
from .workbench import workbench


async def home(request: Request) -> Response:
    if principal(request).is_authenticated:
        return await workbench(request)  # after log-in the home page is the person's workbench
    tops = await store.top_areas()
    found, error, status = None, None, 200
    if "lon" in request.query_params or "lat" in request.query_params:
        # "which grid am I in" answers in the page, with the same check and index as the API
        try:
            lon, lat = query_float(request, "lon"), query_float(request, "lat")
            assert lon is not None and lat is not None  # required parameters
            check_point(lon, lat)
            found = answer((await request.app.state.index.get()).locate(lon, lat), lon, lat)
        except DomainError as e:
            error, status = e.message, e.status
    return render(request, "home.html", status=status, tops=tops, LEVEL_NAMES_ZH=LEVEL_NAMES_ZH, found=found,
                  error=error, lon=request.query_params.get("lon", ""), lat=request.query_params.get("lat", ""))


async def login_page(request: Request) -> Response:
    if principal(request).is_authenticated:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return render_login(request, next_=request.query_params.get("next"))


async def area_page(request: Request) -> Response:
    day = await past_day(request)
    if day is not None:  # ?on=: the area as it stood that day, from its versions
        code = request.path_params["code"]
        then = await generations.version_on(code, day)
        return render(request, "area.html", area=then, chain=await generations.chain_on(code, day),
                      children=sorted(await generations.children_on(code, day), key=lambda v: v.code), staff=[],
                      coverage=None, LEVEL_NAMES_ZH=LEVEL_NAMES_ZH, size_note=None, on=day.isoformat(),
                      level_name=area_level_name_zh(then.level, then.code), can_edit=False)
    area = await store.get_area(request.path_params["code"])
    chain = await store.ancestors(area)
    children = await store.children_of(area)
    require(request, "staff.read", area.code)
    staff = await staff_board.serving_area(area, public=not can(request, "staff.manage"))
    cover = await store.coverage_of(area.code) if children and len(children) <= 2000 else None
    settings = request.app.state.settings
    band = store.size_band(area.level, settings) if area_kind(area.level, area.code) != "village" else None
    size_note = size_warning(area.level, area.households, band) if band and area.households is not None else None
    return render(request, "area.html", area=area, chain=chain, children=children, staff=staff,
                  coverage=cover, LEVEL_NAMES_ZH=LEVEL_NAMES_ZH, size_note=size_note,
                  level_name=area_level_name_zh(area.level, area.code), can_edit=can(request, "area.edit", area.code),
                  can_roster=can(request, "roster.read", area.code),
                  consultations=await published_of(area.code, area.level))


async def my_area_page(request: Request) -> Response:
    p = principal(request)
    if not p.is_authenticated:
        return RedirectResponse("/login?next=/me", status_code=303)
    if not can(request, "myarea.read"):
        raise Forbidden("只有网格人员和民政干部有“我的网格”", "my area is for staff and officials")
    data = await staff_board.looked_after(p)
    return render(request, "me.html", data=data, LEVEL_NAMES_ZH=LEVEL_NAMES_ZH,
                  officer=can(request, "staff.manage_every_tier"), accounts=can(request, "user.manage"))


ROUTES = [
    Route("/", home, methods=["GET"]),
    Route("/login", login_page, methods=["GET"]),
    Route("/areas/{code}", area_page, methods=["GET"]),
    Route("/me", my_area_page, methods=["GET"]),
]
