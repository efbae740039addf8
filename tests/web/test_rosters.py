"""Staff rosters over HTTP (issue 11 item 4): who holds each post, vacancies, appointing,
transferring and ending with history kept, and who may."""

from __future__ import annotations

import pytest

from gridsvc.domain import clock
from gridsvc.store.accounts.users import create_user


def _post(roster: dict, area: str, role: str) -> dict:
    return next(p for p in roster["posts"] if p["area"]["code"] == area and p["role"] == role)


async def _roster(client, code: str, headers) -> dict:
    r = await client.get(f"/api/v1/areas/{code}/roster", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_the_roster_names_each_post_its_holder_and_the_vacancies(client, people):
    h = await client.token_for("official")
    mine = await _roster(client, people.community, h)
    assert _post(mine, people.grid, "worker")["holders"][0]["person"]["name"] == "张网格"
    assert _post(mine, people.community, "head")["holders"][0]["person"]["phone"] == "13900000002"
    assert [p["role"] for p in mine["posts"] if p["area"]["code"] == people.community] == ["instructor", "head"]
    assert mine["vacant"] == 0 and not any(p["area"]["code"] == people.other_grid for p in mine["posts"])
    other = await _roster(client, people.community2, h)
    assert {(p["area"]["code"], p["role"]) for p in other["posts"] if p["vacant"]} == {
        (people.community2, "instructor"), (people.other_grid, "worker")}
    assert other["vacant"] == 2 == other["vacant_below"]


async def test_a_head_appoints_a_new_worker_to_a_vacant_grid_of_their_community(client, people):
    h = await client.token_for("head2")
    r = await client.post("/api/v1/appointments", headers=h, json={
        "area": people.other_grid, "role": "worker", "name": "赵新", "phone": "13700000009", "on": "2026-01-05",
        "reason": "社区推荐"})
    assert r.status_code == 201, r.text
    term = r.json()
    assert term["person"]["name"] == "赵新" and term["started_on"] == "2026-01-05" and term["ended_on"] is None
    post = _post(await _roster(client, people.community2, h), people.other_grid, "worker")
    assert not post["vacant"] and post["holders"][0]["appointed_by"] and post["holders"][0]["reason"] == "社区推荐"
    cards = (await client.get(f"/api/v1/areas/{people.other_grid}/staff")).json()["staff"]
    assert "赵新" in [c["name"] for c in cards]


async def test_the_head_of_another_community_cannot_appoint_there(client, people):
    h = await client.token_for("head")
    r = await client.post("/api/v1/appointments", headers=h, json={
        "area": people.other_grid, "role": "worker", "name": "钱", "phone": "13700000008"})
    assert r.status_code == 403
    r = await client.get(f"/api/v1/areas/{people.community2}/roster", headers=h)
    assert r.status_code == 403
    # nothing left behind: the post is still vacant and no account was made
    o = await client.token_for("official")
    assert _post(await _roster(client, people.community2, o), people.other_grid, "worker")["vacant"]
    staff = (await client.get("/api/v1/staff", params={"under": people.community2}, headers=o)).json()["staff"]
    assert "钱" not in [s["name"] for s in staff]


@pytest.mark.parametrize("who", ["head", "worker"])
async def test_staff_appoint_only_tiers_below_their_own(client, people, who):
    h = await client.token_for(who)
    r = await client.post("/api/v1/appointments", headers=h, json={
        "area": people.community, "role": "instructor", "name": "孙"})
    assert r.status_code == 403


async def test_the_anonymous_and_residents_see_no_roster(client, people):
    assert (await client.get(f"/api/v1/areas/{people.community}/roster")).status_code == 401
    r = await client.get(f"/api/v1/areas/{people.community}/roster", headers=await client.token_for("resident"))
    assert r.status_code == 403


async def test_a_held_post_is_refused_with_its_holder(client, people):
    h = await client.token_for("head")
    r = await client.post("/api/v1/appointments", headers=h, json={"area": people.grid, "role": "worker", "name": "周"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "post_taken"
    assert r.json()["error"]["details"]["holder"] == "张网格"
    worker = _post(await _roster(client, people.community, h), people.grid, "worker")["holders"][0]["person"]
    r = await client.post("/api/v1/appointments", headers=h, json={"area": people.grid, "person": worker["id"]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_holds"


async def test_bad_appointments_are_named(client, people):
    h = await client.token_for("official")
    cases = [({"area": people.community, "role": "worker", "name": "吴"}, 422, "bad_assignment_level"),
             ({"area": people.other_grid, "role": "worker", "name": "吴", "on": "2999-01-01"}, 422, "bad_term_date"),
             ({"area": people.other_grid, "role": "worker"}, 422, "required"),
             ({"area": "999999999999999", "role": "worker", "name": "吴"}, 404, None),
             ({"area": people.other_grid, "person": 999999}, 404, None),
             ({"area": people.other_grid, "role": "worker", "name": "吴", "phone": "12"}, 422, "bad_phone"),
             ({"area": people.other_grid, "role": "worker", "name": "吴", "reason": "x" * 201}, 422, None)]
    for body, status, code in cases:
        r = await client.post("/api/v1/appointments", headers=h, json=body)
        assert r.status_code == status, (body, r.text)
        if code:
            assert r.json()["error"]["code"] == code, r.text


async def test_a_transfer_ends_here_starts_there_and_keeps_the_history(client, people):
    o = await client.token_for("official")
    before = _post(await _roster(client, people.community, o), people.grid2, "worker")["holders"][0]
    r = await client.post(f"/api/v1/appointments/{before['id']}/transfer", headers=o,
                          json={"area": people.other_grid, "reason": "工作需要"})
    assert r.status_code == 201, r.text
    assert r.json()["area"] == people.other_grid
    here = _post(await _roster(client, people.community, o), people.grid2, "worker")
    assert here["vacant"] and here["history"][0]["person"]["id"] == before["person"]["id"]
    assert here["history"][0]["ended_on"] and here["history"][0]["end_reason"] == "工作需要"
    there = _post(await _roster(client, people.community2, o), people.other_grid, "worker")
    assert there["holders"][0]["person"]["id"] == before["person"]["id"]
    # the scope moved with the post
    me = (await client.get("/api/v1/me/area", headers=await client.token_for("worker2"))).json()
    assert [a["code"] for a in me["areas"]] == [people.other_grid]
    # an ended term cannot be ended or moved again
    r = await client.post(f"/api/v1/appointments/{before['id']}/end", headers=o, json={})
    assert r.status_code == 409 and r.json()["error"]["code"] == "term_ended"


async def test_a_transfer_into_a_held_post_changes_nothing(client, people):
    o = await client.token_for("official")
    term = _post(await _roster(client, people.community, o), people.grid2, "worker")["holders"][0]
    r = await client.post(f"/api/v1/appointments/{term['id']}/transfer", headers=o, json={"area": people.grid})
    assert r.status_code == 409 and r.json()["error"]["code"] == "post_taken"
    again = _post(await _roster(client, people.community, o), people.grid2, "worker")
    assert again["holders"][0]["id"] == term["id"] and not again["history"]


async def test_a_head_cannot_transfer_their_worker_out_of_the_community(client, people):
    h = await client.token_for("head")
    term = _post(await _roster(client, people.community, h), people.grid2, "worker")["holders"][0]
    r = await client.post(f"/api/v1/appointments/{term['id']}/transfer", headers=h, json={"area": people.other_grid})
    assert r.status_code == 403


async def test_ending_a_term_leaves_the_post_vacant_and_takes_the_scope(client, people):
    h = await client.token_for("head")
    term = _post(await _roster(client, people.community, h), people.group, "group_leader")["holders"][0]
    r = await client.post(f"/api/v1/appointments/{term['id']}/end", headers=h, json={"reason": "迁出"})
    assert r.status_code == 200, r.text
    assert r.json()["ended_on"] and r.json()["end_reason"] == "迁出"
    post = _post(await _roster(client, people.community, h), people.group, "group_leader")
    assert post["vacant"] and post["history"][0]["ended_by"]
    # with no post left they look after nothing
    r = await client.get("/api/v1/me/area", headers=await client.token_for("leader"))
    assert r.status_code == 403
    r = await client.post(f"/api/v1/appointments/{term['id']}/end", headers=h, json={"on": "2000-01-01"})
    assert r.status_code == 409


async def test_an_end_before_the_start_is_refused(client, people):
    h = await client.token_for("head")
    term = _post(await _roster(client, people.community, h), people.group, "group_leader")["holders"][0]
    r = await client.post(f"/api/v1/appointments/{term['id']}/end", headers=h, json={"on": "2000-01-01"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_term_date"
    r = await client.post("/api/v1/appointments/424242/end", headers=h, json={})
    assert r.status_code == 404


# ---- one holder per post, kept by the database (core/0010_one_holder_per_post) ------------------


async def _open_terms(area_code: str, role: str) -> list[int]:
    from gridsvc.store.areas import get_area
    from gridsvc.store.rosters.models import Appointment
    area = await get_area(area_code)
    return await Appointment.filter(area_id=area.id, role=role, ended_on__isnull=True).values_list("user_id", flat=True)


async def test_two_appointments_at_once_to_one_post_one_wins(client, people):
    """Two officials appoint two different people to the vacant grid at the same moment: one
    term opens, the other is 409 `post_taken` (by the roster's check or, when both pass it, by
    the database's index), and no account is left behind by the one refused."""
    import asyncio
    h = await client.token_for("official")
    bodies = [{"area": people.other_grid, "role": "worker", "name": name, "phone": phone, "username": login}
              for name, phone, login in (("甲", "13700000011", "jia"), ("乙", "13700000012", "yi"))]
    answers = await asyncio.gather(*(client.post("/api/v1/appointments", headers=h, json=b) for b in bodies))
    assert sorted(r.status_code for r in answers) == [201, 409], [r.text for r in answers]
    refused = next(r for r in answers if r.status_code == 409)
    assert refused.json()["error"]["code"] == "post_taken"
    assert len(await _open_terms(people.other_grid, "worker")) == 1
    winner = next(r for r in answers if r.status_code == 201).json()["person"]["name"]
    staff = (await client.get("/api/v1/staff", params={"under": people.community2}, headers=h)).json()["staff"]
    assert [s["name"] for s in staff if s["name"] in ("甲", "乙")] == [winner]

    # the same race for two staff members who exist already
    ids: list[int] = []
    for name in ("丙", "丁"):  # staff with no post yet (as a roster import leaves them)
        ids.append((await create_user(f"w-{name}", role="worker", display_name=name)).id)
    vacant = people.grid2
    end = await client.post(f"/api/v1/appointments/{await _term_id(client, h, vacant)}/end", headers=h, json={})
    assert end.status_code == 200, end.text
    answers = await asyncio.gather(*(client.post("/api/v1/appointments", headers=h,
                                                 json={"area": vacant, "person": i}) for i in ids))
    assert sorted(r.status_code for r in answers) == [201, 409], [r.text for r in answers]
    assert len(await _open_terms(vacant, "worker")) == 1


async def _term_id(client, h, grid: str) -> int:
    roster = await _roster(client, grid[:12], h)
    return _post(roster, grid, "worker")["holders"][0]["id"]


async def test_the_database_refuses_a_second_open_term_of_a_post(client, people):
    """The index itself, under the roster's check: a second open term of a held post cannot be
    written, and `start_term` (the one writer of a term) turns that into 409 `post_taken`."""
    from tortoise.exceptions import IntegrityError
    from tortoise.transactions import in_transaction

    from gridsvc.domain.errors import Conflict
    from gridsvc.store.accounts.models import User
    from gridsvc.store.areas import get_area
    from gridsvc.store.rosters import appointments
    from gridsvc.store.rosters.models import Appointment

    grid = await get_area(people.grid)
    other = await User.get(username="worker2")
    with pytest.raises(IntegrityError):
        async with in_transaction():
            await Appointment.create(user_id=other.id, area_id=grid.id, role="worker", started_on=clock.today())
    with pytest.raises(Conflict) as e:
        async with in_transaction():
            await appointments.start_term(other, grid, on=clock.today(), reason="", actor=None)
    assert e.value.code == "post_taken"
    # an ended term does not count: the post's history may hold many
    assert len(await _open_terms(people.grid, "worker")) == 1


async def test_a_staff_account_given_a_held_post_is_refused(client, people):
    h = await client.token_for("official")
    r = await client.post("/api/v1/staff", headers=h, json={"username": "w9", "role": "worker", "areas": [people.grid],
                                                            "name": "第二人", "phone": "13700000021"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "post_taken", r.text
    assert r.json()["error"]["details"]["holder"] == "张网格"
    staff = (await client.get("/api/v1/staff", params={"under": people.community}, headers=h)).json()["staff"]
    assert "第二人" not in [s["name"] for s in staff]  # nothing stored


async def test_moving_a_staff_account_into_a_held_post_is_refused(client, people):
    h = await client.token_for("official")
    worker = await _term_id(client, h, people.grid)  # the term, to find the person
    roster = await _roster(client, people.community, h)
    person = next(x for p in roster["posts"] for x in p["holders"] if x["id"] == worker)["person"]["id"]
    r = await client.patch(f"/api/v1/staff/{person}", headers=h, json={"areas": [people.grid2]})
    assert r.status_code == 409 and r.json()["error"]["details"]["holder"] == "worker2", r.text
    assert await _open_terms(people.grid, "worker") == [person]  # nothing changed
    assert len(await _open_terms(people.grid2, "worker")) == 1


async def test_a_deactivated_holder_leaves_the_post_and_reactivation_waits_for_it(client, people):
    """Deactivating a worker ends their term (the post is vacant and can be given); reactivating
    them is refused while someone else holds it, and opens their term again once it is free."""
    from gridsvc.store.accounts.models import User

    worker = await User.get(username="worker")
    admin, h = await client.token_for("admin"), await client.token_for("head")
    assert (await client.post(f"/api/v1/users/{worker.id}/deactivate", headers=admin)).status_code == 200
    post = _post(await _roster(client, people.community, h), people.grid, "worker")
    assert post["vacant"] and post["history"][0]["end_reason"].startswith("账号停用")
    r = await client.post("/api/v1/appointments", headers=h, json={
        "area": people.grid, "role": "worker", "name": "钱接任", "phone": "13700000019", "username": "qian"})
    assert r.status_code == 201, r.text
    r = await client.post(f"/api/v1/users/{worker.id}/reactivate", headers=admin)
    assert r.status_code == 409 and r.json()["error"]["code"] == "post_taken" and "钱接任" in r.text
    assert not (await User.get(id=worker.id)).is_active  # nothing changed
    r = await client.post(f"/api/v1/appointments/{await _term_of(client, h, people.grid)}/end", headers=h, json={})
    assert r.status_code == 200, r.text
    assert (await client.post(f"/api/v1/users/{worker.id}/reactivate", headers=admin)).status_code == 200
    post = _post(await _roster(client, people.community, h), people.grid, "worker")
    assert [x["person"]["name"] for x in post["holders"]] == ["张网格"]


async def _term_of(client, h, grid: str) -> int:
    roster = (await client.get(f"/api/v1/areas/{grid}/roster", headers=h)).json()
    return _post(roster, grid, "worker")["holders"][0]["id"]


async def test_deactivating_through_the_staff_record_also_frees_the_post(client, people):
    from gridsvc.store.accounts.models import User

    worker = await User.get(username="worker")
    admin, h = await client.token_for("admin"), await client.token_for("head")
    r = await client.patch(f"/api/v1/staff/{worker.id}", json={"is_active": False}, headers=admin)
    assert r.status_code == 200, r.text
    assert _post(await _roster(client, people.community, h), people.grid, "worker")["vacant"]
    r = await client.patch(f"/api/v1/staff/{worker.id}", json={"is_active": True}, headers=admin)
    assert r.status_code == 200, r.text
    post = _post(await _roster(client, people.community, h), people.grid, "worker")
    assert [x["person"]["name"] for x in post["holders"]] == ["张网格"]
