"""An organisation's claim of a demand names the members it sends (issue 10 item 1): through the
API and the demand page; the count is the number of names; only active members of the claiming
organisation who are free at that time; the names shown to the demand's staff and the
organisation, a count to everyone else; the hours table lists the named members."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from gridsvc.domain import clock
from gridsvc.store.accounts.models import User
from gridsvc.store.accounts.users import create_user
from gridsvc.store.orgs.models import DemandTake, DemandTakeMember
from tests.conftest import PASSWORD
from tests.wishkit import Kit, demand_body, demand_start, publish

HTML = {"accept": "text/html"}
NAMES = {"orgmember": "赵志愿", "m2": "钱志愿", "m3": "孙志愿", "m4": "李志愿"}


@pytest.fixture
async def kit(client, people):
    k = Kit(client, people)
    for username in ("m2", "m3", "m4"):
        await create_user(username, role="volunteer", password=PASSWORD)
    org = await k.org("川口爱心社", members=("orgmember", "m2", "m3", "m4"))
    for username, name in NAMES.items():
        await User.filter(username=username).update(display_name=name)
    k.ids = {u: (await User.get(username=u)).id for u in NAMES}  # type: ignore[attr-defined]
    k.org_id = org["id"]  # type: ignore[attr-defined]
    return k


async def test_claim_names_three_members_and_the_count_is_theirs(kit, client, people):
    d = await publish(kit, client, people)
    ids = [kit.ids["orgmember"], kit.ids["m2"], kit.ids["m3"]]
    r = await client.post(f"/api/v1/demands/{d['id']}/claim", headers=await kit.h("orgmember"), json={"members": ids})
    assert r.status_code == 201, r.text
    take = r.json()["take"]
    assert take["count"] == 3 and [m["name"] for m in take["members"]] == ["赵志愿", "钱志愿", "孙志愿"]
    assert r.json()["taken"] == 3
    assert sorted(await DemandTakeMember.filter(take_id=take["id"]).values_list("user_id", flat=True)) == sorted(ids)
    # the demand's staff and the organisation read the names; a volunteer reads a count
    for who in ("worker", "orgmember"):
        [t] = (await client.get(f"/api/v1/demands/{d['id']}", headers=await kit.h(who))).json()["takes"]
        assert [m["name"] for m in t["members"]] == ["赵志愿", "钱志愿", "孙志愿"], who
    [t] = (await client.get(f"/api/v1/demands/{d['id']}", headers=await kit.h("volunteer"))).json()["takes"]
    assert t["count"] == 3 and t["members"] is None
    # after the event the hours table offers the named members, not the fourth
    clock.set_now(demand_start() + timedelta(hours=4))
    try:
        await client.login("worker")  # days later: a fresh session
        page = (await client.get(f"/demands/{d['id']}", headers=HTML)).text
    finally:
        clock.set_now(None)
    assert "hours_m2" in page and "hours_m3" in page and "hours_orgmember" in page and "hours_m4" not in page


@pytest.mark.parametrize("body, status, code", [
    ({"members": [], "count": 1}, 422, "bad_members"),
    ({"members": ["x"]}, 422, "invalid_body"),
    ({"members": "1,2"}, 422, "invalid_body"),
    ({"count": 2, "members": "ME3"}, 422, "bad_members"),  # 3 names, a count of 2
    ({"members": "DUP"}, 422, "bad_members"),
    ({"members": "STRANGER"}, 422, "not_org_member"),
    ({"members": "INACTIVE"}, 422, "not_org_member"),
])
async def test_bad_member_lists_are_refused_and_nothing_is_taken(kit, client, people, body, status, code):
    await create_user("stranger", role="volunteer", password=PASSWORD)
    await User.filter(username="m4").update(is_active=False)
    body = dict(body)
    m = body.get("members")
    body["members"] = {"ME3": [kit.ids["orgmember"], kit.ids["m2"], kit.ids["m3"]],
                       "DUP": [kit.ids["m2"], kit.ids["m2"]],
                       "STRANGER": [kit.ids["m2"], (await User.get(username="stranger")).id],
                       "INACTIVE": [kit.ids["m4"]]}.get(m, m) if isinstance(m, str) and m.isupper() else m
    d = await publish(kit, client, people)
    r = await client.post(f"/api/v1/demands/{d['id']}/claim", headers=await kit.h("orgmember"), json=body)
    assert r.status_code == status, r.text
    if code != "invalid_body":
        assert r.json()["error"]["code"] == code, r.text
    assert await DemandTake.filter(demand_id=d["id"]).count() == 0


async def test_a_member_committed_at_an_overlapping_time_is_refused(kit, client, people):
    first = await publish(kit, client, people)
    r = await client.post(f"/api/v1/demands/{first['id']}/claim", headers=await kit.h("orgmember"),
                          json={"members": [kit.ids["m2"]]})
    assert r.status_code == 201, r.text
    # an hour later, overlapping the first's three hours
    start = demand_start() + timedelta(hours=1)
    body = demand_body(people.grid, title="社区义诊", starts_at=start.strftime("%Y-%m-%dT%H:%M"),
                       ends_at=(start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    second = (await client.post("/api/v1/demands", headers=await kit.h("worker"), json=body)).json()
    r = await client.post(f"/api/v1/demands/{second['id']}/claim", headers=await kit.h("orgmember"),
                          json={"members": [kit.ids["m3"], kit.ids["m2"]]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "member_busy", r.text
    assert "钱志愿" in r.json()["error"]["message"] and r.json()["error"]["details"]["members"] == [kit.ids["m2"]]
    # on another day the same member is free
    later = demand_start() + timedelta(days=1)
    body = demand_body(people.grid, title="植树", starts_at=later.strftime("%Y-%m-%dT%H:%M"),
                       ends_at=(later + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    third = (await client.post("/api/v1/demands", headers=await kit.h("worker"), json=body)).json()
    r = await client.post(f"/api/v1/demands/{third['id']}/claim", headers=await kit.h("orgmember"),
                          json={"members": [kit.ids["m2"]]})
    assert r.status_code == 201, r.text
    # released, the first claim frees its members
    await client.post(f"/api/v1/demands/{first['id']}/release", headers=await kit.h("orgmember"))
    r = await client.post(f"/api/v1/demands/{second['id']}/claim", headers=await kit.h("orgmember"),
                          json={"members": [kit.ids["m2"]]})
    assert r.status_code == 201, r.text


async def test_only_a_member_claims_and_outside_the_service_areas_nobody(kit, client, people):
    d = await publish(kit, client, people)
    r = await client.post(f"/api/v1/demands/{d['id']}/claim", headers=await kit.h("volunteer"),
                          json={"members": [kit.ids["m2"]]})
    assert r.status_code == 403
    r = await client.post("/api/v1/demands", headers=await kit.h("head2"), json=demand_body(people.community2))
    far = r.json()
    r = await client.post(f"/api/v1/demands/{far['id']}/claim", headers=await kit.h("orgmember"),
                          json={"members": [kit.ids["m2"]]})
    assert r.status_code == 403, r.text


async def test_the_page_claims_with_the_ticked_members(kit, client, people):
    d = await publish(kit, client, people)
    await client.login("orgmember")
    page = (await client.get(f"/demands/{d['id']}", headers=HTML)).text
    boxes = re.findall(r'<input type="checkbox" name="members" value="(\d+)"> (\S+)</label>', page)
    assert [name for _, name in boxes] == ["赵志愿", "钱志愿", "孙志愿", "李志愿"]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "action": "claim", "count": "5",
            "members": [str(kit.ids["m2"]), str(kit.ids["m3"]), str(kit.ids["m4"])]}
    r = await client.post(f"/demands/{d['id']}/act", data=form, headers=HTML)
    assert r.status_code in (200, 303), r.text
    [take] = await DemandTake.filter(demand_id=d["id"])
    assert take.count == 3 and await DemandTakeMember.filter(take_id=take.id).count() == 3
    page = (await client.get(f"/demands/{d['id']}", headers=HTML)).text
    assert "钱志愿、孙志愿、李志愿" in page
    # in English the same page, the words of the claim in English
    page = (await client.get(f"/demands/{d['id']}?lang=en", headers=HTML)).text
    assert "Members sent" in page and "派出成员" not in page


async def test_near_me_for_a_member_is_every_service_area(kit, client, people):
    r = await client.patch(f"/api/v1/orgs/{kit.org_id}", headers=await kit.h("admin"),
                           json={"areas": [people.community, people.community2]})
    assert r.status_code == 200, r.text
    kit._h.pop("orgmember", None)  # the member's scope follows the organisation's areas
    r = await client.post("/api/v1/demands", headers=await kit.h("head2"),
                          json=demand_body(people.community2, title="大同路助老"))
    assert r.status_code == 201, r.text
    await publish(kit, client, people)  # in the first service area
    await client.login("orgmember")
    page = (await client.get("/demands", headers=HTML)).text
    assert "大同路助老" in page and "重阳节敬老院陪伴" in page
    # a volunteer's "near me" stays their own area
    client.cookies.clear()
    await client.login("volunteer")
    assert (await client.get("/demands", headers=HTML)).status_code == 200
