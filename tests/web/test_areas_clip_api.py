"""`POST /api/v1/areas/import?clip_to_parent=1&tolerance=`: the CLI's --clip-to-parent over HTTP,
in and out of scope, on SQLite and PostgreSQL."""

from __future__ import annotations

from shapely.geometry import box

from tests.conftest import feature

# community2 is the square 109.2-109.4 x 35.0-35.2; its grid 001 holds 109.2-109.3 x 35.0-35.1
EAST = ("610202001002002", "东网格", box(109.3, 35.0, 109.401, 35.1))  # 1% beyond the east edge
NORTH = ("610202001002003", "北网格", box(109.2, 35.1, 109.4, 35.2005))  # 0.5% beyond the north edge


def _file(*grids) -> dict:
    return {"type": "FeatureCollection", "features": [feature(c, n, "grid", g) for c, n, g in grids]}


async def test_import_clips_to_the_parent_and_reports_each_grid(client, people):
    h = await client.token_for("official")
    q = {"parent": people.community2, "level": "grid"}
    r = await client.post("/api/v1/areas/import", params=q, json=_file(EAST, NORTH), headers=h)
    assert r.status_code == 422
    rejected = {x["code"]: x["problems"] for x in r.json()["error"]["details"]["rejected"]}
    assert set(rejected) == {EAST[0], NORTH[0]}
    assert all(p[0]["rule"] == "outside_parent" and "--clip-to-parent" in p[0]["message"] for p in rejected.values())

    r = await client.post("/api/v1/areas/import", params={**q, "clip_to_parent": "1", "tolerance": "0.8"},
                          json=_file(EAST, NORTH), headers=h)
    assert r.status_code == 422
    (refused,) = r.json()["error"]["details"]["rejected"]
    assert refused["code"] == EAST[0] and refused["problems"][0]["rule"] == "clip_beyond_tolerance"
    assert 0.0098 < refused["problems"][0]["details"]["moved_ratio"] < 0.0101
    assert (await client.get(f"/api/v1/areas/{NORTH[0]}")).status_code == 404  # all or nothing

    r = await client.post("/api/v1/areas/import", params={**q, "clip_to_parent": "1"}, json=_file(EAST, NORTH),
                          headers=h)
    assert r.status_code == 201, r.text
    clipped = {c["code"]: c for c in r.json()["clipped"]}
    assert set(clipped) == {EAST[0], NORTH[0]}
    assert 0.0098 < clipped[EAST[0]]["moved_ratio"] < 0.0101 and 0.0049 < clipped[NORTH[0]]["moved_ratio"] < 0.0051
    assert clipped[EAST[0]]["removed_m2"] > 0 and clipped[EAST[0]]["location"][0] > 109.4
    r = await client.get("/api/v1/locate", params={"lon": 109.35, "lat": 35.15})
    assert [a["code"] for a in r.json()["areas"]][-1] == NORTH[0]
    r = await client.get(f"/api/v1/areas/{people.community2}/coverage")
    assert r.status_code == 200 and r.json()["coverage"] > 0.999


async def test_clip_import_scope_and_bad_tolerance(client, people):
    q = {"parent": people.community2, "level": "grid", "clip_to_parent": "1"}
    h = await client.token_for("official2")
    r = await client.post("/api/v1/areas/import", params=q, json=_file(EAST), headers=h)
    assert r.status_code == 403
    h = await client.token_for("official")
    for bad in ("0", "101", "lots"):
        r = await client.post("/api/v1/areas/import", params={**q, "tolerance": bad}, json=_file(EAST), headers=h)
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_parameter", r.text
        assert r.json()["error"]["details"]["parameter"] == "tolerance"
    assert (await client.get(f"/api/v1/areas/{EAST[0]}")).status_code == 404
