"""The area tree over HTTP: each geometry rule with bad input, each role inside and outside its
scope, audit entries, and lookups. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from shapely.geometry import Polygon, box, mapping

from tests.conftest import feature, square


async def admin(client):
    return await client.token_for("admin")


async def test_list_and_get_areas_are_public_geojson(client, people):
    r = await client.get("/api/v1/areas", params={"level": "grid", "under": people.community})
    assert r.status_code == 200
    fc = r.json()
    assert fc["type"] == "FeatureCollection"
    assert sorted(f["properties"]["code"] for f in fc["features"]) == [people.grid, people.grid2]
    r = await client.get(f"/api/v1/areas/{people.grid}")
    props = r.json()["properties"]
    assert [a["code"] for a in props["ancestors"]] == ["610202", "610202001000", "610202001001"]
    assert props["households"] == 200


async def test_bbox_filter(client, people):
    r = await client.get("/api/v1/areas", params={"level": "grid", "bbox": "109.15,35.0,109.25,35.05"})
    codes = {f["properties"]["code"] for f in r.json()["features"]}
    assert codes == {people.grid2, people.other_grid}
    r = await client.get("/api/v1/areas", params={"bbox": "1,2,3"})
    assert r.status_code == 400 and r.json()["error"]["details"]["parameter"] == "bbox"


async def test_missing_area_is_404(client, people):
    r = await client.get("/api/v1/areas/610299999999")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


async def test_official_creates_grid_in_scope_and_it_is_audited(client, people):
    h = await client.token_for("official")
    f = feature("610202001002002", "大同路二网格", "grid", square(109.3, 35.0, 0.1), people.community2, households=200)
    r = await client.post("/api/v1/areas", json=f, headers=h)
    assert r.status_code == 201, r.text
    assert r.headers["location"] == "/api/v1/areas/610202001002002"
    log = await client.get("/api/v1/audit", params={"area": "610202001002002"}, headers=h)
    assert log.status_code == 200
    entry = log.json()["entries"][0]
    assert entry["action"] == "area.create" and entry["actor"] == "official"


async def test_official_of_another_district_cannot_edit(client, people):
    h = await client.token_for("official2")
    r = await client.patch(f"/api/v1/areas/{people.grid}", json={"name": "x"}, headers=h)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    f = feature("610202001002002", "x", "grid", square(109.3, 35.0, 0.1), people.community2)
    assert (await client.post("/api/v1/areas", json=f, headers=h)).status_code == 403


@pytest.mark.parametrize("user, code, status", [
    ("worker", "610202001001001", 403),        # own grid: the community draws grids (issue 14 §8)
    ("worker", "610202001001001001", 200),     # a group in it
    ("worker", "610202001001002", 403),        # the neighbouring grid
    ("worker", "610202001001", 403),           # the community above
    ("head", "610202001001002", 200),          # a grid of the own community
    ("head", "610202001002001", 403),          # a grid of another community
    ("resident", "610202001001001", 403),
    ("volunteer", "610202001001001", 403),
    ("orgmember", "610202001001001", 403),
])
async def test_edit_scope_by_role(client, people, user, code, status):
    h = await client.token_for(user)
    r = await client.patch(f"/api/v1/areas/{code}", json={"households": 201}, headers=h)
    assert r.status_code == status, r.text


async def test_anonymous_edit_is_401(client, people):
    r = await client.patch(f"/api/v1/areas/{people.grid}", json={"households": 1})
    assert r.status_code == 401


async def test_edit_records_before_and_after(client, people):
    h = await admin(client)
    await client.patch(f"/api/v1/areas/{people.grid}", json={"households": 222}, headers=h)
    entry = (await client.get("/api/v1/audit", params={"target_id": people.grid}, headers=h)).json()["entries"][0]
    assert entry["before"]["households"] == 200 and entry["after"]["households"] == 222


async def test_stale_version_is_409(client, people):
    h = await admin(client)
    v = (await client.get(f"/api/v1/areas/{people.grid}")).json()["properties"]["version"]
    assert (await client.patch(f"/api/v1/areas/{people.grid}", json={"households": 1, "version": v},
                               headers=h)).status_code == 200
    r = await client.patch(f"/api/v1/areas/{people.grid}", json={"households": 2, "version": v}, headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "stale"


# ---- geometry rules, one bad input each --------------------------------------------------


async def post(client, h, f):
    return await client.post("/api/v1/areas", json=f, headers=h)


def rules(r) -> set[str]:
    rejected = r.json()["error"]["details"]["rejected"]
    return {p["rule"] for x in rejected for p in x["problems"]}


async def test_rule_invalid_polygon_names_reason_and_place(client, people):
    bowtie = Polygon([(109.3, 35.0), (109.4, 35.1), (109.4, 35.0), (109.3, 35.1), (109.3, 35.0)])
    r = await post(client, await admin(client), feature("610202001002002", "坏网格", "grid", bowtie, people.community2))
    assert r.status_code == 422
    assert "invalid" in rules(r)
    problem = r.json()["error"]["details"]["rejected"][0]["problems"][0]
    assert problem["location"] == pytest.approx([109.35, 35.05], abs=1e-6)
    assert "坏网格" in r.json()["error"]["message"]


async def test_rule_outside_parent(client, people):
    r = await post(client, await admin(client),
                   feature("610202001002002", "越界", "grid", square(109.35, 35.0, 0.2), people.community2))
    assert r.status_code == 422 and "outside_parent" in rules(r)


async def test_rule_overlapping_sibling(client, people):
    r = await post(client, await admin(client),
                   feature("610202001001003", "重叠", "grid", square(109.05, 35.0, 0.1), people.community))
    assert r.status_code == 422 and "overlaps_sibling" in rules(r)
    details = r.json()["error"]["details"]["rejected"][0]["problems"][0]["details"]
    assert details["sibling"] == people.grid


async def test_rule_shared_edge_is_fine(client, people):
    r = await post(client, await admin(client),
                   feature("610202001002002", "相邻", "grid", square(109.3, 35.0, 0.1), people.community2))
    assert r.status_code == 201


async def test_rule_swapped_lon_lat_is_named(client, people):
    swapped = box(35.0, 109.3, 35.1, 109.4)
    r = await post(client, await admin(client), feature("610202001002002", "反了", "grid", swapped, people.community2))
    assert r.status_code == 422 and "swapped_lonlat" in rules(r)
    assert "写反" in r.text


async def test_rule_outside_china(client, people):
    r = await post(client, await admin(client), feature("610204", "海外", "district", square(2.0, 48.0, 0.1)))
    assert r.status_code == 422 and "out_of_china" in rules(r)


async def test_rule_code_must_extend_parent(client, people):
    r = await post(client, await admin(client),
                   feature("610203001001009", "错码", "grid", square(109.3, 35.0, 0.1), people.community2))
    assert r.status_code == 422 and "code_not_in_parent" in rules(r)


async def test_rule_code_digits(client, people):
    r = await post(client, await admin(client),
                   feature("6102020010020", "短码", "grid", square(109.3, 35.0, 0.1), people.community2))
    assert r.status_code == 422 and "bad_code" in rules(r)


async def test_rule_duplicate_code(client, people):
    r = await post(client, await admin(client),
                   feature(people.other_grid, "重复", "grid", square(109.3, 35.0, 0.1), people.community2))
    assert r.status_code == 422 and "exists" in rules(r)


async def test_rule_missing_parent(client, people):
    r = await post(client, await admin(client),
                   feature("610202009001001", "孤儿", "grid", square(109.3, 35.0, 0.1), "610202009001"))
    assert r.status_code == 422 and "parent_missing" in rules(r)


async def test_rule_level_must_be_below_parent(client, people):
    r = await post(client, await admin(client),
                   feature("610202001003", "错层", "community", square(109.05, 35.3, 0.01), people.grid))
    assert r.status_code == 422


async def test_bad_geometry_json_is_4xx(client, people):
    h = await admin(client)
    f = feature("610202001002002", "x", "grid", square(109.3, 35.0, 0.1), people.community2)
    f["geometry"] = {"type": "Polygon", "coordinates": [[[1, 2]]]}
    r = await post(client, h, f)
    assert r.status_code == 422
    f["geometry"] = "nonsense"
    assert (await post(client, h, f)).status_code in (400, 422)
    assert (await client.post("/api/v1/areas", json={"type": "Point"},
                              headers=h)).status_code == 422  # schema (issue 9)


async def test_geometry_edit_must_keep_children_inside(client, people):
    h = await admin(client)
    r = await client.patch(f"/api/v1/areas/{people.grid}", json={"geometry": mapping(square(109.06, 35.06, 0.04))},
                           headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "children_outside"


async def test_delete_rules(client, people):
    h = await client.token_for("official")
    r = await client.delete(f"/api/v1/areas/{people.community}", headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "has_children"
    r = await client.delete(f"/api/v1/areas/{people.other_grid}", headers=h)
    assert r.status_code == 204
    assert (await client.get(f"/api/v1/areas/{people.other_grid}")).status_code == 404
    # the official reaches below the own district, not the district itself
    assert (await client.delete(f"/api/v1/areas/{people.district}", headers=h)).status_code == 403


async def test_coverage_is_reported(client, people):
    r = await client.get(f"/api/v1/areas/{people.community}/coverage")
    assert r.json()["coverage"] == pytest.approx(0.5, abs=0.01)  # two 0.1° grids in a 0.2° community


# ---- locate ------------------------------------------------------------------------------


async def test_locate_chain(client, people):
    r = await client.get("/api/v1/locate", params={"lon": 109.02, "lat": 35.02})
    assert r.status_code == 200
    assert [a["code"] for a in r.json()["areas"]] == ["610202", "610202001000", "610202001001", people.grid,
                                                      people.group]


async def test_locate_outside_and_bad_input(client, people):
    r = await client.get("/api/v1/locate", params={"lon": 100.0, "lat": 30.0})
    assert r.status_code == 200 and r.json()["found"] is False
    r = await client.get("/api/v1/locate", params={"lon": "abc", "lat": 35})
    assert r.status_code == 400
    r = await client.get("/api/v1/locate", params={"lon": 35.02, "lat": 109.02})
    assert r.status_code == 422 and "写反" in r.json()["error"]["message"]
    assert (await client.get("/api/v1/locate", params={"lon": 109})).status_code == 400


async def test_locate_sees_edits_at_once(client, people):
    h = await admin(client)
    assert (await client.get("/api/v1/locate",
                             params={"lon": 109.35, "lat": 35.05})).json()["areas"][-1]["code"] == people.community2
    await client.post("/api/v1/areas",
                      json=feature("610202001002002", "新网格", "grid", square(109.3, 35.0, 0.1), people.community2),
                      headers=h)
    r = await client.get("/api/v1/locate", params={"lon": 109.35, "lat": 35.05})
    assert r.json()["areas"][-1]["code"] == "610202001002002"


async def test_locate_batch(client, people):
    pts = [[109.02, 35.02], [109.15, 35.05], [100.0, 30.0]]
    r = await client.post("/api/v1/locate", json={"points": pts})
    res = r.json()["results"]
    assert [x["code"] for x in res] == [people.group, people.grid2, None]
    assert res[1]["chain"][-1] == people.grid2 and r.json()["names"][people.grid2] == "川口二网格"
    assert (await client.post("/api/v1/locate", json={"points": [[1, "a"]]})).status_code == 422  # schema (issue 9)
    assert (await client.post("/api/v1/locate", json={"points": [[200, 35]]})).status_code == 422


# ---- import through the API: the same scenarios as the CLI --------------------------------


def _grids_file(*grids) -> dict:
    return {"type": "FeatureCollection", "features": [feature(c, n, "grid", g) for c, n, g in grids]}


async def test_api_import_all_or_nothing(client, people):
    h = await client.token_for("official")
    good = ("610202001002002", "二网格", square(109.3, 35.0, 0.1))
    bad = ("610202001002003", "越界网格", square(109.35, 35.1, 0.2))
    r = await client.post("/api/v1/areas/import", params={"parent": people.community2, "level": "grid"},
                          json=_grids_file(good, bad), headers=h)
    assert r.status_code == 422
    rejected = r.json()["error"]["details"]["rejected"]
    assert [x["code"] for x in rejected] == ["610202001002003"]
    assert (await client.get("/api/v1/areas/610202001002002")).status_code == 404  # nothing stored
    r = await client.post("/api/v1/areas/import", params={"parent": people.community2, "level": "grid"},
                          json=_grids_file(good), headers=h)
    assert r.status_code == 201 and r.json()["stored"] == 1
    assert r.json()["coverage"][0]["code"] == people.community2


async def test_api_import_scope(client, people):
    h = await client.token_for("official2")
    r = await client.post("/api/v1/areas/import", params={"parent": people.community2, "level": "grid"},
                          json=_grids_file(("610202001002002", "x", square(109.3, 35.0, 0.1))), headers=h)
    assert r.status_code == 403
    r = await client.post("/api/v1/areas/import", params={"level": "district"},
                          json={"type": "FeatureCollection", "features": []},
                          headers=h)
    assert r.status_code == 403  # a top-level area is the platform admin's


async def test_grid_worker_cannot_redraw_their_grid_but_head_can(client, people):
    """The community draws its grids under the street's guidance; the worker keeps groups and
    buildings inside the grid (issue 14 §8)."""
    w = await client.token_for("worker")
    moved = {"type": "Polygon", "coordinates": [[[109.0, 35.0], [109.09, 35.0], [109.09, 35.09], [109.0, 35.09],
                                                 [109.0, 35.0]]]}
    r = await client.patch(f"/api/v1/areas/{people.grid}", json={"geometry": moved}, headers=w)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert (await client.delete(f"/api/v1/areas/{people.grid}", headers=w)).status_code == 403
    f = feature("610202001001003", "川口三网格", "grid", square(109.0, 35.1, 0.05), people.community, households=180)
    assert (await client.post("/api/v1/areas", json=f, headers=w)).status_code == 403
    head = await client.token_for("head")
    r = await client.patch(f"/api/v1/areas/{people.grid}", json={"geometry": moved}, headers=head)
    assert r.status_code == 200, r.text
    assert (await client.post("/api/v1/areas", json=f, headers=head)).status_code == 201


async def test_area_knows_community_or_village(client, people):
    """The last 3 digits of a 12-digit code: 001-199 居委会, 200-399 村委会 (issue 14 §1)."""
    h = await admin(client)
    town = feature("610202100000", "黄堡镇", "street", square(109.5, 35.5, 0.3), people.district)
    village = feature("610202100201", "孟姜塬村", "community", square(109.5, 35.5, 0.1), "610202100000",
                      households=600)
    group = feature("610202100201001001", "第一村民小组", "group", square(109.5, 35.5, 0.01), "610202100201001")
    grid = feature("610202100201001", "孟姜塬一网格", "grid", square(109.5, 35.5, 0.05), "610202100201")
    for f in (town, village, grid, group):
        assert (await client.post("/api/v1/areas", json=f, headers=h)).status_code == 201
    props = (await client.get("/api/v1/areas/610202100000")).json()["properties"]
    assert props["kind"] == "town"
    props = (await client.get("/api/v1/areas/610202100201")).json()["properties"]
    assert props["kind"] == "village" and props["level_name"] == "村"
    props = (await client.get("/api/v1/areas/610202100201001001")).json()["properties"]
    assert props["kind"] == "village" and props["level_name"] == "村民小组"
    props = (await client.get(f"/api/v1/areas/{people.group}")).json()["properties"]
    assert props["kind"] == "community" and props["level_name"] == "居民小组"


@pytest.mark.parametrize("households, verdict", [(3500, "large"), (4500, "split"), (800, "merge"), (2000, None)])
async def test_community_size_warnings(client, people, households, verdict):
    """1,000-3,000 households; above 4,000 split, below 1,000 merge, 3,000-4,000 warned (issue 14 §2)."""
    h = await admin(client)
    f = feature("610202001003", "新社区", "community", square(109.0, 35.3, 0.1), people.street, households=households)
    r = await client.post("/api/v1/areas", json=f, headers=h)
    assert r.status_code == 201, r.text
    warnings = r.json()["properties"]["warnings"]
    assert [w["verdict"] for w in warnings] == ([verdict] if verdict else [])
