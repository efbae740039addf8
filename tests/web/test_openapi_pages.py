"""The API description covers every JSON route; pages render in Chinese first and escape
user text; concurrent edits of one area let exactly one through."""

from __future__ import annotations

import asyncio

from starlette.routing import Route

from tests.conftest import feature, square


async def test_openapi_describes_every_api_route(client, app):
    spec = (await client.get("/openapi.json")).json()
    assert spec["openapi"].startswith("3.")
    described = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    for route in app.routes:
        if isinstance(route, Route) and route.path.startswith(("/api/", "/open311/")):
            for method in route.methods - {"HEAD"}:
                assert (route.path, method.lower()) in described, f"{method} {route.path} missing from /openapi.json"
    for ops in spec["paths"].values():
        for op in ops.values():
            assert op["summary"] and "4XX" in op["responses"]


async def test_healthz(client, database):
    r = await client.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"


async def test_unknown_api_path_is_json_404(client, database):
    r = await client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = await client.put("/api/v1/locate")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


async def test_home_and_area_pages(client, people):
    r = await client.get("/", headers={"accept": "text/html"})
    assert r.status_code == 200 and "王益区" in r.text and 'lang="zh-CN"' in r.text
    r = await client.get(f"/areas/{people.grid}", headers={"accept": "text/html"})
    assert r.status_code == 200
    assert "川口一网格" in r.text and "张网格" in r.text and "13900000003" in r.text
    r = await client.get("/areas/610299999999", headers={"accept": "text/html"})
    assert r.status_code == 404 and "<html" in r.text


async def test_user_text_is_escaped_in_pages(client, people):
    h = await client.token_for("admin")
    evil = "<img src=x onerror=alert(1)>"
    r = await client.patch(f"/api/v1/areas/{people.grid}", json={"name": evil}, headers=h)
    assert r.status_code == 200
    page = await client.get(f"/areas/{people.grid}", headers={"accept": "text/html"})
    assert evil not in page.text and "&lt;img src=x onerror=alert(1)&gt;" in page.text


async def test_concurrent_edits_with_one_version_let_one_through(client, people):
    h = await client.token_for("admin")
    v = (await client.get(f"/api/v1/areas/{people.grid}")).json()["properties"]["version"]
    results = await asyncio.gather(*[
        client.patch(f"/api/v1/areas/{people.grid}", json={"households": 200 + i, "version": v}, headers=h)
        for i in range(10)
    ])
    codes = sorted(r.status_code for r in results)
    assert codes == [200] + [409] * 9


async def test_concurrent_creates_of_one_code_store_it_once(client, people):
    h = await client.token_for("admin")
    f = feature("610202001002002", "并发网格", "grid", square(109.3, 35.0, 0.1), people.community2)
    results = await asyncio.gather(*[client.post("/api/v1/areas", json=f, headers=h) for _ in range(5)])
    codes = sorted(r.status_code for r in results)
    assert codes.count(201) == 1 and all(c in (409, 422) for c in codes if c != 201)
    fc = (await client.get("/api/v1/areas", params={"under": people.community2, "level": "grid"})).json()
    assert [x["properties"]["code"] for x in fc["features"]].count("610202001002002") == 1
