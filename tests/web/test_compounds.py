"""Issue 14 §11: residential compounds (小区/院落) as an overlay inside a community, with their
property company, owners' committee and party branch; a compound may span grids; buildings
belong to a compound."""

from __future__ import annotations

from shapely.geometry import box, mapping

# the test tree: community 610202001001 is the square (109.0, 35.0)-(109.2, 35.2); its grids
# 610202001001001 and ...002 are the squares at 109.0 and 109.1 (0.1 wide); building 1号楼
# is the point (109.01, 35.01)


def body(people, **over) -> dict:
    data = {"community": people.community, "name": "川口花园小区", "property_company": "铜川市某某物业服务有限公司",
            "owners_committee": "川口花园业主委员会", "party_branch": "川口花园小区党支部", "households": 420,
            "geometry": mapping(box(109.0, 35.0, 109.15, 35.05))}
    data.update(over)
    return data


async def test_a_compound_spanning_two_grids(client, people):
    head = await client.token_for("head")
    assert (await client.post("/api/v1/compounds", json=body(people))).status_code == 401
    r = await client.post("/api/v1/compounds", json=body(people), headers=await client.token_for("worker"))
    assert r.status_code == 403
    r = await client.post("/api/v1/compounds", json=body(people, community=people.community2), headers=head)
    assert r.status_code == 403
    r = await client.post("/api/v1/compounds", json=body(people), headers=head)
    assert r.status_code == 201, r.text
    c = r.json()
    assert c["grids"] == [people.grid, people.grid2]
    assert c["property_company"] and c["owners_committee"] and c["party_branch"] and c["kind_zh"] == "小区"
    # a grid holds several compounds: a courtyard beside it in the first grid
    r = await client.post("/api/v1/compounds", headers=head, json=body(
        people, name="川口老院", kind="院落", property_company="", geometry=mapping(box(109.0, 35.06, 109.05, 35.09))))
    assert r.status_code == 201 and r.json()["grids"] == [people.grid] and r.json()["kind"] == "courtyard"
    fc = (await client.get("/api/v1/compounds", params={"community": people.community})).json()
    assert fc["type"] == "FeatureCollection" and [f["properties"]["name"] for f in fc["features"]] == [
        "川口花园小区", "川口老院"]
    # the tree is untouched: compounds are not areas
    assert (await client.get(f"/api/v1/areas/{people.grid}")).json()["properties"]["children"]


async def test_compound_geometry_rules(client, people):
    head = await client.token_for("head")
    r = await client.post("/api/v1/compounds", json=body(people, geometry=mapping(box(109.1, 35.1, 109.5, 35.5))),
                          headers=head)
    assert r.status_code == 422 and r.json()["error"]["code"] == "compound_rejected"
    assert r.json()["error"]["details"]["problems"][0]["rule"] == "outside_parent"
    assert (await client.post("/api/v1/compounds", json=body(people), headers=head)).status_code == 201
    r = await client.post("/api/v1/compounds", json=body(people, name="重叠小区"), headers=head)
    assert r.status_code == 422 and r.json()["error"]["code"] == "compound_rejected"
    assert r.json()["error"]["details"]["problems"][0]["rule"] == "overlaps_sibling"
    r = await client.post("/api/v1/compounds", json=body(people, name=""), headers=head)
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "name"


async def test_buildings_belong_to_a_compound(client, people):
    head = await client.token_for("head")
    c = (await client.post("/api/v1/compounds", json=body(people), headers=head)).json()
    other = (await client.post("/api/v1/compounds", headers=head, json=body(
        people, name="另一小区", geometry=mapping(box(109.0, 35.1, 109.05, 35.15))))).json()
    r = await client.post(f"/api/v1/compounds/{c['id']}/buildings", json={"buildings": [people.building]},
                          headers=head)
    assert r.status_code == 200 and r.json()["buildings"] == [people.building]
    r = await client.post(f"/api/v1/compounds/{other['id']}/buildings", json={"buildings": [people.building]},
                          headers=head)
    assert r.status_code == 422 and r.json()["error"]["code"] == "building_outside_compound"
    r = await client.post(f"/api/v1/compounds/{c['id']}/buildings", json={"buildings": ["610202001002001001001"]},
                          headers=head)
    assert r.status_code == 422 and r.json()["error"]["code"] == "building_not_in_community"
    unmapped = (await client.post("/api/v1/compounds", json=body(people, name="未绘制院落", geometry=None),
                                  headers=head)).json()
    r = await client.post(f"/api/v1/compounds/{unmapped['id']}/buildings", json={"buildings": [people.building]},
                          headers=head)
    assert r.status_code == 409 and r.json()["error"]["code"] == "building_in_other_compound"
    assert (await client.get("/api/v1/compounds/999999")).status_code == 404


async def test_maps_show_compounds(client, people):
    """The compounds layer of "my area" loads them by viewport."""
    head = await client.token_for("head")
    assert (await client.post("/api/v1/compounds", json=body(people), headers=head)).status_code == 201
    fc = (await client.get("/api/v1/compounds", params={"bbox": "109.0,35.0,109.05,35.05"})).json()
    assert [f["properties"]["name"] for f in fc["features"]] == ["川口花园小区"]
    assert fc["features"][0]["geometry"]["type"] == "Polygon"
    assert (await client.get("/api/v1/compounds", params={"bbox": "110.5,35.5,110.6,35.6"})).json()["features"] == []
    assert (await client.get("/api/v1/compounds")).status_code == 400
    layers = (await client.get("/api/v1/maps/layers", headers=head)).json()["layers"]
    assert any(x["url"].startswith("/api/v1/compounds?bbox=") for x in layers)
