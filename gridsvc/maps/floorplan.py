"""The community grid floor plan (网格化平面图): the plan a community hangs on its wall.

The community boundary, every grid in its own colour (neighbours never share one) with its
name and code as a label, the buildings, a legend listing each grid with its grid worker(s),
household count and area, a scale bar, a north arrow, and a title with the community's name
and the date. It is one HTML file: served at /maps/community/{code}, written by
`gridsvc render-map CODE`, and with the assets inlined it opens from a file with no server
and no network (with the basemap `none`, nothing is requested at all). A print stylesheet
lays it out on A4 or A3 landscape.

`gather` reads the store; `build_html` is a pure function of what was gathered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import folium
import shapely
from folium.utilities import JsCode

from gridsvc.store import areas
from gridsvc.store.rosters import posts

from ..domain import clock
from ..domain.error_codes import ErrorCode
from ..domain.errors import NotFound, ValidationError
from ..domain.levels import LEVEL_NAMES_ZH, ancestor_codes
from ..domain.roles import ROLE_NAMES_ZH
from ..locale import gettext
from . import render, style
from .basemaps import Basemap, all_basemaps

STAFF_ROLES = ("instructor", "head", "worker")

# Map size on paper (mm, landscape, 8 mm margins, legend beside the map): the print script
# gives the map exactly this size before the browser lays the page out, then fits the community.
PRINT_MAP_MM = {"A4": (189, 176), "A3": (296, 262)}


@dataclass
class GridEntry:
    code: str
    name: str
    label: str
    households: int | None
    population: int | None
    area_m2: float
    geometry: Any
    colour: str = ""
    workers: list[dict] = field(default_factory=list)

    @property
    def area_km2(self) -> str:
        km2 = self.area_m2 / 1e6
        return f"{km2:.3f}" if km2 < 1 else f"{km2:.2f}"


@dataclass
class FloorPlanData:
    code: str
    name: str
    households: int | None
    population: int | None
    area_m2: float
    geometry: Any
    chain: list[dict]  # district, street ... above the community: code, name, level
    grids: list[GridEntry]
    buildings: list[dict]  # code, name, households, geometry
    community_staff: list[dict]  # instructor and head of the community

    @property
    def totals(self) -> dict:
        hh = [g.households for g in self.grids if g.households is not None]
        staffed = sum(1 for g in self.grids if g.workers)
        return {"grids": len(self.grids), "households": sum(hh) if hh else None,
                "households_missing": len(self.grids) - len(hh),
                "area_km2": f"{sum(g.area_m2 for g in self.grids) / 1e6:.2f}", "staffed": staffed}


def _card(row: dict) -> dict:
    role = row["user__role"]
    return {"name": row["user__display_name"] or row["user__username"], "role": role,
            "role_zh": ROLE_NAMES_ZH.get(role, role),
            "tier": {"instructor": 1, "head": 2, "worker": 3}.get(role), "phone": row["user__phone"] or ""}


def short_label(name: str, community_name: str) -> str:
    """ "川口社区第1网格" reads "第1网格" inside 川口社区's plan."""
    if community_name and name.startswith(community_name) and len(name) > len(community_name):
        return name[len(community_name):].strip(" -·")
    return name


async def gather(code: str) -> FloorPlanData:
    area = await areas.find_area(code)
    if area is None:
        raise NotFound(f"社区 {code} 不存在", f"community {code} not found", details={"code": code})
    if area.level != "community":
        hint_zh, hint_en, details = "", "", {"code": code, "level": area.level}
        if len(code) > 12:
            details["community"] = code[:12]
            hint_zh, hint_en = f",请打开所在社区 {code[:12]} 的平面图", f"; open the plan of its community {code[:12]}"
        raise ValidationError(f"网格化平面图按社区绘制,{code} 是{LEVEL_NAMES_ZH[area.level]}{hint_zh}",
                              f"floor plans are drawn per community; {code} is a {area.level}{hint_en}",
                              code=ErrorCode.NOT_A_COMMUNITY, details=details)
    above = [c for _, c in ancestor_codes(area.code, "community")]
    chain = await areas.area_rows(above, fields=("code", "name", "level"))
    chain.sort(key=lambda a: len(a["code"].rstrip("0")))
    grids = await areas.child_rows(area, level="grid",
                                   fields=("code", "name", "households", "population", "area_m2", "geometry"))
    buildings = await areas.areas_of_level("building", prefix=area.code,
                                           fields=("code", "name", "households", "population", "geometry"))
    staff = await posts.holders_under(area.code, levels=["community", "grid"], roles=list(STAFF_ROLES))
    by_grid: dict[str, list[dict]] = {}
    community_staff = []
    for s in staff:
        if s["area__code"] == area.code:
            community_staff.append(_card(s))
        elif s["user__role"] == "worker":
            by_grid.setdefault(s["area__code"], []).append(_card(s))
    community_staff.sort(key=lambda c: c["tier"] or 9)
    entries = [GridEntry(g["code"], g["name"], short_label(g["name"], area.name), g["households"], g["population"],
                         g["area_m2"] or 0.0, shapely.from_wkb(g["geometry"]), workers=by_grid.get(g["code"], []))
               for g in grids]
    for g, colour in zip(entries, style.assign_colours([g.geometry for g in entries]), strict=True):
        g.colour = colour
    return FloorPlanData(area.code, area.name, area.households, area.population, area.area_m2 or 0.0,
                         shapely.from_wkb(area.geometry), chain, entries,
                         [{**b, "geometry": shapely.from_wkb(b["geometry"])} for b in buildings], community_staff)


