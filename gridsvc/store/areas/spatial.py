"""Point-in-area lookup: per level, a uniform raster over an STRtree of prepared polygons.

Boundaries change rarely and are read on every lookup, so each process keeps the index in
memory, built from the database, together with the boundary revision it was built from. Any
change to a geometry bumps `boundary_revision` in the same transaction. Before each use the
holder asks a *watcher* (`freshness`) whether the database may have changed since the last look, which costs
no query:

- SQLite (WAL): the header of the `-shm` wal-index holds a change counter that every commit of
  every process updates; reading those bytes is a pread of a page already in memory.
- PostgreSQL: a LISTEN on `gridsvc_boundaries`; the revision bump sends NOTIFY at commit, so
  every app server learns of it.

Only when the watcher says "maybe" is the revision read, and only when it differs is the index
rebuilt (in a thread, so the event loop keeps serving). Local edits mark the index dirty at once.

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

import asyncio
import logging
import os
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import STRtree

from gridsvc.domain.levels import LEVELS
from gridsvc.store.areas.models import Area, BoundaryRevision
from gridsvc.store.freshness import RevisionCache

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "gridsvc_boundaries"
_POLYGON_TYPES = (3, 6)  # shapely type ids of Polygon, MultiPolygon
_threads = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2), thread_name_prefix="locate")

# Raster size: finer cells mean fewer points in boundary cells (~2.9/sqrt(CELLS_PER_AREA) of
# them) but more memory (4 bytes a cell) and a longer build; the cap bounds a level of tiny
# areas spread over a province.
CELLS_PER_AREA = 256
MAX_CELLS = 4_000_000
# An edge closer than this (in cells) to a cell marks it as a boundary cell too: the cell of a
# point is computed in floating point, and a point must never be answered from a cell that its
# area's edge actually crosses.
_EPS = 1e-4
# Batches of at least twice this are split over the thread pool, one part per worker. Few large
# parts beat many small ones: the boundary tests of a part are sorted by area, and the more
# points a part has, the more tests share each polygon while it is in cache.
PARALLEL_PART = 50_000


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """concatenate([arange(s, s + c) for s, c in zip(starts, counts)]), vectorised."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    return np.repeat(starts - (ends - counts), counts) + np.arange(total)


class _Raster:
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
        from scipy import ndimage

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


