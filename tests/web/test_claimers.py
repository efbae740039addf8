"""Issue 14 §7: besides organisations and volunteers, party members working in the community
(在职党员) and caring units based in it (驻区单位, 爱心企业) claim wishes and demands, each with
their own record."""

from __future__ import annotations

import pytest

from tests.wishkit import Kit, publish


@pytest.fixture
async def kit(client, people):
    return Kit(client, people)


async def test_a_party_member_claims_a_wish_as_such(kit, client):
    h = await kit.h("volunteer")
    r = await client.put("/api/v1/volunteers/me/profile", headers=h,
                         json={"categories": ["elderly_care"], "party_member": True, "workplace": "王益区税务局"})
    assert r.status_code == 200 and r.json()["party_member"] is True and r.json()["workplace"] == "王益区税务局"
    r = await client.put("/api/v1/volunteers/me/profile", headers=h, json={"party_member": "yes"})
    assert r.status_code == 422
    w = await kit.wish_in("claimed", claimer="volunteer")
    claim = w["claim"]
    assert claim["claimer_kind"] == "party_member" and claim["claimer_kind_zh"] == "在职党员"


async def test_a_unit_based_in_the_community_claims_wishes_and_demands(kit, client, people):
    r = await client.post("/api/v1/orgs", headers=await kit.h("admin"), json={
        "name": "铜川市王益区川口供电所", "org_type": "resident_unit", "areas": [people.community]})
    assert r.status_code == 201, r.text
    unit = r.json()
    assert unit["org_type_zh"] == "驻区单位" and unit["status"] == "filed" and unit["credit_code"] is None
    r = await client.post(f"/api/v1/orgs/{unit['id']}/members", headers=await kit.h("admin"),
                          json={"username": "orgmember"})
    assert r.status_code == 201, r.text
    w = await kit.wish_in("claimed", claimer="orgmember")
    assert w["claim"]["claimer_kind"] == "resident_unit"
    d = await publish(kit, client, people, volunteers_needed=2)
    r = await client.post(f"/api/v1/demands/{d['id']}/claim", headers=await kit.h("orgmember"))
    assert r.status_code == 201 and r.json()["take"]["claimer_kind"] == "resident_unit"
    record = (await client.get(f"/api/v1/orgs/{unit['id']}/record")).json()
    assert record["wishes"]["total"] == 1 and record["demands"]["total"] == 1
    r = await client.post("/api/v1/orgs", headers=await kit.h("admin"), json={
        "name": "某某", "org_type": "居委会", "areas": [people.community]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_org_type"


async def test_a_plain_volunteer_is_recorded_as_a_volunteer(kit, client):
    w = await kit.wish_in("claimed", claimer="volunteer")
    assert w["claim"]["claimer_kind"] == "volunteer" and w["claim"]["claimer_kind_zh"] == "志愿者"
