"""Connecting to the database and bringing its schema up to date.

Each feature keeps its tables in its own Tortoise app with its own migrations package
(gridsvc/store/migrations/<app>/), so an upgrade applies only what is new and keeps data.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import AsyncIterator
from urllib.parse import urlsplit

from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.migrations.api import migrate as run_migrations

from gridsvc.store import changes

# app label -> its models modules; later apps may reference earlier ones. An app's tables may be
# kept by several features (the labels predate the feature packages; keeping them keeps the migrations).
APPS: dict[str, list[str]] = {
    "core": ["gridsvc.store.areas.models", "gridsvc.store.accounts.models", "gridsvc.store.audit.models",
             "gridsvc.store.rosters.models"],
    "catalog": ["gridsvc.store.catalog.models"],
    "wishes": ["gridsvc.store.orgs.models", "gridsvc.store.wishes.models"],
    "governance": ["gridsvc.store.governance.models"],
}


def normalise_db_url(url: str) -> str:
    """SQLite gets a busy timeout (writers wait for each other rather than fail) and its
    directory is created; postgresql:// is accepted as an alias of postgres://."""
    if url.startswith("postgresql://"):
        url = "postgres://" + url[len("postgresql://") :]
    if url.startswith("sqlite://"):
        path = url[len("sqlite://") :].split("?", 1)[0]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        if "busy_timeout" not in url:
            url += ("&" if "?" in url else "?") + "busy_timeout=10000"
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite://")


def tortoise_config(db_url: str) -> dict:
    return {
        "connections": {"default": normalise_db_url(db_url)},
        "apps": {
            label: {
                "models": modules,
                "default_connection": "default",
                "migrations": f"gridsvc.store.migrations.{label}",
            }
            for label, modules in APPS.items()
        },
        "use_tz": True,
        "timezone": "Asia/Shanghai",
    }


async def connect(db_url: str) -> None:
    # Tortoise caches each table's INSERT/UPDATE SQL per connection *name*, so a process that
    # moves from SQLite to PostgreSQL (the test suite does) would reuse "?"-placeholder SQL.
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(db_url), _enable_global_fallback=True)


async def migrate(db_url: str) -> None:
    """Apply every pending migration (creates the schema on an empty database), then put the
    change triggers on the tables they left (store/changes.py)."""
    await run_migrations(config=tortoise_config(db_url))
    await changes.install(normalise_db_url(db_url))


async def close() -> None:
    await Tortoise.close_connections()


@contextlib.asynccontextmanager
async def connected(db_url: str, *, migrate_first: bool = False) -> AsyncIterator[None]:
    """For commands and scripts: connect, optionally migrate, and always close, so that no
    aiosqlite thread keeps the process alive."""
    try:
        if migrate_first:
            await migrate(db_url)
            await close()
        await connect(db_url)
        yield
        if migrate_first:
            await refresh_statistics(db_url)
    finally:
        await close()


async def refresh_statistics(db_url: str) -> None:
    """Let the query planner know the tables' sizes after a command that may have loaded many
    rows (a demo city, an import). Without statistics SQLite sorts all 10k staff for the first
    page of the board instead of walking the id order, and PostgreSQL guesses until autovacuum
    comes by. analysis_limit keeps SQLite's ANALYZE to a sample, so it stays cheap."""
    conn = connections.get("default")
    await conn.execute_script("PRAGMA analysis_limit=400; ANALYZE;" if is_sqlite(db_url) else "ANALYZE")


def describe(db_url: str) -> str:
    """The URL without a password, for messages."""
    parts = urlsplit(db_url)
    if parts.password:
        return db_url.replace(f":{parts.password}@", ":***@")
    return db_url


# for the `tortoise` command (makemigrations): `tortoise -c gridsvc.store.db.TORTOISE_ORM ...`
TORTOISE_ORM = tortoise_config("sqlite://var/makemigrations.sqlite3")
