"""What one request costs the server, measured in ways the machine's load does not move: database
queries per request and CPU time per request (`time.process_time`), in process.

    .venv/bin/python bench/request_cost.py                 # the demo city in var/bench/load.sqlite3
    .venv/bin/python bench/request_cost.py --db pg         # ... in the database gridsvc_load (bench/load.py's)
    .venv/bin/python bench/request_cost.py --requests 200

The app is built as `gridsvc serve` builds it and driven through httpx's ASGI transport, one
request at a time, so the CPU counted is the server's plus the thin client's (the `healthz` row
shows that floor). Queries are counted on Tortoise's query log ("tortoise.db_client"); on
PostgreSQL the change mark's `SELECT 1` on its own listening connection (store/changes.py) is
counted apart as fences. The
endpoints are bench/load.py's signed-in and kept ones: the grid head's wish list and counts (a
bearer token, as an API client), the head's wish pages (a session), and the anonymous floor plan
and staff board, whose kept answers (web/public_cache.py) are counted as hits and misses.
Between rounds another database on the same server may be written (`--noise`): on PostgreSQL that
moved the old change mark (the cluster's WAL position) and drew every floor plan anew.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._machine import describe  # noqa: E402
from bench.load import PASSWORD, prepare  # noqa: E402
from gridsvc.app import create_app  # noqa: E402
from gridsvc.config import Settings  # noqa: E402
from gridsvc.store import db  # noqa: E402


class QueryCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.n = 0

    def emit(self, record: logging.LogRecord) -> None:
        if not str(record.msg).startswith(("Created connection", "Closed connection")):
            self.n += 1


async def _noise(pg_url: str) -> None:
    """A commit in another database of the same PostgreSQL server (nothing of ours changes)."""
    import asyncpg

    conn = await asyncpg.connect(pg_url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("CREATE TABLE IF NOT EXISTS bench_noise (n int); DELETE FROM bench_noise; "
                           "INSERT INTO bench_noise VALUES (1)")
    finally:
        await conn.close()


async def measure(url: str, n: int, noise_url: str | None) -> None:
    counter = QueryCounter()
    qlog = logging.getLogger("tortoise.db_client")
    qlog.addHandler(counter)
    qlog.setLevel(logging.DEBUG)
    await db.migrate(url)  # as `gridsvc serve` does first (the change triggers among it)
    await db.close()
    await db.connect(url)
    app = create_app(Settings(db_url=url, secret_key="bench"), manage_db=False)
    await app.state.index.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as c:
            r = await c.post("/api/v1/auth/token", json={"username": "head", "password": PASSWORD})
            r.raise_for_status()
            bearer = {"Authorization": f"Bearer {r.json()['access_token']}"}
            comms = (await c.get("/api/v1/areas", params={"level": "community", "zoom": 10, "limit": 20})).json()
            community = comms["features"][0]["properties"]["code"]
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as s:
                (await s.post("/api/v1/auth/login", json={"username": "head", "password": PASSWORD})).raise_for_status()
                cases = [
                    ("healthz", c, "/healthz", None),
                    ("wish list (token)", c, "/api/v1/wishes?limit=50", bearer),
                    ("wish counts (token)", c, "/api/v1/wishes/stats", bearer),
                    ("wish list page", s, "/wishes", None),
                    ("floor plan (anonymous)", c, f"/maps/community/{community}", None),
                    ("staff board (anonymous)", c, f"/api/v1/staff?under={community}", None),
                ]
                print(f"{'request':<26}{'n':>5}{'queries/req':>13}{'fences/req':>12}{'CPU ms/req':>12}"
                      f"{'kept hits':>11}{'misses':>8}")
                changes = getattr(app.state, "data_changes", None)
                for name, client, path, headers in cases:
                    (await client.get(path, headers=headers)).raise_for_status()  # warm: first build, imports
                    kept = getattr(app.state, "public_answers", None)
                    hits0, misses0 = (kept.hits, kept.misses) if kept else (0, 0)
                    counter.n = 0
                    trips0 = changes.round_trips if changes else 0
                    cpu = 0.0
                    for _ in range(n):
                        if noise_url:
                            await _noise(noise_url)
                        t = time.process_time()
                        r = await client.get(path, headers=headers)
                        cpu += time.process_time() - t
                        assert r.status_code == 200, (path, r.status_code, r.text[:300])
                    kept = getattr(app.state, "public_answers", None)
                    hits, misses = (kept.hits - hits0, kept.misses - misses0) if kept else (0, 0)
                    trips = (changes.round_trips - trips0) if changes else 0
                    print(f"{name:<26}{n:>5}{counter.n / n:>13.1f}{trips / n:>12.1f}{cpu / n * 1000:>12.2f}"
                          f"{hits:>11}{misses:>8}")
    finally:
        await app.state.index.close()
        await db.close()
        qlog.removeHandler(counter)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=["sqlite", "pg"], default="sqlite")
    ap.add_argument("--requests", type=int, default=100, help="requests per endpoint (default 100)")
    ap.add_argument("--pg-url", default=os.environ.get("GRIDSVC_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/test"))
    ap.add_argument("--pg-database", default="gridsvc_load", help="as bench/load.py's (default gridsvc_load)")
    ap.add_argument("--noise", action="store_true",
                    help="PostgreSQL: commit in another database (--pg-url's) before each request")
    args = ap.parse_args()
    print(describe(f"store {args.db}", f"{args.requests} requests per endpoint, in process"))
    url = prepare(args.db, args.pg_url, args.pg_database)
    asyncio.run(measure(url, args.requests, args.pg_url if args.noise and args.db == "pg" else None))
    print(describe())


if __name__ == "__main__":
    main()
