"""The city map (/maps/city) and an area's map (/maps/area/{code}), optionally coloured by a
figure (?by=households&level=community).

Nothing large is inlined: the city map's HTML holds no geometry at all (only the extent, from
the stored bounding boxes), an area's map holds its own outline. At city zoom the page asks
for districts and streets; communities, grids, groups and buildings come in with the zoom
(style.MIN_ZOOM), each request limited to the visible area and simplified for the zoom.
"""

from __future__ import annotations

from datetime import date

import shapely

from gridsvc.store.areas import TOP_LEVELS, get_area, top_area_extents
from gridsvc.store.areas.generations import version_on

from ..domain.error_codes import ErrorCode
from ..domain.errors import ValidationError, in_language
from ..domain.levels import LEVEL_INDEX, LEVEL_NAMES_ZH, LEVELS
from ..locale import gettext
from . import choropleth, render, style
from .basemaps import Basemap, all_basemaps
from .page import MapPage, area_layer, scope_spec, viewport_map


def choropleth_level(area_level: str | None, level: str | None, ind: choropleth.Indicator) -> str:
    """The level to colour: as asked, else communities (grids inside a community)."""
    if level is None:
        level = "community" if area_level is None or LEVEL_INDEX[area_level] < LEVEL_INDEX["community"] else "grid"
    choropleth.check_level(ind, level)
    if area_level is not None and LEVEL_INDEX[level] <= LEVEL_INDEX[area_level]:
        raise ValidationError(f"只能为下级区域着色:{LEVEL_NAMES_ZH[level]}不在{LEVEL_NAMES_ZH[area_level]}之下",
                              f"only levels below the area can be coloured; {level} is not below {area_level}",
                              code=ErrorCode.BAD_LEVEL, details={"level": level})
    return level


async def _extent() -> tuple[tuple[float, float, float, float] | None, list[dict]]:
    """The extent of the deployment from the stored bounding boxes of its top-level areas."""
    # only a city or a district may stand without a parent (store.areas.TOP_LEVELS), so the level
    # index finds them
    tops = await top_area_extents(TOP_LEVELS)
    if not tops:
        return None, tops
    return (min(t["minx"] for t in tops), min(t["miny"] for t in tops), max(t["maxx"] for t in tops),
            max(t["maxy"] for t in tops)), tops


async def build_area_map(code: str | None, basemap: Basemap, settings, *, by: str | None = None,
                         level: str | None = None, notice: str | None = None, day: date | None = None) -> MapPage:
    """`code` None: the whole city (every top-level area). `day`: a past day, the area's outline
    as it stood then (its layers ask the API for that day: gridmap.js passes the page's `on=`)."""
    crs = render.overlay_crs(basemap)
    ind = choropleth.get_indicator(by) if by else None
    inline, scope = [], []
    if code is None:
        bounds, tops = await _extent()
        area_level = None
        names = "、".join(t["name"] for t in tops[:3])
        title = in_language((names or "城市") + "地图", f"Map of {names}" if names else "City map")
        levels = list(LEVELS)
        sub = (in_language(f"{len(tops)} 个顶级区域", f"{len(tops)} top-level areas") if len(tops) > 1
               else in_language("市、区县、街道;放大后显示社区、网格和楼栋",
                                "city, districts, streets; zoom in for communities, grids, buildings"))
    else:
        area = await (version_on(code, day) if day is not None else get_area(code))
        outline = shapely.from_wkb(area.geometry)
        area_level = area.level
        bounds = outline.bounds
        zoom = render.fit_zoom(bounds) + 1
        props = {"code": area.code, "name": area.name, "level": area.level, "households": area.households,
                 "population": area.population, "area_m2": round(area.area_m2 or 0, 1)}
        inline = [scope_spec([render.feature(outline, props, zoom=zoom, crs=crs)], name=area.name)]
        inline[0]["style"] = {"color": "#222", "weight": 3, "fill": False}
        scope = [area.code]
        levels = list(LEVELS[LEVEL_INDEX[area.level] + 1:])
        title = in_language(f"{area.name}地图", f"Map of {area.name}")
        sub = f"{gettext(LEVEL_NAMES_ZH[area.level])} {area.code}"
    layers = []
    coloured = choropleth_level(area_level, level, ind) if ind else None
    for lv in levels:
        if ind and lv == coloured:
            fit = render.fit_zoom(bounds) if bounds else 10
            layers.append(area_layer(lv, under=scope, by=ind.name,
                                     min_zoom=max(0, min(style.MIN_ZOOM[lv], max(fit, style.MIN_ZOOM[lv] - 3)))))
        else:
            layers.append(area_layer(lv, under=scope))
    parts, config = viewport_map(basemap=basemap, settings=settings, bounds=bounds, inline=inline, layers=layers,
                                 scope=scope)
    if ind and coloured:
        level_word = gettext(LEVEL_NAMES_ZH[coloured])
        title += in_language(f" · {level_word}{ind.name_zh}", f" · {ind.name_en} by {level_word.lower()}")
    links = []
    if code and len(code) == 12 and area_level == "community":
        links.append((f"/maps/community/{code}", in_language("网格平面图", "Floor plan")))
    if code:
        links.append((f"/areas/{code}", in_language("区域详情", "Area page")))
    if code is None and bounds is None:
        notice = (notice + " · " if notice else "") + in_language("尚未导入区域边界", "no boundaries yet")
    return MapPage(title=title, subtitle=sub, basemap=basemap, parts=parts, config=config,
                   assets=render.asset_tags(inline=False), notice=notice, links=links,
                   basemap_choices=[b for b in all_basemaps().values() if b.available(settings)],
                   summary={"levels": [x["id"] for x in layers], "coloured": coloured, "by": by,
                            "area_level": area_level})
