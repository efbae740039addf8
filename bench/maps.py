"""Benchmark of the maps: floor-plan build time, city-map build time, and the bytes a browser
receives for a city-zoom and a grid-zoom view of a city of 60,000 grids.

    .venv/bin/python bench/maps.py [--grids 60000] [--runs 5] [--keep DIR]

1. Floor plans: the demo city (铜川市, 74 communities, 734 grids, 7,705 buildings) is loaded
   into a SQLite file; every community's plan is built (read from the store + folium + the
   template), as served (assets linked) and standalone (Leaflet inlined, `render-map`).
   Target: < 0.3 s a plan.
2. City map: GET /maps/city built through the app (in process, httpx), for the demo city and
   the generated city. The page holds no geometry, so its cost does not grow with the city.
3. Bytes for a view: a synthetic city of --grids grids (bench/_city.py: Voronoi grids of ~40
   vertices with wiggly shared edges, ~25 per community, ~10 communities per street, 4
   districts) is bulk-inserted into SQLite. For a viewport (size, centre, zoom) the script asks
   exactly what static/maps/gridmap.js asks: for every layer whose MIN_ZOOM the zoom reaches,
   GET /api/v1/areas?level=&bbox=<view padded by 25% a side>&zoom=&limit=5000&clip=1. Bytes are
   counted as sent (gzip, as the app's GZipMiddleware answers a browser) and as JSON.
   The page's HTML is counted in; Leaflet and our script and CSS are listed apart (static,
   cached after the first visit). Targets: city-zoom view < 500 KB, grid-zoom view < 1 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from bench._machine import describe  # noqa: E402
from gridsvc.app import create_app  # noqa: E402
from gridsvc.config import Settings  # noqa: E402
from gridsvc.domain import geometry as geo  # noqa: E402
from gridsvc.maps import floorplan, style  # noqa: E402
from gridsvc.maps.basemaps import get_basemap  # noqa: E402
from gridsvc.maps.page import PAGE_LIMIT  # noqa: E402
from gridsvc.store import db  # noqa: E402
from gridsvc.store.areas.models import Area  # noqa: E402

KB = 1024


# ---------------------------------------------------------------- databases


async def _migrate(url: str) -> None:
    await db.migrate(url)
    await db.close()


def demo_db(folder: Path) -> str:
    path = folder / "demo.sqlite3"
    url = f"sqlite://{path}"
    if not path.exists():
        async def go():
            from gridsvc.store.demo import load_demo

            async with db.connected(url, migrate_first=True):
                await load_demo()

        t = time.perf_counter()
        asyncio.run(go())
        print(f"  demo city loaded in {time.perf_counter() - t:.1f} s")
    return url


def city_db(folder: Path, n_grids: int) -> tuple[str, object]:
    """The synthetic city bulk-inserted (the geometry rules hold by construction: bench/_city.py)."""
    from bench._city import make_city

    path = folder / f"city-{n_grids}.sqlite3"
    url = f"sqlite://{path}"
    t = time.perf_counter()
    city = make_city(n_grids=n_grids, vertices=40, seed=7)
    print(f"  city generated in {time.perf_counter() - t:.1f} s: {city.counts}, "
          f"grid vertices {city.mean_vertices():.0f}, district vertices {city.mean_vertices('district'):.0f}")
    if path.exists():
        return url, city
    t = time.perf_counter()
    asyncio.run(_migrate(url))
    geoms = np.array([a.geometry for a in city.areas], dtype=object)
    bounds = shapely.bounds(geoms)
    areas = geo.areas_m2(geoms)
    wkb = shapely.to_wkb(geoms)
    ids = {a.code: i + 1 for i, a in enumerate(city.areas)}
    now = datetime.now(timezone.utc).isoformat(sep=" ")
    rows = [(i + 1, a.code, a.name, a.level, ids.get(a.parent) if a.parent else None, a.households, a.population,
             wkb[i],
             *bounds[i].tolist(), float(areas[i]), "{}", 1, now, now) for i, a in enumerate(city.areas)]
    con = sqlite3.connect(path)
    with con:
        con.executemany("INSERT INTO area (id, code, name, level, parent_id, households, population, geometry, "
                        "minx, miny, maxx, maxy, area_m2, properties, version, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("ANALYZE")
    con.close()
    print(f"  {len(rows):,} areas bulk-inserted in {time.perf_counter() - t:.1f} s "
          f"({path.stat().st_size / 1024 / 1024:.0f} MB)")
    return url, city


# ---------------------------------------------------------------- 1. floor plans


async def bench_floorplans(url: str, runs: int) -> dict:
    settings = Settings(db_url=url, secret_key="bench")
    bm = get_basemap("none")
    out: dict = {}
    async with db.connected(url):
        codes = await Area.filter(level="community").order_by("code").values_list("code", flat=True)
        await floorplan.render_floorplan(codes[0], bm, settings, inline=True)  # warm: templates, assets, imports
        for inline in (False, True):
            times, sizes = [], []
            for _ in range(runs):
                for code in codes:
                    t = time.perf_counter()
                    html = await floorplan.render_floorplan(code, bm, settings, inline=inline)
                    times.append(time.perf_counter() - t)
                    sizes.append(len(html.encode()))
            out["standalone" if inline else "served"] = (times, sizes, len(codes))
        # the parts: reading the store vs building the page
        gather, build = [], []
        for code in codes:
            t = time.perf_counter()
            data = await floorplan.gather(code)
            gather.append(time.perf_counter() - t)
            t = time.perf_counter()
            floorplan.build_html(data, bm, settings, inline=False)
            build.append(time.perf_counter() - t)
        out["parts"] = (gather, build)
    return out


# ---------------------------------------------------------------- 2-3. pages and views over HTTP


def _project(lon: float, lat: float, z: float) -> tuple[float, float]:
    s = 256 * 2 ** z
    siny = math.sin(math.radians(lat))
    return (lon + 180) / 360 * s, (0.5 - math.log((1 + siny) / (1 - siny)) / (4 * math.pi)) * s


def _unproject(x: float, y: float, z: float) -> tuple[float, float]:
    s = 256 * 2 ** z
    lon = x / s * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / s))))
    return lon, lat


def fit_zoom(bbox, width: int, height: int, padding: int = 14, snap: float = 0.25) -> float:
    """Leaflet's fitBounds zoom (zoomSnap 0.25) for bbox in a map of width x height pixels."""
    x0, y1 = _project(bbox[0], bbox[1], 0)
    x1, y0 = _project(bbox[2], bbox[3], 0)
    scale = min((width - 2 * padding) / (x1 - x0), (height - 2 * padding) / (y1 - y0))
    return math.floor(math.log2(scale) / snap) * snap


