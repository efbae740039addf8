""""My area" (/maps/mine): a staff member's or official's own areas on a phone-sized map.

The user's assigned areas are drawn from the page (a few outlines with their names and codes);
what lies below them (streets, communities, grids, resident groups, buildings) loads for the
visible area as the user zooms in, limited to their areas by `under=`. Popups show each area's
figures and its staff (name, tier, phone), fetched when opened. Layers that other capabilities
register (wishes, demands, projects) appear as toggles.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import shapely

from gridsvc.store.areas import areas_by_code
from gridsvc.store.areas.generations import versions_of

from ..domain.errors import in_language
from ..domain.levels import LEVEL_INDEX, LEVEL_NAMES_ZH, LEVELS
from ..domain.roles import ROLE_NAMES_ZH, TIER_LEVEL
from ..domain.scope import Principal
from ..locale import gettext
from . import render
from .basemaps import Basemap, all_basemaps
from .layers import registered_layers
from .page import MapPage, area_layer, external_layer, scope_spec, viewport_map


async def build_mine(principal: Principal, basemap: Basemap, settings, *, notice: str | None = None,
                     day: date | None = None) -> MapPage:
    """`day`: a past day, the user's areas as they stood then (those that existed)."""
    codes = [code for code, _ in principal.areas]
    # Area rows, or the versions of a past day: both carry code, name, level, figures and geometry
    areas: list[Any] = await (versions_of(codes, day) if day is not None else areas_by_code(codes))
    crs = render.overlay_crs(basemap)
    bounds = None
    features = []
    if areas:
        outlines = [shapely.from_wkb(a.geometry) for a in areas]
        boxes = [g.bounds for g in outlines]
        bounds = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                  max(b[3] for b in boxes))
        zoom = render.fit_zoom(bounds, 420, 720) + 2
        for a, g in zip(areas, outlines, strict=True):
            props = {"code": a.code, "name": a.name, "level": a.level, "households": a.households,
                     "population": a.population, "area_m2": round(a.area_m2 or 0, 1)}
            features.append(render.feature(g, props, zoom=zoom, crs=crs))
    top = min((LEVEL_INDEX[a.level] for a in areas), default=len(LEVELS) - 1)
    layers = []
    for level in LEVELS[top + 1:]:
        under = [a.code for a in areas if LEVEL_INDEX[a.level] < LEVEL_INDEX[level]]
        layers.append(area_layer(level, under=under))
    layers += [external_layer(x) for x in registered_layers(role=principal.role, crs=crs)]
    parts, config = viewport_map(basemap=basemap, settings=settings, bounds=bounds,
                                 inline=[scope_spec(features)] if features else [],
                                 layers=layers, scope=codes)

    role = gettext(ROLE_NAMES_ZH.get(principal.role or "", ""))
    names = "、".join(a.name for a in areas[:3]) + (
        in_language(f" 等 {len(areas)} 处", f" and {len(areas) - 3} more") if len(areas) > 3 else "")
    links = []
    communities = sorted({a.code[:12] for a in areas if LEVEL_INDEX[a.level] >= LEVEL_INDEX["community"]})
    for c in communities[:3]:
        name = next((a.name for a in areas if a.code == c), c) if len(communities) > 1 else ""
        links.append((f"/maps/community/{c}", in_language(f"{name}网格平面图", f"Floor plan {name}".strip())))
    for a in areas:
        if LEVEL_INDEX[a.level] < LEVEL_INDEX["community"]:
            links.append((f"/maps/area/{a.code}?by=staff_coverage",
                          in_language(f"{a.name}网格员覆盖率", f"Staff coverage of {a.name}")))
    links.append(("/me", in_language("我的网格(列表)", "My area as a list")))
    if not areas and codes and day is not None:
        notice = (notice + " · " if notice else "") + in_language(
            f"您的区域在 {day.isoformat()} 尚不存在", f"your areas did not exist on {day.isoformat()}")
    elif not areas:
        expected = TIER_LEVEL.get(principal.role or "")
        level = gettext(LEVEL_NAMES_ZH[expected]) if expected else ""
        notice = (notice + " · " if notice else "") + in_language(
            f"尚未分配区域{'(应分配到' + level + ')' if expected else ''},请联系上级",
            f"no area is assigned to you yet{' (a ' + level.lower() + ')' if expected else ''}; ask your supervisor")
    return MapPage(
        title=in_language("我的网格地图", "My area"),
        subtitle=f"{principal.display_name} · {role} · {names}".rstrip(" ·"),
        basemap=basemap, parts=parts, config=config, assets=render.asset_tags(inline=False), notice=notice, links=links,
        basemap_choices=[b for b in all_basemaps().values() if b.available(settings)],
        summary={"scope": codes, "levels": [x["id"] for x in layers]},
    )
