"""Volunteer demands through the API: publishing, an organisation's claim committing some
volunteers while the rest stay open to sign-ups until full, never overfilled under concurrency,
releases, the demand's steps, service hours and the volunteer's and organisation's records."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from gridsvc.store.accounts.users import create_user
from gridsvc.store.orgs.models import Demand, DemandTake
from tests.conftest import PASSWORD
from tests.wishkit import Kit, demand_body, demand_start, publish


@pytest.fixture
async def kit(client, people):
    k = Kit(client, people)
    await k.org("川口爱心社")
    return k




async def test_publish_and_read(kit, client, people):
    d = await publish(kit, client, people)
    assert d["status"] == "published" and d["remaining"] == 5 and d["skills"] == ["陪伴聊天", "理发"]
    assert d["starts_at"].startswith(demand_start().strftime("%Y-%m-%dT09:00")) and d["starts_at"].endswith("+08:00")
    # recruiting notices are public
    assert (await client.get(f"/api/v1/demands/{d['id']}")).json()["title"] == "重阳节敬老院陪伴"
    listed = (await client.get("/api/v1/demands", params={"under": people.community})).json()
    assert [x["id"] for x in listed["demands"]] == [d["id"]]
    assert (await client.get("/api/v1/demands", params={"under": people.community2})).json()["total"] == 0
    assert (await client.get("/api/v1/demands", params={"status": "nope"})).status_code == 422


async def test_publish_ladder_and_checks(kit, client, people):
    body = demand_body(people.grid)
    assert (await client.post("/api/v1/demands", json=body)).status_code == 401
    for who in ("resident", "volunteer", "orgmember", "worker2", "head2", "bhead"):
        assert (await client.post("/api/v1/demands", headers=await kit.h(who), json=body)).status_code == 403, who
    h = await kit.h("head")
    cases = [
        (dict(area="610299999999"), 404, "not_found"),
        (dict(area=people.district), 422, "bad_area"),
        (dict(volunteers_needed=0), 422, "bad_volunteers_needed"),
        (dict(ends_at=demand_start().strftime("%Y-%m-%dT08:00")), 422, "bad_window"),
        (dict(starts_at="2020-01-01T09:00", ends_at="2020-01-01T10:00"), 422, "starts_in_past"),
        (dict(starts_at="tomorrow"), 422, "bad_datetime"),
        (dict(title="x"), 422, "bad_title"),
        (dict(category="pets"), 422, "unknown_category"),
        (dict(skills=["很长的技能名称" * 4]), 422, "bad_skills"),
    ]
    for over, status, code in cases:
        r = await client.post("/api/v1/demands", headers=h, json=demand_body(people.grid, **over))
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), (over, r.text)
    r = await client.post("/api/v1/demands", headers=await kit.h("official"), json=body)
    assert r.status_code == 201


async def test_org_commits_some_and_volunteers_fill_the_rest(kit, client, people):
    d = await publish(kit, client, people)
    url = f"/api/v1/demands/{d['id']}"
    # only members claim for organisations, only volunteers sign up
    assert (await client.post(url + "/claim", headers=await kit.h("volunteer"))).status_code == 403
    assert (await client.post(url + "/signup", headers=await kit.h("orgmember"))).status_code == 403
    assert (await client.post(url + "/signup")).status_code == 401
    r = await client.post(url + "/claim", headers=await kit.h("orgmember"), json={"count": 3})
    assert r.status_code == 201, r.text
    assert r.json()["taken"] == 3 and r.json()["remaining"] == 2 and r.json()["status"] == "published"
    r = await client.post(url + "/claim", headers=await kit.h("orgmember"), json={"count": 1})
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_signed_up"
    assert (await client.post(url + "/signup", headers=await kit.h("volunteer"))).status_code == 201
    r = await client.post(url + "/signup", headers=await kit.h("volunteer"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_signed_up"
    await create_user("vol2", role="volunteer", password=PASSWORD, areas=[people.district])
    await create_user("vol3", role="volunteer", password=PASSWORD, areas=[people.district])
    r = await client.post(url + "/signup", headers=await kit.h("vol2"))
    assert r.status_code == 201 and r.json()["status"] == "full" and r.json()["remaining"] == 0
    r = await client.post(url + "/signup", headers=await kit.h("vol3"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "demand_full"
    got = (await client.get(url)).json()
    assert [(t["kind"], t["count"]) for t in got["takes"]] == [("org", 3), ("volunteer", 1), ("volunteer", 1)]
    assert got["takes"][0]["org"]["name"] == "川口爱心社" and got["takes"][1]["user"]["id"] is None  # masked publicly
    staff_view = (await client.get(url, headers=await kit.h("worker"))).json()
    assert staff_view["takes"][1]["user"]["name"] == "volunteer"
    # a volunteer gives their place back: open again
    r = await client.post(url + "/release", headers=await kit.h("vol2"))
    assert r.status_code == 200 and r.json()["status"] == "published" and r.json()["remaining"] == 1
    assert (await client.post(url + "/release", headers=await kit.h("vol2"))).status_code == 404
    assert (await client.post(url + "/signup", headers=await kit.h("vol3"))).status_code == 201


async def test_org_claims_the_whole_task_by_default(kit, client, people):
    d = await publish(kit, client, people, volunteers_needed=4)
    r = await client.post(f"/api/v1/demands/{d['id']}/claim", headers=await kit.h("orgmember"))
    assert r.status_code == 201 and r.json()["take"]["count"] == 4 and r.json()["status"] == "full"
    d2 = await publish(kit, client, people, volunteers_needed=2, title="社区义诊")
    r = await client.post(f"/api/v1/demands/{d2['id']}/claim", headers=await kit.h("orgmember"), json={"count": 3})
    assert r.status_code == 409 and r.json()["error"]["code"] == "demand_full"
    assert r.json()["error"]["details"]["remaining"] == 2
    r = await client.post(f"/api/v1/demands/{d2['id']}/claim", headers=await kit.h("orgmember"), json={"count": 0})
    assert r.status_code == 422


async def test_organisation_scope(kit, client, people):
    # a demand of community 2: outside the organisation's service area
    r = await client.post("/api/v1/demands", headers=await kit.h("head2"), json=demand_body(people.community2))
    d = r.json()
    assert (await client.post(f"/api/v1/demands/{d['id']}/claim", headers=await kit.h("orgmember"))).status_code == 403
    await create_user("farvol", role="volunteer", password=PASSWORD, areas=["610203"])
    assert (await client.post(f"/api/v1/demands/{d['id']}/signup", headers=await kit.h("farvol"))).status_code == 403


async def test_concurrent_signups_never_overfill(kit, client, people):
    d = await publish(kit, client, people, volunteers_needed=5)
    names = [f"cv{i}" for i in range(20)]
    for n in names:
        await create_user(n, role="volunteer", password=PASSWORD, areas=[people.district])
    heads = [await kit.h(n) for n in names]
    results = await asyncio.gather(*[client.post(f"/api/v1/demands/{d['id']}/signup", headers=h) for h in heads])
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * 5 + [409] * 15
    row = await Demand.get(id=d["id"])
    assert (row.taken, row.status) == (5, "full")
    assert await DemandTake.filter(demand_id=d["id"], status="active").count() == 5


async def test_steps(kit, client, people):
    d = await publish(kit, client, people)
    url = f"/api/v1/demands/{d['id']}"
    await client.post(url + "/signup", headers=await kit.h("volunteer"))
    assert (await client.post(url + "/close", headers=await kit.h("volunteer"))).status_code == 403
    assert (await client.post(url + "/close", headers=await kit.h("worker2"))).status_code == 403
    r = await client.post(url + "/close", headers=await kit.h("worker"))
    assert r.status_code == 200 and r.json()["status"] == "closed"
    r = await client.post(url + "/signup", headers=await kit.h("orgmember"))
    assert r.status_code == 403
    r = await client.post(url + "/claim", headers=await kit.h("orgmember"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "demand_not_open"
    assert (await client.post(url + "/reopen", headers=await kit.h("worker"))).json()["status"] == "published"
    assert (await client.post(url + "/complete", headers=await kit.h("worker"))).json()["status"] == "done"
    r = await client.post(url + "/cancel", headers=await kit.h("worker"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "bad_transition"
    assert (await client.post(url + "/explode", headers=await kit.h("worker"))).status_code == 404
    # the signed-up volunteer heard about the closing
    inbox = (await client.get("/api/v1/inbox", headers=await kit.h("volunteer"))).json()
    assert any("截止" in n["title"] for n in inbox["items"])


async def test_hours_and_records(kit, client, people, settings):
    d = await publish(kit, client, people)
    url = f"/api/v1/demands/{d['id']}"
    await client.post(url + "/claim", headers=await kit.h("orgmember"), json={"count": 2})
    await client.post(url + "/signup", headers=await kit.h("volunteer"))
    await create_user("bystander", role="volunteer", password=PASSWORD, areas=[people.district])
    entries = {"entries": [{"volunteer": "volunteer", "hours": 3}, {"volunteer": "orgmember", "hours": 2.5}]}
    r = await client.post(url + "/hours", headers=await kit.h("worker"), json=entries)
    assert r.status_code == 409 and r.json()["error"]["code"] == "event_not_started"
    await Demand.filter(id=d["id"]).update(starts_at=datetime.now(timezone.utc) - timedelta(hours=4),
                                           ends_at=datetime.now(timezone.utc) - timedelta(hours=1))
    assert (await client.post(url + "/hours", headers=await kit.h("volunteer"), json=entries)).status_code == 403
    assert (await client.post(url + "/hours", headers=await kit.h("worker2"), json=entries)).status_code == 403
    bad = {"entries": [{"volunteer": "volunteer", "hours": 5}, {"volunteer": "bystander", "hours": 1},
                       {"volunteer": "ghost", "hours": 1}, {"volunteer": "orgmember", "hours": 0}]}
    r = await client.post(url + "/hours", headers=await kit.h("worker"), json=bad)
    assert r.status_code == 422
    problems = r.json()["error"]["details"]["problems"]
    assert [(p["entry"], p["code"]) for p in problems] == [(1, "hours_exceed_window"), (2, "not_a_participant"),
                                                           (3, "unknown_volunteer"), (4, "bad_hours")]
    r = await client.post(url + "/hours", headers=await kit.h("worker"), json=entries)
    assert r.status_code == 200, r.text
    # a correction replaces the hours (audited)
    r = await client.post(url + "/hours", headers=await kit.h("worker"), json={"entries": [{"volunteer": "volunteer",
                                                                                        "hours": 2}]})
    assert r.json()["recorded"][0]["corrected"] is True
    rec = (await client.get("/api/v1/volunteers/me/record", headers=await kit.h("volunteer"))).json()
    assert rec["total_hours"] == 2 and rec["star"] == 0
    assert rec["next_star_at"] == 100 and rec["hours_to_next_star"] == 98
    assert rec["services"][0]["title"] == "重阳节敬老院陪伴"
    vid = rec["volunteer"]["id"]
    assert (await client.get(f"/api/v1/volunteers/{vid}/record", headers=await kit.h("worker"))).status_code == 200
    assert (await client.get(f"/api/v1/volunteers/{vid}/record", headers=await kit.h("official2"))).status_code == 403
    assert (await client.get(f"/api/v1/volunteers/{vid}/record", headers=await kit.h("resident"))).status_code == 403
    assert (await client.get(f"/api/v1/volunteers/{vid}/record")).status_code == 401
    assert (await client.get("/api/v1/volunteers/99999/record", headers=await kit.h("admin"))).status_code == 404
    member = (await client.get("/api/v1/volunteers/me/record", headers=await kit.h("orgmember"))).json()
    assert member["total_hours"] == 2.5 and member["services"][0]["org"]["name"] == "川口爱心社"
    org_id = member["volunteer"]["org"]["id"]
    rec = (await client.get(f"/api/v1/orgs/{org_id}/record")).json()
    assert rec["demands"]["total"] == 1 and rec["demands"]["places"] == 2 and rec["service_hours"] == 2.5
    del settings


async def test_star_levels_follow_the_setting(kit, client, people, app):
    from dataclasses import replace

    app.state.settings = replace(app.state.settings, volunteer_star_hours=(2, 4))
    d = await publish(kit, client, people)
    await client.post(f"/api/v1/demands/{d['id']}/signup", headers=await kit.h("volunteer"))
    await Demand.filter(id=d["id"]).update(starts_at=datetime.now(timezone.utc) - timedelta(hours=4))
    await client.post(f"/api/v1/demands/{d['id']}/hours", headers=await kit.h("worker"),
                      json={"entries": [{"volunteer": "volunteer", "hours": 3}]})
    rec = (await client.get("/api/v1/volunteers/me/record", headers=await kit.h("volunteer"))).json()
    assert rec["star"] == 1 and rec["next_star_at"] == 4 and rec["star_thresholds"] == [2, 4]


async def test_demand_matches(kit, client, people):
    d = await publish(kit, client, people)
    r = await client.get(f"/api/v1/demands/{d['id']}/matches", headers=await kit.h("worker"))
    assert r.status_code == 200 and {m["provider"]["kind"] for m in r.json()["matches"]} == {"project", "volunteer"}
    assert (await client.get(f"/api/v1/demands/{d['id']}/matches", headers=await kit.h("resident"))).status_code == 403


async def test_staff_release_a_take(kit, client, people):
    d = await publish(kit, client, people)
    url = f"/api/v1/demands/{d['id']}"
    take = (await client.post(url + "/signup", headers=await kit.h("volunteer"))).json()["take"]
    assert (await client.post(url + "/release", headers=await kit.h("orgmember"),
                              json={"take": take["id"]})).status_code == 403
    r = await client.post(url + "/release", headers=await kit.h("worker"), json={"take": take["id"]})
    assert r.status_code == 200 and r.json()["remaining"] == 5


async def test_volunteer_profile(kit, client):
    h = await kit.h("volunteer")
    r = await client.put("/api/v1/volunteers/me/profile", headers=h,
                         json={"categories": ["repairs"], "skills": ["水电"],
                                                                           "max_active": 2})
    assert r.status_code == 200 and r.json()["categories"] == ["repairs"]
    assert (await client.put("/api/v1/volunteers/me/profile", headers=h, json={"categories": ["x"]})).status_code == 422
    assert (await client.put("/api/v1/volunteers/me/profile", headers=await kit.h("resident"),
                             json={})).status_code == 403


async def test_a_demand_with_several_problems_names_them_all_at_once(kit, client, people):
    """The check does not stop at the first problem: the first is on top (as a single one reads),
    and `details.problems` lists each with its field, so a client fixes them in one go."""
    start = demand_start()
    h = await kit.h("worker")
    body = demand_body(people.grid, title="x", ends_at=(start - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                       volunteers_needed=0, category="nope", lon=110.5, lat=35.5)
    r = await client.post("/api/v1/demands", headers=h, json=body)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "bad_title" and err["details"]["field"] == "title"
    assert [(p["field"], p["code"]) for p in err["details"]["problems"]] == [
        ("title", "bad_title"), ("ends_at", "bad_window"), ("volunteers_needed", "bad_volunteers_needed"),
        ("category", "unknown_category"), ("position", "position_outside_area")]
    assert all(p["message"] for p in err["details"]["problems"])
    # an unreadable time is named once, as unreadable (not also as a bad window)
    r = await client.post("/api/v1/demands", headers=h, json=demand_body(people.grid, starts_at="soon", title="x"))
    assert [(p["field"], p["code"]) for p in r.json()["error"]["details"]["problems"]] == [
        ("starts_at", "bad_datetime"), ("title", "bad_title")]
    # in English too
    r = await client.post("/api/v1/demands", headers={**h, "accept-language": "en"}, json=body)
    words = [p["message"] for p in r.json()["error"]["details"]["problems"]]
    assert words[0].startswith("the title has") and "must be after starts_at" in words[1], words
    # one problem reads as before, listed too
    r = await client.post("/api/v1/demands", headers=h, json=demand_body(people.grid, volunteers_needed=0))
    err = r.json()["error"]
    assert err["code"] == "bad_volunteers_needed" and len(err["details"]["problems"]) == 1
    assert await Demand.all().count() == 0
