"""The parts every map shares: the folium map with its basemap, the browser assets (linked from
/static, or inlined for a standalone file), JSON that is safe inside <script>, and GeoJSON
ready for Leaflet (simplified, rounded, in the basemap's coordinate system).

Why Leaflet is vendored (gridsvc/static/vendor/leaflet, 1.9.4 from npm): folium links Leaflet,
jQuery, Bootstrap and Font Awesome from CDNs by default. A floor plan must open from a file on a
computer with no network, a page on an intranet must not depend on a CDN, and with the basemap
`none` no request may leave the server. So a map uses Leaflet alone, served by gridsvc or
inlined, and nothing else from folium's default list.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, cast

import folium
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from .. import __version__, locale
from ..domain import crs as crs_mod
from ..domain.geojson import to_feature
from ..domain.geometry import simplify_for_zoom
from .basemaps import Basemap

PACKAGE = resources.files("gridsvc")
TEMPLATES = PACKAGE / "templates"

# the assets a map page needs, in load order; paths under gridsvc/static
JS = ("vendor/leaflet/leaflet.js", "maps/gridmap.js")
CSS = ("vendor/leaflet/leaflet.css", "maps/maps.css")
# Leaflet's control words in the page's language, loaded between leaflet.js and the rest
WORDS_JS = "maps/words.js"

env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "xml"]),
                  trim_blocks=True, lstrip_blocks=True)
locale.install(env)


def _static(path: str) -> str:
    return (PACKAGE / "static" / path).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _inline_css() -> str:
    """Leaflet's CSS with its images as data: URIs, so an offline file needs no image files."""
    out = []
    for path in CSS:
        css = _static(path)
        folder = path.rsplit("/", 1)[0]

        def data_uri(m: re.Match, folder: str = folder) -> str:  # this loop's folder, not the last one
            img = PACKAGE / "static" / folder / m.group(1)
            return f"url(data:image/png;base64,{base64.b64encode(img.read_bytes()).decode()})"

        out.append(re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css))
    return "\n".join(out)


@lru_cache(maxsize=1)
def _inline_js() -> str:
    """The scripts after Leaflet and its words (see asset_tags)."""
    # "</script" cannot occur inside the inlined code or the browser would end the element there
    return "\n".join(_static(p).replace("</script", "<\\/script") for p in JS[1:])


def asset_tags(*, inline: bool) -> Markup:
    """<link>/<script> tags for the map assets, or the assets themselves (standalone files)."""
    if inline:
        leaflet, words = (_static(p).replace("</script", "<\\/script") for p in (JS[0], WORDS_JS))
        return Markup(f"<style>\n{_inline_css()}\n</style>\n<script>\n{leaflet}\n</script>\n"
                      f"{_words_tag(words_js=Markup(words))}\n<script>\n{_inline_js()}\n</script>")
    links = [f'<link rel="stylesheet" href="/static/{p}?v={__version__}">' for p in CSS]
    links += [f'<script src="/static/{JS[0]}?v={__version__}"></script>', _words_tag()]
    links += [f'<script src="/static/{p}?v={__version__}"></script>' for p in JS[1:]]
    return Markup("\n".join(links))


def _words_tag(**context: Any) -> str:
    """The <script> that gives Leaflet's controls (folium's too) the page's language: it must
    run after leaflet.js and before any map is made."""
    return env.get_template("maps/_words.html").render(version=__version__, **context)


