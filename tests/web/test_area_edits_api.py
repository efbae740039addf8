"""Area edits over HTTP (issue 11 item 1): split along a line, redraw with shared edges
following, merge neighbours, draw a child; each refusal carries the shapes to draw, someone out
of scope is refused, and a stale version is told who changed the area when."""

from __future__ import annotations

import shapely
from shapely.geometry import box, mapping, shape

from gridsvc.domain import clock
from tests.conftest import square

LINE_AT_109_07 = {"type": "LineString", "coordinates": [[109.07, 34.99], [109.07, 35.11]]}


async def _area(client, code):
    r = await client.get(f"/api/v1/areas/{code}")
    assert r.status_code == 200, r.text
    return r.json()


async def test_head_splits_a_grid_and_the_halves_tile_it(client, people):
    h = await client.token_for("head")
    before = await _area(client, people.grid)
    r = await client.post(f"/api/v1/areas/{people.grid}/split", headers=h,
                          json={"line": LINE_AT_109_07, "version": before["properties"]["version"],
                                "name": "川口三网格"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["created"] == ["610202001001003"]
    kept, new = (shape(f["geometry"]) for f in body["features"])
    old = shape(before["geometry"])
    assert shapely.union(kept, new).symmetric_difference(old).area < 1e-12
    assert shapely.intersection(kept, new).area == 0
    props = {f["properties"]["code"]: f["properties"] for f in body["features"]}
    assert props[people.grid]["households"] + props["610202001001003"]["households"] == 200
    assert props["610202001001003"]["households"] == 60 and props["610202001001003"]["name"] == "川口三网格"
    # the group and its building lie in the larger half, which kept the code
    assert (await _area(client, people.group))["properties"]["parent"] == people.grid
    r = await client.get("/api/v1/locate", params={"lon": 109.09, "lat": 35.05})
    assert "610202001001003" in r.text and people.grid not in r.text
    log = await client.get("/api/v1/audit", params={"area": people.grid}, headers=await client.token_for("admin"))
    assert any(e["action"] == "area.split" for e in log.json()["entries"])


async def test_split_through_a_group_is_refused_and_drawn(client, people):
    h = await client.token_for("head")
    line = {"type": "LineString", "coordinates": [[109.03, 34.99], [109.03, 35.11]]}
    r = await client.post(f"/api/v1/areas/{people.grid}/split", headers=h, json={"line": line, "version": 1})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "children_outside" and err["details"]["children"] == [people.group]
    drawn = err["details"]["shapes"]["features"]
    assert drawn and shape(drawn[0]["geometry"]).equals(square(109.0, 35.0, 0.05))
    assert (await _area(client, people.grid))["properties"]["version"] == 1  # nothing stored


async def test_a_line_that_does_not_cross_is_refused_with_the_line(client, people):
    h = await client.token_for("head")
    line = {"type": "LineString", "coordinates": [[109.02, 35.02], [109.04, 35.04]]}
    r = await client.post(f"/api/v1/areas/{people.grid}/split", headers=h, json={"line": line, "version": 1})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_split_line"
    assert r.json()["error"]["details"]["shapes"]["features"][0]["geometry"]["type"] == "LineString"


async def test_head_of_another_community_and_anonymous_are_refused(client, people):
    r = await client.post(f"/api/v1/areas/{people.grid}/split", json={"line": LINE_AT_109_07, "version": 1})
    assert r.status_code == 401
    h = await client.token_for("head2")
    r = await client.post(f"/api/v1/areas/{people.grid}/split", headers=h, json={"line": LINE_AT_109_07, "version": 1})
    assert r.status_code == 403
    r = await client.post("/api/v1/areas/merge", headers=h,
                          json={"codes": [people.grid, people.grid2], "keep": people.grid,
                                "versions": {people.grid: 1, people.grid2: 1}})
    assert r.status_code == 403
    r = await client.post(f"/api/v1/areas/{people.grid}/redraw", headers=h,
                          json={"geometry": mapping(square(109.0, 35.0, 0.09)), "version": 1})
    assert r.status_code == 403


async def test_second_save_on_an_old_version_is_told_who_changed_it(client, people):
    h = await client.token_for("head")
    first = await client.patch(f"/api/v1/areas/{people.grid}", headers=await client.token_for("official"),
                               json={"name": "川口一网格(新)", "version": 1})
    assert first.status_code == 200, first.text
    r = await client.post(f"/api/v1/areas/{people.grid}/split", headers=h, json={"line": LINE_AT_109_07, "version": 1})
    assert r.status_code == 409, r.text
    d = r.json()["error"]["details"]
    assert d["version"] == 2 and d["changed_at"] and d["feature"]["properties"]["name"] == "川口一网格(新)"
    assert d["changed_by"]  # the display name (the login only for an account without one)
    assert d["changed_by"] in r.json()["error"]["message"]


async def test_moving_a_shared_vertex_moves_the_neighbour_too(client, people):
    h = await client.token_for("head")
    old1 = shape((await _area(client, people.grid))["geometry"])
    old2 = shape((await _area(client, people.grid2))["geometry"])
    coords = [[109.0, 35.0], [109.1, 35.0], [109.12, 35.1], [109.0, 35.1], [109.0, 35.0]]
    r = await client.post(f"/api/v1/areas/{people.grid}/redraw", headers=h,
                          json={"geometry": {"type": "Polygon", "coordinates": [coords]}, "version": 1})
    assert r.status_code == 200, r.text
    saved = {f["properties"]["code"]: shape(f["geometry"]) for f in r.json()["features"]}
    assert set(saved) == {people.grid, people.grid2}
    assert shapely.intersection(saved[people.grid], saved[people.grid2]).area == 0
    assert shapely.union(*saved.values()).symmetric_difference(shapely.union(old1, old2)).area < 1e-12
    assert (await _area(client, people.grid2))["properties"]["version"] == 2


async def test_an_overlap_is_refused_and_the_overlap_is_drawn(client, people):
    # the neighbour has a vertex of its own 3 m beside the shared edge (digitised apart): moving
    # the corner moves the corner in both, but that vertex is not on the edge and stays, and
    # the two overlap
    admin = await client.token_for("admin")
    t_junction = [[109.1, 35.0], [109.2, 35.0], [109.2, 35.1], [109.1, 35.1], [109.10003, 35.05], [109.1, 35.0]]
    r = await client.patch(f"/api/v1/areas/{people.grid2}", headers=admin,
                           json={"geometry": {"type": "Polygon", "coordinates": [t_junction]}})
    assert r.status_code == 200, r.text
    h = await client.token_for("head")
    moved = [[109.0, 35.0], [109.1, 35.0], [109.15, 35.1], [109.0, 35.1], [109.0, 35.0]]
    r = await client.post(f"/api/v1/areas/{people.grid}/redraw", headers=h,
                          json={"geometry": {"type": "Polygon", "coordinates": [moved]}, "version": 1})
    assert r.status_code == 422, r.text
    feats = r.json()["error"]["details"]["shapes"]["features"]
    overlap = [shape(f["geometry"]) for f in feats if f["properties"]["rule"] == "overlaps_sibling"]
    assert overlap and overlap[0].buffer(1e-9).covers(shapely.Point(109.11, 35.05))
    assert (await _area(client, people.grid))["properties"]["version"] == 1
    assert (await _area(client, people.grid2))["properties"]["version"] == 2  # the PATCH above only


async def test_dragging_a_shared_edge_moves_the_neighbour(client, people):
    h = await client.token_for("head")
    r = await client.post(f"/api/v1/areas/{people.grid}/redraw", headers=h,
                          json={"geometry": mapping(box(109.0, 35.0, 109.15, 35.1)), "version": 1})
    assert r.status_code == 200, r.text
    assert shape((await _area(client, people.grid2))["geometry"]).equals(box(109.15, 35.0, 109.2, 35.1))


async def _end_worker(client, h, community: str, grid: str) -> None:
    """End the term of the grid's worker (the merged grid keeps one; the roster keeps the term)."""
    roster = (await client.get(f"/api/v1/areas/{community}/roster", headers=h)).json()
    term = next(p for p in roster["posts"] if p["area"]["code"] == grid)["holders"][0]["id"]
    assert (await client.post(f"/api/v1/appointments/{term}/end", headers=h, json={})).status_code == 200


async def test_merge_refuses_to_give_one_post_two_holders(client, people):
    """Each grid has its worker: the merged grid's post would have two, which the roster (and the
    database) refuse. The page names both; nothing changes until one is ended or transferred."""
    h = await client.token_for("head")
    body = {"codes": [people.grid, people.grid2], "keep": people.grid, "versions": {people.grid: 1, people.grid2: 1}}
    r = await client.post("/api/v1/areas/merge", headers=h, json=body)
    assert r.status_code == 409 and r.json()["error"]["code"] == "post_taken", r.text
    assert r.json()["error"]["details"]["holders"] == ["张网格", "worker2"]
    assert "张网格、worker2" in r.json()["error"]["message"]
    assert (await client.get(f"/api/v1/areas/{people.grid2}")).status_code == 200


async def test_merge_neighbours_keeps_one_code_and_moves_staff(client, people):
    h = await client.token_for("head")
    await _end_worker(client, h, people.community, people.grid2)
    r = await client.post("/api/v1/areas/merge", headers=h,
                          json={"codes": [people.grid, people.grid2], "keep": people.grid,
                                "versions": {people.grid: 1, people.grid2: 1}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["removed"] == [people.grid2]
    merged = shape(body["features"][0]["geometry"])
    assert merged.equals(box(109.0, 35.0, 109.2, 35.1))
    assert body["features"][0]["properties"]["households"] == 410
    assert (await client.get(f"/api/v1/areas/{people.grid2}")).status_code == 404
    # the roster follows: the ended term of the grid merged away is kept, under the kept grid
    roster = (await client.get(f"/api/v1/areas/{people.community}/roster",
                               headers=await client.token_for("official"))).json()
    post = next(p for p in roster["posts"] if p["area"]["code"] == people.grid and p["role"] == "worker")
    assert [x["person"]["name"] for x in post["holders"]] == ["张网格"]
    assert "worker2" in str(post)


async def test_merge_refuses_areas_of_different_parents(client, people):
    h = await client.token_for("official")
    r = await client.post("/api/v1/areas/merge", headers=h,
                          json={"codes": [people.grid2, people.other_grid], "keep": people.grid2,
                                "versions": {}})
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_siblings"


async def test_head_draws_a_new_grid_with_the_next_code(client, people):
    h = await client.token_for("head")
    r = await client.post(f"/api/v1/areas/{people.community}/children", headers=h,
                          json={"name": "川口新网格", "geometry": mapping(square(109.0, 35.1, 0.1)), "households": 180})
    assert r.status_code == 201, r.text
    assert r.json()["created"] == ["610202001001003"]
    r = await client.post(f"/api/v1/areas/{people.community}/children", headers=h,
                          json={"name": "越界网格", "geometry": mapping(square(109.15, 35.15, 0.1))})
    assert r.status_code == 422
    rules = {f["properties"]["rule"] for f in r.json()["error"]["details"]["shapes"]["features"]}
    assert "outside_parent" in rules


async def test_editor_data_has_versions_and_coverage(client, people):
    r = await client.get(f"/api/v1/areas/{people.grid}/editor")
    assert r.status_code == 200
    roles = {f["properties"]["code"]: f["properties"]["role"] for f in r.json()["features"]}
    assert roles[people.grid] == "self" and roles[people.grid2] == "sibling" and roles[people.group] == "child"
    assert roles[people.community] == "parent"
    assert abs(r.json()["parent_coverage"]["coverage"] - 0.5) < 0.001  # ellipsoidal areas: rows differ a little


async def test_merge_moves_the_children_under_the_kept_code(client, people):
    h = await client.token_for("head")
    await _end_worker(client, h, people.community, people.grid)
    r = await client.post("/api/v1/areas/merge", headers=h,
                          json={"codes": [people.grid, people.grid2], "keep": people.grid2,
                                "versions": {people.grid: 1, people.grid2: 1}, "name": "川口合并网格"})
    assert r.status_code == 200, r.text
    group = await _area(client, "610202001001002001")
    assert group["properties"]["parent"] == people.grid2 and group["properties"]["name"] == "第一居民小组"
    assert (await _area(client, "610202001001002001001"))["properties"]["parent"] == "610202001001002001"
    assert (await client.get(f"/api/v1/areas/{people.group}")).status_code == 404
    # the resident's home building moved with its code; the account still finds it
    me = await client.get("/api/v1/auth/me", headers=await client.token_for("resident"))
    assert "610202001001002001001" in me.text


async def test_split_with_given_households_and_a_stale_merge(client, people):
    h = await client.token_for("head")
    r = await client.post(f"/api/v1/areas/{people.grid}/split", headers=h,
                          json={"line": LINE_AT_109_07, "version": 1, "households": 10,
                                "effective": clock.today().isoformat()})
    assert r.status_code == 200, r.text
    props = {f["properties"]["code"]: f["properties"] for f in r.json()["features"]}
    assert props["610202001001003"]["households"] == 10 and props[people.grid]["households"] == 190
    r = await client.post("/api/v1/areas/merge", headers=h,
                          json={"codes": [people.grid, people.grid2], "keep": people.grid,
                                "versions": {people.grid: 1, people.grid2: 1}})
    assert r.status_code == 409 and r.json()["error"]["details"]["code"] == people.grid


async def test_bad_bodies_are_4xx(client, people):
    h = await client.token_for("head")
    for body in ({"line": LINE_AT_109_07}, {"line": {"type": "Point", "coordinates": [109, 35]}, "version": 1},
                 {"line": LINE_AT_109_07, "version": 1, "effective": "tomorrow"},
                 {"line": LINE_AT_109_07, "version": 1, "households": -1}):
        r = await client.post(f"/api/v1/areas/{people.grid}/split", headers=h, json=body)
        assert 400 <= r.status_code < 500, (body, r.text)
    r = await client.post("/api/v1/areas/merge", headers=h, json={"codes": [people.grid], "keep": people.grid,
                                                                   "versions": {}})
    assert r.status_code == 422


async def test_the_groups_along_a_moved_edge_follow_it(client, people):
    h = await client.token_for("head")
    coords = [[109.005, 35.005], [109.1, 35.0], [109.1, 35.1], [109.0, 35.1], [109.005, 35.005]]
    r = await client.post(f"/api/v1/areas/{people.grid}/redraw", headers=h,
                          json={"geometry": {"type": "Polygon", "coordinates": [coords]}, "version": 1})
    assert r.status_code == 200, r.text
    group = shape((await _area(client, people.group))["geometry"])
    corners = list(group.exterior.coords)
    # the shared corner moved with the grid; the group's corners on the grid's slanted edges
    # kept their place along them (to the 6 decimals stored)
    assert (109.005, 35.005) in corners and (109.0525, 35.0025) in corners and (109.0025, 35.0525) in corners
    assert shape(r.json()["features"][0]["geometry"]).buffer(1e-6).covers(group)


async def test_the_edit_page_is_for_those_who_may_edit(client, people):
    r = await client.get(f"/areas/{people.grid}/edit")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    r = await client.get(f"/areas/{people.grid}/edit", headers=await client.token_for("head2"))
    assert r.status_code == 403
    r = await client.get(f"/areas/{people.grid}/edit", headers=await client.token_for("head"))
    assert r.status_code == 200 and "/static/vendor/leaflet-geoman/leaflet-geoman.min.js" in r.text
    assert 'data-code="610202001001001"' in r.text


async def test_the_details_form_saves_and_refuses_a_stale_version(client, people):
    csrf = await client.login("head")
    form = {"csrf_token": csrf, "name": "川口一网格(改)", "households": "199", "population": "", "version": "1"}
    r = await client.post(f"/areas/{people.grid}/edit", data=form)
    assert r.status_code == 303 and r.headers["location"].endswith("?saved=1")
    props = (await _area(client, people.grid))["properties"]
    assert props["name"] == "川口一网格(改)" and props["households"] == 199 and props["population"] is None
    r = await client.post(f"/areas/{people.grid}/edit", data={**form, "name": "又改"})  # still version 1
    assert r.status_code == 409 and "已被他人修改" in r.text and 'value="又改"' in r.text
    r = await client.post(f"/areas/{people.grid}/edit", data={**form, "version": "2", "households": "-3"})
    assert r.status_code == 422 and (await _area(client, people.grid))["properties"]["households"] == 199


async def test_a_split_keeps_yesterdays_grid_for_yesterday(client, people, tomorrow):
    """Done-when of issue 11: after a split, locate answers the new grid for a point in the new
    half, and the old grid for the same point on the day before."""
    h = await client.token_for("head")
    before = await _area(client, people.grid)
    r = await client.post(f"/api/v1/areas/{people.grid}/split", headers=h,
                          json={"line": LINE_AT_109_07, "version": before["properties"]["version"]})
    assert r.status_code == 200, r.text
    point = {"lon": 109.09, "lat": 35.05}
    today = (await client.get("/api/v1/locate", params=point)).json()["areas"]
    then = (await client.get("/api/v1/locate", params={**point, "on": tomorrow.isoformat()})).json()["areas"]
    assert today[-1]["code"] == "610202001001003" and then[-1]["code"] == people.grid
    history = (await client.get(f"/api/v1/areas/{people.grid}/history")).json()
    assert len(history["versions"]) == 2
