"""Map pages and the map JSON under /api/v1/maps.

- /maps/mine: "my area" for staff and officials (login; residents, volunteers and
  organisation members get 403; the platform admin, whose scope is everything, the city map).
- /maps/community/{code}: the community's grid floor plan; `?download=1` gives the standalone
  file (Leaflet inlined, opens with no server).
- /maps/city, /maps/area/{code}: maps that load by viewport, optionally coloured (?by=&level=).

Who sees floor plans: anyone (`map.read` is PUBLIC in domain/scope.py). A floor plan is made
to hang on the community's wall: it shows boundaries, grid codes, household counts per grid
and the grid workers' names and phones, which are already public contact cards
(`staff.read`). It carries no resident's data. A deployment that wants them private changes
that one rule.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

import shapely
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from gridsvc.store import areas as store

from ...domain import crs as crs_mod
from ...domain.error_codes import ErrorCode
from ...domain.errors import BadRequest, in_language
from ...domain.levels import LEVEL_INDEX, LEVEL_NAMES_ZH, LEVELS, code_prefix
from ...domain.scope import entitled
from ...locale import gettext
from ...maps import basemaps, choropleth, floorplan, layers, render
from ...maps.city import build_area_map, choropleth_level
from ...maps.mine import build_mine
from ..api import endpoint, json_ok, param, query_bbox, query_bool, query_int
from ..api.areas import past_day
from ..headers import policy_for_document
from ..permissions import can, principal, require
from ..public_cache import same_for_everyone
from .render import render as render_page


def _basemap(request: Request):
    return basemaps.choose(request.query_params.get("basemap") or None, request.app.state.settings)


def _page(request: Request, page, day: date | None = None, **extra) -> HTMLResponse:
    if day is not None:  # ?on= a past day: say so, and link today's map
        said = gettext("%(day)s 时的边界") % {"day": day.isoformat()}
        page.notice = f"{page.notice} · {said}" if page.notice else said
        page.links.append((request.url.path, gettext("查看现状")))
    return render_page(request, "maps/map_page.html", page=page, LEVEL_NAMES_ZH=LEVEL_NAMES_ZH,
                       default_basemap=request.app.state.settings.basemap,
                       on=day.isoformat() if day is not None else None, **extra)


async def _map_day(request: Request) -> date | None:
    """`on=` of a map page, checked as the API checks it (a malformed day is a 400 `bad_parameter`,
    a day before the first generation a 400 `before_first_generation`, both shown as a page in
    the reader's language); the day when it is past, None for today (later days read as today)."""
    return await past_day(request)


async def mine_page(request: Request) -> Response:
    p = principal(request)
    if not p.is_authenticated:
        return RedirectResponse("/login?next=/maps/mine", status_code=303)
    day = await _map_day(request)
    if entitled(p, "map.city_home"):
        return RedirectResponse("/maps/city" + (f"?on={day.isoformat()}" if day else ""), status_code=303)
    require(request, "myarea.read")
    bm, notice = _basemap(request)
    page = await build_mine(p, bm, request.app.state.settings, notice=notice, day=day)
    return _page(request, page, day)


async def community_page(request: Request) -> Response:
    code = request.path_params["code"]
    require(request, "map.read", code)
    settings = request.app.state.settings
    download = query_bool(request, "download", False)
    day = await _map_day(request)
    if day is not None:
        # the plan hangs on the wall as the community stands, with today's staff; a past day's
        # grids are on the community's map, which draws any day and says which
        where = f"/maps/area/{quote(code, safe='')}?on={day.isoformat()}"
        if not download:
            return RedirectResponse(where, status_code=303)
        raise BadRequest(f"网格平面图只画现状;{day.isoformat()} 时的网格请看社区地图 {where}",
                         f"the floor plan shows the community as it stands today; for its grids on "
                         f"{day.isoformat()} see its map, {where}",
                         code=ErrorCode.BAD_PARAMETER, details={"parameter": "on", "map": where})
    bm, notice = _basemap(request)
    html = await floorplan.render_floorplan(code, bm, settings, inline=download, served=not download,
                                            notice=None if download else notice)
    # made without the request (it must also open from a file): its inline scripts are allowed by hash
    headers = {"Content-Security-Policy": policy_for_document(html, settings)}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="floorplan-{code}.html"'
    return HTMLResponse(html, headers=headers)


def _colour_levels(area_level: str | None, ind: choropleth.Indicator | None) -> list[str]:
    below = [lv for lv in LEVELS if area_level is None or LEVEL_INDEX[lv] > LEVEL_INDEX[area_level]]
    return [lv for lv in below if lv in ("district", "street", "community",
                                         "grid") and (ind is None or lv in ind.levels)]


async def _area_map(request: Request, code: str | None) -> Response:
    by = request.query_params.get("by") or None
    level = request.query_params.get("level") or None
    if level is not None and level not in LEVELS:
        raise BadRequest(f"未知层级 {level}", f"unknown level {level!r}",
                         code=ErrorCode.BAD_PARAMETER, details={"parameter": "level"})
    require(request, "map.read", code)
    day = await _map_day(request)
    if by:
        require(request, choropleth.get_indicator(by).action, code)
        if day is not None:
            raise BadRequest("着色按今天的数据,不能与过去的日期 on= 同用",
                             "colours are today's figures; they cannot be drawn with a past on=",
                             code=ErrorCode.BAD_PARAMETER, details={"parameter": "by", "on": day.isoformat()})
    bm, notice = _basemap(request)
    page = await build_area_map(code, bm, request.app.state.settings, by=by, level=level, notice=notice, day=day)
    ind = choropleth.get_indicator(by) if by else None
    visible = [i for i in choropleth.indicators() if can(request, i.action, code)] if day is None else []
    return _page(request, page, day, indicators=visible,
                 colour_levels=_colour_levels(page.summary["area_level"], ind))


async def city_page(request: Request) -> Response:
    return await _area_map(request, None)


async def area_map_page(request: Request) -> Response:
    return await _area_map(request, request.path_params["code"])


# ---- JSON --------------------------------------------------------------------------------


async def choropleth_json(request: Request) -> Response:
    """Areas of one level (under an area, in the visible box) with their value, class colour,
    and the legend computed over all of them, not just the visible ones."""
    by = request.query_params.get("by") or "households"
    ind = choropleth.get_indicator(by)
    under = request.query_params.get("under") or None
    anc = await store.get_area(under) if under else None
    require(request, ind.action, anc.code if anc else None)
    level = choropleth_level(anc.level if anc else None, request.query_params.get("level") or None, ind)
    zoom = request.query_params.get("zoom")
    z = query_int(request, "zoom", 0, lo=0, hi=22) if zoom else None
    limit = query_int(request, "limit", 5000, lo=1, hi=50_000)
    crs = crs_mod.check_crs(request.query_params.get("crs") or "wgs84")
    bbox = query_bbox(request, crs)

    prefix = code_prefix(anc.code, anc.level) if anc else ""
    rows = await choropleth.figure_rows(level, prefix)
    values = await choropleth.values_for(ind, rows, request.app.state.settings)
    legend = choropleth.legend(ind, level, values)
    found = await store.areas_of_level(level, prefix=prefix, bbox=bbox, limit=limit + 1,
                                       fields=(*choropleth.FIGURE_FIELDS, "geometry"))
    feats = []
    for a in found[:limit]:
        v = values.get(a["code"])
        props = {"code": a["code"], "name": a["name"], "level": a["level"], "households": a["households"],
                 "population": a["population"], "area_m2": round(a["area_m2"] or 0, 1), "value": v,
                 "value_label": f"{in_language(ind.name_zh, ind.name_en)} {ind.format(v)}",
                 "color": choropleth.colour_of(v, legend)}
        feats.append(render.feature(shapely.from_wkb(a["geometry"]), props, zoom=z, crs=crs))
    fc: dict[str, Any] = {"type": "FeatureCollection", "features": feats, "legend": legend}
    if len(found) > limit:
        fc["truncated"] = True
    return json_ok(fc)


async def basemaps_json(request: Request) -> Response:
    settings = request.app.state.settings
    return json_ok({"default": settings.basemap,
                    "basemaps": [b.public(settings) for b in basemaps.all_basemaps().values()]})


async def indicators_json(request: Request) -> Response:
    return json_ok({"indicators": [i.describe() for i in choropleth.indicators()]})


async def layers_json(request: Request) -> Response:
    p = principal(request)
    crs = request.query_params.get("crs") or "wgs84"
    return json_ok({"layers": [x.config() for x in layers.registered_layers(role=p.role, crs=crs)]})


ROUTES = [
    Route("/maps/mine", mine_page, methods=["GET"]),
    Route("/maps/community/{code}", same_for_everyone(community_page), methods=["GET"]),
    Route("/maps/city", city_page, methods=["GET"]),
    Route("/maps/area/{code}", area_map_page, methods=["GET"]),
    endpoint("/maps/choropleth", same_for_everyone(choropleth_json), "GET",
             "按指标着色的区域 GeoJSON (areas coloured by a figure)", tag="maps",
             params=[param("by", description="households | population | density | staff_coverage | 已注册指标"),
                     param("level", enum=["district", "street", "community", "grid"]), param("under"),
                     param("bbox", description="minlon,minlat,maxlon,maxlat"), param("zoom", type_="integer"),
                     param("crs", enum=["wgs84", "gcj02"]), param("limit", type_="integer")], action="map.read"),
    endpoint("/maps/basemaps", basemaps_json, "GET", "底图列表 (basemaps; never their keys)", tag="maps",
             action="map.read"),
    endpoint("/maps/indicators", indicators_json, "GET", "着色指标 (indicators a map can be coloured by)", tag="maps",
             action="map.read"),
    endpoint("/maps/layers", layers_json, "GET", "“我的网格”可叠加图层 (layers registered for my area)", tag="maps",
             params=[param("crs", enum=["wgs84", "gcj02"])], action="map.read"),
]
