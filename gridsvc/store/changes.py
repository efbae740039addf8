"""A mark that moves when this database's shown data changes, from any process or server: what
answers kept in memory (`web/public_cache.py`) and the wishes' expiry check
(`store/wishes/expiry.py`) compare before trusting what they hold.

- SQLite (WAL): the header of the `-shm` wal-index (as `freshness._SqliteWatcher` reads it),
  which every commit to this database file changes, and no other database's: no query. It moves
  with unshown tables' commits too (a sign-in, an audited view), which costs a rebuild. A
  counter kept by triggers would not: but SQLite counts a trigger's rows in
  `total_changes`, which Tortoise reads as an UPDATE's row count, and every conditional update
  (a claim, a publish) would then see two rows where it changed one.
- PostgreSQL: a statement trigger on every table that holds shown data sends NOTIFY on
  `gridsvc_data` at commit, and each process LISTENs on a connection of its own and counts. The
  cluster's WAL position, used before, moved with every other database's writes on the same
  server, so on a shared server the kept floor plans were drawn anew almost every time. Before
  a count is read, one `SELECT 1` on the listening connection is a fence: the server delivers
  every notification committed before it, so a change committed before the request arrived (by
  this process or another) is always counted. Readers arriving together share one fence.

`install` puts the PostgreSQL triggers on every table but those in `UNSHOWN` (bookkeeping of who signed
in and what was done, written on every sign-in: no kept answer reads them); `db.migrate` runs it
after the migrations, so a table a later migration adds is watched without more code. Without a
working listener the mark is None and callers keep nothing (and check expiry each time).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Hashable

log = logging.getLogger(__name__)

CHANNEL = "gridsvc_data"
TRIGGER = "gridsvc_data_changed"
# tables written by sign-ins, tokens, throttling, the audit log and notifications: no answer kept
# for everyone and no expiry decision depends on them, and they change all the time
UNSHOWN = frozenset({"session", "api_token", "login_attempt", "audit_log", "notification", "tortoise_migrations"})
RETRY_SECONDS = 5.0  # a lost listener is reconnected at most this often


def pg_dsn(db_url: str) -> str:
    return "postgresql://" + db_url.split("://", 1)[1].split("?", 1)[0]


async def install(db_url: str) -> None:
    """The NOTIFY triggers on PostgreSQL (idempotent; one installer at a time); nothing on SQLite."""
    if not db_url.startswith(("postgres://", "postgresql://")):
        return
    import asyncpg  # only PostgreSQL deployments load the driver

    conn = await asyncpg.connect(pg_dsn(db_url))
    try:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", TRIGGER)
            await conn.execute(
                f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$")
            tables = await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
            have = {r[0] for r in await conn.fetch(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = $1 AND c.relnamespace = current_schema()::regnamespace", TRIGGER)}
            # only what is missing or wrong: a restart locks no table (a trigger's DDL would)
            for (table,) in tables:
                if table in UNSHOWN:
                    if table in have:
                        await conn.execute(f'DROP TRIGGER {TRIGGER} ON "{table}"')
                    continue
                if table in have:
                    continue
                await conn.execute(
                    f'CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
                    f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()')
    finally:
        await conn.close()


async def watched_tables(db_url: str) -> set[str]:
    """The tables that carry the trigger (PostgreSQL), for tests and checks."""
    import asyncpg  # only PostgreSQL deployments load the driver

    conn = await asyncpg.connect(pg_dsn(db_url))
    try:
        rows = await conn.fetch(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = $1", TRIGGER)
        return {r[0] for r in rows}
    finally:
        await conn.close()


class _SqliteMark:
    def __init__(self, path: str):
        self.shm = path + "-shm"

    async def read(self) -> Hashable | None:
        try:
            with open(self.shm, "rb") as f:
                return f.read(48)
        except OSError:
            return None

    async def close(self) -> None:
        pass


class _PgMark:
    def __init__(self, db_url: str):
        self.dsn = pg_dsn(db_url)
        self.conn: Any = None  # an asyncpg connection (asyncpg ships no types)
        self.generation = 0  # a new listener starts a new series: nothing before it is trusted
        self.count = 0
        self._starting: asyncio.Task | None = None
        self._failed_at = 0.0
        self._lock = asyncio.Lock()
        self._waiting: asyncio.Future | None = None
        self.fences = 0  # round trips made (benches report them beside the queries)

    def _notified(self, *_args) -> None:
        self.count += 1

    def _lost(self, *_args) -> None:
        self.conn = None

    async def _start(self) -> None:
        import asyncpg  # only PostgreSQL deployments load the driver

        try:
            conn = await asyncpg.connect(self.dsn)
            await conn.add_listener(CHANNEL, self._notified)
            conn.add_termination_listener(self._lost)
        except Exception as exc:  # keep nothing rather than fail the request
            log.warning("LISTEN %s unavailable (%s): nothing is kept", CHANNEL, exc)
            self._failed_at = time.monotonic()
            return
        self.generation += 1
        self.conn = conn

    async def _listening(self) -> bool:
        if self.conn is not None and not self.conn.is_closed():
            return True
        if time.monotonic() - self._failed_at < RETRY_SECONDS:
            return False
        if self._starting is None or self._starting.done():
            self._starting = asyncio.ensure_future(self._start())
        await asyncio.shield(self._starting)
        return self.conn is not None

    async def _fence(self) -> None:
        """A round trip on the listening connection, begun after the caller arrived: every
        notification committed before it has been delivered when it returns."""
        if self._waiting is not None:  # a fence not yet begun: it begins after this caller arrived
            await asyncio.shield(self._waiting)
            return
        waiting = self._waiting = asyncio.get_running_loop().create_future()
        try:
            async with self._lock:
                self._waiting = None  # later arrivals need a fence of their own
                self.fences += 1
                await self.conn.fetchval("SELECT 1")
                await asyncio.sleep(0)  # the listener callbacks run (call_soon, in order)
        except Exception as exc:
            if self._waiting is waiting:
                self._waiting = None
            waiting.set_exception(exc)
            waiting.exception()  # retrieved: no warning when nobody shared it
            raise
        except BaseException:
            if self._waiting is waiting:
                self._waiting = None
            waiting.cancel()
            raise
        waiting.set_result(None)

    async def read(self) -> Hashable | None:
        if not await self._listening():
            return None
        try:
            await self._fence()
        except Exception as exc:
            log.warning("the %s listener failed (%s); reconnecting", CHANNEL, exc)
            await self.close()
            return None
        if self.conn is None:
            return None
        return (self.generation, self.count)

    async def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None and not conn.is_closed():
            await conn.close()


class DataChanges:
    """The mark of this database's shown data (see the module's text). One per app, closed with
    it; `read` gives a value that differs after any such change, or None when there is none to
    trust (an in-memory database, no listener)."""

    def __init__(self, db_url: str):
        self._mark: _SqliteMark | _PgMark | None = None
        if db_url.startswith("sqlite://"):
            path = db_url[len("sqlite://"):].split("?", 1)[0]
            if path and path != ":memory:":
                self._mark = _SqliteMark(path)
        elif db_url.startswith(("postgres://", "postgresql://")):
            self._mark = _PgMark(db_url)

    async def read(self) -> Hashable | None:
        return await self._mark.read() if self._mark is not None else None

    @property
    def round_trips(self) -> int:
        """Fences sent on the listening connection so far (PostgreSQL; 0 on SQLite)."""
        return self._mark.fences if isinstance(self._mark, _PgMark) else 0

    async def close(self) -> None:
        if self._mark is not None:
            await self._mark.close()
