"""Geometry rules for area boundaries: shape, containment, overlap, area, repair.

Coordinates are longitude/latitude in degrees (WGS-84 / CGCS2000). Areas and tolerances are
in metres, computed on the WGS-84 ellipsoid, so rules read the same in Harbin and Sanya.

The checks return `GeometryProblem`s rather than raising: an import reports every problem of
every feature at once, and the caller decides what blocks. They are built to check a whole
city's grids in seconds: per-geometry work is a few GEOS calls, and anything that loops over
many geometries (areas, sibling overlaps) goes through shapely's vectorised functions.
"""

from .checks import (
    CHINA_BOUNDS,
    MIN_AREA_M2,
    OUTSIDE_NOISE_RATIO,
    GeometryProblem,
    check_overlaps,
    check_shape,
    check_siblings,
    check_within_parent,
)
from .clipping import (
    DEFAULT_TOLERANCE,
    Clip,
    ClipRule,
    clip_hint,
    clip_refusal,
    clip_to_parent,
)
from .measure import (
    area_m2,
    areas_m2,
    meters_to_degrees,
)
from .transforms import (
    coverage,
    repair,
    round_coords,
    simplify_for_zoom,
)

__all__ = [
    "DEFAULT_TOLERANCE",
    "Clip",
    "ClipRule",
    "clip_hint",
    "clip_refusal",
    "clip_to_parent",
    "meters_to_degrees",
    "areas_m2",
    "area_m2",
    "CHINA_BOUNDS",
    "MIN_AREA_M2",
    "OUTSIDE_NOISE_RATIO",
    "GeometryProblem",
    "check_shape",
    "check_within_parent",
    "check_siblings",
    "check_overlaps",
    "repair",
    "coverage",
    "round_coords",
    "simplify_for_zoom",
]
