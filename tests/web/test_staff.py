"""Five-tier staff over HTTP: contact cards, management within scope and tier, my area."""

from __future__ import annotations


async def test_contact_cards_are_public(client, people):
    r = await client.get(f"/api/v1/areas/{people.grid}/staff")
    assert r.status_code == 200
    cards = r.json()["staff"]
    roles = [c["role"] for c in cards]
    assert roles[:3] == ["instructor", "head", "worker"]
    worker = next(c for c in cards if c["role"] == "worker")
    assert worker["name"] == "张网格" and worker["phone"] == "13900000003" and worker["tier"] == 3
    assert all(c["role"] != "resident" for c in cards)


async def _vacate(client, h, area: str, role: str) -> None:
    """End the term of the post's holder (one holder per post: a new one needs it vacant)."""
    roster = (await client.get(f"/api/v1/areas/{area[:12]}/roster", headers=h)).json()
    term = next(p for p in roster["posts"] if p["area"]["code"] == area and p["role"] == role)["holders"][0]["id"]
    assert (await client.post(f"/api/v1/appointments/{term}/end", headers=h, json={})).status_code == 200


async def test_head_adds_worker_in_own_community(client, people):
    h = await client.token_for("head")
    await _vacate(client, h, people.grid2, "worker")
    body = {"username": "w-new", "name": "李新", "role": "worker", "phone": "13700000000", "areas": [people.grid2],
            "supervisor": "head"}
    r = await client.post("/api/v1/staff", json=body, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["supervisor"]["username"] == "head"


async def test_head_cannot_manage_staff_of_another_community(client, people):
    h = await client.token_for("head")
    body = {"username": "w-x", "name": "王", "role": "worker", "areas": [people.other_grid]}
    r = await client.post("/api/v1/staff", json=body, headers=h)
    assert r.status_code == 403


async def test_head_cannot_create_a_peer_or_superior_tier(client, people):
    h = await client.token_for("head")
    r = await client.post("/api/v1/staff", json={"username": "i2", "role": "instructor", "areas": [people.community]},
                          headers=h)
    assert r.status_code == 403


async def test_tier_must_match_area_level_and_supervisor_tier(client, people):
    h = await client.token_for("official")
    r = await client.post("/api/v1/staff", json={"username": "w3", "role": "worker", "areas": [people.community]},
                          headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_assignment_level"
    r = await client.post("/api/v1/staff", json={"username": "w3", "role": "worker", "areas": [people.grid2],
                                                 "supervisor": "instructor"}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_supervisor"
    r = await client.post("/api/v1/staff", json={"username": "w3", "role": "worker", "areas": [people.other_grid],
                                                 "supervisor": "head"}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "supervisor_elsewhere"


async def test_worker_cannot_edit_the_head(client, people):
    h = await client.token_for("worker")
    head = next(c for c in (await client.get("/api/v1/staff",
                                             params={"role": "head", "under": people.community})).json()["staff"])
    r = await client.patch(f"/api/v1/staff/{head['id']}", json={"phone": "13000000000"}, headers=h)
    assert r.status_code == 403


async def test_staff_edit_and_delete_are_audited(client, people):
    h = await client.token_for("head")
    worker2 = (await client.get("/api/v1/staff", params={"role": "worker", "under": people.grid2})).json()["staff"][0]
    r = await client.patch(f"/api/v1/staff/{worker2['id']}", json={"phone": "13111112222"}, headers=h)
    assert r.status_code == 200 and r.json()["phone"] == "13111112222"
    r = await client.delete(f"/api/v1/staff/{worker2['id']}", headers=h)
    assert r.status_code == 204
    log = (await client.get("/api/v1/audit", params={"target_type": "user"}, headers=h)).json()["entries"]
    actions = [e["action"] for e in log if e["target_id"] == str(worker2["id"])]
    assert actions[:2] == ["staff.delete", "staff.update"]
    assert log[0]["before"]["phone"] == "13111112222"


async def test_cannot_delete_someone_with_reports(client, people):
    h = await client.token_for("official")
    head = (await client.get("/api/v1/staff", params={"role": "head", "under": people.community})).json()["staff"][0]
    r = await client.delete(f"/api/v1/staff/{head['id']}", headers=h)
    assert r.status_code == 409


async def test_worker_sees_my_area(client, people):
    h = await client.token_for("worker")
    r = await client.get("/api/v1/me/area", headers=h)
    assert r.status_code == 200
    data = r.json()
    assert [a["code"] for a in data["areas"]] == [people.grid]
    below = {b["code"] for b in data["areas"][0]["below"]}
    assert below == {people.group, people.building}
    assert [s["role"] for s in data["above"]] == ["head", "instructor"]
    assert [s["role"] for s in data["below"]] == ["group_leader"]


async def test_resident_has_no_my_area(client, people):
    h = await client.token_for("resident")
    assert (await client.get("/api/v1/me/area", headers=h)).status_code == 403


async def test_audit_is_scoped(client, people):
    h = await client.token_for("worker")
    assert (await client.get("/api/v1/audit", headers=h)).status_code == 403
    h2 = await client.token_for("official2")
    r = await client.get("/api/v1/audit", params={"area": people.grid}, headers=h2)
    assert r.status_code == 403


async def test_a_staff_record_with_no_areas_is_the_admins_alone(client, people):
    admin = await client.token_for("admin")
    bhead = (await client.get("/api/v1/staff", params={"role": "building_head"})).json()["staff"][0]
    # a head may not empty it (a record of no area leaves every scope)
    r = await client.patch(f"/api/v1/staff/{bhead['id']}", headers=await client.token_for("head"), json={"areas": []})
    assert r.status_code == 403, r.text
    r = await client.patch(f"/api/v1/staff/{bhead['id']}", headers=admin, json={"areas": []})
    assert r.status_code == 200 and r.json()["areas"] == [], r.text
    for who in ("worker2", "head2", "official", "worker"):
        h = await client.token_for(who)
        r = await client.patch(f"/api/v1/staff/{bhead['id']}", headers=h, json={"name": "改名"})
        assert r.status_code == 403, (who, r.text)
        r = await client.delete(f"/api/v1/staff/{bhead['id']}", headers=h)
        assert r.status_code == 403, (who, r.text)
    assert (await client.patch(f"/api/v1/staff/{bhead['id']}", headers=admin, json={"name": "改名"})).status_code == 200
    assert (await client.delete(f"/api/v1/staff/{bhead['id']}", headers=admin)).status_code == 204
async def test_group_leaders_are_recorded_by_the_community_not_a_worker(client, people):
    """Group leaders are chosen by residents and recorded by the community (issue 14 §8)."""
    body = {"username": "g-new", "name": "赵组长", "role": "group_leader", "areas": [people.group]}
    r = await client.post("/api/v1/staff", json=body, headers=await client.token_for("worker"))
    assert r.status_code == 403 and r.json()["error"]["details"]["action"] == "staff.record_group_leader"
    await _vacate(client, await client.token_for("head"), people.group, "group_leader")
    r = await client.post("/api/v1/staff", json=body, headers=await client.token_for("head"))
    assert r.status_code == 201, r.text


async def test_a_changed_assignment_counts_at_the_next_request(client, app, people):
    """A signed-in user's areas are kept per process while the database is unchanged
    (store.accounts.users.KeptAreas): a new assignment, made through the store as another
    server or the CLI would, is in force at once."""
    from gridsvc.domain.scope import SYSTEM
    from gridsvc.store.accounts.models import User
    from gridsvc.store.accounts.users import update_staff

    h = await client.token_for("worker")
    for _ in range(2):  # the second is answered with the kept areas
        assert [a["code"] for a in (await client.get("/api/v1/me/area", headers=h)).json()["areas"]] == [people.grid]
    worker = await User.get(username="worker")
    await update_staff(worker, {"areas": [people.grid, people.other_grid]}, actor=SYSTEM)
    r = await client.get("/api/v1/me/area", headers=h)
    assert sorted(a["code"] for a in r.json()["areas"]) == sorted([people.grid, people.other_grid])
