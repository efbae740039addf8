"""Keeping in-process indexes fresh when several processes share one database.

The boundary index (`spatial`) and the catalog search index (`catalog_search`) are built from
the database and kept in memory. Each change bumps a revision row in the same transaction;
before each use a *watcher* says whether the database may have changed since the last look,
without a query:

- SQLite (WAL): the header of the `-shm` wal-index holds a change counter that every commit of
  every process updates; reading those bytes is a pread of a page already in memory.
- PostgreSQL: a LISTEN on the index's channel; the revision bump sends NOTIFY at commit.

Only when the watcher says "maybe" is the revision read, and only when it differs is the index
refreshed. Local changes mark the index dirty at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

log = logging.getLogger(__name__)


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
    def __init__(self, dsn: str, channel: str):
        self.dsn = dsn
        self.channel = channel
        self.conn: Any = None  # an asyncpg connection; asyncpg ships no types
        self.flag = True

    async def start(self) -> None:
        import asyncpg  # only a PostgreSQL deployment listens, so SQLite ones never load the driver

        try:
            self.conn = await asyncpg.connect(self.dsn)
            await self.conn.add_listener(self.channel, self._notified)
            self.conn.add_termination_listener(lambda *_: self._lost())
        except Exception as exc:  # no listener: fall back to reading the revision each time
            log.warning("LISTEN %s unavailable (%s); checking the revision before each lookup", self.channel, exc)
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


async def _let_notifications_in() -> None:
    """Yield to the event loop long enough for a NOTIFY already in the socket to reach the
    watcher: the next loop iteration reads the socket (asyncpg's data_received), the one after
    runs the listener it schedules with call_soon. Without this a request that arrives right
    after another server's commit could be answered before its notification is read."""
    for _ in range(3):
        await asyncio.sleep(0)


class _AlwaysWatcher:
    def maybe_changed(self) -> bool:
        return True


def make_watcher(db_url: str, channel: str):
    """The cheapest watcher for this database; each index listens on its own channel."""
    if db_url.startswith("sqlite://"):
        path = db_url[len("sqlite://"):].split("?", 1)[0]
        if path and path != ":memory:":
            return _SqliteWatcher(path)
    if db_url.startswith(("postgres://", "postgresql://")):
        return _PgWatcher(db_url.replace("postgresql://", "postgres://", 1).replace("postgres://", "postgresql://", 1),
                          channel)
    return _AlwaysWatcher()



class RevisionCache:
    """The freshness half of an in-process index: subclasses say which revision they hold and
    how to read the database's, and build or update themselves in `get`."""

    def __init__(self, db_url: str, *, channel: str, check_seconds: float = 0.0):
        self.db_url = db_url
        # how long an index may be served before the watcher is asked again; 0: every time
        self.check_seconds = check_seconds
        self.dirty = True
        self._checked_at = 0.0
        self._lock = asyncio.Lock()
        self._watcher = make_watcher(db_url, channel)
        self._started = False

    def mark_dirty(self) -> None:
        self.dirty = True

    async def start(self) -> None:
        self._started = True  # before the await: a concurrent first request must not LISTEN twice
        if isinstance(self._watcher, _PgWatcher):
            await self._watcher.start()

    async def close(self) -> None:
        if isinstance(self._watcher, _PgWatcher):
            await self._watcher.close()
        self._started = False

    def cached_revision(self) -> int | None:
        raise NotImplementedError

    async def read_revision(self) -> int:
        raise NotImplementedError

    def consume_change(self) -> None:
        """Call when refreshing: what follows reads the state as of now."""
        self._watcher.maybe_changed()

    def checked(self) -> None:
        self._checked_at = time.monotonic()

    async def stale(self) -> bool:
        held = self.cached_revision()
        if held is None or self.dirty:
            return True
        now = time.monotonic()
        if self.check_seconds and now - self._checked_at < self.check_seconds:
            return False
        if isinstance(self._watcher, _PgWatcher):
            await _let_notifications_in()
        if not self._watcher.maybe_changed():
            return False
        self._checked_at = now
        return await self.read_revision() != held
