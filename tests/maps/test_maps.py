"""Maps: community floor plans, "my area", city and area maps that load by viewport,
choropleths, basemaps, the layer registry, and `gridsvc render-map`.

Most tests render the demo city (铜川市), each on its own copy of the session's demo database
(conftest's `demo_db_url`, on SQLite and, when GRIDSVC_TEST_PG_URL is set, PostgreSQL); the tests
that change data (escaping, staff coverage) use the small canned tree of conftest."""

from __future__ import annotations

import json
import re

import pytest
import shapely
from shapely.geometry import shape

from gridsvc.app import create_app
from gridsvc.config import Settings
from gridsvc.domain import crs as crs_mod
from gridsvc.domain.errors import ValidationError
from gridsvc.maps import (
    basemaps,
    register_indicator,
    register_layer,
    style,
    unregister_indicator,
    unregister_layer,
)
from gridsvc.maps.layers import registered_layers
from gridsvc.store.demo import demo_files
from tests.conftest import Client
from tests.kit import REPO
from tests.kit.commands import gridsvc

COMMUNITY = "610202004002"  # 川口社区, 8 grids
WORKER_GRID = "610202004002001"  # the demo account `worker`
DEMO_PASSWORD = "gridsvc-demo"
EVIL = "<img src=x onerror=alert(1)>"

PEOPLE = json.loads(demo_files()[1].read_text(encoding="utf-8"))
AREAS = json.loads(demo_files()[0].read_text(encoding="utf-8"))["features"]
DEMO_COUNT = len(AREAS)


def _config(html: str, call: str) -> dict:
    """The JSON a page hands to GridMap.page / GridMap.floorPlan."""
    m = re.search(rf"GridMap\.{call}\([\w$]+, (?:[\w$]+, )?(\{{.*?\}})\);\s*</script>", html, re.S)
    assert m, f"no GridMap.{call}(...) call in the page"
    return json.loads(m.group(1))


def _folium_geojson(html: str) -> list[dict]:
    """The FeatureCollections folium inlined (GeoJson layers)."""
    return [json.loads(m) for m in re.findall(r"geo_json_\w+_add\((\{.*?\})\);\n", html, re.S)]


# ---------------------------------------------------------------- the demo city


def _staff_of(code: str, role: str) -> list[dict]:
    return [p for p in PEOPLE["staff"] + PEOPLE["accounts"] if p["role"] == role and code in (p.get("areas") or [])]


# ---------------------------------------------------------------- the floor plan


