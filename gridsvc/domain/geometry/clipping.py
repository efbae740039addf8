"""Clipping children to a parent whose published boundary disagrees a little, siblings snapped.

Boundaries of two levels are often published separately (DataV's cities and a city's districts
disagree by 0.4-0.8% of area), so children stick out of their parent along its whole border.
Each child is cut to the parent on the 6-decimal grid the store keeps (the overlay is then
robust and siblings' shared edges are cut at the same vertices), and the siblings are cleaned
as one coverage (GEOS CoverageCleaner): vertices closer than a snapping distance meet, slivers
under `SLIVER_M` between them are closed and overlaps are given to one side, so the clipped
siblings neither overlap nor open gaps. The area each child lost or gained is measured, so the
caller can refuse what moved more than its tolerance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..error_codes import ErrorCode
from ..errors import BadRequest
from .checks import GeometryProblem, _representative
from .measure import _fmt_m2, _polygonal, _valid, _valid_many, areas_m2, meters_to_degrees

# The store's precision (round_coords: 6 decimals, ~0.1 m): clipping on it means what was
# measured is what is stored.
GRID_DEGREES = 1e-6

# Gaps between siblings narrower than this are slivers of two digitisations, closed by the
# cleaning; a wider gap is a real hole in the coverage and stays (coverage is reported, not required).
SLIVER_M = 1.0

DEFAULT_TOLERANCE = 0.02  # of a feature's own area: what --clip-to-parent may move without asking


@dataclass(frozen=True)
class ClipRule:
    """Whether an import clips children to their parent, and how much of a child's own area
    (a fraction) may move; off, the tolerance is what the refusal's hint quotes."""

    on: bool = False
    tolerance: float = DEFAULT_TOLERANCE

    @classmethod
    def from_percent(cls, on: bool, percent: float) -> ClipRule:
        if not (0 < percent <= 100):  # also refuses NaN
            raise BadRequest(f"裁剪容差应在 0 到 100 (%) 之间,收到 {percent:g}",
                             f"the clip tolerance is a percentage above 0 and at most 100, got {percent:g}",
                             code=ErrorCode.BAD_PARAMETER, details={"parameter": "tolerance"})
        return cls(on, percent / 100)


@dataclass(frozen=True)
class Clip:
    """One child after clipping: its new geometry and how much of it moved."""

    code: str
    geometry: BaseGeometry
    area_m2: float  # before
    removed_m2: float  # outside the parent, cut away
    moved_m2: float  # everything that changed: removed, and what snapping to siblings moved
    location: tuple[float, float] | None  # a point of the largest piece cut away

    @property
    def ratio(self) -> float:
        return self.moved_m2 / self.area_m2 if self.area_m2 > 0 else 1.0

    def to_dict(self) -> dict:
        return {"area_m2": round(self.area_m2, 1), "removed_m2": round(self.removed_m2, 1),
                "moved_m2": round(self.moved_m2, 1), "moved_ratio": round(self.ratio, 6),
                "location": list(self.location) if self.location else None}


def clip_to_parent(children: Sequence[tuple[str, BaseGeometry]], parent: BaseGeometry) -> list[Clip]:
    """Every child cut to `parent` and the siblings snapped to one another, in input order.

    Children must be valid polygonal geometries (checked or repaired before); a child wholly
    outside comes back empty with everything moved.
    """
    if not children:
        return []
    codes = [str(c) for c, _ in children]
    before = np.empty(len(children), dtype=object)
    before[:] = [g for _, g in children]
    before = _valid_many(before)
    outline = _valid(parent)
    cut = shapely.intersection(before, outline, grid_size=GRID_DEGREES)
    cut_arr = np.empty(len(cut), dtype=object)
    cut_arr[:] = [_polygonal(g) for g in cut]
    after = _clean(cut_arr, outline)
    area0 = areas_m2(before)
    removed = shapely.difference(before, outline)
    removed_m2 = areas_m2(removed)
    moved_m2 = areas_m2(shapely.symmetric_difference(before, after))
    return [Clip(codes[k], after[k], float(area0[k]), float(removed_m2[k]), float(moved_m2[k]),
                 _representative(_polygonal(removed[k]))) for k in range(len(codes))]


def _clean(polys: np.ndarray, outline: BaseGeometry) -> np.ndarray:
    """The siblings as a clean coverage (no overlap, identical shared edges, no slivers).

    The world outside the parent joins the coverage as one more polygon, so a sliver between two
    siblings that runs out to the parent's border is a gap the cleaner sees (it closes only
    enclosed gaps) and children's vertices near the border snap to it."""
    present = np.flatnonzero(~shapely.is_empty(polys))
    if not len(present):
        return polys
    x0, y0, x1, y1 = outline.bounds
    lat = (y0 + y1) / 2
    m = 0.01 * max(x1 - x0, y1 - y0) + 1e-3
    outside = shapely.difference(shapely.box(x0 - m, y0 - m, x1 + m, y1 + m), outline)
    cleaned = shapely.coverage_clean(np.append(polys[present], outside), gap_width=meters_to_degrees(SLIVER_M, lat))
    out = polys.copy()
    for k, g in zip(present, cleaned[:-1], strict=True):
        # the cleaner may hand back a GeometryCollection or an empty part; only the polygons count
        out[k] = _polygonal(g) if not g.is_empty else g
    return out


def clip_refusal(clip: Clip, parent_code: str, tolerance: float) -> GeometryProblem | None:
    """A "clip_beyond_tolerance" problem when the child moved more than `tolerance` (a fraction
    of its own area) or nothing of it is left, else None."""
    if clip.ratio <= tolerance and not clip.geometry.is_empty:
        return None
    moved, tol = f"{_fmt_m2(clip.moved_m2)} ({clip.ratio:.2%})", f"{tolerance * 100:g}%"
    return GeometryProblem(
        "clip_beyond_tolerance",
        f"裁剪到上级区域 {parent_code} 的边界内需移动 {moved},超过容差 {tol}(可用 --tolerance 放宽)",
        f"clipping to the parent {parent_code} would move {moved}, beyond the tolerance of {tol} (see --tolerance)",
        location=clip.location,
        details={**clip.to_dict(), "parent": parent_code, "tolerance": tolerance},
    )


def clip_hint(outside: dict, tolerance: float = DEFAULT_TOLERANCE) -> tuple[str, str]:
    """What `--clip-to-parent` would cut away, to append to an "outside_parent" refusal (its details)."""
    if "outside_m2" not in outside:
        return "", ""
    cut = f"{_fmt_m2(outside['outside_m2'])} ({outside['outside_ratio']:.2%})"
    tol = f"{tolerance * 100:g}%"
    if outside["outside_ratio"] > tolerance:
        zh, en = f",超过容差 {tol},需用 --tolerance 放宽", f", beyond the tolerance of {tol}: raise --tolerance"
    else:
        zh, en = f",在容差 {tol} 内", f", within the tolerance of {tol}"
    return (f";可使用 --clip-to-parent 裁到上级边界内,将裁去 {cut}{zh}",
            f"; --clip-to-parent would cut it to the parent, removing {cut}{en}")