def view_bbox(lon: float, lat: float, z: float, width: int, height: int) -> tuple[float, float, float, float]:
    """map.getBounds().pad(0.25) as gridmap.js computes it."""
    cx, cy = _project(lon, lat, z)
    w, s = _unproject(cx - width / 2, cy + height / 2, z)
    e, n = _unproject(cx + width / 2, cy - height / 2, z)
    dw, dh = (e - w) * 0.25, (n - s) * 0.25
    return tuple(round(v, 6) for v in (w - dw, s - dh, e + dw, n + dh))  # type: ignore[return-value]


async def _get(client: httpx.AsyncClient, url: str, **params) -> dict:
    t = time.perf_counter()
    r = await client.get(url, params=params)
    dt = time.perf_counter() - t
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    return {"wire": r.num_bytes_downloaded, "raw": len(r.content), "seconds": dt,
            "json": r.json() if "json" in r.headers.get(
        "content-type", "") else None}


async def view(client: httpx.AsyncClient, centre: tuple[float, float], zoom: float, size: tuple[int, int]) -> dict:
    z = round(zoom)
    bbox = ",".join(str(v) for v in view_bbox(centre[0], centre[1], zoom, *size))
    page = await _get(client, "/maps/city")
    calls = []
    for level, min_zoom in style.MIN_ZOOM.items():
        if z >= min_zoom:
            params = {"level": level, "bbox": bbox, "zoom": z, "limit": PAGE_LIMIT,
                      **({} if level == "building" else {"clip": 1})}
            r = await _get(client, "/api/v1/areas", **params)
            calls.append((level, len(r["json"]["features"]), r, bool(r["json"].get("truncated"))))
    return {"page": page, "calls": calls, "zoom": z, "bbox": bbox,
            "wire": page["wire"] + sum(c[2]["wire"] for c in calls),
            "raw": page["raw"] + sum(c[2]["raw"] for c in calls),
            "seconds": sum(c[2]["seconds"] for c in calls)}


async def with_client(url: str, body):
    app = create_app(Settings(db_url=url, secret_key="bench"), manage_db=False)
    await db.connect(url)
    await app.state.index.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                                     headers={"Accept-Encoding": "gzip", "Accept": "text/html,application/json"}) as c:
            return await body(c)
    finally:
        await app.state.index.close()
        await db.close()


async def static_bytes(client: httpx.AsyncClient) -> list[tuple[str, int, int]]:
    out = []
    for path in ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "maps/gridmap.js", "maps/maps.css"):
        r = await _get(client, f"/static/{path}")
        out.append((path, r["wire"], r["raw"]))
    return out


