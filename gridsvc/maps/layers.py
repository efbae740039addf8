"""Layers that later capabilities add to "my area" (wishes, demands, organisation projects).

A capability registers its layer once, at start-up (`feature_layers.register_feature_layers`,
called by `create_app`):

    from gridsvc.maps import register_layer

    register_layer("微心愿", "Micro-wishes", "/api/v1/wishes?format=geojson&bbox={bbox}&crs={crs}",
                   key="wishes", min_zoom=13, fields=[("status_zh", "状态", "Status"), ("value", "金额", "Value")],
                   link_field="url")

/maps/mine then shows it as a toggle in the layer switcher and, while it is on, fetches the URL
for the visible area. The URL template may use:

- {bbox}  minlon,minlat,maxlon,maxlat of the visible area (padded), in {crs}
- {zoom}  the map's zoom (an integer)
- {crs}   "wgs84", or "gcj02" on the AMap basemap: answer geometries in that system
          (gridsvc.domain.crs.transform_geometry). A layer whose URL has no {crs} is offered
          only on WGS-84 basemaps, where it cannot sit in the wrong place.
- {area}  the codes of the user's areas, comma-separated

The endpoint answers a GeoJSON FeatureCollection and applies its own permission rules: the
map sends the user's cookie and shows whatever comes back. Popups show `title_field` and the
listed `fields` as text (escaped); `link_field` may name a property holding a same-origin path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..domain.error_codes import ErrorCode
from ..domain.errors import ValidationError, in_language

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_ALLOWED = {"bbox", "zoom", "crs", "area"}


@dataclass(frozen=True)
class MapLayer:
    key: str
    name_zh: str
    name_en: str
    url: str
    min_zoom: int = 12
    show: bool = False
    style: dict = field(default_factory=dict)
    title_field: str = "name"
    fields: tuple[tuple[str, ...], ...] = ()
    link_field: str | None = None
    roles: tuple[str, ...] | None = None  # None: everyone who may open the map

    @property
    def crs_aware(self) -> bool:
        return "{crs}" in self.url

    def config(self) -> dict:
        """What the page's script needs (see GridMap.viewport in static/maps/gridmap.js)."""
        style = {"color": "#6a1b9a", "weight": 2, "fillColor": "#ce93d8", "fillOpacity": 0.9, "radius": 7, **self.style}
        # a field's label is (property, 中文, English), or (property, label) shown as given
        fields = [[f[0], in_language(f[1], f[2]) if len(f) > 2 else f[1]] for f in self.fields]
        return {"id": f"x-{self.key}", "kind": "external", "url": self.url,
                "name": in_language(self.name_zh, self.name_en), "minZoom": self.min_zoom, "show": self.show,
                "style": style, "title_field": self.title_field, "fields": fields,
                "link_field": self.link_field, "points": True}


_REGISTRY: dict[str, MapLayer] = {}


def register_layer(name_zh: str, name_en: str, url: str, *, key: str | None = None, min_zoom: int = 12,
                   show: bool = False, style: dict | None = None, title_field: str = "name",
                   fields: list[tuple[str, ...]] | tuple = (), link_field: str | None = None,
                   roles: tuple[str, ...] | list[str] | None = None) -> MapLayer:
    """Add (or replace, by key) a toggleable layer of "my area"."""
    key = key or re.sub(r"[^a-z0-9]+", "-", name_en.lower()).strip("-")
    if not key or not name_zh or not name_en:
        raise ValidationError("图层需要中英文名称", "a layer needs a Chinese and an English name",
                              code=ErrorCode.BAD_LAYER)
    if not url.startswith("/") or url.startswith("//"):
        # same origin only: a map must not send the user's requests (or cookie) elsewhere
        raise ValidationError(f"图层 {key} 的地址应为本站路径(以 / 开头)",
                              f"layer {key}: the URL must be a path on this site",
                              code=ErrorCode.BAD_LAYER, details={"url": url})
    unknown = set(_PLACEHOLDER.findall(url)) - _ALLOWED
    if unknown:
        raise ValidationError(f"图层 {key} 的地址含未知占位符 {sorted(unknown)}",
                              f"layer {key}: unknown placeholders {sorted(unknown)}",
                              code=ErrorCode.BAD_LAYER, details={"allowed": sorted(_ALLOWED)})
    layer = MapLayer(key, name_zh, name_en, url, int(min_zoom), bool(show), dict(style or {}), title_field,
                     tuple(tuple(str(x) for x in f) for f in fields), link_field, tuple(roles) if roles else None)
    _REGISTRY[key] = layer
    return layer


def unregister_layer(key: str) -> None:
    _REGISTRY.pop(key, None)


def registered_layers(*, role: str | None = None, crs: str = "wgs84") -> list[MapLayer]:
    """The layers a user of `role` gets on a map drawn in `crs`."""
    out = []
    for layer in _REGISTRY.values():
        if layer.roles is not None and role not in layer.roles:
            continue
        if crs != "wgs84" and not layer.crs_aware:
            continue
        out.append(layer)
    return out
