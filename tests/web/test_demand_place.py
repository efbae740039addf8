"""A demand's place picked on the map (issue 10 item 3): a point inside the demand's area is
stored as given; a point outside it (so outside the publisher's scope too) is refused with a
422 naming the place and the area, nothing stored; a building as the area places the demand in
it; the form without a point falls back to the area, as before."""

from __future__ import annotations

import re

import shapely

from gridsvc.store.areas.models import Area
from gridsvc.store.orgs.models import Demand
from tests.wishkit import Kit, demand_body

HTML = {"accept": "text/html"}


async def inside(code: str) -> tuple[float, float]:
    pt = shapely.from_wkb((await Area.get(code=code)).geometry).representative_point()
    return round(pt.x, 6), round(pt.y, 6)


async def test_api_point_inside_is_stored_outside_is_refused(client, people):
    kit = Kit(client, people)
    h = await kit.h("worker")
    lon, lat = await inside(people.building)  # the building lies in the worker's grid
    r = await client.post("/api/v1/demands", headers=h, json=demand_body(people.grid, lon=lon, lat=lat))
    assert r.status_code == 201, r.text
    assert r.json()["location"] == {"lon": lon, "lat": lat}
    assert (await Demand.get(id=r.json()["id"])).lon == lon

    far = await inside(people.grid2)  # the same community, another worker's grid
    cases = [
        (dict(lon=far[0], lat=far[1]), "position_outside_area"),
        (dict(lon=120.0, lat=30.0), "position_outside_area"),
        (dict(lon=lon), "bad_position"),
        (dict(lat=lat), "bad_position"),
    ]
    for over, code in cases:
        r = await client.post("/api/v1/demands", headers=h, json=demand_body(people.grid, **over))
        assert (r.status_code, r.json()["error"]["code"]) == (422, code), (over, r.text)
    r = await client.post("/api/v1/demands", headers=h, json=demand_body(people.grid, lon=far[0], lat=far[1]))
    assert f"{far[0]:.6f},{far[1]:.6f}" in r.json()["error"]["message"] and people.grid in r.json()["error"]["message"]
    # the point of another scope's area does not open that area to the worker
    r = await client.post("/api/v1/demands", headers=h, json=demand_body(people.grid2, lon=far[0], lat=far[1]))
    assert r.status_code == 403
    assert await Demand.all().count() == 1

    # a building as the demand's area: placed inside it
    r = await client.post("/api/v1/demands", headers=h, json=demand_body(people.building))
    assert r.status_code == 201, r.text
    spot = r.json()["location"]
    assert shapely.from_wkb((await Area.get(code=people.building)).geometry).covers(
        shapely.Point(spot["lon"], spot["lat"]))


async def test_form_point_and_its_refusal(client, people):
    await client.login("worker")
    r = await client.get("/demands/new", headers=HTML)
    assert r.status_code == 200
    text = r.text
    assert 'name="lon"' in text and "/static/demands/picker.js" in text
    assert re.search(f'<option value="{people.grid}"[^>]*selected', text)  # the worker's one grid, chosen
    token = text.split('name="csrf_token" value="')[1].split('"')[0]
    lon, lat = await inside(people.building)
    body = {**demand_body(people.grid, skills="理发"), "lon": f"{lon:.6f}", "lat": f"{lat:.6f}", "csrf_token": token}
    r = await client.post("/demands/new", data=body, headers=HTML)
    assert r.status_code == 303, r.text
    d = await Demand.get(id=int(r.headers["location"].split("/")[2].split("?")[0]))
    assert (d.lon, d.lat) == (lon, lat)
    page = (await client.get(f"/demands/{d.id}", headers=HTML)).text
    assert f'data-lon="{lon}"' in page and "/static/demands/place.js" in page

    far = await inside(people.grid2)
    for lo, la, words in ((f"{far[0]}", f"{far[1]}", "不在需求区域"), ("nan", "nan", "经度"), ("east", "1", "经纬度")):
        r = await client.post("/demands/new", data={**body, "lon": lo, "lat": la}, headers=HTML)
        assert r.status_code == 422 and words in r.text, (lo, r.text[-2000:])
        # the form comes back with the point as typed, so the marker can be shown again
        assert f'name="lon" value="{lo}"' in r.text
    # no point (no JS): the area stands for the place, as before
    r = await client.post("/demands/new", data={**body, "lon": "", "lat": ""}, headers=HTML)
    assert r.status_code == 303
    assert await Demand.all().count() == 2
