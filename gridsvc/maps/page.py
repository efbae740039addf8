"""Map pages that load by viewport ("my area", the city map, an area's map): one builder.

What goes into the HTML is small: the user's own areas (a few outlines) and a description of
the layers. Everything else (districts, streets, communities, grids, groups, buildings, the
registered layers) is fetched by static/maps/gridmap.js for the visible area from
`/api/v1/areas?level=&bbox=&zoom=` (geometries simplified for that zoom), and only from the
zoom at which the level is worth drawing (style.MIN_ZOOM). So a city of 60,000 grids opens as
fast as a community: at city zoom the page asks for districts and streets only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import folium
from markupsafe import Markup

from ..domain.errors import in_language
from ..domain.levels import LEVEL_INDEX, LEVEL_NAMES_ZH, LEVELS
from . import render, style
from .basemaps import Basemap, alternatives
from .layers import MapLayer

# a layer of many areas is named in the plural in English (the catalog's words are singular)
LEVEL_LAYER_NAMES_EN = {"city": "City", "district": "Districts", "street": "Streets", "community": "Communities",
                  "grid": "Grids", "group": "Resident groups", "building": "Buildings"}
AREAS_API = "/api/v1/areas"
CHOROPLETH_API = "/api/v1/maps/choropleth"
PAGE_LIMIT = 5000  # features per request; beyond it the map says "zoom in"


@dataclass
class MapPage:
    """Everything a map page template needs, worded in the request's language."""

    title: str
    subtitle: str
    basemap: Basemap
    parts: render.MapParts
    config: Markup  # JSON for GridMap.page, safe inside <script>
    assets: Markup
    notice: str | None = None
    links: list[tuple[str, str]] = field(default_factory=list)  # href, words
    basemap_choices: list[Basemap] = field(default_factory=list)
    summary: dict = field(default_factory=dict)  # figures for tests and the page header


def pane(level_or_id: str) -> tuple[str, int]:
    """Panes keep the drawing order stable however layers reload: the user's own areas at the
    bottom, then levels top down, then registered layers on top."""
    if level_or_id == "scope":
        return ("gm-scope", 402)
    if level_or_id in LEVEL_INDEX:
        return (f"gm-{level_or_id}", 404 + 2 * LEVEL_INDEX[level_or_id])
    return ("gm-extra", 430)


def area_layer(level: str, *, under: list[str] | None = None, min_zoom: int | None = None, show: bool = True,
               by: str | None = None) -> dict:
    """A level loaded by viewport (kind "area"), or coloured by an indicator (kind "choropleth")."""
    return {
        "id": level, "kind": "choropleth" if by else "area", "level": level, "by": by,
        "name": in_language(LEVEL_NAMES_ZH[level] + ("(着色)" if by else ""),
                            LEVEL_LAYER_NAMES_EN[level] + (" (coloured)" if by else "")),
        "minZoom": style.MIN_ZOOM[level] if min_zoom is None else min_zoom, "labelZoom": style.LABEL_ZOOM[level],
        "label": True, "label_fields": ["name", "code"] if level == "grid" else ["name"],
        "style": style.LEVEL_STYLE[level], "show": show, "under": list(under or []), "points": level == "building",
        "limit": PAGE_LIMIT, "pane": pane(level)[0],
    }


def external_layer(layer: MapLayer) -> dict:
    return {**layer.config(), "pane": pane("extra")[0]}


def viewport_map(*, basemap: Basemap, settings, bounds: tuple[float, float, float, float] | None,
                 inline: list[dict], layers: list[dict], scope: list[str], legend: dict | None = None,
                 fit_max_zoom: int = 18) -> tuple[render.MapParts, Markup]:
    """The folium map and the page config. `bounds` in WGS-84; `inline` specs carry their
    FeatureCollection already in the basemap's system."""
    crs = render.overlay_crs(basemap)
    b = render.bounds_in(bounds, crs) if bounds else None
    m = render.new_map(basemap, settings, bounds=b, alternatives=alternatives(basemap, settings))
    control = folium.LayerControl(collapsed=True, position="topright")
    control.add_to(m)
    parts = render.parts(m)
    panes = [pane("scope")] + [pane(lv) for lv in LEVELS] + [pane("extra")]
    config = {
        "api": AREAS_API, "choropleth_api": CHOROPLETH_API, "crs": crs, "scope": scope,
        "fit": [[b[1], b[0]], [b[3], b[2]]] if b else None, "fitMaxZoom": fit_max_zoom,
        "blank": not basemap.layers, "panes": [list(p) for p in panes],
        "inline": inline, "layers": layers, "legend": legend,
    }
    parts.control_name = control.get_name()
    return parts, Markup(render.safe_json(config))


def scope_spec(features: list[dict], *, name: str | None = None) -> dict:
    return {"id": "scope", "name": name or in_language("我的区域", "My areas"), "pane": pane("scope")[0],
            "data": {"type": "FeatureCollection", "features": features},
            "style": {"color": "#c62828", "weight": 3.5, "fillColor": "#ef9a9a", "fillOpacity": 0.08},
            "label": True, "label_fields": ["name", "code"]}
