"""Mixed read load against a real `gridsvc serve --workers 2`: many concurrent connections for a
fixed time, and per endpoint the requests/s, errors, p50 and p99 (issue 9, item 5).

    python bench/load.py                       # SQLite and PostgreSQL, 100 connections, 60 s
    python bench/load.py --db sqlite --seconds 20 --connections 50

The city is the demo city (10,7xx areas, 10,7xx staff), loaded once into var/bench/ (SQLite) or
the database `gridsvc_load` on the server GRIDSVC_TEST_PG_URL (or --pg-url) names. The workload
is what a busy morning looks like: point lookups, map viewports, catalog search, wish lists of a
grid head, the public staff board, a community floor plan and a choropleth. Target on 2 cores:
0 errors and p99 under 1 s for every endpoint. The client is `wrk` (C; `make bench-tools` installs
it), one per endpoint with the connections shared by weight; it runs on the same machine and takes
a small share of the cores, so the figures are conservative.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._machine import describe  # noqa: E402

GRIDSVC = str(Path(sys.executable).with_name("gridsvc"))
PASSWORD = "gridsvc-demo"
SEARCH_TERMS = ["低保", "残疾", "养老", "证明", "就业", "医保", "老年", "居住证", "dibao", "临时救助", "婚姻", ""]


def prepare(kind: str, pg_url: str, pg_database: str = "gridsvc_load") -> str:
    """A database URL holding the demo city (loaded on first use)."""
    if kind == "sqlite":
        path = ROOT / "var" / "bench" / "load.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite://{path}"
        if not path.exists():
            subprocess.run([GRIDSVC, "load-demo", "--db", url], check=True, stdout=subprocess.DEVNULL)
        return url
    if not pg_url:
        raise SystemExit("PostgreSQL: set GRIDSVC_TEST_PG_URL or --pg-url (postgres://postgres@127.0.0.1:5432/x)")
    import asyncpg

    async def ensure() -> bool:
        conn = await asyncpg.connect(pg_url.replace("postgres://", "postgresql://", 1))
        try:
            if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", pg_database):
                return False
            await conn.execute(f'CREATE DATABASE "{pg_database}"')
            return True
        finally:
            await conn.close()

    url = f"{pg_url.rsplit('/', 1)[0]}/{pg_database}"
    if asyncio.run(ensure()):
        subprocess.run([GRIDSVC, "init-db", "--db", url], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([GRIDSVC, "load-demo", "--db", url], check=True, stdout=subprocess.DEVNULL)
    return url


def _port_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def start_server(url: str, port: int, workers: int) -> subprocess.Popen:
    # another server on the port would answer /healthz and be measured (and loaded) instead
    if _port_taken(port):
        raise SystemExit(f"port {port} is taken by another server: pick a free one with --port")
    env = {**os.environ, "GRIDSVC_SECRET_KEY": "bench-load"}
    log = ROOT / "var" / "bench" / "serve.log"  # a file, not a pipe: a pipe nobody reads would stall the server
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as err:
        # a session of its own: stopping it stops its workers too (killing only the parent left
        # them serving the port, and the next run measured them)
        proc = subprocess.Popen([GRIDSVC, "serve", "--db", url, "--port", str(port), "--workers", str(workers)],
                                stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 180  # a busy machine starts slowly
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gridsvc serve exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200 and proc.poll() is None:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop_server(proc)
    raise SystemExit("gridsvc serve did not answer /healthz within 180 s")


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class Workload:
    """The requests of the mix, each a (name, url) drawn at random, with the headers it needs."""

    def __init__(self, base: str, seed: int = 7) -> None:
        self.base = base
        self.rnd = random.Random(seed)
        with httpx.Client(base_url=base, timeout=30) as c:
            r = c.post("/api/v1/auth/token", json={"username": "head", "password": PASSWORD})
            r.raise_for_status()
            self.head = {"Authorization": f"Bearer {r.json()['access_token']}"}
            districts = c.get("/api/v1/areas", params={"level": "district", "zoom": 8, "limit": 50}).json()["features"]
            self.districts = [f["properties"]["code"] for f in districts]
            comms = c.get("/api/v1/areas", params={"level": "community", "zoom": 10, "limit": 200}).json()["features"]
            self.communities = [f["properties"]["code"] for f in comms]
            # points and viewports fall where the grids are: inside a community's bounding box
            self.boxes = [_bbox(f["geometry"]) for f in comms]
        self.mix = [
            ("locate", 25, self.locate), ("areas by viewport", 15, self.viewport), ("catalog search", 15, self.search),
            ("wish list", 10, self.wishes), ("staff board", 15, self.staff), ("floor plan", 5, self.floor_plan),
            ("choropleth", 5, self.choropleth), ("healthz", 10, lambda: ("/healthz", None)),
        ]
        self.weights = [w for _, w, _ in self.mix]

    def pick(self) -> tuple[str, str, dict | None]:
        name, _, make = self.rnd.choices(self.mix, weights=self.weights)[0]
        url, headers = make()
        return name, url, headers

    def _point(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.rnd.choice(self.boxes)
        return self.rnd.uniform(x0, x1), self.rnd.uniform(y0, y1)

    def locate(self):
        lon, lat = self._point()
        return f"/api/v1/locate?lon={lon:.6f}&lat={lat:.6f}", None

    def viewport(self):
        # a phone screen at zoom 15 (about 1.5 x 2.5 km), the grids the map asks for there
        lon, lat = self._point()
        w, h = 0.012, 0.008
        bbox = f"{lon - w:.6f},{lat - h:.6f},{lon + w:.6f},{lat + h:.6f}"
        return f"/api/v1/areas?level=grid&bbox={bbox}&zoom=15&limit=5000&clip=1", None

    def search(self):
        return f"/api/v1/services?q={self.rnd.choice(SEARCH_TERMS)}&limit=20", None

    def wishes(self):
        return "/api/v1/wishes?limit=50", self.head

    def staff(self):
        if self.rnd.random() < 0.3:
            return "/api/v1/staff?limit=5000", None  # the request that once took 6 s: now one capped page
        return f"/api/v1/staff?under={self.rnd.choice(self.communities)}", None

    def floor_plan(self):
        return f"/maps/community/{self.rnd.choice(self.communities)}", None

    def choropleth(self):
        return f"/api/v1/maps/choropleth?by=households&level=community&under={self.rnd.choice(self.districts)}", None


def _bbox(geom: dict) -> tuple[float, float, float, float]:
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    xs = [p[0] for poly in polys for ring in poly for p in ring]
    ys = [p[1] for poly in polys for ring in poly for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def drive(base: str, work: Workload, *, connections: int, seconds: float, paths: int = 3000,
          mix: list | None = None) -> tuple[dict, float]:
    """One `wrk` per endpoint, all at once, sharing the connections by the endpoint's weight: a
    closed loop like a crowd of users, from a client written in C that leaves the cores to the
    server (the Python client this replaced took one of the two). Each wrk draws its request
    paths at random from a file written here and reports its latencies through bench/load.lua."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("bench/load.py needs wrk: make bench-tools (or apt-get install wrk)")
    folder = ROOT / "var" / "bench" / "wrk"
    folder.mkdir(parents=True, exist_ok=True)
    mix = work.mix if mix is None else mix
    total_weight = sum(weight for _, weight, _ in mix)
    runs = []
    for name, weight, make in mix:
        drawn = [make() for _ in range(paths)]
        listing = folder / f"{name.replace(' ', '_')}.txt"
        listing.write_text("".join(quote(url, safe="/?&=,:") + "\n" for url, _ in drawn))  # wrk sends bytes as given
        headers = [f"{k}: {v}" for k, v in (drawn[0][1] or {}).items()]
        conns = max(1, round(connections * weight / total_weight))
        cmd = [wrk, "-t1", f"-c{conns}", f"-d{seconds:.0f}s", "--timeout", "30s",
               "-s", str(ROOT / "bench" / "load.lua"), base, "--", str(listing), *headers]
        runs.append((name, conns, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    t0 = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    results: dict[str, dict] = {}
    for name, conns, proc in runs:
        out, err = proc.communicate()
        line = next((x for x in reversed(out.splitlines()) if x.startswith("{")), None)
        if proc.returncode or line is None:
            raise SystemExit(f"wrk for {name} failed ({proc.returncode}): {err or out}")
        results[name] = {**json.loads(line), "connections": conns}
    elapsed = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"endpoints": results, "client_cpu": client_cpu}, elapsed


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by `gridsvc serve` and its worker processes (Linux /proc)."""
    stats: dict[int, tuple[int, float]] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    tree, total = {pid}, 0.0
    for _ in range(3):  # serve > workers (> helpers)
        tree |= {p for p, (parent, _) in stats.items() if parent in tree}
    for p in tree:
        total += stats.get(p, (0, 0.0))[1]
    return total


def report(kind: str, result: dict, elapsed: float, connections: int, workers: int) -> bool:
    """Per endpoint: requests/s, errors (any status >= 400, timeouts, dropped connections), p50, p99."""
    rows = result["endpoints"]
    total = sum(r["requests"] for r in rows.values())
    print(f"\n== {kind}: {connections} connections, {elapsed:.0f} s, gridsvc serve --workers {workers}; "
          f"the load client (wrk) used {result['client_cpu'] / elapsed:.0%} of a core")
    if "server_cpu" in result:
        print(f"server CPU {result['server_cpu'] / max(total, 1) * 1000:.2f} ms per request "
              f"({result['server_cpu'] / elapsed:.0%} of a core; the rest of the machine went to other work)")
    print(f"{'endpoint':<20}{'conns':>6}{'requests':>9}{'req/s':>8}{'errors':>8}"
          f"{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    ok = True
    for name, r in rows.items():
        bad = {f"HTTP {code}": n for code, n in r["codes"].items() if int(code) >= 400}
        bad.update({k: n for k, n in r["errors"].items() if n})
        n_err = sum(bad.values())
        ok &= n_err == 0 and r["p99"] < 1_000_000
        detail = "  " + ", ".join(f"{k}×{n}" for k, n in bad.items()) if n_err else ""
        print(f"{name:<20}{r['connections']:>6}{r['requests']:>9}{r['requests'] / r['seconds']:>8.1f}{n_err:>8}"
              f"{r['p50'] / 1000:>9.0f}{r['p99'] / 1000:>9.0f}{r['max'] / 1000:>9.0f}" + detail)
    print(f"{'all':<20}{connections:>6}{total:>9}{total / elapsed:>8.1f}")
    print("target (0 errors, p99 < 1 s on every endpoint):", "met" if ok else "NOT met")
    return ok


def cost(base: str, work: Workload, pid: int, seconds: float) -> None:
    """Server CPU per request of each endpoint alone (4 connections): what the server spends,
    which neighbours on the machine disturb far less than they disturb latencies. Weighted by
    the mix, it says how many requests/s two idle cores would serve."""
    print(f"{'endpoint':<20}{'requests':>9}{'CPU ms/request':>16}")
    total = 0.0
    for entry in work.mix:
        cpu0 = server_cpu(pid)
        result, _ = drive(base, work, connections=4, seconds=seconds, mix=[entry])
        n = max(1, result["endpoints"][entry[0]]["requests"])
        ms = (server_cpu(pid) - cpu0) / n * 1000
        total += ms * entry[1] / sum(work.weights)
        print(f"{entry[0]:<20}{n:>9}{ms:>16.2f}")
    print(f"{'the mix':<20}{'':>9}{total:>16.2f}   (two idle cores: about {2000 / max(total, 1e-9):.0f} requests/s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=["sqlite", "pg", "both"], default="both")
    ap.add_argument("--seconds", type=float, default=60.0, help="how long to drive the load (default 60)")
    ap.add_argument("--connections", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--pg-url", default=os.environ.get("GRIDSVC_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/test"))
    ap.add_argument("--pg-database", default="gridsvc_load",
                    help="the PostgreSQL database holding the demo city (made on first use; default gridsvc_load)")
    ap.add_argument("--cost", type=float, default=0.0, metavar="SECONDS",
                    help="then measure each endpoint's server CPU per request alone, SECONDS each")
    args = ap.parse_args()
    print(describe(f"{args.workers} server workers", f"{args.connections} client connections (same machine)"))
    kinds = ["sqlite", "pg"] if args.db == "both" else [args.db]
    if "pg" in kinds and not shutil.which("pg_ctlcluster") and not args.pg_url:
        kinds.remove("pg")
    all_ok = True
    for kind in kinds:
        url = prepare(kind, args.pg_url, args.pg_database)
        proc = start_server(url, args.port, args.workers)
        try:
            base = f"http://127.0.0.1:{args.port}"
            work = Workload(base)
            # warm up as a server that has run a while is: its spatial index and catalog built,
            # the floor plans and boards of the city drawn once in each worker
            drive(base, work, connections=args.connections, seconds=min(15.0, args.seconds))
            cpu0 = server_cpu(proc.pid)
            result, elapsed = drive(base, work, connections=args.connections, seconds=args.seconds)
            result["server_cpu"] = server_cpu(proc.pid) - cpu0
            all_ok &= report(kind, result, elapsed, args.connections, args.workers)
            if args.cost:
                cost(base, work, proc.pid, args.cost)
        finally:
            stop_server(proc)
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
