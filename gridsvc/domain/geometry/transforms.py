"""Repairing an invalid boundary, coverage of a parent by its children, rounding and simplifying for maps."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from .checks import _REASONS_ZH, _parse_reason
from .measure import (
    _POLYGONAL,
    _fmt_m2,
    _fmt_point,
    _polygonal,
    _valid,
    _valid_many,
    area_m2,
)


def _describe(geom) -> tuple[int, float]:
    return len(shapely.get_parts(_polygonal(geom))), area_m2(geom)


def repair(geom) -> tuple[BaseGeometry, str | None]:
    """Make a geometry valid, keeping only its polygonal part; report what changed.

    Returns (geom, None) when it is valid already. A MultiPolygon stays a MultiPolygon.
    """
    if geom is None or shapely.is_valid(geom):
        return geom, None
    reason_text, loc = _parse_reason(shapely.is_valid_reason(geom))
    made = shapely.make_valid(geom)
    fixed = _polygonal(made)
    if geom.geom_type == "MultiPolygon" and fixed.geom_type == "Polygon":
        fixed = shapely.MultiPolygon([fixed]) if not fixed.is_empty else shapely.MultiPolygon()
    dropped = sum(1 for p in shapely.get_parts(made) if p.geom_type not in _POLYGONAL)
    parts0, area0 = _describe(geom)
    parts1, area1 = _describe(fixed)
    change = area1 - area0
    pct_zh = pct_en = ""
    if area0 > 0:
        pct = change / area0
        pct_zh = pct_en = f", {pct:+.3%}"
    where_zh = f"(位于 {_fmt_point(loc)})" if loc else ""
    where_en = f" at {_fmt_point(loc)}" if loc else ""
    drop_zh = f";丢弃 {dropped} 个线/点部分" if dropped else ""
    drop_en = f"; dropped {dropped} line/point part(s)" if dropped else ""
    report = (
        f"已修复无效几何:{_REASONS_ZH.get(reason_text, reason_text)}{where_zh};"
        f"部分数 {parts0} → {parts1};面积 {_fmt_m2(area0)} → {_fmt_m2(area1)}"
        f"(变化 {change:+,.1f} m²{pct_zh}){drop_zh}"
        f" (repaired invalid geometry: {reason_text}{where_en}; parts {parts0} -> {parts1}; "
        f"area {_fmt_m2(area0)} -> {_fmt_m2(area1)} (change {change:+,.1f} m²{pct_en}){drop_en})"
    )
    return fixed, report


def coverage(parent_geom, child_geoms: Sequence) -> float:
    """Fraction (0..1) of the parent's area covered by the union of the children."""
    parent = _valid(parent_geom)
    total = area_m2(parent)
    kids = [g for g in child_geoms if g is not None and not g.is_empty]
    if total <= 0 or not kids:
        return 0.0
    arr = np.empty(len(kids), dtype=object)
    arr[:] = kids
    union = shapely.union_all(_valid_many(arr))
    covered = area_m2(shapely.intersection(union, parent))
    return float(min(1.0, max(0.0, covered / total)))


def round_coords(geom, ndigits: int = 6):
    """Every coordinate rounded to `ndigits` decimals (6 ≈ 0.1 m), repeated points dropped.

    Rounding can fold a thin spike onto itself; a polygon valid before and invalid after
    comes back as its repaired polygonal part. An already invalid input stays as it is:
    repairing is the caller's decision (`repair`).
    """
    if geom is None or geom.is_empty:
        return geom
    was_valid = shapely.is_valid(geom)
    out = shapely.transform(geom, lambda c: np.round(c, ndigits))
    out = shapely.remove_repeated_points(out)
    if was_valid and not shapely.is_valid(out) and out.geom_type in _POLYGONAL:
        fixed = _polygonal(shapely.make_valid(out))
        # make_valid adds nodes at unrounded intersections: round once more if that stays valid
        again = shapely.transform(fixed, lambda c: np.round(c, ndigits))
        out = again if shapely.is_valid(again) else fixed
    return out


def simplify_for_zoom(geom, zoom: int):
    """Simplified for drawing at a web-mercator zoom: tolerance about half a pixel there.

    Topology-preserving (no self-intersections, holes stay inside); never empty for a
    non-empty input, and never a changed type. Plain Douglas-Peucker is tried first: it is ten
    times faster on long boundaries (maps ask for hundreds of outlines per view), and a valid
    result of the same type keeps those promises; the topology-preserving pass runs only when it
    does not.
    """
    if geom is None or geom.is_empty or geom.geom_type == "Point":
        return geom
    zoom = max(0, min(30, int(zoom)))
    y0, y1 = geom.bounds[1], geom.bounds[3]
    lat = max(-85.0, min(85.0, (y0 + y1) / 2))
    # a 256-px tile spans 360/2^z degrees of longitude; a pixel in latitude degrees is cos(lat) of that
    tol = 0.5 * 360.0 / (256 * 2**zoom) * math.cos(math.radians(lat))
    fast = shapely.simplify(geom, tol, preserve_topology=False)
    if not fast.is_empty and fast.geom_type == geom.geom_type and shapely.is_valid(fast):
        return fast
    out = shapely.simplify(geom, tol, preserve_topology=True)
    if out.is_empty or out.geom_type != geom.geom_type or not shapely.is_valid(out) and shapely.is_valid(geom):
        return geom
    return out
