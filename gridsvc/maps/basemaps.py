"""Basemaps as data: one JSON file per basemap in `gridsvc/maps/basemaps/`.

A definition names its tile URL template(s), attribution, coordinate system (wgs84 or gcj02),
the setting that holds its key (if any), subdomains and maximum zoom. Adding a basemap is
adding a file. (`basemaps.py` and the data folder `basemaps/` share a name; Python imports this
module, the folder has no `__init__.py` and is read as package data.)

The coordinate system matters: AMap's tiles are in GCJ-02, so every overlay drawn on them is
converted from the stored WGS-84 on the way out (`overlay_crs`), or the boundaries sit a few
hundred metres off the streets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from urllib.parse import quote

from ..domain import crs as crs_mod
from ..domain.error_codes import ErrorCode
from ..domain.errors import ValidationError, in_language

DEFAULT = "none"


@dataclass(frozen=True)
class TileSource:
    url: str  # Leaflet template: {s} {z} {x} {y}, and {key} filled in here
    subdomains: str = ""


@dataclass(frozen=True)
class Basemap:
    name: str
    title_zh: str
    title_en: str
    crs: str  # "wgs84" | "gcj02": the system of the tiles, and so of every overlay on them
    max_zoom: int
    attribution: str
    layers: tuple[TileSource, ...]
    key_setting: str | None = None
    key_env: str | None = None
    background: str = "#ffffff"
    description: str = ""

    @property
    def title(self) -> str:
        return in_language(self.title_zh, self.title_en)

    @property
    def needs_key(self) -> bool:
        return bool(self.key_setting)

    def key(self, settings) -> str:
        return str(getattr(settings, self.key_setting, "") or "") if self.key_setting else ""

    def available(self, settings) -> bool:
        return not self.needs_key or bool(self.key(settings))

    def tiles(self, settings) -> list[TileSource]:
        """The tile sources with the key filled in; a missing key is a clear error."""
        if not self.available(settings):
            env = self.key_env or f"GRIDSVC_{(self.key_setting or '').upper()}"
            raise ValidationError(
                f"底图 {self.name} 需要密钥,请设置环境变量 {env}",
                f"the basemap {self.name} needs a key: set {env}",
                code=ErrorCode.BASEMAP_KEY_MISSING, details={"basemap": self.name, "setting": env},
            )
        key = quote(self.key(settings), safe="")
        return [TileSource(t.url.replace("{key}", key), t.subdomains) for t in self.layers]

    def public(self, settings) -> dict:
        """What a client may know (never the key)."""
        return {"name": self.name, "title_zh": self.title_zh, "title_en": self.title_en, "crs": self.crs,
                "max_zoom": self.max_zoom, "needs_key": self.needs_key, "available": self.available(settings),
                "description": self.description}


def _parse(name: str, data: dict) -> Basemap:
    where = f"basemaps/{name}.json"
    try:
        layers = tuple(TileSource(str(t["url"]), str(t.get("subdomains") or "")) for t in data.get("layers") or [])
        for t in layers:
            if not all(p in t.url for p in ("{x}", "{y}", "{z}")):
                raise ValueError(f"tile URL without {{x}} {{y}} {{z}}: {t.url}")
        bm = Basemap(
            name=str(data["name"]), title_zh=str(data["title_zh"]),
            title_en=str(data.get("title_en") or data["title_zh"]),
            crs=crs_mod.check_crs(str(data.get("crs") or "wgs84")), max_zoom=int(data.get("max_zoom") or 18),
            attribution=str(data.get("attribution") or ""), layers=layers, key_setting=data.get("key_setting") or None,
            key_env=data.get("key_env") or None, background=str(data.get("background") or "#ffffff"),
            description=str(data.get("description") or ""),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise ValidationError(f"底图定义 {where} 有误:{e}", f"bad basemap definition {where}: {e}",
                              code=ErrorCode.BAD_BASEMAP, details={"file": where}) from None
    if bm.name != name:
        raise ValidationError(f"底图定义 {where} 的 name 应为 {name}", f"{where}: name must be {name!r}",
                              code=ErrorCode.BAD_BASEMAP, details={"file": where})
    if bm.crs == "cgcs2000":  # centimetres from WGS-84: one system here
        bm = Basemap(**{**bm.__dict__, "crs": "wgs84"})
    return bm


@lru_cache(maxsize=1)
def all_basemaps() -> dict[str, Basemap]:
    """Every definition shipped in the package, by name (`none` first)."""
    folder = resources.files("gridsvc") / "maps" / "basemaps"
    found: dict[str, Basemap] = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".json"):
            name = entry.name[:-5]
            found[name] = _parse(name, json.loads(entry.read_text(encoding="utf-8")))
    return dict(sorted(found.items(), key=lambda kv: (kv[0] != DEFAULT, kv[0])))


def get_basemap(name: str | None) -> Basemap:
    name = (name or DEFAULT).strip().lower()
    known = all_basemaps()
    if name not in known:
        raise ValidationError(
            f"未知底图 {name!r},可选:{', '.join(known)}", f"unknown basemap {name!r}; choose one of {', '.join(known)}",
            code=ErrorCode.UNKNOWN_BASEMAP, details={"basemap": name, "basemaps": list(known)},
        )
    return known[name]


def choose(requested: str | None, settings) -> tuple[Basemap, str | None]:
    """For pages: the basemap asked for (query string, else GRIDSVC_BASEMAP), or `none` with a
    notice when it cannot be used (unknown, or its key is not set): a page still opens.
    The CLI calls `get_basemap(...).tiles(settings)` instead and fails loudly."""
    name = requested or getattr(settings, "basemap", None) or DEFAULT
    try:
        bm = get_basemap(name)
    except ValidationError as e:
        return all_basemaps()[DEFAULT], e.message
    if not bm.available(settings):
        env = bm.key_env or bm.key_setting
        return all_basemaps()[DEFAULT], in_language(f"底图 {bm.title_zh} 需要密钥 {env},未设置,已改用无底图",
                                                     f"the {bm.title_en} basemap needs {env}; showing no basemap")
    return bm, None


def alternatives(current: Basemap, settings) -> list[Basemap]:
    """Basemaps a layer switcher may offer on a page drawn in `current`'s coordinate system:
    overlays are converted for one system, so only basemaps of that system fit (and `none`,
    which has no tiles to disagree with)."""
    return [b for b in all_basemaps().values() if b.available(settings) and (b.crs == current.crs or not b.layers)]