async def page_times(client: httpx.AsyncClient, runs: int) -> list[float]:
    await _get(client, "/maps/city")
    return [(await _get(client, "/maps/city"))["seconds"] for _ in range(runs)]


# ---------------------------------------------------------------- report


def ms(xs) -> str:
    xs = sorted(xs)
    return (f"median {statistics.median(xs) * 1000:.0f} ms, p95 {xs[int(0.95 * (len(xs) - 1))] * 1000:.0f} ms, "
            f"max {xs[-1] * 1000:.0f} ms")


def show_view(title: str, v: dict, target_kb: float | None) -> None:
    met = target_kb is not None and v["wire"] / KB < target_kb
    verdict = "" if target_kb is None else (" (target < %d KB: %s)" % (target_kb, "met" if met else "MISSED"))
    print(f"  {title}: zoom {v['zoom']}, bbox {v['bbox']}")
    print(f"    page /maps/city             {v['page']['wire'] / KB:8.1f} KB sent  "
          f"{v['page']['raw'] / KB:8.1f} KB html")
    for level, n, r, trunc in v["calls"]:
        print(f"    /api/v1/areas level={level:<9} {r['wire'] / KB:8.1f} KB sent  "
              f"{r['raw'] / KB:8.1f} KB json  {n:6,} features"
              f"  {r['seconds'] * 1000:6.0f} ms{'  TRUNCATED' if trunc else ''}")
    print(f"    total                       {v['wire'] / KB:8.1f} KB sent  "
          f"{v['raw'] / KB:8.1f} KB uncompressed{verdict};"
          f" server time for the data {v['seconds'] * 1000:.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--grids", type=int, default=60_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="keep (and reuse) the databases in this folder")
    args = ap.parse_args()
    print("machine:", describe())
    folder = args.keep or Path(tempfile.mkdtemp(prefix="gridsvc-bench-maps-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        print("\n1. community floor plans (demo city)")
        demo = demo_db(folder)
        fp = asyncio.run(bench_floorplans(demo, args.runs))
        for kind in ("served", "standalone"):
            times, sizes, n = fp[kind]
            verdict = ("met" if max(times) < 0.3
                       else "met at the median" if statistics.median(times) < 0.3 else "MISSED")
            print(f"  {kind:<10} {n} communities x {args.runs}: {ms(times)}; "
                  f"{statistics.median(sizes) / KB:.0f} KB a plan"
                  f" (target < 300 ms: {verdict})")
        gather, build = fp["parts"]
        print(f"  of which reading the store {statistics.median(gather) * 1000:.1f} ms, building the page "
              f"{statistics.median(build) * 1000:.1f} ms (medians)")

        print("\n2. city map page (GET /maps/city, in process)")
        t_demo = asyncio.run(with_client(demo, lambda c: page_times(c, args.runs * 4)))
        print(f"  demo city:            {ms(t_demo)}")
        print(f"\n   generating a city of {args.grids:,} grids")
        city_url, city = city_db(folder, args.grids)
        t_city = asyncio.run(with_client(city_url, lambda c: page_times(c, args.runs * 4)))
        print(f"  {args.grids:,}-grid city:     {ms(t_city)}")

        print(f"\n3. bytes for a view of the {args.grids:,}-grid city (desktop 1280x800 map, phone 390x700 map)")
        bbox = city.bbox
        centre = ((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)  # where the four districts meet: the worst place

        async def views(c):
            out = {"static": await static_bytes(c)}
            zc = fit_zoom(bbox, 1280, 800)
            out["city"] = await view(c, centre, zc, (1280, 800))
            out["city_phone"] = await view(c, centre, fit_zoom(bbox, 390, 700), (390, 700))
            out["grid"] = await view(c, centre, 15, (1280, 800))
            out["grid16"] = await view(c, centre, 16, (1280, 800))
            out["grid_phone"] = await view(c, centre, 16, (390, 700))
            return out

        v = asyncio.run(with_client(city_url, views))
        show_view("city-zoom view, desktop", v["city"], 500)
        show_view("city-zoom view, phone", v["city_phone"], 500)
        show_view("grid-zoom view, desktop, zoom 15", v["grid"], 1024)
        show_view("grid-zoom view, desktop, zoom 16", v["grid16"], 1024)
        show_view("grid-zoom view, phone, zoom 16", v["grid_phone"], 1024)
        total = sum(w for _, w, _ in v["static"])
        print("  static assets, once (cached): " + ", ".join(f"{p} {w / KB:.0f} KB" for p, w, _ in v["static"])
              + f"; {total / KB:.0f} KB sent in all")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
