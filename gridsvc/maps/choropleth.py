"""Areas coloured by a figure: households, population, household density, staff coverage, or an
indicator that a later capability registers by name.

    from gridsvc.maps import register_indicator

    async def open_wishes(rows):          # rows: dicts with code, level, households, population, area_m2
        ...                               # -> {code: value or None}
    register_indicator("open_wishes", "未认领微心愿", "Open micro-wishes", open_wishes, unit_zh="个")

An indicator whose figure depends on the settings (a target) registers with `uses_settings=True`
and is called as `compute(rows, settings)` with the settings of the request's app, read when the
map is drawn, never kept from import time.

Class breaks are computed over every area of the level under the chosen area, not over the
visible ones, so a colour means the same thing wherever the map is panned.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from gridsvc.store import areas
from gridsvc.store.rosters import posts

from ..domain.error_codes import ErrorCode
from ..domain.errors import ValidationError, in_language
from ..domain.levels import LEVEL_NAMES_ZH, LEVELS, code_prefix
from ..locale import gettext
from . import style

Rows = list[dict]
# compute(rows), or compute(rows, settings) for an indicator registered with uses_settings=True
Compute = Callable[..., Awaitable[dict[str, float | None]]]

FIGURE_FIELDS = ("code", "name", "level", "households", "population", "area_m2")


@dataclass(frozen=True)
class Indicator:
    name: str
    name_zh: str
    name_en: str
    compute: Compute
    unit_zh: str = ""
    unit_en: str = ""
    kind: str = "count"  # count | share (0..1) | rate
    palette: str = "YlOrRd"
    levels: tuple[str, ...] = ("district", "street", "community", "grid")
    action: str = "map.read"  # the permission needed to see it (domain.scope.RULES)
    decimals: int = 0
    uses_settings: bool = False  # compute(rows, settings): a figure against a target that is a setting

    def format(self, v: float | None) -> str:
        if v is None:
            return in_language("无数据", "no data")
        if self.kind == "share":
            return f"{v * 100:.0f}%"
        text = f"{v:,.{self.decimals}f}"
        return f"{text} {in_language(self.unit_zh, self.unit_en or self.unit_zh)}".strip()

    def describe(self) -> dict:
        return {"name": self.name, "name_zh": self.name_zh, "name_en": self.name_en, "unit_zh": self.unit_zh,
                "unit_en": self.unit_en, "kind": self.kind, "levels": list(self.levels)}


_INDICATORS: dict[str, Indicator] = {}


def register_indicator(name: str, name_zh: str, name_en: str, compute: Compute, *, unit_zh: str = "", unit_en: str = "",
                       kind: str = "count", palette: str = "YlOrRd", levels: tuple[str, ...] | list[str] | None = None,
                       action: str = "map.read", decimals: int = 0, uses_settings: bool = False) -> Indicator:
    if kind not in ("count", "share", "rate"):
        raise ValidationError(f"指标类型 {kind} 无效", f"indicator kind must be count, share or rate, got {kind}",
                              code=ErrorCode.BAD_INDICATOR)
    ind = Indicator(name, name_zh, name_en, compute, unit_zh, unit_en, kind, palette,
                    tuple(levels) if levels else ("district", "street", "community", "grid"), action, decimals,
                    uses_settings)
    _INDICATORS[name] = ind
    return ind


def unregister_indicator(name: str) -> None:
    _INDICATORS.pop(name, None)


def indicators() -> list[Indicator]:
    return list(_INDICATORS.values())


def get_indicator(name: str) -> Indicator:
    if name not in _INDICATORS:
        raise ValidationError(f"未知指标 {name!r},可选:{', '.join(_INDICATORS)}",
                              f"unknown indicator {name!r}; choose one of {', '.join(_INDICATORS)}",
                              code=ErrorCode.UNKNOWN_INDICATOR, details={"by": name, "indicators": list(_INDICATORS)})
    return _INDICATORS[name]


def check_level(ind: Indicator, level: str) -> str:
    if level not in LEVELS or level not in ind.levels:
        raise ValidationError(f"指标 {ind.name_zh} 不适用于层级 {level}",
                              f"the indicator {ind.name} is not available for level {level!r}; "
                              f"use one of {', '.join(ind.levels)}",
                              code=ErrorCode.BAD_LEVEL, details={"level": level, "levels": list(ind.levels)})
    return level


# --------------------------------------------------------------------------- built-in figures


async def _households(rows: Rows) -> dict[str, float | None]:
    return {r["code"]: r["households"] for r in rows}


async def _population(rows: Rows) -> dict[str, float | None]:
    return {r["code"]: r["population"] for r in rows}


async def _density(rows: Rows) -> dict[str, float | None]:
    return {r["code"]: (r["households"] / (r["area_m2"] / 1e6))
            if r["households"] is not None and r["area_m2"] else None
            for r in rows}


async def _staff_coverage(rows: Rows) -> dict[str, float | None]:
    """Share of grids with at least one active grid worker (网格员); for a grid, 1 or 0."""
    if not rows:
        return {}
    level = rows[0]["level"]
    common = os.path.commonprefix([code_prefix(r["code"], level) for r in rows])
    staffed = await posts.staffed_grids(common)
    if level == "grid":
        return {r["code"]: 1.0 if r["code"] in staffed else 0.0 for r in rows}
    grids = await areas.codes_of_level("grid", common)
    prefixes = {r["code"]: code_prefix(r["code"], level) for r in rows}
    total: dict[str, int] = {}
    have: dict[str, int] = {}
    lengths = sorted({len(p) for p in prefixes.values()})
    for g in grids:
        for n in lengths:
            key = g[:n]
            total[key] = total.get(key, 0) + 1
            if g in staffed:
                have[key] = have.get(key, 0) + 1
    return {code: (have.get(p, 0) / total[p]) if total.get(p) else None for code, p in prefixes.items()}


register_indicator("households", "户数", "Households", _households, unit_zh="户", unit_en="households",
                   palette="YlOrRd")
register_indicator("population", "人口", "Population", _population, unit_zh="人", unit_en="people", palette="Purples")
register_indicator("density", "户数密度", "Household density", _density, unit_zh="户/km²", unit_en="households/km²",
                   kind="rate", palette="Blues")
register_indicator("staff_coverage", "网格员覆盖率", "Staff coverage", _staff_coverage, kind="share", palette="Greens",
                   unit_en="of grids with a grid worker")


# --------------------------------------------------------------------------- values and legend


async def figure_rows(level: str, prefix: str = "") -> Rows:
    """The figures (no geometry) of every area of `level` whose code starts with `prefix`."""
    return await areas.areas_of_level(level, prefix=prefix, fields=FIGURE_FIELDS)


async def values_for(ind: Indicator, rows: Rows, settings: Any = None) -> dict[str, float | None]:
    """Each row's value; `settings` (the app's) for an indicator that uses them."""
    if not rows:
        vals: dict[str, float | None] = {}
    elif ind.uses_settings:
        vals = await ind.compute(rows, settings)
    else:
        vals = await ind.compute(rows)
    return {r["code"]: (float(v) if (v := vals.get(r["code"])) is not None else None) for r in rows}


def legend(ind: Indicator, level: str, values: dict[str, float | None]) -> dict:
    """Breaks, colours and labels: what the map's legend shows and how each area is coloured."""
    breaks = style.class_breaks(list(values.values()), kind="share" if ind.kind == "share" else "quantile")
    colours = style.palette_for(ind.palette, len(breaks) + 1)
    present = [v for v in values.values() if v is not None]
    classes = []
    for i, colour in enumerate(colours):
        lo = breaks[i - 1] if i > 0 else None
        hi = breaks[i] if i < len(breaks) else None
        if lo is None and hi is None:
            label = ind.format(present[0]) if present and min(present) == max(present) else in_language("全部", "all")
        elif lo is None:
            label = f"≤ {ind.format(hi)}"
        elif hi is None:
            label = f"> {ind.format(lo)}"
        else:
            label = f"{ind.format(lo)} – {ind.format(hi)}"
        classes.append({"color": colour, "label": label, "min": lo, "max": hi})
    level_word = gettext(LEVEL_NAMES_ZH[level])
    title = in_language(f"{ind.name_zh}(按{level_word})", f"{ind.name_en} by {level_word.lower()}")
    note = None
    if len(present) < len(values):
        note = in_language(f"{len(present)} / {len(values)} 有数据", f"{len(present)} of {len(values)} have data")
    return {"by": ind.name, "level": level, "title": title, "breaks": breaks, "classes": classes,
            "no_data_color": style.NO_DATA_COLOR if len(present) < len(values) else None, "note": note,
            "indicator": ind.describe()}


def colour_of(value: float | None, leg: dict) -> str:
    c = style.class_of(value, leg["breaks"])
    return style.NO_DATA_COLOR if c is None else leg["classes"][c]["color"]
