"""Point-in-area lookup, kept fresh in every process, for today and for past days.

Boundaries change rarely and are read on every lookup, so each process keeps the index in
memory (store.areas.lookup), built from the database, together with the boundary revision it
was built from. Any change to a geometry bumps `boundary_revision` in the same transaction and
logs the codes it changed (`boundary_change`). Before each use the holder asks a *watcher*
(`freshness`) whether the database may have changed since the last look, which costs no query:

- SQLite (WAL): the header of the `-shm` wal-index holds a change counter that every commit of
  every process updates; reading those bytes is a pread of a page already in memory.
- PostgreSQL: a LISTEN on `gridsvc_boundaries`; the revision bump sends NOTIFY at commit, so
  every app server learns of it.

Only when the watcher says "maybe" is the revision read, and only when it differs is the index
brought up to date: the codes changed since the *base* index was built are read from the log,
and those areas alone make a small delta index laid over the base (`OverlayIndex`), a few
milliseconds however large the city. When the delta outgrows `REBUILD_AFTER`, the base is
rebuilt in a thread while the overlay keeps answering.

Past days (`on=`): between two days on which some boundary changed the city stood still, so one
index per such stretch serves every day in it; they are built on demand from `area_version` and
the last few kept (`ASOF_KEPT`). A day on or after the last change is today's index.
"""

from __future__ import annotations

import asyncio
import bisect
import gc
import logging
import weakref
from collections import OrderedDict
from datetime import date
from typing import cast

from tortoise import connections
from tortoise.expressions import F, Q

from gridsvc.store.areas.lookup import PARALLEL_PART, LevelIndex, OverlayIndex, SpatialIndex
from gridsvc.store.areas.models import Area, AreaVersion, BoundaryChange, BoundaryRevision
from gridsvc.store.freshness import RevisionCache

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "gridsvc_boundaries"
# Past this many changed areas (or a fiftieth of the city) the base is rebuilt: each refresh
# rebuilds the delta from every change since the base, and each lookup asks it first.
REBUILD_AFTER = 500
ASOF_KEPT = 4  # indexes of past stretches kept per process (each ~2-3 KB per area)

Index = SpatialIndex | OverlayIndex


_holders: "weakref.WeakSet[IndexHolder]" = weakref.WeakSet()


