"""Benchmark of point lookup: the batch index in process, and GET /api/v1/locate over HTTP.

    .venv/bin/python bench/locate.py [--grids 10000] [--points 1000000] [--runs 5]
        [--requests 3000] [--pg-admin postgres://postgres@127.0.0.1:5432/postgres | --no-pg]
        [--no-http] [--budget 600]

The city is synthetic (bench/_city.py): 10,000 grids of ~40 vertices (Voronoi cells with
wiggly shared edges) under communities, streets, four districts and a city, near Tongchuan.

1. Batch: `SpatialIndex.locate_many` over 1,000,000 random points of the city's bounding box
   (about 77% fall inside the city), with the thread pool (the default) and without; best and
   median of `--runs`. A sample, including points exactly on vertices and edges, is checked
   against brute force (every area of every level tested), and the whole batch against the
   plain STRtree path. Target on 2 cores: >= 1.5M points/s.
2. HTTP: the city is loaded into a fresh SQLite database in a temp dir (through
   `store_batch`, i.e. every geometry rule), a real `gridsvc serve` is started on 127.0.0.1,
   and `GET /api/v1/locate?lon=&lat=` is timed against `GET /healthz`, sequential requests on
   one keep-alive connection (http.client: the thinnest client, so that its own cost does not
   hide the server's difference). Before that, an in-process run of the same app counts the
   database queries made by locate requests (Tortoise logs every query on
   "tortoise.db_client"): none in steady state; after another connection commits a boundary
   change, one to see it and two to rebuild. Then the same on PostgreSQL, in a scratch
   database `gridsvc_bench` created and dropped here, when the server is reachable.
   Target: a locate costs at most 1.5x the trivial endpoint.

The machine may be shared: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import logging
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._city import City, make_city  # noqa: E402
from bench._machine import describe, load_average  # noqa: E402
from gridsvc.store.areas.spatial import NOTIFY_CHANNEL, SpatialIndex  # noqa: E402

PG_SCRATCH = "gridsvc_bench"


class OutOfTime(Exception):
    pass





def rate(n: int, seconds: list[float]) -> str:
    return f"best {n / min(seconds) / 1e6:.2f}M points/s, median {n / statistics.median(seconds) / 1e6:.2f}M points/s"


# ---- 1. batch ------------------------------------------------------------------------------


def brute_force(city: City, x: np.ndarray, y: np.ndarray) -> list[set[str]]:
    """For each point, the codes of the finest level that has any area containing it: every
    area of every level tested, with fresh (unprepared) geometries."""
    answers: list[set[str]] = [set() for _ in x]
    levels = ["grid", "community", "street", "district", "city"]
    for level in levels:
        areas = [a for a in city.areas if a.level == level]
        geoms = shapely.from_wkb([shapely.to_wkb(a.geometry) for a in areas])
        codes = np.array([a.code for a in areas], dtype=object)
        todo = [i for i, s in enumerate(answers) if not s]
        for start in range(0, len(todo), 500):
            idx = np.array(todo[start:start + 500])
            inside = shapely.intersects_xy(geoms[None, :], x[idx, None], y[idx, None])
            for row, i in enumerate(idx):
                answers[i] = set(codes[inside[row]])
    return answers


def bench_batch(city: City, n_points: int, runs: int) -> None:
    rows = city.rows()
    t = time.perf_counter()
    tree_only = SpatialIndex(1, rows, prepare=False)
    t_tree = time.perf_counter() - t
    t = time.perf_counter()
    index = SpatialIndex(1, rows)
    t_full = time.perf_counter() - t
    print(f"index build: {t_full:.2f} s (STRtree and prepared polygons alone {t_tree:.2f} s; the rest is the rasters)")
    for li in index.levels:
        r = li.raster
        print(f"  {li.level:9s} {len(li.codes):6d} areas, raster {r.nx}x{r.ny}, "
              f"{r.boundary_cells / (r.nx * r.ny):.1%} boundary cells, "
              f"{len(r.cand) / max(r.boundary_cells, 1):.2f} candidates each")

    x, y = city.points(n_points, seed=1)
    for parallel in (True, False):
        index.locate_many(x[:100_000], y[:100_000], parallel=parallel)  # warm
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            found = index.locate_many(x, y, parallel=parallel)
            times.append(time.perf_counter() - t)
        label = "thread pool (2 parts)" if parallel else "one thread          "
        print(f"locate_many, {n_points:,} points, {label}: {rate(n_points, times)}  "
              f"(runs: {', '.join(f'{s:.3f}' for s in times)} s)")
    inside = np.mean(found != None)  # noqa: E711
    print(f"  {inside:.1%} of the points lie in an area (the rest: outside the city, in its bounding box)")

    m = min(n_points, 200_000)
    t = time.perf_counter()
    reference = tree_only.locate_many(x[:m], y[:m], parallel=False)
    t_ref = time.perf_counter() - t
    same = np.array_equal(reference, found[:m])
    print(f"plain STRtree path (what the raster replaces), one thread: {m / t_ref / 1e6:.2f}M points/s; "
          f"identical answers on {m:,} points: {'yes' if same else 'NO'}")

    # a sample against brute force: random points, and points right on vertices and edges
    rng = np.random.default_rng(2)
    pick = rng.choice(n_points, 2000, replace=False)
    grid_xy = shapely.get_coordinates([a.geometry for a in city.grids()[:300]])
    mid = (grid_xy[1:] + grid_xy[:-1]) / 2
    sx = np.concatenate([x[pick], grid_xy[:500, 0], mid[:500, 0]])
    sy = np.concatenate([y[pick], grid_xy[:500, 1], mid[:500, 1]])
    got = index.locate_many(sx, sy)
    truth = brute_force(city, sx, sy)
    ok = sum((g is None and not s) or (g in s) for g, s in zip(got, truth, strict=True))
    shared = sum(len(s) > 1 for s in truth)
    singles = [index.finest(a, b) for a, b in zip(sx, sy, strict=True)]
    print(f"brute-force check: {ok} of {len(sx)} sample points right (2,000 random, 500 vertices, 500 edge midpoints; "
          f"{shared} lie on a shared edge, where any area touching the point is right); "
          f"single-point path agrees with the batch: {'yes' if singles == list(got) else 'NO'}")
    t = time.perf_counter()
    for a, b in zip(x[:20_000], y[:20_000], strict=True):
        index.locate(a, b)
    each_us = (time.perf_counter() - t) / 20_000 * 1e6
    print(f"single lookups (SpatialIndex.locate, chain included): {each_us:.1f} µs each")


# ---- 2. HTTP -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(db_url: str, workdir: Path, timeout: float = 60.0) -> Iterator[int]:
    """A real `gridsvc serve` on 127.0.0.1; stopped on the way out, whatever happens."""
    port = free_port()
    # `gridsvc serve`, through the module so that it works whatever bin/ holds
    cmd = [sys.executable, "-m", "gridsvc.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--db", db_url]
    env = dict(os.environ, GRIDSVC_SECRET_KEY=secrets.token_urlsafe(32), GRIDSVC_DB_URL=db_url)
    log = open(workdir / f"server-{port}.log", "wb")
    proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                tail = (workdir / f"server-{port}.log").read_text()[-2000:]
                raise RuntimeError(f"server exited ({proc.returncode}): {tail}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not up after {timeout:.0f} s")
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()


def time_requests(port: int, paths: dict[str, list[str]], n: int, rounds: int = 10) -> dict[str, list[float]]:
    """Sequential GETs on one keep-alive connection, the endpoints alternating in blocks so that
    a burst of load elsewhere on the machine hits both alike. Returns seconds per request."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    out: dict[str, list[float]] = {k: [] for k in paths}

    def get(path: str) -> bytes:
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise RuntimeError(f"GET {path}: {r.status} {body[:200]!r}")
        return body

    for ps in paths.values():  # warm up: connection, index build, code paths
        for p in ps[:200]:
            get(p)
    per_round = max(1, n // rounds)
    for r in range(rounds):
        for name, ps in paths.items():
            for i in range(per_round):
                p = ps[(r * per_round + i) % len(ps)]
                t = time.perf_counter()
                get(p)
                out[name].append(time.perf_counter() - t)
    conn.close()
    return out


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


async def load_city(db_url: str, city: City) -> float:
    from gridsvc.store import db
    from gridsvc.store.areas import store_batch

    t = time.perf_counter()
    async with db.connected(db_url, migrate_first=True):
        report = await store_batch(city.inputs(), actor=None)
    assert report.stored == len(city.areas), report.stored
    return time.perf_counter() - t


async def count_queries(db_url: str, points: list[tuple[float, float]]) -> dict[str, int]:
    """Database queries made by locate requests, in process (same app, same settings as the
    server), counted on Tortoise's query log."""
    import httpx

    from gridsvc.app import create_app
    from gridsvc.config import Settings
    from gridsvc.store import db

    class Counter(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.DEBUG)
            self.n = 0

        def emit(self, record: logging.LogRecord) -> None:
            self.n += 1

    qlog = logging.getLogger("tortoise.db_client")
    counter = Counter()
    old_level = qlog.level
    qlog.addHandler(counter)
    qlog.setLevel(logging.DEBUG)
    counts: dict[str, int] = {}
    await db.connect(db_url)
    app = create_app(Settings(db_url=db_url, secret_key="bench"), manage_db=False)
    await app.state.index.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            async def locate_all(pts) -> None:
                for lon, lat in pts:
                    r = await client.get("/api/v1/locate", params={"lon": lon, "lat": lat})
                    assert r.status_code == 200, r.text

            counter.n = 0
            await locate_all(points[:1])
            counts["first request (builds the index)"] = counter.n
            counter.n = 0
            await locate_all(points[1:11])
            # on SQLite one: the -shm file appears with the first query, after the watcher's
            # first look, so the next look sees a change and reads the revision once
            counts["requests 2-11"] = counter.n
            counter.n = 0
            await locate_all(points[11:1011])
            counts["requests 12-1011 (steady state)"] = counter.n
            await other_connection_bumps(db_url)
            counter.n = 0
            await locate_all(points[1011:1012])
            counts["the first request after another connection committed a boundary change"] = counter.n
            counter.n = 0
            await locate_all(points[1012:2012])
            counts["1000 requests after that"] = counter.n
    finally:
        await app.state.index.close()
        await db.close()
        qlog.removeHandler(counter)
        qlog.setLevel(old_level)
    return counts


async def other_connection_bumps(db_url: str) -> None:
    """What another process's edit does to the database: bump the revision (and NOTIFY)."""
    if db_url.startswith("sqlite://"):
        import sqlite3

        path = db_url[len("sqlite://"):].split("?", 1)[0]
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE boundary_revision SET revision = revision + 1 WHERE id = 1")
        conn.close()
    else:
        import asyncpg

        conn = await asyncpg.connect(db_url.replace("postgres://", "postgresql://", 1))
        try:
            async with conn.transaction():
                await conn.execute("UPDATE boundary_revision SET revision = revision + 1 WHERE id = 1")
                await conn.execute(f"NOTIFY {NOTIFY_CHANNEL}")
        finally:
            await conn.close()
        await asyncio.sleep(0.1)  # the notification travels to the listener


def bench_http(name: str, db_url: str, city: City, workdir: Path, n_requests: int) -> None:
    print(f"\n[{name}] {db_url}")
    seconds = asyncio.run(load_city(db_url, city))
    print(f"  loaded {len(city.areas):,} areas through store_batch (every geometry rule) in {seconds:.1f} s")

    index = SpatialIndex(1, city.rows())
    x, y = city.points(20_000, seed=3)
    found = index.locate_many(x, y)
    keep = np.nonzero(found != None)[0]  # noqa: E711  (points in the city: the full chain answers)
    points = [(round(float(x[i]), 6), round(float(y[i]), 6)) for i in keep]

    counts = asyncio.run(count_queries(db_url, points))
    for what, n in counts.items():
        print(f"  database queries, {what}: {n}")

    with server(db_url, workdir) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for lon, lat in points[:20]:  # the server answers what the index answers
            conn.request("GET", f"/api/v1/locate?lon={lon}&lat={lat}")
            body = json.loads(conn.getresponse().read())
            assert [a["code"] for a in body["areas"]] == [a["code"] for a in index.locate(lon, lat)], body
        conn.close()
        paths = {"healthz": ["/healthz"],
                 "locate": [f"/api/v1/locate?lon={lon}&lat={lat}" for lon, lat in points[:5000]]}
        t = time_requests(port, paths, n_requests)
    h, loc = t["healthz"], t["locate"]
    print(f"  GET /healthz       : median {statistics.median(h) * 1e3:.3f} ms, "
          f"p99 {pct(h, 99) * 1e3:.3f} ms ({len(h)} requests)")
    print(f"  GET /api/v1/locate : median {statistics.median(loc) * 1e3:.3f} ms, "
          f"p99 {pct(loc, 99) * 1e3:.3f} ms ({len(loc)} requests)")
    print(f"  ratio locate/healthz: median {statistics.median(loc) / statistics.median(h):.2f}x, "
          f"p99 {pct(loc, 99) / pct(h, 99):.2f}x (target <= 1.5x)")


async def pg_scratch(admin_url: str, create: bool) -> tuple[str, str] | None:
    import asyncpg

    try:
        conn = await asyncio.wait_for(asyncpg.connect(admin_url.replace("postgres://", "postgresql://", 1)), 5)
    except Exception as exc:  # noqa: BLE001  (any failure means: no PostgreSQL here)
        print(f"\n[PostgreSQL] not available at {admin_url}: {exc}")
        return None
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {PG_SCRATCH} WITH (FORCE)")
        if create:
            await conn.execute(f"CREATE DATABASE {PG_SCRATCH}")
            version = await conn.fetchval("SHOW server_version")
            return f"{admin_url.rsplit('/', 1)[0]}/{PG_SCRATCH}", version
    finally:
        await conn.close()
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grids", type=int, default=10_000)
    ap.add_argument("--vertices", type=int, default=40)
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--pg-admin", default="postgres://postgres@127.0.0.1:5432/postgres",
                    help="a database to connect to for creating and dropping the scratch database")
    ap.add_argument("--no-pg", action="store_true")
    ap.add_argument("--no-http", action="store_true")
    ap.add_argument("--budget", type=int, default=600,
                    help="seconds; the run stops (and its server with it) after this")
    args = ap.parse_args()

    def out_of_time(*_):
        raise OutOfTime(f"stopped after the budget of {args.budget} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(args.budget)

    import numpy
    import uvicorn

    print("machine: " + describe(f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string})",
                                 f"numpy {numpy.__version__}", f"uvicorn {uvicorn.__version__}"))
    t = time.perf_counter()
    city = make_city(n_grids=args.grids, vertices=args.vertices)
    print(f"city: {city.counts} areas, grids of {city.mean_vertices():.1f} vertices on average "
          f"(built in {time.perf_counter() - t:.1f} s)")

    workdir = Path(tempfile.mkdtemp(prefix="gridsvc-bench-"))
    pg_created = False
    try:
        print()
        bench_batch(city, args.points, args.runs)
        if not args.no_http:
            bench_http("SQLite", f"sqlite://{workdir}/bench.sqlite3", city, workdir, args.requests)
            if not args.no_pg:
                made = asyncio.run(pg_scratch(args.pg_admin, create=True))
                if made:
                    pg_created = True
                    url, version = made
                    print(f"\n(PostgreSQL {version}, scratch database {PG_SCRATCH})", end="")
                    bench_http("PostgreSQL", url, city, workdir, args.requests)
    finally:
        signal.alarm(0)
        if pg_created:
            asyncio.run(pg_scratch(args.pg_admin, create=False))
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\n{load_average()}")


if __name__ == "__main__":
    main()