async def test_floor_plan_of_a_demo_community(demo):
    r = await demo.get(f"/maps/community/{COMMUNITY}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    # title: the community's name and the date
    assert "<h1>川口社区 网格化平面图" in html and "Grid floor plan" in html
    assert re.search(r"制图日期 \d{4}年\d{1,2}月\d{1,2}日", html)
    assert "王益区" in html and "青年路街道" in html
    # the legend: each grid with its worker, phone, households and area
    grids = [f["properties"] for f in AREAS if f["properties"]["parent"] == COMMUNITY]
    assert len(grids) == 8
    legend = html[html.index('class="fp-grids"'):html.index("</table>")]
    for g in grids:
        row = legend[legend.index(f'data-code="{g["code"]}"'):]
        row = row[:row.index("</tr>")]
        worker = _staff_of(g["code"], "worker")[0]
        assert g["name"].replace("川口社区", "") in row and g["code"] in row
        assert worker["name"] in row and worker["phone"] in row
        assert f'>{g["households"]:,}<' in row
        assert re.search(r">0\.\d{3}<", row)  # km², three decimals below 1 km²
    assert "8/8 有网格员" in legend and f'>{sum(g["households"] for g in grids):,}<' in legend
    # community staff: the instructor and the head
    assert "网格长 <strong>屈华毅</strong>" in html
    # the map: grids inlined (rounded), each grid its own colour, neighbours distinct
    layers = _folium_geojson(html)
    grid_fc = next(fc for fc in layers if fc["features"][0]["properties"]["level"] == "grid")
    colours = {f["properties"]["code"]: f["properties"]["color"] for f in grid_fc["features"]}
    assert len(colours) == 8 and len(set(colours.values())) == 8
    coords = json.dumps(grid_fc["features"][0]["geometry"]["coordinates"])
    assert not re.search(r"\d\.\d{7,}", coords)
    # labels with codes, scale bar, north arrow and print sizes are set up by the page script
    cfg = _config(html, "floorPlan")
    assert {lab["code"] for lab in cfg["labels"]} == set(colours)
    assert all(lab["label"].startswith("第") for lab in cfg["labels"])
    assert cfg["blank"] is True
    assert "@page { size: A4 landscape" in html and 'data-print="A3"' in html and "@media print" in html
    # basemap `none`: no tile layer, Leaflet from this server, nothing from a CDN
    assert "L.tileLayer" not in html
    assert '<script src="/static/vendor/leaflet/leaflet.js' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


async def test_floor_plan_download_is_standalone(demo):
    r = await demo.get(f"/maps/community/{COMMUNITY}", params={"download": "1"})
    assert r.status_code == 200
    assert r.headers["content-disposition"] == f'attachment; filename="floorplan-{COMMUNITY}.html"'
    html = r.text
    # Leaflet, our script and CSS inlined; no file or address to fetch at all
    assert "<script src=" not in html and "<link rel=\"stylesheet\"" not in html
    assert "Leaflet 1.9.4" in html and "GridMap.floorPlan" in html
    assert "url(images/" not in html and "data:image/png;base64," in html
    assert 'href="/areas/' not in html  # no links back into the site


@pytest.mark.parametrize("code, status, error",
                         [("610202999999", 404, "not_found"), (WORKER_GRID, 422, "not_a_community"),
                                                 ("610202004000", 422, "not_a_community")])
async def test_floor_plan_of_what_is_not_a_community(demo, code, status, error):
    r = await demo.get(f"/maps/community/{code}")
    assert r.status_code == status and r.json()["error"]["code"] == error
    if code == WORKER_GRID:
        assert r.json()["error"]["details"]["community"] == COMMUNITY
    page = await demo.get(f"/maps/community/{code}", headers={"accept": "text/html"})
    assert page.status_code == status and "<html" in page.text


async def test_floor_plan_on_amap_is_converted_to_gcj02(demo):
    plain = _folium_geojson((await demo.get(f"/maps/community/{COMMUNITY}")).text)
    r = await demo.get(f"/maps/community/{COMMUNITY}", params={"basemap": "amap"})
    assert r.status_code == 200
    assert "webrd0{s}.is.autonavi.com" in r.text and "高德" in r.text and "GCJ-02" in r.text
    moved = _folium_geojson(r.text)
    def first_grid(layers):
        return shape(next(fc for fc in layers if fc["features"][0]["properties"]["level"] == "grid")
                     ["features"][0]["geometry"])

    g0, g1 = first_grid(plain), first_grid(moved)
    expected = crs_mod.transform_geometry(g0, "wgs84", "gcj02")
    assert shapely.hausdorff_distance(g0, g1) > 2e-3  # a few hundred metres: GCJ-02 is not WGS-84
    assert shapely.hausdorff_distance(expected, g1) < 1e-5


async def test_floor_plan_basemap_needing_a_key_falls_back_with_a_notice(demo):
    r = await demo.get(f"/maps/community/{COMMUNITY}", params={"basemap": "tianditu"})
    assert r.status_code == 200
    assert "GRIDSVC_TIANDITU_KEY" in r.text and "tianditu.gov.cn" not in r.text
    r = await demo.get(f"/maps/community/{COMMUNITY}", params={"basemap": "nonsense"})
    assert r.status_code == 200 and "未知底图" in r.text


# ---------------------------------------------------------------- my area


async def _login(client: Client, username: str) -> None:
    r = await client.post("/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text


async def test_my_area_of_a_grid_worker(demo):
    await _login(demo, "worker")
    r = await demo.get("/maps/mine")
    assert r.status_code == 200
    cfg = _config(r.text, "page")
    assert cfg["scope"] == [WORKER_GRID]
    # the own grid drawn from the page, with its name and code
    [scope] = cfg["inline"]
    [f] = scope["data"]["features"]
    assert f["properties"]["code"] == WORKER_GRID and f["properties"]["name"] == "川口社区第1网格"
    assert scope["label"] and scope["label_fields"] == ["name", "code"]
    # below it: resident groups and buildings, loaded for the visible area, only under the grid
    by_id = {layer["id"]: layer for layer in cfg["layers"] if layer["kind"] == "area"}
    assert list(by_id) == ["group", "building"]
    assert by_id["building"]["under"] == [WORKER_GRID] and by_id["building"]["minZoom"] == style.MIN_ZOOM["building"]
    assert cfg["api"] == "/api/v1/areas" and cfg["crs"] == "wgs84"
    assert "网格平面图" in r.text and f"/maps/community/{COMMUNITY}" in r.text
    # the worker's name and tier in the header of the map
    assert "文斌丽 · 网格员 · 川口社区第1网格" in r.text
    # on AMap the grid is converted to GCJ-02, and the viewport requests ask for GCJ-02
    amap = _config((await demo.get("/maps/mine", params={"basemap": "amap"})).text, "page")
    assert amap["crs"] == "gcj02"
    wgs, gcj = shape(f["geometry"]), shape(amap["inline"][0]["data"]["features"][0]["geometry"])
    assert shapely.hausdorff_distance(crs_mod.transform_geometry(wgs, "wgs84", "gcj02"), gcj) < 1e-5


async def test_my_area_of_an_official_covers_the_district(demo):
    await _login(demo, "official")
    cfg = _config((await demo.get("/maps/mine")).text, "page")
    assert cfg["scope"] == ["610202"]
    areas = [layer for layer in cfg["layers"] if layer["kind"] == "area"]
    assert [layer["id"] for layer in areas] == ["street", "community", "grid", "group", "building"]
    assert all(layer["under"] == ["610202"] for layer in areas)
    # the district outline is inlined simplified for the zoom it opens at, and rounded
    stored = shape(next(f for f in AREAS if f["properties"]["code"] == "610202")["geometry"])
    sent = shape(cfg["inline"][0]["data"]["features"][0]["geometry"])
    assert sent.is_valid and shapely.get_num_coordinates(sent) <= shapely.get_num_coordinates(stored)
    assert shapely.hausdorff_distance(sent, stored) < 0.002


@pytest.mark.parametrize("username, status, location", [
    (None, 303, "/login?next=/maps/mine"), ("admin", 303, "/maps/city"), ("resident", 403, None),
    ("volunteer", 403, None), ("orgmember", 403, None), ("head", 200, None), ("street", 200, None)])
async def test_my_area_permissions(demo, username, status, location):
    if username:
        await _login(demo, username)
    r = await demo.get("/maps/mine", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == status
    if location:
        assert r.headers["location"] == location
    if status == 403:
        assert "<html" in r.text


async def test_registered_layers_are_toggles_on_my_area(demo):
    register_layer("测试心愿", "Test wishes", "/api/v1/areas?level=building&bbox={bbox}&crs={crs}", key="t-wishes",
                   min_zoom=15, fields=[("households", "户数 Households")])
    register_layer("仅网格长", "Heads only", "/api/v1/areas?level=group&bbox={bbox}", key="t-heads", roles=["head"])
    try:
        await _login(demo, "worker")
        cfg = _config((await demo.get("/maps/mine")).text, "page")
        # (other capabilities register theirs too: look at the test's own)
        extra = [layer for layer in cfg["layers"] if layer["kind"] == "external" and layer["id"].startswith("x-t-")]
        assert [x["id"] for x in extra] == ["x-t-wishes"]
        assert extra[0]["url"].startswith("/api/v1/areas?") and extra[0]["show"] is False and extra[0]["minZoom"] == 15
        # on a GCJ-02 basemap, a layer that cannot answer in GCJ-02 is left out
        assert [x.key for x in registered_layers(role="head", crs="gcj02") if x.key.startswith("t-")] == ["t-wishes"]
        r = await demo.get("/api/v1/maps/layers")
        assert [x["id"] for x in r.json()["layers"] if x["id"].startswith("x-t-")] == ["x-t-wishes"]
    finally:
        unregister_layer("t-wishes")
        unregister_layer("t-heads")


def test_layer_registry_refuses_other_sites_and_unknown_placeholders():
    with pytest.raises(ValidationError):
        register_layer("外站", "Elsewhere", "https://example.com/wishes?bbox={bbox}")
    with pytest.raises(ValidationError):
        register_layer("外站", "Elsewhere", "//example.com/wishes")
    with pytest.raises(ValidationError):
        register_layer("占位", "Placeholder", "/api/v1/wishes?user={password}")
    assert registered_layers() == [x for x in registered_layers() if not x.key.startswith("t-")]


# ---------------------------------------------------------------- city and area maps, viewport loading


async def test_city_map_inlines_no_geometry(demo):
    r = await demo.get("/maps/city")
    assert r.status_code == 200
    cfg = _config(r.text, "page")
    assert cfg["inline"] == [] and "coordinates" not in r.text
    zooms = {layer["id"]: layer["minZoom"] for layer in cfg["layers"]}
    assert zooms == style.MIN_ZOOM
    # at city zoom (about 9-10 for the demo city) only the city, districts and streets are drawn
    assert [lv for lv, z in zooms.items() if z <= 10] == ["city", "district", "street"]
    (s, w), (n, e) = cfg["fit"]
    assert 108.5 < w < e < 109.8 and 34.6 < s < n < 35.6
    assert len(r.text) < 40_000


async def test_viewport_requests_answer_the_visible_area_simplified(demo):
    bbox = "109.05,35.05,109.07,35.07"
    r = await demo.get("/api/v1/areas", params={"level": "grid", "bbox": bbox, "zoom": 16})
    feats = r.json()["features"]
    assert feats and all(f["properties"]["level"] == "grid" for f in feats)
    box = shapely.box(109.05, 35.05, 109.07, 35.07)
    assert all(shape(f["geometry"]).intersects(box.buffer(0.01)) for f in feats)
    fine = await demo.get("/api/v1/areas", params={"level": "district", "zoom": 18})
    coarse = await demo.get("/api/v1/areas", params={"level": "district", "zoom": 8})
    assert len(coarse.content) < len(fine.content) / 3
    # under: only the subtree; crs=gcj02: bbox and answer in GCJ-02
    r = await demo.get("/api/v1/areas", params={"level": "building", "under": WORKER_GRID, "bbox": "108,34,110,36"})
    assert {f["properties"]["code"][:15] for f in r.json()["features"]} == {WORKER_GRID}
    wgs = r.json()["features"][0]
    gx, gy = crs_mod.wgs84_to_gcj02(*wgs["geometry"]["coordinates"])
    g = f"{gx - 0.001},{gy - 0.001},{gx + 0.001},{gy + 0.001}"
    r = await demo.get("/api/v1/areas", params={"level": "building", "under": WORKER_GRID, "bbox": g, "crs": "gcj02"})
    got = next(f for f in r.json()["features"] if f["id"] == wgs["id"])
    assert got["geometry"]["coordinates"] == pytest.approx([gx, gy], abs=2e-6)
    r = await demo.get("/api/v1/areas", params={"level": "grid", "crs": "mars"})
    assert r.status_code == 422
    # clip=1: a district seen at street zoom comes cut to the box plus a quarter on each side
    small = {"level": "district", "bbox": "109.05,35.05,109.06,35.06", "zoom": 16}
    whole = (await demo.get("/api/v1/areas", params=small)).json()["features"]
    cut = await demo.get("/api/v1/areas", params={**small, "clip": "1"})
    got = {f["id"]: f for f in cut.json()["features"]}
    assert "610202" in got and set(got) < {f["id"] for f in whole}  # a box that only grazed a district's envelope: gone
    assert len(cut.content) < len(json.dumps(whole)) / 5
    margin = shapely.box(109.0475, 35.0475, 109.0625, 35.0625).buffer(1e-6)
    assert all(margin.contains(shape(f["geometry"])) for f in got.values())
    district = next(f for f in whole if f["id"] == "610202")
    assert got["610202"]["properties"]["area_m2"] == district["properties"]["area_m2"]


async def test_area_map_coloured_by_households(demo):
    r = await demo.get("/maps/area/610202", params={"by": "households", "level": "grid"})
    assert r.status_code == 200
    cfg = _config(r.text, "page")
    grid = next(layer for layer in cfg["layers"] if layer["id"] == "grid")
    assert grid["kind"] == "choropleth" and grid["by"] == "households" and grid["under"] == ["610202"]
    assert [layer["id"] for layer in cfg["layers"]] == ["street", "community", "grid", "group", "building"]
    assert "着色" in r.text and 'value="staff_coverage"' in r.text
    r = await demo.get("/maps/area/610202", params={"by": "nonsense"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_indicator"
    r = await demo.get("/maps/area/610202", params={"by": "households", "level": "district"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_level"
    r = await demo.get("/maps/area/610202999999")
    assert r.status_code == 404


async def test_choropleth_json_has_values_colours_and_a_legend(demo):
    r = await demo.get("/api/v1/maps/choropleth", params={"by": "households", "level": "community", "under": "610202"})
    assert r.status_code == 200
    fc = r.json()
    legend = fc["legend"]
    assert legend["by"] == "households" and legend["title"].startswith("户数")
    assert legend["breaks"] == sorted(legend["breaks"]) and len(legend["classes"]) == len(legend["breaks"]) + 1
    expected = {f["properties"]["code"]: f["properties"]["households"] for f in AREAS
                if f["properties"]["level"] == "community" and f["properties"]["code"].startswith("610202")}
    got = {f["properties"]["code"]: f["properties"]["value"] for f in fc["features"]}
    assert got == expected
    colours = [c["color"] for c in legend["classes"]]
    for f in fc["features"]:
        v, c = f["properties"]["value"], f["properties"]["color"]
        k = next((i for i, b in enumerate(legend["breaks"]) if v <= b), len(legend["breaks"]))
        assert c == colours[k]
    # the visible box narrows the features, not the classes
    r2 = await demo.get("/api/v1/maps/choropleth", params={"by": "households", "level": "community", "under": "610202",
                                                           "bbox": "109.05,35.05,109.06,35.06", "zoom": 15})
    assert 0 < len(r2.json()["features"]) < len(fc["features"]) and r2.json()["legend"] == legend


async def test_choropleth_json_errors(demo):
    r = await demo.get("/api/v1/maps/choropleth", params={"by": "wealth"})
    assert r.status_code == 422 and "households" in r.json()["error"]["details"]["indicators"]
    r = await demo.get("/api/v1/maps/choropleth", params={"by": "households", "level": "building"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_level"
    r = await demo.get("/api/v1/maps/choropleth", params={"by": "households", "under": "999"})
    assert r.status_code == 404
    r = await demo.get("/api/v1/maps/choropleth", params={"by": "households", "bbox": "1,2,3"})
    assert r.status_code == 400


async def test_a_registered_indicator_colours_the_map(demo):
    async def grid_count(rows):
        return {r["code"]: float(len(r["code"])) for r in rows}

    register_indicator("t-codelen", "代码长度", "Code length", grid_count, levels=["community"])
    try:
        r = await demo.get("/api/v1/maps/choropleth",
                           params={"by": "t-codelen", "level": "community", "under": "610202"})
        assert r.status_code == 200 and {f["properties"]["value"] for f in r.json()["features"]} == {12.0}
        assert "t-codelen" in [i["name"] for i in (await demo.get("/api/v1/maps/indicators")).json()["indicators"]]
    finally:
        unregister_indicator("t-codelen")


async def test_basemaps_json_never_shows_keys(demo):
    r = await demo.get("/api/v1/maps/basemaps")
    body = r.json()
    assert body["default"] == "none"
    names = {b["name"]: b for b in body["basemaps"]}
    assert {"none", "osm", "tianditu", "amap"} <= set(names)
    assert names["tianditu"]["needs_key"] and not names["tianditu"]["available"] and names["amap"]["crs"] == "gcj02"
    assert "url" not in json.dumps(body)


# ---------------------------------------------------------------- escaping and staff coverage (canned tree)


async def test_user_text_is_escaped_on_every_map(client, people):
    h = await client.token_for("admin")
    for code in (people.community, people.grid):
        r = await client.patch(f"/api/v1/areas/{code}", json={"name": EVIL}, headers=h)
        assert r.status_code == 200, r.text
    listed = await client.get("/api/v1/staff", params={"role": "worker", "under": people.grid})
    await client.patch("/api/v1/staff/" + str(listed.json()["staff"][0]["id"]),
                       json={"name": EVIL}, headers=h)
    pages = [await client.get(f"/maps/community/{people.community}"),
             await client.get(f"/maps/community/{people.community}", params={"download": "1"})]
    await client.login("head")
    pages.append(await client.get("/maps/mine"))
    pages.append(await client.get(f"/maps/area/{people.community}", params={"by": "households"}))
    for r in pages:
        assert r.status_code == 200
        assert "<img src=x" not in r.text
    floor = pages[0].text
    assert "<h1>&lt;img src=x onerror=alert(1)&gt; 网格化平面图" in floor
    assert '<span class="fp-worker">&lt;img src=x onerror=alert(1)&gt;</span>' in floor
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in floor  # in the inlined JSON
    assert "\\u003cimg" in pages[2].text
    # popups and labels build their text with textContent, never innerHTML
    js = (REPO / "gridsvc" / "static" / "maps" / "gridmap.js").read_text()
    assert "innerHTML" not in js.split("*/", 1)[1]


async def test_staff_coverage(client, people):
    r = await client.get("/api/v1/maps/choropleth",
                         params={"by": "staff_coverage", "level": "community", "under": people.street})
    values = {f["properties"]["code"]: f["properties"]["value"] for f in r.json()["features"]}
    assert values == {people.community: 1.0, people.community2: 0.0}  # 2 of 2 grids; 0 of 1
    assert [c["label"] for c in r.json()["legend"]["classes"]][-1] == "> 80%"
    r = await client.get("/api/v1/maps/choropleth",
                         params={"by": "staff_coverage", "level": "grid", "under": people.district})
    values = {f["properties"]["code"]: f["properties"]["value"] for f in r.json()["features"]}
    assert values == {people.grid: 1.0, people.grid2: 1.0, people.other_grid: 0.0}
    r = await client.get("/api/v1/maps/choropleth", params={"by": "staff_coverage", "level": "district"})
    values = {f["properties"]["code"]: f["properties"]["value"] for f in r.json()["features"]}
    assert values == {"610202": pytest.approx(2 / 3), "610203": 0.0}


async def test_a_community_without_grids_still_has_a_plan(client, people):
    h = await client.token_for("admin")
    r = await client.post("/api/v1/areas",
                          json={"type": "Feature",
                                "geometry": shapely.geometry.mapping(shapely.box(109.4, 35.3, 109.45, 35.35)),
                                                 "properties": {"code": "610202001003", "name": "新社区",
                                                                "level": "community",
                                                                "parent": people.street}}, headers=h)
    assert r.status_code == 201, r.text
    r = await client.get("/maps/community/610202001003")
    assert r.status_code == 200 and "本社区尚未划分网格" in r.text


# ---------------------------------------------------------------- pure parts


def test_basemaps_are_data():
    known = basemaps.all_basemaps()
    assert list(known)[0] == "none" and {"osm", "tianditu", "amap"} <= set(known)
    assert known["none"].layers == () and known["amap"].crs == "gcj02" and known["osm"].crs == "wgs84"
    tdt = known["tianditu"]
    with pytest.raises(ValidationError) as e:
        tdt.tiles(Settings())
    assert "GRIDSVC_TIANDITU_KEY" in e.value.message
    urls = [t.url for t in tdt.tiles(Settings(tianditu_key="k&y"))]
    assert len(urls) == 2 and "vec_w" in urls[0] and "cva_w" in urls[1] and all("tk=k%26y" in u for u in urls)
    bm, notice = basemaps.choose("tianditu", Settings())
    assert bm.name == "none" and "GRIDSVC_TIANDITU_KEY" in notice
    bm, notice = basemaps.choose(None, Settings(basemap="osm"))
    assert bm.name == "osm" and notice is None
    with pytest.raises(ValidationError):
        basemaps.get_basemap("google")
    # a layer switcher offers only basemaps its overlays fit
    assert {b.name for b in basemaps.alternatives(known["amap"], Settings())} == {"amap", "none"}
    assert "tianditu" not in {b.name for b in basemaps.alternatives(known["osm"], Settings())}


def test_neighbouring_grids_never_share_a_colour():
    cells = [shapely.box(x, y, x + 1, y + 1) for x in range(6) for y in range(5)]  # 30 cells
    colours = style.assign_colours(cells)
    adj = style.neighbours(cells)
    assert all(colours[i] != colours[j] for i in range(len(cells)) for j in adj[i])
    assert len(adj[7]) == 8  # corners touch too: a shared corner still reads as one area otherwise
    few = style.assign_colours(cells[:12])
    assert len(set(few)) == 12  # up to the palette's size, every grid its own colour


def test_class_breaks():
    assert style.class_breaks([None, None]) == []
    b = style.class_breaks(list(range(1, 101)))
    assert b == sorted(b) and len(b) == 4
    assert style.class_of(1, b) == 0 and style.class_of(100, b) == 4 and style.class_of(None, b) is None
    assert style.class_breaks([5, 5, 5]) == []  # one value: one class, not five empty ones
    assert style.class_breaks([0.1, 0.9], kind="share") == [0.2, 0.4, 0.6, 0.8]


def test_label_point_is_inside_a_concave_grid():
    ell = shapely.Polygon([(0, 0), (10, 0), (10, 1), (1, 1), (1, 10), (0, 10)])
    assert not ell.contains(ell.centroid)
    assert ell.contains(shapely.Point(style.label_point(ell)))


# ---------------------------------------------------------------- the command


def test_render_map_writes_a_standalone_floor_plan(demo_sqlite_template, tmp_path):
    url = f"sqlite://{demo_sqlite_template.location}"  # read only
    r = gridsvc("render-map", COMMUNITY, "--db", url, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "maps" / "out" / f"{COMMUNITY}.html"
    html = out.read_text(encoding="utf-8")
    assert str(out.relative_to(tmp_path)) in r.stdout and "川口社区" in r.stdout
    assert "<script src=" not in html and "Leaflet 1.9.4" in html and "川口社区 网格化平面图" in html
    r = gridsvc("render-map", COMMUNITY, "-o", "plan.html", "--basemap", "osm", "--db", url, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "tile.openstreetmap.org" in (tmp_path / "plan.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    ((WORKER_GRID,), "not_a_community|按社区绘制"), (("610202999999",), "不存在"),
    ((COMMUNITY, "--basemap", "tianditu"), "GRIDSVC_TIANDITU_KEY"), ((COMMUNITY, "--basemap", "google"), "未知底图")])
def test_render_map_refuses_clearly(demo_sqlite_template, tmp_path, args, message):
    r = gridsvc("render-map", *args, "--db", f"sqlite://{demo_sqlite_template.location}", cwd=tmp_path)
    assert r.returncode == 1 and re.search(message, r.stderr), r.stderr
    assert not (tmp_path / "maps").exists()


def test_feature_layers_are_registered_by_create_app():
    """The features' layers come from start-up, not from whichever API module was imported first:
    an app built after they were removed has them again."""
    for key in ("wishes", "compounds"):
        unregister_layer(key)
    assert not {"wishes", "compounds"} & {x.key for x in registered_layers()}
    create_app(Settings(secret_key="t"), manage_db=False)
    assert {"wishes", "compounds"} <= {x.key for x in registered_layers(role="worker")}