def safe_json(obj: Any) -> str:
    """JSON for a <script> element: <, > and & escaped so no text can close the element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# --------------------------------------------------------------------------- folium


def new_map(basemap: Basemap, settings, *, bounds: tuple[float, float, float, float] | None = None,
            alternatives: Sequence[Basemap] = (), **options) -> folium.Map:
    """A folium map showing `basemap` (and, in its layer switcher, `alternatives` of the same
    coordinate system). `bounds` (minlon, minlat, maxlon, maxlat) already in that system."""
    center = [(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2] if bounds else [35.0, 109.0]
    m = folium.Map(location=center, zoom_start=12, tiles=None, max_zoom=basemap.max_zoom, zoom_snap=0.25,
                   zoom_delta=1, control_scale=False, prefer_canvas=False, **options)
    # instance lists: folium's class-level defaults (CDN links) must never be mutated or used
    m.default_js = []
    m.default_css = []
    choices = [basemap] + [b for b in alternatives if b.name != basemap.name]
    switcher = len(choices) > 1
    for bm in choices:
        if not bm.layers and not switcher:
            continue  # nothing to draw and nothing to switch to
        # a base layer is a group: Tianditu is a picture layer plus a label layer
        group = folium.FeatureGroup(name=bm.title, overlay=False, control=switcher, show=bm is basemap)
        for t in bm.tiles(settings):
            folium.TileLayer(tiles=t.url, attr=bm.attribution, name=bm.title, max_zoom=bm.max_zoom,
                             max_native_zoom=bm.max_zoom,
                             subdomains=t.subdomains or "abc", overlay=False, control=False).add_to(group)
        group.add_to(m)
    return m


@dataclass
class MapParts:
    """A folium map taken apart for our own page layout: the map <div> and its script.

    folium's header (its CSS links, a viewport meta that forbids zooming the page, styles that
    pin <html> and <body> to the window) is dropped: our templates bring their own."""

    html: Markup
    script: Markup
    map_name: str
    control_name: str = "null"  # the folium LayerControl's JS variable, when there is one


def parts(m: folium.Map) -> MapParts:
    fig = cast(folium.Figure, m.get_root())  # a Map's root is the Figure it was created in
    for child in fig._children.values():
        child.render()
    for name in list(fig.header._children):
        del fig.header._children[name]
    return MapParts(Markup(fig.html.render()), Markup(fig.script.render()), m.get_name())


# --------------------------------------------------------------------------- GeoJSON


def overlay_crs(basemap: Basemap) -> str:
    return basemap.crs


def feature(geom, props: dict, *, zoom: int | None = None, crs: str = "wgs84") -> dict:
    """A Feature for a map: simplified for `zoom`, converted to the basemap's system, rounded
    to 6 decimals (0.1 m) so folium does not inline 15 digits per coordinate."""
    g = simplify_for_zoom(geom, zoom) if zoom is not None else geom
    if crs != "wgs84":
        g = crs_mod.transform_geometry(g, "wgs84", crs)
    f = to_feature(g, props)
    if props.get("code"):
        f["id"] = props["code"]
    return f


def point(lon: float, lat: float, crs: str = "wgs84") -> list[float]:
    """[lon, lat] of a point in the map's system, rounded."""
    if crs != "wgs84":
        lon, lat = crs_mod.transform_coords(lon, lat, "wgs84", crs)
    return [round(float(lon), 6), round(float(lat), 6)]


def bounds_in(bounds: tuple[float, float, float, float], crs: str) -> tuple[float, float, float, float]:
    if crs == "wgs84":
        return bounds
    xs, ys = crs_mod.transform_coords([bounds[0], bounds[2]], [bounds[1], bounds[3]], "wgs84", crs)
    return (float(xs[0]), float(ys[0]), float(xs[1]), float(ys[1]))


def fit_zoom(bounds: tuple[float, float, float, float], width_px: int = 1000, height_px: int = 700) -> int:
    """The web-mercator zoom at which `bounds` fills about a window of the given size: the
    simplification level for geometry inlined into a page."""
    minx, miny, maxx, maxy = bounds
    dx = max(maxx - minx, 1e-9)
    y0 = math.log(math.tan(math.pi / 4 + math.radians(max(-85, min(85, miny))) / 2))
    y1 = math.log(math.tan(math.pi / 4 + math.radians(max(-85, min(85, maxy))) / 2))
    dy = max(abs(y1 - y0), 1e-9)
    zx = math.log2(width_px * 360 / (256 * dx))
    zy = math.log2(height_px * 2 * math.pi / (256 * dy))
    return int(max(0, min(20, math.floor(min(zx, zy)))))
