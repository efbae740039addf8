"""Benchmark of catalog search: latency over a catalog of 10,000+ items, on SQLite and PostgreSQL.

    .venv/bin/python bench/catalog.py [--items 10000] [--requests 600] [--pg postgres://postgres@127.0.0.1:5432/postgres]

For each store it builds a fresh database (SQLite: a temporary file; PostgreSQL: a scratch
database ``gridsvc_bench_catalog``, created and dropped again), loads the demo city (铜川市,
74 communities) with its starter catalog, adds synthetic items until the catalog holds
``--items`` more (names, materials, summaries and areas shaped like real public-service lists:
most items for everywhere, some for a district, a street or one community), then times
``GET /api/v1/services`` three ways:

- http: a real ``gridsvc serve`` subprocess on 127.0.0.1, one keep-alive client, sequential
- asgi: the same app in-process through httpx's ASGI transport (no sockets)
- index: `CatalogSearch.search` alone (the in-memory index, no HTTP)

The queries mix what residents type (低保, 残疾证, 户口簿, partial words, two words, nothing
found, a code prefix) with a community filter, a category filter or none, and the browse of a
community's catalog with no query. Target: p99 < 50 ms on both stores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from bench._machine import describe  # noqa: E402
from gridsvc.domain import clock  # noqa: E402
from gridsvc.domain.catalog import CATEGORIES, LISTS, check_item  # noqa: E402

SCRATCH_DB = "gridsvc_bench_catalog"
QUERIES = ["低保", "医保", "残疾证", "补贴", "申请", "户口簿", "居民身份证", "居民 医保", "老年人健康", "临时救助",
           "保障金", "就业创业", "火星移民", "gs-sb", "证明", "养老", "法律援助", "公租房", "预防接种", "调解"]
WHO = ("城乡 困难 老年人 残疾人 退役军人 儿童 孕产妇 失业人员 高校毕业生 农村 流动人口 特困 低收入 独居老人 社区 "
       "计划生育家庭 重度残疾人 留守儿童 外来务工人员").split()
WHAT = ("生活补贴 医疗救助 住房保障 养老服务 就业援助 技能培训 健康体检 法律援助 纠纷调解 文化活动 居住登记 社会保险 "
        "教育资助 护理补贴 临时救助 最低生活保障 高龄津贴 基本医疗保险 公共租赁住房 "
        "预防接种 创业担保贷款 志愿服务").split()
ACT = "申请 登记 认定 办理 申领 备案 变更 注销 查询 预约 补办 审核 证明".split()
MATERIALS = [("居民身份证", True), ("户口簿", True), ("结婚证", True), ("残疾人证", True), ("社会保障卡", True),
             ("银行卡", False), ("一寸照片", False), ("申请表", False), ("承诺书", False), ("诊断证明", False),
             ("租赁合同", False), ("不动产权证书", True), ("收入证明", False), ("就业创业证", True)]
LIST_WEIGHTS = {"public_service": 70, "duty": 10, "assist": 10, "excluded": 5, "no_certificate": 5}


def synthetic_items(n: int, areas: dict[str, list[str]], seed: int = 7) -> list[tuple[int, object]]:
    """``n`` valid items with codes of the form XX-YY-1000..9999 (no clash with the fixture)."""
    rnd = random.Random(seed)
    lists = [x for x in LISTS for _ in range(LIST_WEIGHTS[x.id])]
    serial: dict[tuple[str, str], int] = {}
    out = []
    while len(out) < n:
        lst, cat = rnd.choice(lists), rnd.choice(CATEGORIES)
        k = serial[(lst.prefix, cat.prefix)] = serial.get((lst.prefix, cat.prefix), 999) + 1
        if k > 9999:
            continue
        who, what, act = rnd.choice(WHO), rnd.choice(WHAT), rnd.choice(ACT)
        mats = rnd.sample(MATERIALS, rnd.randint(1, 5))
        r = rnd.random()
        where = [] if r < 0.6 else [rnd.choice(areas["district"])] if r < 0.8 else \
            [rnd.choice(areas["street"])] if r < 0.95 else [rnd.choice(areas["community"])]
        raw = {
            "code": f"{lst.prefix}-{cat.prefix}-{k:04d}", "name": f"{who}{what}{act}", "category": cat.id,
            "list": lst.id, "summary": f"{who}{what},由社区受理,街道审核,{rnd.choice(WHAT)}相关政策一并告知。",
            "legal_basis": "" if cat.id in ("convenience",
                                            "volunteer") else f"《{rnd.choice(WHAT)}管理办法》第{rnd.randint(1, 40)}条",
            "materials": [{"name": m, "copies": rnd.randint(1, 2), "electronic_ok": e} for m, e in mats],
            "time_limit_days": rnd.choice([0, 3, 5, 10, 15, 20, 30, None]), "fee": "不收费",
            "venues": [{"kind": "community_window", "name": "社区党群服务中心综合服务窗口",
                        "address": "各社区党群服务中心",
                        "hours": "周一至周五 8:30-12:00,14:30-18:00"},
                       {"kind": "online", "name": "陕西政务服务网", "url": "https://zwfw.shaanxi.gov.cn"}],
            "contact": "12345", "areas": where,
            "keywords": rnd.sample(["低保", "医保", "社保", "补贴", "证明"], rnd.randint(0, 2)),
        }
        out.append((len(out) + 2, check_item(raw)))
    return out


def requests_mix(n: int, communities: list[str], seed: int = 11) -> list[dict]:
    rnd = random.Random(seed)
    cats = [c.id for c in CATEGORIES]
    out = []
    for _ in range(n):
        r = rnd.random()
        if r < 0.15:
            params = {"area": rnd.choice(communities)}  # browse a community's catalog
        else:
            params = {"q": rnd.choice(QUERIES)}
            if r < 0.55:
                params["area"] = rnd.choice(communities)
            elif r < 0.7:
                params["category"] = rnd.choice(cats)
        out.append(params)
    return out


def stats(times: list[float]) -> str:
    times = sorted(times)
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000  # noqa: E731
    return (f"median {statistics.median(times) * 1000:6.2f} ms   p95 {p(0.95):6.2f} ms   p99 {p(0.99):6.2f} ms   "
            f"max {times[-1] * 1000:6.2f} ms   (n={len(times)})")


async def prepare(db_url: str, n_items: int) -> tuple[list[str], dict]:
    """Schema, demo city, starter catalog and ``n_items`` synthetic items; returns the communities."""
    from gridsvc.store import db
    from gridsvc.store.areas.models import Area
    from gridsvc.store.catalog import sheets as catalog_sheets
    from gridsvc.store.demo import load_demo

    async with db.connected(db_url, migrate_first=True):
        t = time.perf_counter()
        await load_demo()
        demo_s = time.perf_counter() - t
        areas = {lv: await Area.filter(level=lv).order_by("code").values_list("code", flat=True)
                 for lv in ("district", "street", "community")}
        items = synthetic_items(n_items, areas)
        t = time.perf_counter()
        await catalog_sheets.import_items(items, actor=None)
        import_s = time.perf_counter() - t
        from gridsvc.store.catalog.models import ServiceItem

        total = await ServiceItem.all().count()
    return list(areas["community"]), {"demo_s": demo_s, "import_s": import_s, "total": total}


async def in_process(db_url: str, mix: list[dict], communities: list[str]) -> dict:
    from gridsvc.app import create_app
    from gridsvc.config import Settings
    from gridsvc.store.catalog.search import build_search

    app = create_app(Settings(db_url=db_url, secret_key="bench"))
    out: dict = {}
    async with app.router.lifespan_context(app):
        t = time.perf_counter()
        search = await build_search()
        out["build_s"] = time.perf_counter() - t
        out["docs"] = len(search)
        today = clock.today()
        times = []
        for params in mix:
            t = time.perf_counter()
            search.search(params.get("q"), category=params.get("category"), area_code=params.get("area"), on=today)
            times.append(time.perf_counter() - t)
        out["index"] = times
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as c:
            # the first search builds the app's catalog index and (with an area) its boundary index
            r = await c.get("/api/v1/services", params={"q": "低保", "area": communities[0]})
            assert r.status_code == 200 and r.json(), r.text
            out["first"] = [x["name"] for x in r.json()[:3]]
            times = []
            for params in mix:
                t = time.perf_counter()
                r = await c.get("/api/v1/services", params=params)
                times.append(time.perf_counter() - t)
                assert r.status_code == 200, r.text
            out["asgi"] = times
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _edit_elsewhere(db_url: str, n: int) -> None:
    from gridsvc.store import catalog as store
    from gridsvc.store import db

    async with db.connected(db_url):
        await store.edit_item("GS-LD-001", {"summary": f"第 {n + 2} 版说明"}, actor=None)
        await store.publish_item("GS-LD-001", actor=None)


def over_http(db_url: str, mix: list[dict], communities: list[str]) -> tuple[list[float], float, list[float]]:
    port = free_port()
    exe = Path(sys.executable).parent / "gridsvc"
    env = {**os.environ, "GRIDSVC_SECRET_KEY": "bench"}
    proc = subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(port), "--db", db_url],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=60) as c:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if c.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gridsvc serve did not start: {proc.stderr.read().decode()[-2000:]}")
                time.sleep(0.2)
            # warm: the first search builds the catalog and boundary indexes of the process
            t = time.perf_counter()
            assert c.get("/api/v1/services", params={"q": "低保", "area": communities[0]}).status_code == 200
            first = time.perf_counter() - t
            times = []
            for params in mix:
                t = time.perf_counter()
                r = c.get("/api/v1/services", params=params)
                times.append(time.perf_counter() - t)
                assert r.status_code == 200, r.text
            # an edit published by another process: the server's next search updates in place
            after = []
            for n in range(5):
                asyncio.run(_edit_elsewhere(db_url, n))
                t = time.perf_counter()
                r = c.get("/api/v1/services", params={"q": "就业失业登记"})
                after.append(time.perf_counter() - t)
                assert r.json()[0]["version"] == n + 2, r.json()[0]
        return times, first, after
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


async def _pg_admin(admin_url: str, sql: str) -> str:
    import asyncpg

    conn = await asyncpg.connect(admin_url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(sql)
        return await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()


def run_store(label: str, db_url: str, args) -> None:
    print(f"\n== {label}: {db_url}")
    communities, info = asyncio.run(prepare(db_url, args.items))
    print(f"catalog: {info['total']} items (demo city and starter catalog in {info['demo_s']:.1f} s, "
          f"{args.items} synthetic items imported in {info['import_s']:.1f} s)")
    mix = requests_mix(args.requests, communities)
    res = asyncio.run(in_process(db_url, mix, communities))
    print(f"index: {res['docs']} documents, built from the database in {res['build_s'] * 1000:.0f} ms; "
          f"'低保' -> {', '.join(res['first'])}")
    http, first, after = over_http(db_url, mix, communities)
    print(f"  first search of a fresh server process (builds its indexes): {first * 1000:.0f} ms")
    print(f"  first search after an edit published by another process (in-place update): "
          f"median {statistics.median(after) * 1000:.1f} ms, max {max(after) * 1000:.1f} ms")
    print(f"  http  (gridsvc serve, 127.0.0.1) {stats(http)}")
    print(f"  asgi  (in-process app)           {stats(res['asgi'])}")
    print(f"  index (CatalogSearch.search)     {stats(res['index'])}")
    ok = sorted(http)[int(0.99 * len(http))] < 0.05 and sorted(res["asgi"])[int(0.99 * len(res["asgi"]))] < 0.05
    print(f"  target p99 < 50 ms: {'met' if ok else 'MISSED'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", type=int, default=10_000, help="synthetic items beside the starter catalog")
    ap.add_argument("--requests", type=int, default=600)
    ap.add_argument("--pg", default=os.environ.get("GRIDSVC_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres"),
                    help="an administrative PostgreSQL URL (the scratch database is created beside it); '' to skip")
    args = ap.parse_args()
    print(f"machine: {describe(f'SQLite {sqlite3.sqlite_version}')}")
    tmp = Path(tempfile.mkdtemp(prefix="gridsvc-bench-"))
    try:
        run_store("SQLite", f"sqlite://{tmp / 'bench.sqlite3'}", args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.pg:
        base = args.pg.rsplit("/", 1)[0]
        version = asyncio.run(_pg_admin(args.pg, f"DROP DATABASE IF EXISTS {SCRATCH_DB}; "))
        asyncio.run(_pg_admin(args.pg, f"CREATE DATABASE {SCRATCH_DB}"))
        try:
            run_store(f"PostgreSQL {version}", f"{base}/{SCRATCH_DB}", args)
        finally:
            asyncio.run(_pg_admin(args.pg, f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)"))


if __name__ == "__main__":
    main()
