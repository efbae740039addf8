"""Benchmark of boundary generations: as-of-date locate, and another worker's next locate after an edit.

    .venv/bin/python bench/generations.py [--grids 10000] [--big-grids 100000] [--points 5000]
        [--edits 5] [--no-big]

1. As of a day: a synthetic city of 10,000 grids (bench/_city.py) stored in a fresh SQLite
   database with three generations of every area (stored 60 days ago, recorded again 40 and 20
   days ago through `record_versions`; the shapes are kept, which does not change what a lookup
   costs). Through one `IndexHolder`, as the API calls it, `locate` of 5,000 random points is
   timed for today (`holder.get()`) and for a day of the middle generation (`holder.on(day)`),
   alternating in blocks so that load elsewhere on the machine hits both alike; the first as-of
   call, which builds that stretch's index, is reported apart. Target: as-of <= 1.5x today.
2. After an edit: a city of 100,000 grids in a fresh SQLite database, a real `gridsvc serve`
   (another process) warmed up with one locate (its full index build), then, `--edits` times,
   one grid is redrawn by this process (`update_area`: every geometry rule, a version, the change
   log) and the server's next `GET /api/v1/locate` is timed, for a point in another grid.
   Target: < 100 ms. The server's resident memory is printed too.

The areas are written with bulk inserts and `record_versions` rather than `store_batch`: the
generator builds a valid tiling, and checking 100,000 grids would take most of the run. The
machine may be shared: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._city import City, make_city  # noqa: E402
from bench._machine import describe, load_average  # noqa: E402
from bench.locate import server  # noqa: E402
from gridsvc.domain import clock  # noqa: E402
from gridsvc.domain import geometry as geo  # noqa: E402


async def store_city(db_url: str, city: City, *, days_ago: int, again: tuple[int, ...] = ()) -> float:
    """The city's areas written straight to the tables (bulk), their versions through
    `record_versions`: first `days_ago` days ago, then again at each of `again`."""
    from gridsvc.store import db
    from gridsvc.store.areas.generations import record_versions
    from gridsvc.store.areas.models import Area

    t = time.perf_counter()
    async with db.connected(db_url, migrate_first=True):
        ids: dict[str, int] = {}
        for level in ("city", "district", "street", "community", "grid"):
            rows = []
            for a in (a for a in city.areas if a.level == level):
                g = geo.round_coords(a.geometry)
                minx, miny, maxx, maxy = g.bounds
                rows.append(Area(code=a.code, name=a.name, level=a.level, parent_id=ids.get(a.parent or ""),
                                 households=a.households, population=a.population, geometry=shapely.to_wkb(g),
                                 minx=minx, miny=miny, maxx=maxx, maxy=maxy, area_m2=geo.area_m2(g)))
            await Area.bulk_create(rows, batch_size=1000)
            ids.update(dict(await Area.filter(level=level).values_list("code", "id")))
        codes = [a.code for a in city.areas]
        for ago in (days_ago, *again):
            await record_versions(codes, effective=clock.today() - timedelta(days=ago), actor=None)
    return time.perf_counter() - t


async def bench_asof(db_url: str, city: City, n_points: int) -> None:
    from gridsvc.store import db
    from gridsvc.store.areas.spatial import IndexHolder

    x, y = city.points(n_points)
    day = clock.today() - timedelta(days=30)  # in the middle generation (from 40 to 20 days ago)
    async with db.connected(db_url):
        holder = IndexHolder(db_url)
        try:
            t = time.perf_counter()
            await holder.get()
            print(f"  today's index built in {time.perf_counter() - t:.2f} s")
            t = time.perf_counter()
            await holder.on(day)
            print(f"  the index of {day} built in {time.perf_counter() - t:.2f} s (first as-of call)")
            now_ix, past_ix = await holder.get(), await holder.on(day)
            same = sum(now_ix.finest(a, b) == past_ix.finest(a, b) for a, b in zip(x[:500], y[:500], strict=True))
            print(f"  same answer today and then for {same} of 500 points (the shapes were kept)")
            today: list[float] = []
            past: list[float] = []
            block = 250
            for start in range(0, n_points, block):
                for out, get in ((today, holder.get), (past, lambda: holder.on(day))):
                    t = time.perf_counter()
                    for k in range(start, min(start + block, n_points)):
                        (await get()).locate(x[k], y[k])
                    out.append((time.perf_counter() - t) / (min(start + block, n_points) - start))
        finally:
            await holder.close()
        bare_now: list[float] = []
        bare_past: list[float] = []
        for start in range(0, n_points, block):  # the lookups alone, without the holder's freshness check
            for out, ix in ((bare_now, now_ix), (bare_past, past_ix)):
                t = time.perf_counter()
                for k in range(start, min(start + block, n_points)):
                    ix.locate(x[k], y[k])
                out.append((time.perf_counter() - t) / (min(start + block, n_points) - start))
    bn, bp = statistics.median(bare_now), statistics.median(bare_past)
    print(f"  the index alone: today {bn * 1e6:.1f} µs, as of {day} {bp * 1e6:.1f} µs: {bp / bn:.2f}x")
    mt, mp = statistics.median(today), statistics.median(past)
    print(f"  through the holder, as the API asks (median of {len(today)} blocks of {block}): today {mt * 1e6:.1f} µs, "
          f"as of {day} {mp * 1e6:.1f} µs: {mp / mt:.2f}x (target <= 1.5x)")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _edit(db_url: str, code: str, n: int) -> float:
    """Redraw grid `code` (shrunk a little about its centre, so it stays inside its community and
    off its neighbours) with every rule; returns the seconds the save took."""
    from shapely import affinity

    from gridsvc.store import db
    from gridsvc.store.areas import get_area, update_area

    async with db.connected(db_url):
        area = await get_area(code)
        g = shapely.from_wkb(area.geometry)
        t = time.perf_counter()
        await update_area(code, {}, affinity.scale(g, 0.995 ** n, 0.995 ** n, origin="centroid"), actor=None)
        return time.perf_counter() - t


async def _grids(db_url: str) -> tuple[list[str], tuple[float, float, float, float]]:
    """The grid codes and the bounding box of the stored city."""
    from gridsvc.store import db
    from gridsvc.store.areas.models import Area

    async with db.connected(db_url):
        codes = sorted(await Area.filter(level="grid").values_list("code", flat=True))
        boxes = np.array(await Area.filter(level="grid").values_list("minx", "miny", "maxx", "maxy"))
    return [str(c) for c in codes], (boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max())


def bench_edit(db_url: str, workdir: Path, edits: int) -> None:
    grids, (x0, y0, x1, y1) = asyncio.run(_grids(db_url))
    rng = np.random.default_rng(3)
    x, y = rng.uniform(x0, x1, 2000), rng.uniform(y0, y1, 2000)
    with server(db_url, workdir, timeout=120) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

        def locate(lon: float, lat: float) -> tuple[float, dict]:
            t = time.perf_counter()
            conn.request("GET", f"/api/v1/locate?lon={lon}&lat={lat}")
            r = conn.getresponse()
            body = r.read()
            assert r.status == 200, body[:300]
            return time.perf_counter() - t, json.loads(body)

        first, _ = locate(x[0], y[0])
        print(f"  the server's first locate (its whole index built): {first:.2f} s, "
              f"{_rss_mb(_server_pid(port)):.0f} MB resident")
        steady = [locate(x[k], y[k])[0] for k in range(1, 200)]
        print(f"  steady locate: median {statistics.median(steady) * 1e3:.2f} ms")
        after = []
        for n in range(edits):
            edited = grids[int(rng.integers(len(grids)))]
            saved = asyncio.run(_edit(db_url, edited, n + 1))
            # a point in another grid: the next lookup of any point pays for the refresh
            k = int(rng.integers(len(x)))
            seconds, body = locate(x[k], y[k])
            found = body["areas"][-1]["code"] if body["areas"] else None
            after.append(seconds)
            print(f"  edit {n + 1}: {edited} saved in {saved * 1e3:.0f} ms; the server's next locate "
                  f"({found}) {seconds * 1e3:.1f} ms")
        print(f"  next locate after an edit: median {statistics.median(after) * 1e3:.1f} ms, "
              f"max {max(after) * 1e3:.1f} ms (target < 100 ms); {_rss_mb(_server_pid(port)):.0f} MB resident")
        conn.close()


def _server_pid(port: int) -> int:
    """The pid of the process listening on `port` (the uvicorn worker)."""
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    marker = "pid="
    return int(out[out.index(marker) + len(marker):].split(",")[0]) if marker in out else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grids", type=int, default=10_000)
    ap.add_argument("--big-grids", type=int, default=100_000)
    ap.add_argument("--points", type=int, default=5000)
    ap.add_argument("--edits", type=int, default=5)
    ap.add_argument("--no-big", action="store_true")
    ap.add_argument("--no-asof", action="store_true")
    ap.add_argument("--big-db", help="a database a previous run stored the big city in (sqlite://PATH): reused")
    args = ap.parse_args()
    print("machine: " + describe(f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string})"))
    workdir = Path(tempfile.mkdtemp(prefix="gridsvc-gen-bench-"))
    try:
        if not args.no_asof:
            city = make_city(n_grids=args.grids)
            url = f"sqlite://{workdir}/asof.sqlite3"
            seconds = asyncio.run(store_city(url, city, days_ago=60, again=(40, 20)))
            print(f"\n(a) as-of locate, {city.counts} areas x 3 generations (stored in {seconds:.0f} s)")
            asyncio.run(bench_asof(url, city, args.points))
        if not args.no_big:
            url = args.big_db or f"sqlite://{workdir}/big.sqlite3"
            if not args.big_db:
                t = time.perf_counter()
                big = make_city(n_grids=args.big_grids)
                print(f"\n(b) city of {big.counts} areas built in {time.perf_counter() - t:.0f} s", flush=True)
                seconds = asyncio.run(store_city(url, big, days_ago=10))
                print(f"  stored in {seconds:.0f} s", flush=True)
            print("\n(b) another worker's next locate after an edit", flush=True)
            bench_edit(url, workdir, args.edits)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\n{load_average()}")


if __name__ == "__main__":
    main()
