"""The raster of one level of the point-in-area lookup (gridsvc.store.areas.spatial).

The lookup itself. An STRtree query makes a point geometry per point and a prepared
point-in-polygon test per bounding-box candidate: 3-6 µs a point over 10,000 grids. Most
points lie well inside one area, so each level also keeps a raster: a uniform grid of ~256
cells per typical area of the level. A cell that no boundary crosses lies wholly inside the
same areas, so it stores its answer; a point there costs a few array operations. Only points
in boundary cells (~13% of them for 40-vertex grids) are tested, against the areas whose
bounding box meets the cell, sorted by area so each prepared polygon stays in the CPU cache.
The answers are exactly those of the STRtree query (first containing area by index,
boundary included). For 10,000 grids the rasters take ~20 MB and ~0.5 s to build; a batch
runs at 4-6M points/s on one core, a single lookup in ~5 µs (bench/locate.py).
"""

from __future__ import annotations

import logging

import numpy as np
import shapely

log = logging.getLogger(__name__)


POLYGON_TYPES = (3, 6)  # shapely type ids of Polygon, MultiPolygon

# Raster size: finer cells mean fewer points in boundary cells (~2.9/sqrt(CELLS_PER_AREA) of
# them) but more memory (4 bytes a cell) and a longer build; the cap bounds a level of tiny
# areas spread over a province.
CELLS_PER_AREA = 256
MAX_CELLS = 4_000_000
# An edge closer than this (in cells) to a cell marks it as a boundary cell too: the cell of a
# point is computed in floating point, and a point must never be answered from a cell that its
# area's edge actually crosses.
_EPS = 1e-4


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """concatenate([arange(s, s + c) for s, c in zip(starts, counts)]), vectorised."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    return np.repeat(starts - (ends - counts), counts) + np.arange(total)


class Raster:
    """Cells of one level: `label` holds, per cell, the index of the area containing the whole
    cell (>= 0), -1 (no area), or -2 - k for the k-th boundary cell, whose candidate areas are
    `cand[start[k]:start[k + 1]]` (ascending)."""

    def __init__(self, geoms: np.ndarray, bounds: np.ndarray, exact_hits):
        x0, y0 = float(bounds[:, 0].min()), float(bounds[:, 1].min())
        w = max(float(bounds[:, 2].max()) - x0, 1e-9)
        h = max(float(bounds[:, 3].max()) - y0, 1e-9)
        cell = max(float(np.sqrt(np.median(shapely.area(geoms)) / CELLS_PER_AREA)), np.sqrt(w * h / MAX_CELLS), 1e-7)
        while (int(w / cell) + 2) * (int(h / cell) + 2) > MAX_CELLS:
            cell *= 1.05
        self.x0, self.y0, self.inv = x0, y0, 1.0 / cell
        self.nx, self.ny = int(w / cell) + 2, int(h / cell) + 2  # a spare column and row: float margin
        nx, ny = self.nx, self.ny
        self.geoms = geoms

        # 1. boundary cells: every edge, cut into pieces of at most one cell, marks the cells of
        #    its bounding box (2x2 at most; 3x3 when it ends right on a cell border)
        rings = shapely.get_rings(shapely.get_parts(geoms))
        xy, vertex_of = shapely.get_coordinates(rings, return_index=True)
        u = (xy[:, 0] - x0) * self.inv
        v = (xy[:, 1] - y0) * self.inv
        same = vertex_of[1:] == vertex_of[:-1]
        pu, pv = u[:-1][same], v[:-1][same]
        du, dv = u[1:][same] - pu, v[1:][same] - pv
        n = np.maximum(np.ceil(np.maximum(np.abs(du), np.abs(dv))), 1).astype(np.int64)
        edge = np.repeat(np.arange(len(n)), n)
        t0 = _ranges(np.zeros(len(n), dtype=np.int64), n) / n[edge]
        t1 = t0 + 1.0 / n[edge]
        au, bu = pu[edge] + du[edge] * t0, pu[edge] + du[edge] * t1
        av, bv = pv[edge] + dv[edge] * t0, pv[edge] + dv[edge] * t1
        del edge, t0, t1
        cols = self._span(np.minimum(au, bu), np.maximum(au, bu), nx)
        rows = self._span(np.minimum(av, bv), np.maximum(av, bv), ny)
        del au, bu, av, bv
        boundary = np.zeros(nx * ny, dtype=bool)
        for r in rows:
            for c in cols:
                boundary[r * nx + c] = True
        del cols, rows

        # 2. the other cells, in connected pieces: no boundary crosses a piece, so one point of
        #    each piece, asked the exact way, answers for all of it
        from scipy import (
            ndimage,  # imported when an index is built: scipy costs start-up time
        )

        piece, n_pieces = ndimage.label(~boundary.reshape(ny, nx))
        piece = piece.ravel()
        some_cell = np.zeros(n_pieces + 1, dtype=np.int64)
        some_cell[piece] = np.arange(nx * ny)
        cy, cx = np.divmod(some_cell[1:], nx)
        owner = exact_hits(x0 + (cx + 0.5) * cell, y0 + (cy + 0.5) * cell)
        label = np.concatenate([[0], owner]).astype(np.int32)[piece]
        del piece

        # 3. candidates of the boundary cells: the areas whose bounding box meets the cell, as
        #    the STRtree would give for any point of it
        c0 = np.clip(np.floor((bounds[:, 0] - x0) * self.inv - _EPS), 0, nx - 1).astype(np.int64)
        c1 = np.clip(np.floor((bounds[:, 2] - x0) * self.inv + _EPS), 0, nx - 1).astype(np.int64)
        r0 = np.clip(np.floor((bounds[:, 1] - y0) * self.inv - _EPS), 0, ny - 1).astype(np.int64)
        r1 = np.clip(np.floor((bounds[:, 3] - y0) * self.inv + _EPS), 0, ny - 1).astype(np.int64)
        edge_cells = np.nonzero(boundary)[0]  # ascending
        n_rows = r1 - r0 + 1
        area = np.repeat(np.arange(len(geoms)), n_rows)  # one (area, row) per row of each box
        row = r0[area] + _ranges(np.zeros(len(geoms), dtype=np.int64), n_rows)
        lo = np.searchsorted(edge_cells, row * nx + c0[area])
        hi = np.searchsorted(edge_cells, row * nx + c1[area], side="right")
        at = _ranges(lo, hi - lo)  # positions in edge_cells
        areas = np.repeat(area, hi - lo)
        order = np.argsort(at, kind="stable")  # by cell, areas ascending within a cell
        at, areas = at[order], areas[order]
        first = np.ones(len(at), dtype=bool)
        first[1:] = at[1:] != at[:-1]
        starts = np.nonzero(first)[0]
        cells = edge_cells[at[starts]]
        self.cand = areas.astype(np.int32)
        self.start = np.append(starts, len(at)).astype(np.int64)
        label[cells] = -2 - np.arange(len(starts), dtype=np.int32)
        # a boundary cell outside every bounding box (only possible at the raster's margin)
        label[boundary & (label >= 0)] = -1
        # a border of -1 cells, where points outside the raster land
        self.label = np.pad(label.reshape(ny, nx), 1, constant_values=-1).ravel()
        self.boundary_cells = len(starts)

    def _span(self, lo: np.ndarray, hi: np.ndarray, n: int) -> tuple[np.ndarray, ...]:
        """First, middle and last cell index of each [lo, hi] (widened by _EPS), clipped."""
        a = np.clip(np.floor(lo - _EPS), 0, n - 1).astype(np.int64)
        b = np.clip(np.floor(hi + _EPS), 0, n - 1).astype(np.int64)
        return a, (a + b) // 2, b

    def _cells(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index into the padded raster: points outside it (and NaN) land on the border of -1."""
        u = np.subtract(x, self.x0)
        u *= self.inv
        np.fmax(np.fmin(u, self.nx, out=u), -1.0, out=u)  # fmin/fmax turn NaN into the bound
        v = np.subtract(y, self.y0)
        v *= self.inv
        np.fmax(np.fmin(v, self.ny, out=v), -1.0, out=v)
        u += 1.0
        v += 1.0
        cell = v.astype(np.int64)
        cell *= self.nx + 2
        cell += u.astype(np.int64)
        return cell

    def hits(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        out = self.label[self._cells(x, y)]
        edge = np.nonzero(out <= -2)[0]
        if len(edge) == 0:
            return out
        k = -2 - out[edge]
        out[edge] = -1
        start = self.start[k]
        count = self.start[k + 1] - start
        pair_pt = np.repeat(edge, count)
        cand = self.cand[_ranges(start, count)]
        by_area = np.argsort(cand)  # each polygon's point locator stays in cache
        inside = np.empty(len(cand), dtype=bool)
        inside[by_area] = shapely.intersects_xy(self.geoms[cand[by_area]], x[pair_pt[by_area]], y[pair_pt[by_area]])
        pair_pt, cand = pair_pt[inside], cand[inside]
        first = np.ones(len(pair_pt), dtype=bool)  # candidates ascend per point: first = lowest
        first[1:] = pair_pt[1:] != pair_pt[:-1]
        out[pair_pt[first]] = cand[first]
        return out

    def hit(self, x: float, y: float) -> int:
        u = (x - self.x0) * self.inv
        v = (y - self.y0) * self.inv
        if not (0 <= u < self.nx and 0 <= v < self.ny):
            return -1
        label = int(self.label[(int(v) + 1) * (self.nx + 2) + int(u) + 1])
        if label >= -1:
            return label
        k = -2 - label
        for i in range(int(self.start[k]), int(self.start[k + 1])):
            a = int(self.cand[i])
            if shapely.intersects_xy(self.geoms[a], x, y):
                return a
        return -1
