"""Boundary generations over HTTP: a redraw keeps the old boundary for the days before it, `on=`
answers as the city stood that day (locate, batch locate, the area list, one area), a deleted area
still answers for its past, history with who changed what, and the bad dates. The tree is stored
today; the tests move the clock a day on before redrawing. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from shapely.geometry import mapping

from gridsvc.domain import clock
from tests.conftest import square
from tests.wishkit import Kit

# in 川口二网格 (109.1-109.2, 35.0-35.1), outside its south-west quarter, to which `redraw` cuts it
P = (109.17, 35.07)
GRID2 = "610202001001002"
COMMUNITY = "610202001001"


async def redraw(client, h, code=GRID2, geom=None, **body):
    geom = geom if geom is not None else square(109.1, 35.0, 0.05)
    return await client.patch(f"/api/v1/areas/{code}", json={"geometry": mapping(geom), **body}, headers=h)


async def finest(client, day=None):
    params = {"lon": P[0], "lat": P[1], **({"on": day.isoformat()} if day else {})}
    r = await client.get("/api/v1/locate", params=params)
    assert r.status_code == 200, r.text
    return r.json()["areas"][-1]["code"]


async def test_a_redraw_answers_today_new_and_yesterday_old(client, people, tomorrow):
    h = await client.token_for("head")
    assert await finest(client) == GRID2
    r = await redraw(client, h)
    assert r.status_code == 200, r.text
    yesterday = tomorrow
    assert await finest(client) == COMMUNITY  # the point left the grid today
    assert await finest(client, yesterday) == GRID2  # and was in it yesterday
    assert await finest(client, clock.today()) == COMMUNITY

    batch = await client.post("/api/v1/locate", params={"on": yesterday.isoformat()},
                              json={"points": [list(P), [109.12, 35.02]]})
    assert batch.status_code == 200, batch.text
    assert [x["code"] for x in batch.json()["results"]] == [GRID2, GRID2]
    assert batch.json()["names"][GRID2] == "川口二网格"

    then = (await client.get(f"/api/v1/areas/{GRID2}", params={"on": yesterday.isoformat()})).json()["properties"]
    now = (await client.get(f"/api/v1/areas/{GRID2}")).json()["properties"]
    assert then["area_m2"] == pytest.approx(now["area_m2"] * 4, rel=0.01)  # a quarter of it is left
    assert then["valid_from"] == yesterday.isoformat() and then["valid_to"] == clock.today().isoformat()
    assert [a["code"] for a in then["ancestors"]] == ["610202", "610202001000", COMMUNITY]

    listed = await client.get("/api/v1/areas",
                              params={"level": "grid", "under": COMMUNITY, "on": yesterday.isoformat()})
    areas = {f["properties"]["code"]: f["properties"]["area_m2"] for f in listed.json()["features"]}
    assert areas[GRID2] == then["area_m2"]


async def test_history_names_who_changed_it_to_those_who_may_read_the_audit(client, people, tomorrow):
    r = await redraw(client, await client.token_for("head"), geom=square(109.1, 35.0, 0.05))
    assert r.status_code == 200, r.text
    r = await client.get(f"/api/v1/areas/{GRID2}/history", headers=await client.token_for("admin"))
    versions = r.json()["versions"]
    assert [v["valid_from"] for v in versions] == [tomorrow.isoformat(), clock.today().isoformat()]
    assert versions[0]["valid_to"] == clock.today().isoformat() and versions[1]["valid_to"] is None
    assert versions[1]["delta_m2"] == pytest.approx(-versions[0]["area_m2"] * 3 / 4, rel=0.01)
    assert versions[1]["delta_vertices"] == 0 and versions[1]["vertices"] == 5
    assert versions[1]["changed_by"] == "head"  # the display name (the login when none was given)
    assert versions[0]["changed_by"] is None  # the fixture's import: the system
    assert versions[1]["geometry"]["type"] == "Polygon"
    # someone out of the area's audit scope sees the versions, not who made them
    for who in ("head2", None):
        h = await client.token_for(who) if who else {}
        seen = (await client.get(f"/api/v1/areas/{GRID2}/history", headers=h)).json()["versions"]
        assert len(seen) == 2 and all(v["changed_by"] is None for v in seen)


async def test_a_deleted_area_answers_for_the_days_before(client, people, tomorrow):
    far = "610203001001001"
    h = await client.token_for("admin")
    assert (await client.delete(f"/api/v1/areas/{far}", headers=h)).status_code == 204
    assert (await client.get(f"/api/v1/areas/{far}")).status_code == 404
    r = await client.get(f"/api/v1/areas/{far}", params={"on": tomorrow.isoformat()})
    assert r.status_code == 200 and r.json()["properties"]["name"] == "南苑一网格"
    r = await client.get("/api/v1/locate", params={"lon": 110.05, "lat": 35.05, "on": tomorrow.isoformat()})
    assert r.json()["areas"][-1]["code"] == far
    r = await client.get("/api/v1/locate", params={"lon": 110.05, "lat": 35.05})
    assert r.json()["areas"][-1]["code"] == "610203001001"
    hist = (await client.get(f"/api/v1/areas/{far}/history")).json()["versions"]
    assert len(hist) == 1 and hist[0]["valid_to"] == clock.today().isoformat()


@pytest.mark.parametrize("on, code", [("2026-13-01", "bad_parameter"), ("yesterday", "bad_parameter"),
                                      ("1999-01-01", "before_first_generation")])
async def test_bad_days_are_400_naming_the_problem(client, people, on, code):
    for path, params in (("/api/v1/locate", {"lon": 109.1, "lat": 35.1}), (f"/api/v1/areas/{GRID2}", {}),
                         ("/api/v1/areas", {"level": "grid"})):
        r = await client.get(path, params={**params, "on": on})
        assert r.status_code == 400, (path, r.text)
        assert r.json()["error"]["code"] == code
    r = await client.post("/api/v1/locate", params={"on": on}, json={"points": [list(P)]})
    assert r.status_code == 400 and r.json()["error"]["code"] == code


async def test_an_area_that_did_not_exist_that_day_is_404(client, people, tomorrow):
    h = await client.token_for("admin")
    new = {"type": "Feature", "geometry": mapping(square(109.3, 35.0, 0.05)),
           "properties": {"code": "610202001002002", "name": "新网格", "level": "grid", "parent": "610202001002"}}
    assert (await client.post("/api/v1/areas", json=new, headers=h)).status_code == 201
    r = await client.get("/api/v1/areas/610202001002002", params={"on": tomorrow.isoformat()})
    assert r.status_code == 404


async def test_effective_days_in_the_future_or_before_the_current_version_are_refused(client, people, tomorrow):
    h = await client.token_for("head")
    before = (await client.get(f"/api/v1/areas/{GRID2}")).json()["properties"]
    r = await redraw(client, h, effective=(clock.today() + timedelta(days=1)).isoformat())
    assert r.status_code == 422 and r.json()["error"]["code"] == "effective_in_future"
    r = await redraw(client, h, effective=(tomorrow - timedelta(days=1)).isoformat())
    assert r.status_code == 422 and r.json()["error"]["code"] == "effective_before_current"
    r = await redraw(client, h, effective="not a day")
    assert r.status_code == 422
    after = (await client.get(f"/api/v1/areas/{GRID2}")).json()["properties"]
    assert after == before  # nothing stored
    assert len((await client.get(f"/api/v1/areas/{GRID2}/history")).json()["versions"]) == 1
    # a redraw recorded late, taking effect on the day the current version began, is allowed
    r = await redraw(client, h, effective=tomorrow.isoformat())
    assert r.status_code == 200, r.text
    assert await finest(client, tomorrow) == COMMUNITY


async def test_a_wish_stays_in_the_grid_it_was_posted_in(client, people):
    kit = Kit(client, people)
    wish = await kit.post(lon=P[0], lat=P[1])
    assert wish["grid"] == GRID2
    clock.set_now(lambda: clock._system_now() + timedelta(days=1))
    try:
        r = await redraw(client, await client.token_for("head"))
        assert r.status_code == 200, r.text
        assert await finest(client) == COMMUNITY
        h = await client.token_for("head")
        got = (await client.get(f"/api/v1/wishes/{wish['id']}", headers=h)).json()
        assert got["grid"] == GRID2
        stats = (await client.get("/api/v1/wishes/stats", params={"under": GRID2}, headers=h)).json()
        assert stats["total"] == 1  # counted where it was posted
    finally:
        clock.set_now(None)


async def test_history_and_past_area_pages(client, people, tomorrow):
    r = await redraw(client, await client.token_for("head"))
    assert r.status_code == 200, r.text
    h = await client.token_for("head")
    page = await client.get(f"/areas/{GRID2}/history", headers=h)
    assert page.status_code == 200 and "边界历史" in page.text and 'id="hist-data"' in page.text
    assert "当日即被替换" not in page.text  # the two versions each stood a day
    en = await client.get(f"/areas/{GRID2}/history", params={"lang": "en"}, headers=h)
    assert "Boundary history" in en.text and "边界历史" not in en.text
    assert (await client.get("/areas/610202001001099/history")).status_code == 404
    then = await client.get(f"/areas/{COMMUNITY}", params={"on": tomorrow.isoformat()})
    assert then.status_code == 200 and tomorrow.isoformat() in then.text and f"?on={tomorrow.isoformat()}" in then.text
    assert (await client.get(f"/areas/{COMMUNITY}", params={"on": "1999-01-01"})).status_code == 400