def _grid_style(f: dict) -> dict:
    return {"color": "#3a3a3a", "weight": 1.2, "fillColor": f["properties"]["color"], "fillOpacity": 0.62}


def _grid_style_on_tiles(f: dict) -> dict:
    return {"color": "#3a3a3a", "weight": 1.5, "fillColor": f["properties"]["color"], "fillOpacity": 0.45}


def build_html(fp: FloorPlanData, basemap: Basemap, settings, *, inline: bool, today: date | None = None,
               served: bool = False, notice: str | None = None) -> str:
    """The floor plan as one HTML document. `inline`: Leaflet and our script/CSS inside the file
    (standalone); otherwise linked from /static. `served`: add the links of the web page."""
    today = today or clock.today()
    crs = render.overlay_crs(basemap)
    tiles = basemap.tiles(settings)  # raises when a key is missing: the CLI reports it
    zoom = render.fit_zoom(fp.geometry.bounds, 1400, 1000) + 3  # detail enough for A3 and a zoom or two in

    comm_props = {"code": fp.code, "name": fp.name, "level": "community", "households": fp.households,
                  "population": fp.population, "area_m2": round(fp.area_m2, 1), "staff": fp.community_staff}
    community_fc = {"type": "FeatureCollection",
                    "features": [render.feature(fp.geometry, comm_props, zoom=zoom, crs=crs)]}
    grid_feats, labels = [], []
    for g in fp.grids:
        props = {"code": g.code, "name": g.name, "level": "grid", "households": g.households,
                 "population": g.population,
                 "area_m2": round(g.area_m2, 1), "color": g.colour, "staff": g.workers}
        grid_feats.append(render.feature(g.geometry, props, zoom=zoom, crs=crs))
        lp = style.label_point(g.geometry)
        if lp:
            x0, y0, x1, y1 = render.bounds_in(g.geometry.bounds, crs)
            labels.append({"label": g.label, "code": g.code, "label_point": render.point(lp[0], lp[1], crs),
                           "bbox": [[round(y0, 6), round(x0, 6)], [round(y1, 6), round(x1, 6)]]})
    bld_feats = [render.feature(b["geometry"], {"code": b["code"], "name": b["name"], "level": "building",
                                                "households": b["households"], "population": b["population"]},
                                zoom=zoom, crs=crs) for b in fp.buildings]

    b = render.bounds_in(fp.geometry.bounds, crs)
    m = render.new_map(basemap, settings, bounds=b)
    popup = JsCode("function (f, layer) { GridMap.bindArea(f, layer, {tooltip: true}); }")
    if grid_feats:
        folium.GeoJson({"type": "FeatureCollection", "features": grid_feats}, name=gettext("网格"),
                       style_function=_grid_style if not tiles else _grid_style_on_tiles,
                       on_each_feature=popup).add_to(m)
    folium.GeoJson(community_fc, name=gettext("社区边界"),
                   style_function=lambda f: {"color": "#111", "weight": 3.5, "fill": False},
                   on_each_feature=popup if not grid_feats else None).add_to(m)
    if bld_feats:
        folium.GeoJson({"type": "FeatureCollection", "features": bld_feats}, name=gettext("楼栋"),
                       marker=folium.CircleMarker(radius=2.5),
                       style_function=lambda f: {"color": "#37474f", "weight": 1, "fillColor": "#37474f",
                                                 "fillOpacity": 0.9,
                                                 "fill": True},
                       on_each_feature=JsCode("function (f, layer) { GridMap.bindArea(f, layer, {staff: false}); }"),
                       ).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    parts = render.parts(m)

    config = {"bounds": [[b[1], b[0]], [b[3], b[2]]], "labels": labels, "blank": not tiles,
              "background": basemap.background}
    chain = [a for a in fp.chain if a["level"] in ("district", "street")]
    return render.env.get_template("maps/floorplan.html").render(
        fp=fp, chain=chain, totals=fp.totals, basemap=basemap, basemaps=_basemap_choices(settings) if served else [],
        assets=render.asset_tags(inline=inline), parts=parts, config=render.safe_json(config),
        print_sizes=render.safe_json(PRINT_MAP_MM), date_iso=today.isoformat(),
        date_zh=f"{today.year}年{today.month}月{today.day}日", served=served, notice=notice,
        LEVEL_NAMES_ZH=LEVEL_NAMES_ZH,
    )


def _basemap_choices(settings) -> list[Basemap]:
    return [bm for bm in all_basemaps().values() if bm.available(settings)]


async def render_floorplan(code: str, basemap: Basemap, settings, *, inline: bool, today: date | None = None,
                           served: bool = False, notice: str | None = None) -> str:
    return build_html(await gather(code), basemap, settings, inline=inline, today=today, served=served, notice=notice)
