"""Benchmark of the governance dashboard (issue 12 item 8): the page of a district of 10,000
grids (target under 300 ms server time) and of the city of 60,000 grids (under 1 s).

    .venv/bin/python bench/governance.py [--grids 60000] [--runs 5] [--keep DIR] [--profile N]

The synthetic city (bench/_city.py, through bench/maps.py's bulk insert) has four districts, so
a district of a 40,000-grid city holds about 10,000 grids. Nobody is staffed, so every grid is a
vacancy: the roll-up's worst case. Times are of the request through the ASGI app in process
(no network), the median of `runs` after one warm-up; each run reads the database afresh.
Beside the wall time: the process's CPU time (time.process_time, every thread, so SQLite's
work in aiosqlite's thread too), which other load on the machine moves much less, and the SQL
statements of one request. `--profile N` prints each request's N costliest functions (cProfile,
by own time, then by cumulative time).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from bench._machine import describe  # noqa: E402
from bench.maps import city_db  # noqa: E402
from gridsvc.app import create_app  # noqa: E402
from gridsvc.config import Settings  # noqa: E402
from gridsvc.store import db  # noqa: E402
from gridsvc.store.accounts.users import create_user  # noqa: E402
from gridsvc.store.areas.models import Area  # noqa: E402

PASSWORD = "bench-password-1"


@contextlib.contextmanager
def counting_statements():
    """Counts the SQL statements sent through Tortoise's connection (as tests/web/test_paging.py)."""
    from tortoise import connections

    conn = connections.get("default")
    counted = {"n": 0}
    names = ("execute_query", "execute_query_dict", "execute_insert", "execute_many", "execute_script")
    originals = {name: getattr(conn, name) for name in names}

    def wrap(original):
        async def run(*args, **kwargs):
            counted["n"] += 1
            return await original(*args, **kwargs)
        return run

    for name, original in originals.items():
        setattr(conn, name, wrap(original))
    try:
        yield counted
    finally:
        for name, original in originals.items():
            setattr(conn, name, original)


async def _time(client: httpx.AsyncClient, url: str, headers: dict, runs: int) -> dict:
    """Wall and CPU time (medians of `runs`), size and statements of one request."""
    with counting_statements() as counted:
        r = await client.get(url, headers=headers)
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    walls, cpus = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        r = await client.get(url, headers=headers)
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "size": len(r.content),
            "statements": counted["n"]}


async def _profile(client: httpx.AsyncClient, url: str, headers: dict, top: int) -> None:
    prof = cProfile.Profile()
    prof.enable()
    await client.get(url, headers=headers)
    prof.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(prof, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        text = out.getvalue()
        print(text[text.index("   ncalls"):] if "   ncalls" in text else text)


async def run(url: str, runs: int, profile: int = 0) -> None:
    async with db.connected(url):
        if not await Area.filter(level="district").exists():
            raise SystemExit("no districts in the bench city")
        from gridsvc.store.accounts.models import User

        if not await User.filter(username="bench-admin").exists():
            await create_user("bench-admin", role="admin", password=PASSWORD)
        districts = await Area.filter(level="district").order_by("code").values("code", "name")
        grids = {d["code"]: await Area.filter(level="grid", code__startswith=d["code"][:6]).count() for d in districts}
        city = await Area.get(level="city")
        app = create_app(Settings(db_url=url, secret_key="bench"), manage_db=False)
        await app.state.index.start()
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as c:
                r = await c.post("/api/v1/auth/token", json={"username": "bench-admin", "password": PASSWORD})
                h = {"Authorization": f"Bearer {r.json()['access_token']}"}
                d = max(districts, key=lambda x: grids[x["code"]])
                total = sum(grids.values())
                for label, path, target in [
                    (f"district {d['code']} ({grids[d['code']]:,} grids)", f"/governance?under={d['code']}", 0.3),
                    (f"city {city.code} ({total:,} grids)", f"/governance?under={city.code}", 1.0),
                    (f"city ({total:,} grids), JSON", f"/api/v1/indicators?under={city.code}", 1.0),
                ]:
                    m = await _time(c, path, h, runs)
                    verdict = "ok" if m["wall"] < target else "OVER"
                    print(f"  {label:<40} {m['wall'] * 1000:7.0f} ms (target {target * 1000:.0f} ms, {verdict}), "
                          f"CPU {m['cpu'] * 1000:.0f} ms, {m['statements']} SQL statements, "
                          f"{m['size'] / 1024:,.0f} KB")
                    if profile:
                        await _profile(c, path, h, profile)
        finally:
            await app.state.index.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grids", type=int, default=60_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="a folder to keep (and reuse) the city database in")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="print each request's N costliest functions (cProfile)")
    args = ap.parse_args()
    print(describe())
    folder = args.keep or Path(tempfile.mkdtemp(prefix="gridsvc-bench-gov-"))
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / f"city-{args.grids}.sqlite3"  # bench/maps.py's name: reused without generating the city again
    url = f"sqlite://{kept}" if kept.exists() else city_db(folder, args.grids)[0]
    asyncio.run(run(url, args.runs, args.profile))


if __name__ == "__main__":
    main()
