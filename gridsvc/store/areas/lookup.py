"""The in-memory point lookup: per level, a raster over an STRtree of prepared polygons
(`SpatialIndex`), and `OverlayIndex`, a base index with a small index of the areas changed since
it was built laid over it. No database here: store.areas.spatial builds and refreshes them.

An overlay answers exactly what a fresh index of the same boundaries would (up to points on
a shared edge, where either neighbour is right): per level, finest first, the changed areas'
new geometries are asked first, then the base, whose hits on a changed code are discarded. A
point in a changed area's old geometry that its new one no longer covers must lie in another
area of the level or in none, since siblings never overlap; the other area, if changed, is in
the delta, else in the base.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import STRtree

from gridsvc.domain.levels import LEVELS
from gridsvc.store.areas.raster import POLYGON_TYPES, Raster

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
    _positions: dict[str, int] | None = None

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

    def positions(self) -> dict[str, int]:
        """code -> its position in this level (built once, on first use by an overlay)."""
        if self._positions is None:
            self._positions = {c: i for i, c in enumerate(self.codes)}
        return self._positions

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
        self.by_level = {li.level: li for li in self.levels}
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
                    li.positions()  # for the overlays laid over this index later: not on a request's time
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

    def name_of(self, code: str) -> str:
        return self.info[code][0]

    def knows(self, code: str) -> bool:
        return code in self.info


class OverlayIndex:
    """`base` with the areas changed since it was built (`changed`: their codes, including the
    deleted ones) answered from `delta`, which holds the changed areas that still exist. It has
    the reading methods of `SpatialIndex`."""

    def __init__(self, revision: int, base: SpatialIndex, delta: SpatialIndex, changed: set[str]):
        self.revision = revision
        self.base, self.delta, self.changed = base, delta, frozenset(changed)
        self.size = base.size - sum(1 for c in self.changed if c in base.info) + delta.size
        # per base level, which of its areas changed: their hits are discarded
        self._dead: dict[str, np.ndarray] = {}
        for li in base.levels:
            where = li.positions()
            dead = np.zeros(len(li.codes), dtype=bool)
            dead[[where[c] for c in self.changed if c in where]] = True
            self._dead[li.level] = dead
        self._order = [lv for lv in reversed(LEVELS) if lv in base.by_level or lv in delta.by_level]

    def _base_hits(self, li: LevelIndex, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The base's hits on unchanged areas. A point on an edge between a changed area (the
        first hit) and an unchanged one is asked again for every candidate."""
        h = li.hits(x, y)
        dead = self._dead[li.level]
        bad = np.nonzero((h >= 0) & dead[np.maximum(h, 0)])[0]
        for k in bad:
            pt = shapely.points(x[k], y[k])
            alive = [int(i) for i in sorted(li.tree.query(pt, predicate="intersects")) if not dead[i]]
            h[k] = alive[0] if alive else -1
        return h

    def locate_many(self, lon, lat, *, parallel: bool = True) -> np.ndarray:
        x = np.ascontiguousarray(lon, dtype=float)
        y = np.ascontiguousarray(lat, dtype=float)
        out = np.full(len(x), None, dtype=object)
        todo = np.arange(len(x))
        for level in self._order:
            for li, from_base in ((self.delta.by_level.get(level), False), (self.base.by_level.get(level), True)):
                if li is None or len(todo) == 0:
                    continue
                h = self._base_hits(li, x[todo], y[todo]) if from_base else li.hits(x[todo], y[todo])
                found = h >= 0
                out[todo[found]] = li.codes[h[found]]
                todo = todo[~found]
        return out

    def finest(self, lon: float, lat: float) -> str | None:
        return self.locate_many(np.array([float(lon)]), np.array([float(lat)]))[0]

    def _entry(self, code: str) -> tuple[str, str] | None:
        if code in self.delta.info:
            return self.delta.info[code]
        return None if code in self.changed else self.base.info.get(code)

    def chain(self, code: str | None) -> list[dict]:
        out = []
        while code is not None:
            entry = self._entry(code)
            if entry is None:
                break
            out.append({"code": code, "name": entry[0], "level": entry[1]})
            code = self.delta.parent.get(code) if code in self.delta.info else self.base.parent.get(code)
        out.reverse()
        return out

    def locate(self, lon: float, lat: float) -> list[dict]:
        return self.chain(self.finest(lon, lat))

    def name_of(self, code: str) -> str:
        entry = self._entry(code)
        return entry[0] if entry else ""

    def knows(self, code: str) -> bool:
        return self._entry(code) is not None