@dataclass
class LevelIndex:
    level: str
    codes: np.ndarray  # object array of codes
    geoms: np.ndarray  # prepared polygons
    tree: STRtree
    raster: _Raster | None = None  # built by prepare(); until then the tree answers

    @classmethod
    def build(cls, level: str, codes: list[str], geoms: list) -> "LevelIndex":
        g = np.asarray(geoms, dtype=object)
        keep = np.isin(shapely.get_type_id(g), _POLYGON_TYPES)
        g = g[keep]
        shapely.prepare(g)
        # GEOS builds a prepared polygon's point locator on first use, and not thread-safely:
        # build them all now, in this thread, before lookups share them across the pool
        b = shapely.bounds(g)
        shapely.intersects_xy(g, (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2)
        return cls(level, np.asarray(codes, dtype=object)[keep], g, STRtree(g))

    def prepare(self) -> None:
        if self.raster is None and len(self.codes):
            self.raster = _Raster(self.geoms, shapely.bounds(self.geoms), self.tree_hits)

    def tree_hits(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the first area containing each point (boundary included), or -1: the
        reference answer, from the STRtree."""
        out = np.full(len(x), -1, dtype=np.int64)
        if len(self.codes) == 0 or len(x) == 0:
            return out
        pts = shapely.points(x, y)
        pt_idx, area_idx = self.tree.query(pts)  # bounding-box candidates
        if len(pt_idx) == 0:
            return out
        inside = shapely.intersects_xy(self.geoms[area_idx], x[pt_idx], y[pt_idx])
        pt_idx, area_idx = pt_idx[inside], area_idx[inside]
        # several candidates (a point on a shared edge): keep the first, deterministically
        order = np.lexsort((area_idx, pt_idx))
        pt_idx, area_idx = pt_idx[order], area_idx[order]
        first = np.ones(len(pt_idx), dtype=bool)
        first[1:] = pt_idx[1:] != pt_idx[:-1]
        out[pt_idx[first]] = area_idx[first]
        return out

    def hits(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the first area containing each point (boundary included), or -1."""
        if self.raster is None or len(x) == 0:
            return self.tree_hits(x, y)
        return self.raster.hits(x, y)

    def hit(self, x: float, y: float) -> int:
        if self.raster is not None:
            return self.raster.hit(x, y)
        return int(self.tree_hits(np.array([x], float), np.array([y], float))[0])


class SpatialIndex:
    """The lookup structure for one boundary revision."""

    def __init__(self, revision: int, rows: list[tuple[str, str, str | None, str, bytes]], *, prepare: bool = True):
        self.revision = revision
        self.parent: dict[str, str | None] = {}
        self.info: dict[str, tuple[str, str]] = {}
        by_level: dict[str, tuple[list[str], list[bytes]]] = {}
        for code, level, parent, name, wkb in rows:
            self.parent[code] = parent
            self.info[code] = (name, level)
            codes, wkbs = by_level.setdefault(level, ([], []))
            codes.append(code)
            wkbs.append(wkb)
        self.levels: list[LevelIndex] = []  # finest first
        for level in reversed(LEVELS):
            if level in by_level:
                codes, wkbs = by_level[level]
                li = LevelIndex.build(level, codes, list(shapely.from_wkb(wkbs)))
                if len(li.codes):
                    self.levels.append(li)
        self.size = len(rows)
        # every level's codes end to end, then None: the answer of `_finest_index` indexes it
        self._offsets = np.cumsum([0] + [len(li.codes) for li in self.levels])[:-1]
        self._codes = np.concatenate([li.codes for li in self.levels] + [np.array([None], dtype=object)])
        self._prepare_lock = threading.Lock()
        self.prepared = False
        if prepare:
            self.prepare()

    def prepare(self) -> "SpatialIndex":
        """Build the rasters (about 0.1 s per 1,000 grids). A one-off lookup (the `locate`
        command) can do without: the STRtree answers the same, only slower."""
        with self._prepare_lock:
            if not self.prepared:
                for li in self.levels:
                    li.prepare()
                self.prepared = True
        return self

    def _finest(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return self._codes[self._finest_index(x, y)]

    def _finest_index(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index into `_codes` of the finest area of each point; -1 (the trailing None) for none.
        Integers until the end: object arrays hold the GIL."""
        result = np.full(len(x), -1, dtype=np.intp)
        todo: np.ndarray | None = None  # None: every point (no copy for the finest level)
        for li, offset in zip(self.levels, self._offsets):
            h = li.hits(x, y) if todo is None else li.hits(x[todo], y[todo])
            found = h >= 0
            if todo is None:
                result[found] = h[found]  # offset 0
                todo = np.nonzero(~found)[0]
            else:
                result[todo[found]] = h[found] + offset
                todo = todo[~found]
            if len(todo) == 0:
                break
        return result

    def locate_many(self, lon, lat, *, parallel: bool = True) -> np.ndarray:
        """The code of the finest area containing each point (None outside every area).

        Large batches are split over a thread pool: shapely and numpy release the GIL in their
        array operations, so both cores of a small server work."""
        x = np.ascontiguousarray(lon, dtype=float)
        y = np.ascontiguousarray(lat, dtype=float)
        n = len(x)
        parts = min(_threads._max_workers, n // PARALLEL_PART) if parallel else 1
        if parts <= 1:
            return self._finest(x, y)
        cuts = np.linspace(0, n, parts + 1, dtype=int)
        found = list(_threads.map(lambda i: self._finest_index(x[cuts[i]:cuts[i + 1]], y[cuts[i]:cuts[i + 1]]),
                                  range(parts)))
        return self._codes[np.concatenate(found)]

    def chain(self, code: str | None) -> list[dict]:
        """The area and its ancestors, top down."""
        out = []
        while code is not None and code in self.info:
            name, level = self.info[code]
            out.append({"code": code, "name": name, "level": level})
            code = self.parent.get(code)
        out.reverse()
        return out

    def finest(self, lon: float, lat: float) -> str | None:
        """The code of the finest area containing one point (None outside every area)."""
        lon, lat = float(lon), float(lat)
        for li in self.levels:
            i = li.hit(lon, lat)
            if i >= 0:
                return li.codes[i]
        return None

    def locate(self, lon: float, lat: float) -> list[dict]:
        return self.chain(self.finest(lon, lat))


# ---- keeping the index fresh ------------------------------------------------------------


_holders: "weakref.WeakSet[IndexHolder]" = weakref.WeakSet()


class IndexHolder(RevisionCache):
    """One per process (or per app): hands out a fresh `SpatialIndex`."""

    def __init__(self, db_url: str, *, check_seconds: float = 0.0):
        super().__init__(db_url, channel=NOTIFY_CHANNEL, check_seconds=check_seconds)
        self.index: SpatialIndex | None = None
        self._attached: list = []
        _holders.add(self)

    def attach(self, other) -> None:
        """Close ``other`` (another index holder of this app) when this one closes, so that
        the app's lifespan ends its LISTEN connection too."""
        self._attached.append(other)

    async def close(self) -> None:
        for other in self._attached:
            await other.close()
        self._attached.clear()
        await super().close()

    def cached_revision(self) -> int | None:
        return self.index.revision if self.index is not None else None

    async def read_revision(self) -> int:
        return await current_revision()

    async def get(self) -> SpatialIndex:
        if self._lock.locked():
            # a rebuild is under way (in a thread): wait for it rather than answer from the
            # index it replaces, which may predate a change this request already saw committed
            async with self._lock:
                pass
        if not await self.stale():
            return self.index  # type: ignore[return-value]
        async with self._lock:
            if self.index is not None and not self.dirty and await current_revision() == self.index.revision:
                return self.index
            self.dirty = False
            self.consume_change()
            self.index = await build_index()
            self.checked()
            return self.index


def mark_all_dirty() -> None:
    for h in list(_holders):
        h.mark_dirty()


async def current_revision() -> int:
    row = await BoundaryRevision.filter(id=1).first()
    return int(row.revision) if row else 0


async def bump_revision() -> int:
    """Call inside the transaction that changes geometries."""
    from tortoise import connections
    from tortoise.expressions import F

    updated = await BoundaryRevision.filter(id=1).update(revision=F("revision") + 1)
    if not updated:
        await BoundaryRevision.create(id=1, revision=1)
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        await conn.execute_script(f"NOTIFY {NOTIFY_CHANNEL}")
    mark_all_dirty()
    return await current_revision()


async def build_index(*, prepare: bool = True) -> SpatialIndex:
    """The index of the boundaries as stored now. The revision is read before the rows, so a
    change committed in between makes the index look older than it is (and be rebuilt once
    more), never newer. The build runs in a thread: shapely and numpy release the GIL, so the
    event loop keeps serving meanwhile. `prepare=False` skips the rasters (see
    `SpatialIndex.prepare`)."""
    revision = await current_revision()
    rows = await Area.all().values_list("code", "level", "parent__code", "name", "geometry")
    return await asyncio.to_thread(SpatialIndex, revision, [tuple(r) for r in rows], prepare=prepare)  # type: ignore[misc]