class IndexHolder(RevisionCache):
    """One per process (or per app): hands out a fresh index, for today or a past day."""

    def __init__(self, db_url: str, *, check_seconds: float = 0.0):
        super().__init__(db_url, channel=NOTIFY_CHANNEL, check_seconds=check_seconds)
        self.index: Index | None = None
        self.base: SpatialIndex | None = None
        self._rebuild: asyncio.Task | None = None
        self._days: tuple[int, list[date]] | None = None  # (revision, change days)
        self._past: OrderedDict[tuple[int, int], SpatialIndex] = OrderedDict()
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
        if self._rebuild is not None:
            self._rebuild.cancel()
        await super().close()

    def cached_revision(self) -> int | None:
        return self.index.revision if self.index is not None else None

    async def read_revision(self) -> int:
        return await current_revision()

    async def get(self) -> Index:
        if self._lock.locked():
            # a refresh is under way: wait for it rather than answer from the index it
            # replaces, which may predate a change this request already saw committed
            async with self._lock:
                pass
        if self.index is not None and not await self.stale():
            return self.index
        async with self._lock:
            revision = await current_revision()
            if self.index is not None and not self.dirty and revision == self.index.revision:
                return self.index
            self.dirty = False
            self.consume_change()
            if self.index is None or self.base is None:
                self.base = await build_index()
                self.index = self.base
                _settle(self.base, 0)
            elif revision != self.index.revision:
                self.index = await self._overlay(self.base, revision)
            self.checked()
            return self.index

    async def _overlay(self, base: SpatialIndex, revision: int) -> Index:
        """`base` brought to `revision` by the areas changed since it was built."""
        changed = await codes_changed_since(base.revision)
        if not changed:
            return base
        rows = await _index_rows(Area.filter(code__in=sorted(changed)))
        delta = SpatialIndex(revision, rows, prepare=False)  # a few areas: the STRtree alone is fast
        if len(changed) > max(REBUILD_AFTER, base.size // 50) and self._rebuild is None:
            self._rebuild = asyncio.get_running_loop().create_task(self._rebase())
        return OverlayIndex(revision, base, delta, changed)

    async def _rebase(self) -> None:
        """Build a new base in a thread (build_index) while the overlay answers, then lay the
        changes made meanwhile over it."""
        try:
            base = await build_index()
            async with self._lock:
                replaced = self.base.size if self.base is not None else 0
                self.base = base  # the old base goes with the overlay made just below
                self.index = await self._overlay(base, max(base.revision, await current_revision()))
                _settle(base, replaced)
        except Exception:  # the next refresh tries again; the overlay stays right meanwhile
            log.exception("rebuilding the boundary index failed")
        finally:
            self._rebuild = None

    async def on(self, day: date) -> Index:
        """The index of the city as it stood on `day` (see `first_day`: this assumes some
        generation reaches it). No query unless the boundaries changed since the last call."""
        today = await self.get()
        days = await self._change_days(today.revision)
        stretch = bisect.bisect_right(days, day)
        if stretch >= len(days):
            return today
        key = (today.revision, stretch)
        found = self._past.get(key)
        if found is not None:
            self._past.move_to_end(key)
            return found
        rows = await _index_rows(AreaVersion.filter(in_force(day)), parent="parent_code")
        found = await asyncio.to_thread(SpatialIndex, today.revision, rows)
        self._past[key] = found
        while len(self._past) > ASOF_KEPT:
            self._past.popitem(last=False)
        return found

    async def first_day(self) -> date | None:
        """The first day some generation reaches (None: no area was ever stored), from the
        days kept with the index: no query in steady state."""
        days = await self._change_days((await self.get()).revision)
        return days[0] if days else None

    async def _change_days(self, revision: int) -> list[date]:
        kept = self._days
        if kept is not None and kept[0] == revision:
            return kept[1]
        days = await change_days()
        self._days = (revision, days)
        # a new revision may have moved any stretch (a past effective date): start afresh
        self._past.clear()
        return days


# A large index is millions of Python objects; each full collection of the cyclic garbage
# collector walks them all (~0.3 s at 100,000 grids), and the allocations of a refresh are what
# set one off, on the next request. Frozen objects are left out of collections.
FREEZE_AT = 20_000


def _settle(new: SpatialIndex, replaced: int) -> None:
    """After a base index is built: freeze the heap when the index is large. When it replaced a
    large one (of `replaced` areas), the heap is unfrozen and collected first (once per rebuild),
    so that the old one does not stay behind."""
    if replaced >= FREEZE_AT:
        gc.unfreeze()
        gc.collect()
    if new.size >= FREEZE_AT:
        gc.freeze()


def mark_all_dirty() -> None:
    for h in list(_holders):
        h.mark_dirty()


async def current_revision() -> int:
    row = await BoundaryRevision.filter(id=1).first()
    return int(row.revision) if row else 0


async def bump_revision(codes: list[str] | None = None) -> int:
    """Call inside the transaction that changes geometries (store.areas.generations does), with
    the codes it changed."""
    updated = await BoundaryRevision.filter(id=1).update(revision=F("revision") + 1)
    if not updated:
        await BoundaryRevision.create(id=1, revision=1)
    revision = await current_revision()
    if codes:
        await BoundaryChange.bulk_create([BoundaryChange(revision=revision, code=c) for c in codes], batch_size=500)
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        await conn.execute_script(f"NOTIFY {NOTIFY_CHANNEL}")
    mark_all_dirty()
    return revision


async def codes_changed_since(revision: int) -> set[str]:
    """The codes the boundary revisions after `revision` changed."""
    return {str(c) for c in await BoundaryChange.filter(revision__gt=revision).values_list("code", flat=True)}


def in_force(day: date) -> Q:
    """The versions in force on `day`: begun on or before it, not ended by it."""
    return Q(valid_from__lte=day) & (Q(valid_to=None) | Q(valid_to__gt=day))


async def change_days() -> list[date]:
    """Every day on which some boundary changed (a version began or ended), ascending: between two
    of them the city stood still, so one index serves the whole stretch."""
    starts = await AreaVersion.all().distinct().values_list("valid_from", flat=True)
    ends = await AreaVersion.filter(valid_to__not_isnull=True).distinct().values_list("valid_to", flat=True)
    found = cast(list[date], [*starts, *ends])  # flat: one column of dates
    return sorted(set(found))


async def _index_rows(qs, *, parent: str = "parent__code") -> list[tuple]:
    rows = await qs.values_list("code", "level", parent, "name", "geometry")
    return [tuple(r) for r in rows]


async def build_index(*, prepare: bool = True) -> SpatialIndex:
    """The index of the boundaries as stored now. The revision is read before the rows, so a
    change committed in between makes the index look older than it is (and be refreshed once
    more), never newer. The build runs in a thread: shapely and numpy release the GIL, so the
    event loop keeps serving meanwhile. `prepare=False` skips the rasters (see
    `SpatialIndex.prepare`)."""
    revision = await current_revision()
    rows = await _index_rows(Area.all())
    return await asyncio.to_thread(SpatialIndex, revision, rows, prepare=prepare)


async def build_index_on(day: date, *, prepare: bool = True) -> SpatialIndex:
    """The index of the boundaries in force on `day` (for one-off lookups: the `locate` command)."""
    revision = await current_revision()
    rows = await _index_rows(AreaVersion.filter(in_force(day)), parent="parent_code")
    return await asyncio.to_thread(SpatialIndex, revision, rows, prepare=prepare)


__all__ = ["NOTIFY_CHANNEL", "PARALLEL_PART", "IndexHolder", "LevelIndex", "OverlayIndex", "SpatialIndex",
           "build_index", "build_index_on", "bump_revision", "change_days", "codes_changed_since",
           "current_revision", "in_force", "mark_all_dirty"]
