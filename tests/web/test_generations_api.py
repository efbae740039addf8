"""Boundary generations over HTTP: a redraw keeps the old boundary for the days before it, `on=`
answers as the city stood that day (locate, batch locate, the area list, one area), a deleted area
still answers for its past, history with who changed what, and the bad dates. The tree is stored
today; the tests move the clock a day on before redrawing. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import shapely.geometry
from shapely.geometry import mapping

from gridsvc.domain import clock
from gridsvc.store.accounts.users import create_user
from tests.conftest import PASSWORD, square
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


# ---- the map pages take on= as the API does ---------------------------------------------------

HTML = {"accept": "text/html"}
MAP_PAGES = ("/maps/city", f"/maps/area/{COMMUNITY}", "/maps/mine", f"/maps/community/{COMMUNITY}")


@pytest.mark.parametrize("on, zh, en", [
    ("2026-13-01", "参数 on 应为日期 YYYY-MM-DD", "on must be a date YYYY-MM-DD"),
    ("yesterday", "参数 on 应为日期 YYYY-MM-DD", "on must be a date YYYY-MM-DD"),
    ("1999-01-01", "1999-01-01 早于最早的边界版本", "1999-01-01 is before the first boundary generation")])
async def test_map_pages_refuse_a_bad_day_with_a_page_in_the_readers_language(client, people, on, zh, en):
    h = {**HTML, **await client.token_for("head")}
    for path in MAP_PAGES:
        r = await client.get(path, params={"on": on, "lang": "zh-CN"}, headers=h)
        assert r.status_code == 400, (path, r.text[:300])
        assert r.headers["content-type"].startswith("text/html") and zh in r.text, path
        assert "GridMap" not in r.text  # no map drawn as of today instead
        r = await client.get(path, params={"on": on, "lang": "en"}, headers=h)
        assert r.status_code == 400 and en in r.text and zh not in r.text, path
    # the API answers the same day the same way, as JSON
    r = await client.get("/api/v1/areas", params={"level": "grid", "on": on, "lang": "zh-CN"})
    assert r.status_code == 400 and r.json()["error"]["message"].startswith(zh)


def _outline(html: str) -> dict:
    """The area's own outline that an area's map or "my area" inlines (the scope layer)."""
    from tests.maps.test_maps import _config  # one reader of the page's config
    inline = _config(html, "page")["inline"]
    return inline[0]["data"]["features"][0]


async def test_map_pages_draw_a_past_day(client, people, tomorrow):
    r = await redraw(client, await client.token_for("head"))
    assert r.status_code == 200, r.text
    h = {**HTML, **await client.token_for("head")}
    day = tomorrow.isoformat()

    then = await client.get(f"/maps/area/{GRID2}", params={"on": day}, headers=h)
    now = await client.get(f"/maps/area/{GRID2}", headers=h)
    assert then.status_code == 200 and now.status_code == 200
    then_box = shapely.geometry.shape(_outline(then.text)["geometry"]).bounds
    now_box = shapely.geometry.shape(_outline(now.text)["geometry"]).bounds
    assert then_box == pytest.approx((109.1, 35.0, 109.2, 35.1))
    assert now_box == pytest.approx((109.1, 35.0, 109.15, 35.05))
    assert f"{day} 时的边界" in then.text and "查看现状" in then.text and f"{day} 时的边界" not in now.text
    assert f'name="on" value="{day}"' in then.text  # switching the basemap keeps the day
    en = await client.get(f"/maps/area/{GRID2}", params={"on": day, "lang": "en"}, headers=h)
    assert f"Boundaries as on {day}" in en.text and "See it today" in en.text and "时的边界" not in en.text

    # the grid worker's own grid on "my area", as it stood then
    w = {**HTML, **await client.token_for("worker2")}
    mine = await client.get("/maps/mine", params={"on": day, "lang": "zh-CN"}, headers=w)
    assert mine.status_code == 200, mine.text[:300]
    assert shapely.geometry.shape(_outline(mine.text)["geometry"]).bounds == pytest.approx((109.1, 35.0, 109.2, 35.1))
    # the admin's "my area" is the city map, on the same day
    a = await client.get("/maps/mine", params={"on": day}, headers={**HTML, **await client.token_for("admin")},
                         follow_redirects=False)
    assert a.status_code == 303 and a.headers["location"] == f"/maps/city?on={day}"

    # colours are today's figures: not over a past day's boundaries
    r = await client.get(f"/maps/area/{COMMUNITY}", params={"on": day, "by": "households"}, headers=h)
    assert r.status_code == 400 and "着色按今天的数据" in r.text
    # the floor plan is today's plan: for a past day, the community's map of that day (which says
    # the day); the standalone file of a past day is refused naming that map
    r = await client.get(f"/maps/community/{COMMUNITY}", params={"on": day}, headers=h, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/maps/area/{COMMUNITY}?on={day}"
    r = await client.get(f"/maps/community/{COMMUNITY}", params={"on": day, "download": 1}, headers=h)
    assert r.status_code == 400 and f"/maps/area/{COMMUNITY}?on={day}" in r.text
    r = await client.get(f"/maps/community/{COMMUNITY}", params={"on": clock.today().isoformat()}, headers=h)
    assert r.status_code == 200  # today (or a later day) is the plan as it stands
    # an area that did not exist that day
    h_admin = await client.token_for("admin")
    new = {"type": "Feature", "geometry": mapping(square(109.3, 35.0, 0.05)),
           "properties": {"code": "610202001002002", "name": "新网格", "level": "grid", "parent": "610202001002"}}
    assert (await client.post("/api/v1/areas", json=new, headers=h_admin)).status_code == 201
    r = await client.get("/maps/area/610202001002002", params={"on": day}, headers=h)
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]
    # its worker's "my area" of that day says so, rather than "no area assigned"
    await create_user("newworker", role="worker", password=PASSWORD, areas=["610202001002002"])
    r = await client.get("/maps/mine", params={"on": day, "lang": "zh-CN"},
                         headers={**HTML, **await client.token_for("newworker")})
    assert r.status_code == 200 and f"您的区域在 {day} 尚不存在" in r.text and "尚未分配区域" not in r.text


# ---- a rename (or new counts) is a version too ------------------------------------------------


async def test_a_rename_is_a_version_with_who_and_when(client, people, tomorrow):
    h = await client.token_for("head")
    r = await client.patch(f"/api/v1/areas/{GRID2}", json={"name": "川口新二网格"}, headers=h)
    assert r.status_code == 200, r.text
    day = tomorrow.isoformat()
    then = (await client.get(f"/api/v1/areas/{GRID2}", params={"on": day})).json()["properties"]
    now = (await client.get(f"/api/v1/areas/{GRID2}")).json()["properties"]
    assert then["name"] == "川口二网格" and now["name"] == "川口新二网格"
    # locate names the grid as it was called that day
    r = await client.post("/api/v1/locate", params={"on": day}, json={"points": [list(P)]})
    assert r.json()["names"][GRID2] == "川口二网格"
    r = await client.post("/api/v1/locate", json={"points": [list(P)]})
    assert r.json()["names"][GRID2] == "川口新二网格"

    versions = (await client.get(f"/api/v1/areas/{GRID2}/history", headers=await client.token_for("admin"))
                ).json()["versions"]
    assert [v["name"] for v in versions] == ["川口二网格", "川口新二网格"]
    assert versions[1]["changes"] == [{"field": "name", "from": "川口二网格", "to": "川口新二网格"}]
    assert versions[1]["geometry_changed"] is False and versions[1]["changed_by"] == "head"
    assert versions[0]["changes"] == [] and versions[0]["geometry_changed"] is None

    page = await client.get(f"/areas/{GRID2}/history", params={"lang": "zh-CN"}, headers=h)
    assert "由「川口二网格」更名为「川口新二网格」" in page.text and "边界未变" in page.text
    assert ">head<" in page.text  # who: the head may read the grid's audit log
    assert versions[1]["changed_at"] in page.text  # when
    en = await client.get(f"/areas/{GRID2}/history", params={"lang": "en"}, headers=h)
    assert "Renamed from “川口二网格” to “川口新二网格”" in en.text and "Boundary unchanged" in en.text
    assert "更名为" not in en.text


async def test_counts_from_the_editors_form_are_a_version_and_an_unchanged_save_is_not(client, people, tomorrow):
    csrf = await client.login("head")
    area = (await client.get(f"/api/v1/areas/{GRID2}")).json()["properties"]
    form = {"csrf_token": csrf, "name": area["name"], "households": "240", "population": "700",
            "version": str(area["version"])}
    r = await client.post(f"/areas/{GRID2}/edit", data=form)
    assert r.status_code == 303, r.text[:300]
    versions = (await client.get(f"/api/v1/areas/{GRID2}/history")).json()["versions"]
    assert len(versions) == 2
    assert {c["field"] for c in versions[1]["changes"]} == {"households", "population"}
    assert versions[1]["households"] == 240 and versions[0]["households"] != 240
    then = (await client.get(f"/api/v1/areas/{GRID2}", params={"on": tomorrow.isoformat()})).json()["properties"]
    assert then["households"] == versions[0]["households"]  # the count in force that day
    # saving the same again changes nothing, and writes no version
    r = await client.post(f"/areas/{GRID2}/edit", data={**form, "version": str(area["version"] + 1)})
    assert r.status_code == 303
    assert len((await client.get(f"/api/v1/areas/{GRID2}/history")).json()["versions"]) == 2
    # a rename cannot take effect in the future either: refused, nothing stored
    r = await client.patch(f"/api/v1/areas/{GRID2}", headers={"X-CSRF-Token": csrf},
                           json={"name": "明年的名字", "effective": (clock.today() + timedelta(days=1)).isoformat()})
    assert r.status_code == 422 and r.json()["error"]["code"] == "effective_in_future"
    assert (await client.get(f"/api/v1/areas/{GRID2}")).json()["properties"]["name"] == area["name"]


async def test_a_past_days_map_layer_comes_clipped_to_the_view(client, people, tomorrow):
    """What gridmap.js asks for a map opened with ?on=: the level in the view, `clip=1`."""
    r = await redraw(client, await client.token_for("head"))
    assert r.status_code == 200, r.text
    params = {"level": "grid", "under": COMMUNITY, "bbox": "109.0,35.0,109.15,35.2", "zoom": 14, "clip": 1,
              "limit": 5000}
    then = await client.get("/api/v1/areas", params={**params, "on": tomorrow.isoformat()})
    assert then.status_code == 200, then.text
    drawn = {f["properties"]["code"]: shapely.geometry.shape(f["geometry"]).bounds for f in then.json()["features"]}
    assert drawn[GRID2][1::2] == pytest.approx((35.0, 35.1))  # yesterday's grid reached 35.1 (clipped on its east)
    now = await client.get("/api/v1/areas", params=params)
    assert shapely.geometry.shape(next(f for f in now.json()["features"] if f["properties"]["code"] == GRID2)[
        "geometry"]).bounds == pytest.approx((109.1, 35.0, 109.15, 35.05))
