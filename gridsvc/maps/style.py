"""How maps look: the style of each level, the zooms at which each level is drawn, the
palettes, and two small pieces of cartography (neighbour-distinct colours, class breaks).

Pure functions of their inputs (shapely, no I/O), so the floor plan, the viewport maps and the
choropleth endpoint share one definition and the tests can check them directly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.algorithms.polylabel import polylabel

# Lines and fills per level. Outlines get darker and thicker going up the tree so that a
# street boundary still reads as one when grids are drawn over it.
LEVEL_STYLE: dict[str, dict] = {
    "city": {"color": "#3d3d3d", "weight": 3, "fill": False},
    "district": {"color": "#b3261e", "weight": 3, "fill": False},
    "street": {"color": "#6a3d9a", "weight": 2, "dashArray": "6 4", "fill": False},
    "community": {"color": "#1f5fa8", "weight": 2, "fillColor": "#1f78b4", "fillOpacity": 0.04},
    "grid": {"color": "#2e7d32", "weight": 1.5, "fillColor": "#33a02c", "fillOpacity": 0.08},
    "group": {"color": "#e65100", "weight": 1, "dashArray": "3 3", "fillColor": "#ff7f00", "fillOpacity": 0.04},
    "building": {"color": "#37474f", "weight": 1.5, "fillColor": "#ffffff", "fillOpacity": 1, "radius": 5},
}

# Below MIN_ZOOM a level is not requested at all: at city zoom only districts and streets are
# drawn, and grids come in around the zoom where one (~300 m) spans 40 pixels. LABEL_ZOOM is
# where its name fits inside it.
MIN_ZOOM = {"city": 0, "district": 0, "street": 8, "community": 12, "grid": 14, "group": 16, "building": 16}
LABEL_ZOOM = {"city": 0, "district": 9, "street": 11, "community": 14, "grid": 16, "group": 17, "building": 18}

# A qualitative palette for grids on a floor plan: ColorBrewer Set3 (light enough for black
# labels, distinct in print), the first twelve; then Pastel1 to go on without repeats.
GRID_PALETTE: tuple[str, ...] = (
    "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
    "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f",
    "#fbb4ae", "#b3cde3", "#decbe4", "#fed9a6", "#e5d8bd", "#f2f2f2",
)

# Sequential palettes for choropleths (ColorBrewer, 5 classes)
SEQUENTIAL: dict[str, tuple[str, ...]] = {
    "YlOrRd": ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    "Blues": ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"),
    "Greens": ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"),
    "Purples": ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"),
}
NO_DATA_COLOR = "#cccccc"

# Neighbours: grids drawn from one survey share edges, but digitising leaves slivers and gaps
# of a few decimetres; anything closer than this counts as touching.
NEIGHBOUR_TOLERANCE_DEG = 2e-5  # ~2 m


def neighbours(geoms: Sequence) -> list[set[int]]:
    """For each geometry, the indexes of the others that touch it (or nearly do)."""
    arr = np.asarray(list(geoms), dtype=object)
    adj: list[set[int]] = [set() for _ in range(len(arr))]
    if len(arr) < 2:
        return adj
    tree = shapely.STRtree(arr)
    left, right = tree.query(arr, predicate="dwithin", distance=NEIGHBOUR_TOLERANCE_DEG)
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a != b:
            adj[a].add(b)
            adj[b].add(a)
    return adj


def assign_colours(geoms: Sequence, palette: Sequence[str] = GRID_PALETTE) -> list[str]:
    """One colour per geometry, never the colour of a neighbour.

    Greedy colouring, most-connected first (Welsh-Powell); among the colours the neighbours
    leave free it takes the least used so far, so that up to len(palette) areas each get a
    colour of their own and beyond that repeats are spread out. A planar map needs at most
    four colours, and the greedy choice never needs more than the largest degree plus one;
    should a pathological input still exhaust the palette, the least used colour is reused.
    """
    adj = neighbours(geoms)
    n = len(adj)
    order = sorted(range(n), key=lambda i: (-len(adj[i]), i))
    chosen = [-1] * n  # -1: not coloured yet
    used = [0] * len(palette)
    for i in order:
        taken = {chosen[j] for j in adj[i] if chosen[j] >= 0}
        free = [c for c in range(len(palette)) if c not in taken] or list(range(len(palette)))
        c = min(free, key=lambda k: (used[k], k))
        chosen[i] = c
        used[c] += 1
    return [palette[c] for c in chosen]


def label_point(geom) -> tuple[float, float] | None:
    """Where a label goes: the pole of inaccessibility of the largest part (inside the shape,
    as far from its edges as possible; a centroid can fall outside an L-shaped grid)."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type == "Point":
        return (geom.x, geom.y)
    parts = shapely.get_parts(geom)
    part = parts[int(np.argmax(shapely.area(parts)))] if len(parts) > 1 else parts[0]
    if part.geom_type != "Polygon":
        p = shapely.point_on_surface(part)
        return (p.x, p.y)
    minx, miny, maxx, maxy = part.bounds
    p = polylabel(part, tolerance=max(maxx - minx, maxy - miny) / 200 or 1e-7)
    return (p.x, p.y)


def class_breaks(values: Sequence[float | None], *, classes: int = 5, kind: str = "quantile") -> list[float]:
    """Upper bounds of each class but the last (len == classes - 1 at most).

    "share": fixed steps over 0..1 (coverage reads the same in every district);
    "quantile": about as many areas in each class, duplicates removed (a skewed count
    gives fewer classes rather than empty ones).
    """
    if kind == "share":
        return [round(k / classes, 6) for k in range(1, classes)]
    vals = np.array([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if len(vals) == 0:
        return []
    qs = np.quantile(vals, [k / classes for k in range(1, classes)])
    out: list[float] = []
    for q in qs.tolist():
        q = _nice(q)
        if (not out or q > out[-1]) and q < vals.max():
            out.append(q)
    return out


def _nice(x: float) -> float:
    """Round a break to two significant figures, which is all a legend shows."""
    if x == 0 or not math.isfinite(x):
        return x
    digits = 1 - int(math.floor(math.log10(abs(x))))
    return round(x, digits) if digits > 0 else float(round(x, digits))


def class_of(value: float | None, breaks: Sequence[float]) -> int | None:
    """The class index of a value (None for no data): value <= breaks[i] is class i."""
    if value is None or not math.isfinite(value):
        return None
    for i, b in enumerate(breaks):
        if value <= b:
            return i
    return len(breaks)


def palette_for(name: str, n: int) -> list[str]:
    """n colours of a sequential palette, spread from light to dark."""
    colours = SEQUENTIAL.get(name) or SEQUENTIAL["YlOrRd"]
    if n <= 0:
        return []
    if n >= len(colours):
        return list(colours)
    idx = np.round(np.linspace(0, len(colours) - 1, n)).astype(int)
    return [colours[i] for i in idx]
