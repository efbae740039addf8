"""Point-in-area lookup: an in-process STRtree per level over prepared polygons.

Boundaries change rarely and are read on every lookup, so each process keeps the index in
memory, built from the database, together with the boundary revision it was built from. Any
change to a geometry bumps `boundary_revision` in the same transaction. Before each use the
holder asks a *watcher* whether the database may have changed since the last look, which costs
no query:

- SQLite (WAL): the header of the `-shm` wal-index holds a change counter that every commit of
  every process updates; reading those bytes is a pread of a page already in memory.
- PostgreSQL: a LISTEN on `gridsvc_boundaries`; the revision bump sends NOTIFY at commit, so
  every app server learns of it.

Only when the watcher says "maybe" is the revision read, and only when it differs is the index
rebuilt. Local edits mark the index dirty at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import STRtree

from ..domain.levels import LEVELS
from .models import Area, BoundaryRevision

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "gridsvc_boundaries"
_POLYGON_TYPES = (3, 6)  # shapely type ids of Polygon, MultiPolygon
_threads = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2), thread_name_prefix="locate")


@dataclass
class LevelIndex:
    level: str
    codes: np.ndarray  # object array of codes
    geoms: np.ndarray  # prepared polygons
    tree: STRtree

    @classmethod
    def build(cls, level: str, codes: list[str], geoms: list) -> "LevelIndex":
        g = np.asarray(geoms, dtype=object)
        keep = np.isin(shapely.get_type_id(g), _POLYGON_TYPES)
        g = g[keep]
        shapely.prepare(g)
        return cls(level, np.asarray(codes, dtype=object)[keep], g, STRtree(g))

    def hits(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the first area containing each point (boundary included), or -1."""
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


class SpatialIndex:
    """The lookup structure for one boundary revision."""

    def __init__(self, revision: int, rows: list[tuple[str, str, str | None, str, bytes]]):
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

    def _finest(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        result = np.full(len(x), None, dtype=object)
        todo = np.arange(len(x))
        for li in self.levels:
            if len(todo) == 0:
                break
            h = li.hits(x[todo], y[todo])
            found = h >= 0
            result[todo[found]] = li.codes[h[found]]
            todo = todo[~found]
        return result

    def locate_many(self, lon, lat, *, parallel: bool = True) -> np.ndarray:
        """The code of the finest area containing each point (None outside every area).

        Large batches are split across threads: shapely releases the GIL in its vectorised
        calls, so both cores of a small server work."""
        x = np.asarray(lon, dtype=float)
        y = np.asarray(lat, dtype=float)
        n = len(x)
        workers = _threads._max_workers
        if not parallel or n < 20_000:
            return self._finest(x, y)
        bounds = np.linspace(0, n, workers + 1, dtype=int)
        parts = list(_threads.map(lambda i: self._finest(x[bounds[i]:bounds[i + 1]], y[bounds[i]:bounds[i + 1]]),
                                  range(workers)))
        return np.concatenate(parts)

    def chain(self, code: str | None) -> list[dict]:
        """The area and its ancestors, top down."""
        out = []
        while code is not None and code in self.info:
            name, level = self.info[code]
            out.append({"code": code, "name": name, "level": level})
            code = self.parent.get(code)
        out.reverse()
        return out

    def locate(self, lon: float, lat: float) -> list[dict]:
        return self.chain(self._finest(np.array([lon], float), np.array([lat], float))[0])


# ---- keeping the index fresh ------------------------------------------------------------


class _SqliteWatcher:
    """Reads the wal-index header of `<db>-shm` (iChange, mxFrame, salts: bytes 0-47), which
    every committed write transaction of any process changes."""

    def __init__(self, path: str):
        self.path = path + "-shm"
        self.last: bytes | None = None

    def maybe_changed(self) -> bool:
        try:
            with open(self.path, "rb") as f:
                head = f.read(48)
        except OSError:
            return True
        if head != self.last:
            self.last = head
            return True
        return False


class _PgWatcher:
    def __init__(self, dsn: str):
        self.dsn = dsn
        self.conn = None
        self.flag = True

    async def start(self) -> None:
        import asyncpg

        try:
            self.conn = await asyncpg.connect(self.dsn)
            await self.conn.add_listener(NOTIFY_CHANNEL, self._notified)
            self.conn.add_termination_listener(lambda *_: self._lost())
        except Exception as exc:  # no listener: fall back to reading the revision each time
            log.warning("boundary LISTEN unavailable (%s); checking the revision before each lookup", exc)
            self.conn = None

    def _notified(self, *_args) -> None:
        self.flag = True

    def _lost(self) -> None:
        self.conn = None
        self.flag = True

    def maybe_changed(self) -> bool:
        if self.conn is None or self.conn.is_closed():
            return True
        changed, self.flag = self.flag, False
        return changed

    async def close(self) -> None:
        if self.conn is not None and not self.conn.is_closed():
            await self.conn.close()
        self.conn = None


class _AlwaysWatcher:
    def maybe_changed(self) -> bool:
        return True


_holders: "weakref.WeakSet[IndexHolder]" = weakref.WeakSet()


class IndexHolder:
    """One per process (or per app): hands out a fresh `SpatialIndex`."""

    def __init__(self, db_url: str, *, check_seconds: float = 0.0):
        self.db_url = db_url
        self.check_seconds = check_seconds
        self.index: SpatialIndex | None = None
        self.dirty = True
        self._checked_at = 0.0
        self._lock = asyncio.Lock()
        self._watcher = self._make_watcher(db_url)
        _holders.add(self)

    @staticmethod
    def _make_watcher(db_url: str):
        if db_url.startswith("sqlite://"):
            path = db_url[len("sqlite://"):].split("?", 1)[0]
            if path and path != ":memory:":
                return _SqliteWatcher(path)
        if db_url.startswith(("postgres://", "postgresql://")):
            return _PgWatcher(db_url.replace("postgresql://", "postgres://", 1).replace("postgres://", "postgresql://", 1))
        return _AlwaysWatcher()

    async def start(self) -> None:
        if isinstance(self._watcher, _PgWatcher):
            await self._watcher.start()

    async def close(self) -> None:
        if isinstance(self._watcher, _PgWatcher):
            await self._watcher.close()

    def mark_dirty(self) -> None:
        self.dirty = True

    async def _needs_rebuild(self) -> bool:
        if self.index is None or self.dirty:
            return True
        now = time.monotonic()
        if self.check_seconds and now - self._checked_at < self.check_seconds:
            return False
        if not self._watcher.maybe_changed():
            return False
        self._checked_at = now
        return await current_revision() != self.index.revision

    async def get(self) -> SpatialIndex:
        if not await self._needs_rebuild():
            return self.index  # type: ignore[return-value]
        async with self._lock:
            if self.index is not None and not self.dirty and await current_revision() == self.index.revision:
                return self.index
            self.dirty = False
            self._watcher.maybe_changed()  # consume: the rebuild reads the state as of now
            self.index = await build_index()
            self._checked_at = time.monotonic()
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


async def build_index() -> SpatialIndex:
    revision = await current_revision()
    rows = await Area.all().values_list("code", "level", "parent__code", "name", "geometry")
    return SpatialIndex(revision, [tuple(r) for r in rows])  # type: ignore[misc]
