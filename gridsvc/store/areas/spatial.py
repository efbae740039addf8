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

The lookup itself is a raster over prepared polygons per level (.raster).
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
from tortoise import connections
from tortoise.expressions import F

from gridsvc.domain.levels import LEVELS
from gridsvc.store.areas.models import Area, BoundaryRevision
from gridsvc.store.areas.raster import POLYGON_TYPES, Raster
from gridsvc.store.freshness import RevisionCache

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "gridsvc_boundaries"
_threads = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2), thread_name_prefix="locate")
# Batches of at least twice this are split over the thread pool, one part per worker. Few large
# parts beat many small ones: the boundary tests of a part are sorted by area, and the more
# points a part has, the more tests share each polygon while it is in cache.
PARALLEL_PART = 50_000


@dataclass
class LevelIndex:
    level: str
    codes: np.ndarray  # object array of codes
    geoms: np.ndarray  # prepared polygons
    tree: STRtree
    raster: Raster | None = None  # built by prepare(); until then the tree answers

    @classmethod
    def build(cls, level: str, codes: list[str], geoms: list) -> "LevelIndex":
        g = np.asarray(geoms, dtype=object)
        keep = np.isin(shapely.get_type_id(g), POLYGON_TYPES)
        g = g[keep]
        shapely.prepare(g)
        # GEOS builds a prepared polygon's point locator on first use, and not thread-safely:
        # build them all now, in this thread, before lookups share them across the pool
        b = shapely.bounds(g)
        shapely.intersects_xy(g, (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2)
        return cls(level, np.asarray(codes, dtype=object)[keep], g, STRtree(g))

    def prepare(self) -> None:
        if self.raster is None and len(self.codes):
            self.raster = Raster(self.geoms, shapely.bounds(self.geoms), self.tree_hits)

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
        for li, offset in zip(self.levels, self._offsets, strict=True):
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
        if self.index is not None and not await self.stale():
            return self.index
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
    return await asyncio.to_thread(SpatialIndex, revision, [tuple(r) for r in rows], prepare=prepare)
