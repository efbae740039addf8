"""Micro-wishes through the API: posting and placing, the value cap, every transition of the
domain's table and every forbidden one, who may act (scope and actor), claims, deadlines and
expiry, fulfilment with a photo, confirmation and ratings, listings, matching and allocation."""

from __future__ import annotations

import base64
import contextlib
import logging
import struct
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from gridsvc.domain import clock
from gridsvc.domain.wishes import TRANSITIONS, WishAction, WishStatus
from gridsvc.store.wishes.models import Claim, Wish, WishEvent
from tests.kit.commands import gridsvc_process
from tests.wishkit import PNG, Kit, day, png_chunk, today, wish_body


@pytest.fixture
async def kit(client, people):
    return Kit(client, people)


# ---------------------------------------------------------------------------- posting


async def test_post_answers_id_status_and_grid(kit, client, people):
    r = await client.post("/api/v1/wishes", headers=await kit.h("resident"), json=wish_body())
    assert r.status_code == 201, r.text
    w = r.json()
    assert w["status"] == "submitted" and w["grid"] == people.grid and isinstance(w["id"], int)
    assert r.headers["location"] == f"/api/v1/wishes/{w['id']}"
    assert w["value_yuan"] == 199 and w["category_zh"] == "助老" and w["grid_name"] == "川口一网格"
    # the resident's home building placed it; an explicit position in another grid places it there
    w2 = await kit.post(lon=109.15, lat=35.05)
    assert w2["grid"] == people.grid2
    w3 = await kit.post(building=people.building)
    assert w3["grid"] == people.grid


async def test_post_place_errors(kit, client, people):
    h = await kit.h("resident")
    cases = [
        (dict(lon=120.0, lat=30.0), 422, "not_in_grid"),
        (dict(building="610202001001001001999"), 404, "not_found"),
        (dict(building=people.grid), 422, "bad_building"),
        (dict(lon="east", lat=35.0), 422, "bad_position"),
        (dict(lon=109.01, lat=95.0), 422, "bad_position"),
    ]
    for over, status, code in cases:
        r = await client.post("/api/v1/wishes", headers=h, json=wish_body(**over))
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), (over, r.text)
    assert await Wish.all().count() == 0
    # a resident without a home building must say where
    from gridsvc.store.accounts.users import create_user
    from tests.conftest import PASSWORD

    await create_user("nohome", role="resident", password=PASSWORD)
    r = await client.post("/api/v1/wishes", headers=await kit.h("nohome"), json=wish_body())
    assert r.status_code == 422 and r.json()["error"]["code"] == "place_missing"


async def test_post_ladder(kit, client, people):
    body = wish_body()
    assert (await client.post("/api/v1/wishes", json=body)).status_code == 401
    for who in ("volunteer", "orgmember", "official"):
        r = await client.post("/api/v1/wishes", headers=await kit.h(who), json=body)
        assert r.status_code == 403, (who, r.text)
    # staff post on a resident's behalf (代办), in their own grid only
    r = await client.post("/api/v1/wishes", headers=await kit.h("worker"), json=body)
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "resident"
    r = await client.post("/api/v1/wishes", headers=await kit.h("worker"), json={**body, "resident": "nobody"})
    assert r.status_code == 404
    r = await client.post("/api/v1/wishes", headers=await kit.h("worker2"), json={**body, "resident": "resident"})
    assert r.status_code == 403
    r = await client.post("/api/v1/wishes", headers=await kit.h("worker"), json={**body, "resident": "resident"})
    assert r.status_code == 201, r.text
    w = r.json()
    assert w["mine"] is False
    ev = await WishEvent.filter(wish_id=w["id"]).first()
    assert ev.on_behalf and ev.actor_kind == "grid_staff"
    r = await client.get(f"/api/v1/wishes/{w['id']}", headers=await kit.h("resident"))
    assert r.status_code == 200 and r.json()["mine"] is True


@pytest.mark.parametrize("value, status, code", [
    (500, 201, None), ("500.00", 201, None), (0.5, 201, None), (500.01, 422, "value_over_cap"),
    (501, 422, "value_over_cap"),
    (0, 422, "bad_value"), (-3, 422, "bad_value"), ("abc", 422, "bad_value"), (1.005, 422, "bad_value"),
    (True, 422, "bad_value"),
])
async def test_value_cap(kit, client, value, status, code):
    r = await client.post("/api/v1/wishes", headers=await kit.h("resident"), json=wish_body(value_yuan=value))
    assert r.status_code == status, r.text
    if code:
        assert r.json()["error"]["code"] == code
        if code == "value_over_cap":
            assert "500" in r.json()["error"]["message"] and r.json()["error"]["details"]["value_cap"] == "500"


async def test_district_sets_its_own_cap(kit, client, people):
    r = await client.patch(f"/api/v1/areas/{people.district}", headers=await kit.h("official"),
                           json={"properties": {"wish_value_cap": 300}})
    assert r.status_code == 200, r.text
    r = await client.post("/api/v1/wishes", headers=await kit.h("resident"), json=wish_body(value_yuan=301))
    assert r.status_code == 422 and r.json()["error"]["details"]["value_cap"] == "300"
    assert "300" in r.json()["error"]["message"]
    r = await client.post("/api/v1/wishes", headers=await kit.h("resident"), json=wish_body(value_yuan=300))
    assert r.status_code == 201


@pytest.mark.parametrize("over, code", [
    (dict(title=None), "required"), (dict(title="x"), "bad_title"), (dict(title="很长" * 30), "bad_title"),
    (dict(category="pets"), "unknown_category"), (dict(beneficiary="aliens"), "unknown_beneficiary"),
    (dict(wish_by=lambda: day(-1)), "wish_by_past"), (dict(wish_by=lambda: day(400)), "wish_by_too_far"),
    (dict(wish_by="next week"), "bad_date"), (dict(description="长" * 501), "bad_description"),
])
async def test_post_validation(kit, client, over, code):
    r = await client.post("/api/v1/wishes", headers=await kit.h("resident"), json=wish_body(**over))
    assert r.status_code == 422 and r.json()["error"]["code"] == code, r.text


async def test_post_bad_json(kit, client):
    r = await client.post("/api/v1/wishes", headers={**await kit.h("resident"), "content-type": "application/json"},
                          content=b"{nope")
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_json"


# ---------------------------------------------------------------------------- the state machine

# who takes each action in the tests, and what the action needs
ACTOR = {"publish": "worker", "return": "worker", "resubmit": "resident", "withdraw": "resident", "merge": "worker",
         "claim": "volunteer", "extend": "volunteer", "release": "volunteer", "fulfil": "volunteer",
         "confirm": "resident", "reopen": "resident"}
FIELDS = {"return": {"reason": "请写清楚需要的型号"}, "reopen": {"reason": "电暖器没有送到"},
          "fulfil": {"note": "已送到并安装", "fulfilled_on": day}}  # a callable: today when the test runs


def fields(action: str) -> dict:
    """What `action` needs, its dates computed now."""
    return {k: v() if callable(v) else v for k, v in FIELDS.get(action, {}).items()}


ALLOWED = [(a.value, s.value) for a, t in TRANSITIONS.items() if a is not WishAction.EXPIRE for s in sorted(t.sources)]


@pytest.mark.parametrize("action, source", ALLOWED)
async def test_every_allowed_transition(kit, client, action, source):
    w = await kit.wish_in(source)
    body = fields(action)
    if action == "merge":
        body["into"] = (await kit.post(title="同样的心愿"))["id"]
    before = await Wish.get(id=w["id"])
    out = await kit.do(w["id"], action, ACTOR[action], **body)
    target = TRANSITIONS[WishAction(action)].target.value
    assert out["status"] == target
    after = await Wish.get(id=w["id"])
    assert after.status == target and after.version == before.version + 1
    last = await WishEvent.filter(wish_id=w["id"]).order_by("-id").first()
    assert (last.action, last.from_status, last.to_status) == (action, source, target)


@pytest.mark.parametrize("status", [s.value for s in WishStatus])
async def test_every_forbidden_transition(kit, client, status):
    """From each status, every step the table forbids is a 409 naming the status (asked by the
    grid's worker, who sees every wish of the grid), and nothing changes."""
    forbidden = [a.value for a in WishAction if WishStatus(status) not in TRANSITIONS[a].sources]
    assert forbidden
    w = await kit.wish_in(status)
    into = (await kit.post(title="同样的心愿"))["id"]
    before = await Wish.get(id=w["id"])
    for action in forbidden:
        body = {**fields(action), **({"into": into} if action == "merge" else {})}
        r = await client.post(f"/api/v1/wishes/{w['id']}/{action}", headers=await kit.h("worker"), json=body)
        assert r.status_code == 409, (action, r.text)
        err = r.json()["error"]
        if action == "claim" and status in ("claimed", "fulfilled"):
            assert err["code"] == "already_claimed"
        else:
            assert err["code"] == "bad_transition" and err["details"]["status"] == status, (action, err)
        after = await Wish.get(id=w["id"])
        assert (after.status, after.version) == (before.status, before.version), action


@pytest.mark.parametrize("status, action, who", [
    ("submitted", "publish", "resident"), ("submitted", "return", "volunteer"), ("returned", "resubmit", "worker"),
    ("published", "claim", "worker"), ("published", "claim", "resident"), ("claimed", "fulfil", "worker"),
    ("claimed", "extend", "resident"), ("fulfilled", "confirm", "volunteer"), ("fulfilled", "reopen", "volunteer"),
    ("claimed", "expire", "worker"), ("claimed", "expire", "admin"), ("published", "merge", "resident"),
])
async def test_wrong_actor_is_403(kit, client, status, action, who):
    w = await kit.wish_in(status)
    body = {**fields(action), "into": 1} if action == "merge" else fields(action)
    r = await client.post(f"/api/v1/wishes/{w['id']}/{action}", headers=await kit.h(who), json=body or None)
    assert r.status_code == 403, r.text
    assert (await Wish.get(id=w["id"])).status == status


async def test_action_ladder(kit, client, people):
    w = await kit.wish_in("submitted")
    assert (await client.post(f"/api/v1/wishes/{w['id']}/publish")).status_code == 401
    assert (await client.post("/api/v1/wishes/99999/publish", headers=await kit.h("worker"))).status_code == 404
    r = await client.post(f"/api/v1/wishes/{w['id']}/teleport", headers=await kit.h("worker"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_action"
    # return needs a reason
    r = await client.post(f"/api/v1/wishes/{w['id']}/return", headers=await kit.h("worker"), json={})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_reason"


# ---------------------------------------------------------------------------- scope


async def test_worker_of_grid_a_cannot_screen_grid_b(kit, client, people):
    w = await kit.wish_in("submitted")  # in grid A (people.grid)
    r = await client.post(f"/api/v1/wishes/{w['id']}/publish", headers=await kit.h("worker2"))
    assert r.status_code == 403
    assert (await client.get(f"/api/v1/wishes/{w['id']}", headers=await kit.h("worker2"))).status_code == 403
    listed = (await client.get("/api/v1/wishes", headers=await kit.h("worker2"))).json()
    assert listed["total"] == 0
    # a head of another community neither; the community's head may
    assert (await client.post(f"/api/v1/wishes/{w['id']}/publish", headers=await kit.h("head2"))).status_code == 403
    assert (await client.post(f"/api/v1/wishes/{w['id']}/publish", headers=await kit.h("head"))).status_code == 200
    # a building head is staff, but below the grid: no screening
    w2 = await kit.wish_in("submitted")
    assert (await client.post(f"/api/v1/wishes/{w2['id']}/publish", headers=await kit.h("bhead"))).status_code == 403
    # officials read their district, but do not screen
    assert (await client.get(f"/api/v1/wishes/{w2['id']}", headers=await kit.h("official"))).status_code == 200
    assert (await client.get(f"/api/v1/wishes/{w2['id']}", headers=await kit.h("official2"))).status_code == 403
    assert (await client.post(f"/api/v1/wishes/{w2['id']}/publish", headers=await kit.h("official"))).status_code == 403


async def test_organisation_sees_only_its_service_areas(kit, client, people):
    await kit.org("大同路社区服务社", areas=[people.community2])
    w = await kit.wish_in("published")  # in community 1
    h = await kit.h("orgmember")
    assert (await client.get("/api/v1/wishes", headers=h)).json()["total"] == 0
    assert (await client.get(f"/api/v1/wishes/{w['id']}", headers=h)).status_code == 403
    r = await client.post(f"/api/v1/wishes/{w['id']}/claim", headers=h)
    assert r.status_code == 403
    # a wish in community 2 is visible and claimable
    w2 = await kit.post(lon=109.25, lat=35.05)
    assert w2["grid"] == people.other_grid
    await kit.do(w2["id"], "publish", "admin")
    listed = (await client.get("/api/v1/wishes", headers=h)).json()
    assert [x["id"] for x in listed["wishes"]] == [w2["id"]]
    assert listed["wishes"][0]["actions"] == ["claim"]
    # submitted wishes of the area stay hidden from organisations
    w3 = await kit.post(lon=109.25, lat=35.06)
    assert (await client.get(f"/api/v1/wishes/{w3['id']}", headers=h)).status_code == 403
    out = await kit.do(w2["id"], "claim", "orgmember")
    assert out["claim"]["holder"]["org"]["name"] == "大同路社区服务社"


async def test_member_without_organisation_cannot_claim(kit, client):
    w = await kit.wish_in("published")
    r = await client.post(f"/api/v1/wishes/{w['id']}/claim", headers=await kit.h("orgmember"))
    assert r.status_code == 403


# ---------------------------------------------------------------------------- claims


async def test_second_claim_is_409_naming_the_holder(kit, client):
    await kit.org("川口爱心社")
    w = await kit.wish_in("published")
    await kit.do(w["id"], "claim", "orgmember")
    r = await client.post(f"/api/v1/wishes/{w['id']}/claim", headers=await kit.h("volunteer"))
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "already_claimed" and "川口爱心社" in err["message"]
    assert err["details"]["holder"]["kind"] == "org" and err["details"]["holder"]["org"]["name"] == "川口爱心社"


async def test_volunteer_holder_is_named_masked(kit, client, people):
    from gridsvc.store.accounts.models import User

    await User.filter(username="volunteer").update(display_name="薛红博")
    await kit.org("川口爱心社")
    w = await kit.wish_in("published")
    await kit.do(w["id"], "claim", "volunteer")
    r = await client.post(f"/api/v1/wishes/{w['id']}/claim", headers=await kit.h("orgmember"))
    assert r.status_code == 409 and "薛**" in r.json()["error"]["message"] and "薛红博" not in r.text


async def test_claim_counts_against_a_project(kit, client):
    org = await kit.org("川口爱心社")
    pid = org["project"]["id"]
    w = await kit.wish_in("published")
    out = await kit.do(w["id"], "claim", "orgmember")
    assert out["claim"]["holder"]["project"]["id"] == pid
    project = (await client.get(f"/api/v1/orgs/{org['id']}/projects")).json()["projects"][0]
    assert project["taken"] == 1 and project["capacity_left"] == 4
    await kit.do(w["id"], "release", "orgmember")
    project = (await client.get(f"/api/v1/orgs/{org['id']}/projects")).json()["projects"][0]
    assert project["taken"] == 0
    # a named project must fit: a repairs wish does not fit an elderly-care project
    w2 = await kit.post(category="repairs", title="修理漏水的水龙头")
    await kit.do(w2["id"], "publish", "worker")
    r = await client.post(f"/api/v1/wishes/{w2['id']}/claim", headers=await kit.h("orgmember"), json={"project": pid})
    assert r.status_code == 409 and r.json()["error"]["code"] == "project_not_eligible"
    for junk in (10**30, "abc", -1):  # not a project id at all: 422 naming the field, never a 500
        r = await client.post(f"/api/v1/wishes/{w2['id']}/claim", headers=await kit.h("orgmember"),
                              json={"project": junk})
        assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "project"
    # without a project named, the organisation claims it as such
    out = await kit.do(w2["id"], "claim", "orgmember")
    assert out["claim"]["holder"]["project"] is None


async def test_extend_once(kit, client):
    w = await kit.wish_in("claimed")
    deadline = datetime.fromisoformat(w["claim"]["deadline"])
    out = await kit.do(w["id"], "extend", "volunteer")
    assert datetime.fromisoformat(out["claim"]["deadline"]) == deadline + timedelta(days=7)
    assert out["claim"]["extensions"] == 1 and "extend" not in out["actions"]
    r = await client.post(f"/api/v1/wishes/{w['id']}/extend", headers=await kit.h("volunteer"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "extension_used"


async def test_release_by_staff_needs_a_reason(kit, client):
    w = await kit.wish_in("claimed")
    r = await client.post(f"/api/v1/wishes/{w['id']}/release", headers=await kit.h("worker"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_reason"
    out = await kit.do(w["id"], "release", "worker", reason="认领人联系不上")
    assert out["status"] == "published" and out["claim"] is None
    assert (await Claim.filter(wish_id=w["id"]).first()).status == "released"


async def test_claim_of_an_overdue_wish(kit, client):
    w = await kit.wish_in("published")
    await Wish.filter(id=w["id"]).update(wish_by=today() - timedelta(days=1))
    r = await client.post(f"/api/v1/wishes/{w['id']}/claim", headers=await kit.h("volunteer"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "wish_overdue"


async def test_volunteer_claim_limit(kit, client):
    r = await client.put("/api/v1/volunteers/me/profile", headers=await kit.h("volunteer"), json={"max_active": 1})
    assert r.status_code == 200
    await kit.wish_in("claimed")
    w = await kit.wish_in("published")
    r = await client.post(f"/api/v1/wishes/{w['id']}/claim", headers=await kit.h("volunteer"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "too_many_claims"


# ---------------------------------------------------------------------------- expiry


async def test_expiry_on_read_keeps_the_history(kit, client, people):
    w = await kit.wish_in("claimed")
    past = datetime.now(timezone.utc) - timedelta(minutes=1)
    await Claim.filter(wish_id=w["id"]).update(deadline=past)
    # extending a claim past its deadline is too late: expiry runs first, the wish is published again
    r = await client.post(f"/api/v1/wishes/{w['id']}/extend", headers=await kit.h("volunteer"))
    assert r.status_code == 409 and r.json()["error"]["details"]["status"] == "published"
    d = (await client.get(f"/api/v1/wishes/{w['id']}", headers=await kit.h("worker"))).json()
    assert d["status"] == "published" and d["claim"] is None
    assert [c["status"] for c in d["past_claims"]] == ["expired"]
    assert [e["action"] for e in d["events"]][-2:] == ["claim", "expire"]
    assert d["events"][-1]["actor_kind"] == "system"
    # and it can be claimed again
    out = await kit.do(w["id"], "claim", "volunteer")
    assert out["status"] == "claimed"


async def test_expire_claims_function(kit, client):
    from gridsvc.store.wishes.lifecycle import expire_claims

    w = await kit.wish_in("claimed")
    w2 = await kit.wish_in("claimed")
    await kit.do(w2["id"], "extend", "volunteer")
    assert await expire_claims(datetime.now(timezone.utc)) == 0
    assert await expire_claims(datetime.now(timezone.utc) + timedelta(days=15)) == 1  # w2 has 7 days more
    assert await expire_claims(datetime.now(timezone.utc) + timedelta(days=15)) == 0  # once only
    assert (await Wish.get(id=w["id"])).status == "published"
    assert (await Wish.get(id=w2["id"])).status == "claimed"
    assert await expire_claims(datetime.now(timezone.utc) + timedelta(days=22)) == 1


@contextlib.contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL the app sends meanwhile (Tortoise logs every statement on "tortoise.db_client")."""
    seen: list[str] = []

    class Log(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            # logged as ("%s: %s", sql, values) or (sql,): the statement is the first part
            seen.append(str(record.args[0]) if isinstance(record.args, tuple) and record.args else str(record.msg))

    qlog, handler = logging.getLogger("tortoise.db_client"), Log(logging.DEBUG)
    level = qlog.level
    qlog.addHandler(handler)
    qlog.setLevel(logging.DEBUG)
    try:
        yield seen
    finally:
        qlog.removeHandler(handler)
        qlog.setLevel(level)


async def test_reading_wishes_writes_nothing_and_does_not_ask_about_expiry_again(kit, client, app):
    w = await kit.wish_in("claimed")
    h = await kit.h("worker")
    assert (await client.get("/api/v1/wishes", headers=h)).status_code == 200  # learns the next deadline
    looks = app.state.claim_expiry.looks
    with statements() as seen:
        for _ in range(3):
            r = await client.get("/api/v1/wishes?limit=50", headers=h)
            assert r.status_code == 200 and any(x["id"] == w["id"] and x["status"] == "claimed"
                                                for x in r.json()["wishes"])
            assert (await client.get("/api/v1/wishes/stats", headers=h)).status_code == 200
            assert (await client.get("/wishes", headers=h)).status_code == 200
    assert [q for q in seen if q.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE", "BEGIN")] == []
    assert app.state.claim_expiry.looks == looks  # nothing changed: the deadline it knows still holds
    # a list: the token, the page, its claims, the areas' names (the principal's areas are kept)
    with statements() as seen:
        assert (await client.get("/api/v1/wishes?limit=50", headers=h)).status_code == 200
    assert len(seen) == 4 and all(q.lstrip().upper().startswith("SELECT") for q in seen), seen


async def test_a_claim_expires_when_its_deadline_passes_though_nothing_is_written(kit, client):
    w = await kit.wish_in("claimed")
    h = await kit.h("worker")
    listed = (await client.get("/api/v1/wishes?status=claimed", headers=h)).json()["wishes"]
    assert [x["id"] for x in listed] == [w["id"]]
    clock.set_now(lambda: clock._system_now() + timedelta(days=15))  # past the 14 days of a claim
    try:
        assert (await client.get("/api/v1/wishes?status=claimed", headers=h)).json()["wishes"] == []
        r = (await client.get("/api/v1/wishes?status=published", headers=h)).json()["wishes"]
        assert [(x["id"], x["claim"]) for x in r] == [(w["id"], None)]
        d = (await client.get(f"/api/v1/wishes/{w['id']}", headers=h)).json()
        assert [c["status"] for c in d["past_claims"]] == ["expired"]
    finally:
        clock.set_now(None)


# ---------------------------------------------------------------------------- fulfilment and feedback


GPS = b"GPSLatitude 35.023456 GPSLongitude 109.012345"  # where the phone stood: the resident's door
SCAN = b"\x12\x34image-data\x56"


def _jpeg_with_exif() -> bytes:
    def seg(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body
    return (b"\xff\xd8" + seg(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + seg(0xE1, b"Exif\x00\x00" + GPS) + seg(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x>" + GPS + b"</x>")
            + seg(0xFE, GPS) + seg(0xDB, b"\x00" + b"\x01" * 64) + seg(0xDA, b"\x01\x01\x00\x00\x3f\x00")
            + SCAN + b"\xff\xd9")


def _png_with_exif() -> bytes:
    head, tail = PNG[:33], PNG[33:]  # signature + IHDR, then IDAT + IEND
    return head + png_chunk(b"eXIf", b"MM\x00*" + GPS) + png_chunk(b"tEXt", b"Comment\x00" + GPS) + tail


def _webp_with_exif() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return kind + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) % 2 else b"")
    body = (chunk(b"VP8X", bytes([0x0C]) + b"\x00" * 9) + chunk(b"VP8L", b"\x2f" + SCAN)
            + chunk(b"EXIF", b"MM\x00*" + GPS) + chunk(b"XMP ", b"<x>" + GPS + b"</x>"))
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


@pytest.mark.parametrize("make, media", [(_jpeg_with_exif, "image/jpeg"), (_png_with_exif, "image/png"),
                                         (_webp_with_exif, "image/webp")])
async def test_a_fulfilment_photo_is_kept_without_its_place(kit, client, make, media):
    """A phone writes where it stood into the photo (EXIF GPS, XMP, text chunks): whoever may
    see the wish fetched the photo and read the resident's exact position from it, the one
    thing positions are rounded to hide. The photo is kept without those blocks, the image
    itself as it came; a file whose blocks cannot be walked is refused."""
    w = await kit.wish_in("claimed")
    data = make()
    assert GPS in data
    r = await client.post(f"/api/v1/wishes/{w['id']}/fulfil", headers=await kit.h("volunteer"),
                          json={"note": "送到了", "photo": base64.b64encode(data).decode()})
    assert r.status_code == 200, r.text
    photo = await client.get(f"/api/v1/wishes/{w['id']}/photo", headers=await kit.h("resident"))
    assert photo.status_code == 200 and photo.headers["content-type"] == media
    kept = photo.content
    assert GPS not in kept and b"35.023" not in kept
    assert kept[:4] == data[:4] and (SCAN in kept or b"IDAT" in kept)
    if media == "image/webp":  # the container still adds up, and no longer promises EXIF or XMP
        assert struct.unpack("<I", kept[4:8])[0] == len(kept) - 8 and kept[20] & 0x0C == 0
    w2 = await kit.wish_in("claimed")
    broken = data[:len(data) // 2 - 3]
    r = await client.post(f"/api/v1/wishes/{w2['id']}/fulfil", headers=await kit.h("volunteer"),
                          json={"note": "送到了", "photo": base64.b64encode(broken).decode()})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_photo", r.text


async def test_fulfil_with_photo_confirm_and_rate(kit, client):
    w = await kit.wish_in("claimed")
    h = await kit.h("volunteer")
    r = await client.post(f"/api/v1/wishes/{w['id']}/fulfil", headers=h, json={"note": ""})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_note"
    r = await client.post(f"/api/v1/wishes/{w['id']}/fulfil", headers=h,
                          json={"note": "送到了", "fulfilled_on": day(-3)})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_fulfilment_date"
    r = await client.post(f"/api/v1/wishes/{w['id']}/fulfil", headers=h,
                          json={"note": "送到了", "photo": base64.b64encode(b"GIF89a....").decode()})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_photo"
    r = await client.post(f"/api/v1/wishes/{w['id']}/fulfil", headers=h,
                          json={"note": "送到了", "photo": "data:image/png;base64," + base64.b64encode(PNG).decode()})
    assert r.status_code == 200 and r.json()["claim"]["has_photo"]
    photo = await client.get(f"/api/v1/wishes/{w['id']}/photo", headers=await kit.h("resident"))
    assert photo.status_code == 200 and photo.content == PNG and photo.headers["content-type"] == "image/png"
    assert (await client.get(f"/api/v1/wishes/{w['id']}/photo", headers=await kit.h("worker2"))).status_code == 403
    r = await client.post(f"/api/v1/wishes/{w['id']}/confirm", headers=await kit.h("resident"), json={"stars": 7})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_rating"
    out = await kit.do(w["id"], "confirm", "resident", stars=4, comment="很及时")
    assert out["status"] == "confirmed" and out["final"]
    d = (await client.get(f"/api/v1/wishes/{w['id']}", headers=await kit.h("resident"))).json()
    assert d["rating"]["stars"] == 4 and d["rating"]["comment"] == "很及时"
    r = await client.post(f"/api/v1/wishes/{w['id']}/rating", headers=await kit.h("resident"), json={"stars": 5})
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_rated"


async def test_rate_after_confirming(kit, client):
    w = await kit.wish_in("fulfilled")
    await kit.do(w["id"], "confirm", "resident")
    r = await client.post(f"/api/v1/wishes/{w['id']}/rating", headers=await kit.h("volunteer"), json={"stars": 5})
    assert r.status_code == 403
    r = await client.post(f"/api/v1/wishes/{w['id']}/rating", headers=await kit.h("resident"), json={"stars": 5})
    assert r.status_code == 201
    w2 = await kit.wish_in("fulfilled")
    r = await client.post(f"/api/v1/wishes/{w2['id']}/rating", headers=await kit.h("resident"), json={"stars": 5})
    assert r.status_code == 409


async def test_staff_act_for_residents(kit, client):
    """代办: grid staff withdraw, confirm and reopen for residents; recorded as such."""
    w = await kit.wish_in("published")
    await kit.do(w["id"], "withdraw", "worker", reason="居民电话告知不需要了")
    ev = await WishEvent.filter(wish_id=w["id"]).order_by("-id").first()
    assert ev.on_behalf and ev.actor_kind == "grid_staff" and ev.reason == "居民电话告知不需要了"
    w = await kit.wish_in("fulfilled")
    await kit.do(w["id"], "confirm", "worker", stars=5)
    ev = await WishEvent.filter(wish_id=w["id"], action="confirm").first()
    assert ev.on_behalf
    w = await kit.wish_in("fulfilled")
    await kit.do(w["id"], "reopen", "worker", reason="居民说没有收到")
    assert (await WishEvent.filter(wish_id=w["id"], action="reopen").first()).on_behalf


async def test_merge_rules(kit, client, people):
    w = await kit.wish_in("submitted")
    r = await client.post(f"/api/v1/wishes/{w['id']}/merge", headers=await kit.h("worker"), json={})
    assert r.status_code == 422 and r.json()["error"]["code"] == "required"
    r = await client.post(f"/api/v1/wishes/{w['id']}/merge", headers=await kit.h("worker"), json={"into": w["id"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_merge"
    elsewhere = await kit.post(lon=109.25, lat=35.05)
    r = await client.post(f"/api/v1/wishes/{w['id']}/merge", headers=await kit.h("worker"),
                          json={"into": elsewhere["id"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "merge_elsewhere"
    gone = await kit.wish_in("withdrawn")
    r = await client.post(f"/api/v1/wishes/{w['id']}/merge", headers=await kit.h("worker"), json={"into": gone["id"]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "bad_transition"
    keep = await kit.wish_in("published")
    out = await kit.do(w["id"], "merge", "worker", into=keep["id"])
    assert out["status"] == "merged" and out["merged_into"] == keep["id"]


async def test_resubmit_with_edits_is_checked_again(kit, client):
    w = await kit.wish_in("returned")
    r = await client.post(f"/api/v1/wishes/{w['id']}/resubmit", headers=await kit.h("resident"),
                          json={"value_yuan": 900})
    assert r.status_code == 422 and r.json()["error"]["code"] == "value_over_cap"
    out = await kit.do(w["id"], "resubmit", "resident", title="买一台小太阳电暖器", value_yuan=150)
    assert out["status"] == "submitted" and out["title"] == "买一台小太阳电暖器" and out["value_yuan"] == 150


# ---------------------------------------------------------------------------- listings


async def test_listings_and_filters(kit, client, people):
    await kit.org("川口爱心社")
    a = await kit.wish_in("submitted")
    b = await kit.wish_in("published")
    c = await kit.wish_in("claimed", claimer="orgmember")
    h = await kit.h("worker")
    all_ = (await client.get("/api/v1/wishes", headers=h)).json()
    assert all_["total"] == 3 and [w["id"] for w in all_["wishes"]] == [c["id"], b["id"], a["id"]]
    pub = (await client.get("/api/v1/wishes", params={"status": "published,claimed"}, headers=h)).json()
    assert {w["id"] for w in pub["wishes"]} == {b["id"], c["id"]}
    assert (await client.get("/api/v1/wishes", params={"under": people.grid2}, headers=h)).json()["total"] == 0
    r = await client.get("/api/v1/wishes", params={"status": "lost"}, headers=h)
    assert r.status_code == 422
    page = (await client.get("/api/v1/wishes", params={"limit": 1, "offset": 1}, headers=h)).json()
    assert page["total"] == 3 and [w["id"] for w in page["wishes"]] == [b["id"]]
    mine = (await client.get("/api/v1/wishes", params={"view": "mine"}, headers=await kit.h("resident"))).json()
    assert mine["total"] == 3
    claims = (await client.get("/api/v1/wishes", params={"view": "claims"}, headers=await kit.h("orgmember"))).json()
    assert [w["id"] for w in claims["wishes"]] == [c["id"]]
    # an organisation sees published ones of its area and its own claims, not submitted ones
    org_view = (await client.get("/api/v1/wishes", headers=await kit.h("orgmember"))).json()
    assert {w["id"] for w in org_view["wishes"]} == {b["id"], c["id"]}
    stats = (await client.get("/api/v1/wishes/stats", headers=h)).json()
    assert stats["by_status"]["submitted"] == 1 and stats["total"] == 3
    assert (await client.get("/api/v1/wishes")).status_code == 401


async def test_geojson_layer_is_masked(kit, client, people):
    w = await kit.wish_in("published")
    await Wish.filter(id=w["id"]).update(lon=109.012345, lat=35.012345)
    r = await client.get("/api/v1/wishes", params={"format": "geojson", "status": "published",
                                                   "bbox": "109,35,109.1,35.1"}, headers=await kit.h("worker"))
    fc = r.json()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 1
    f = fc["features"][0]
    assert f["geometry"]["coordinates"] == [109.012, 35.012]
    assert "contact" not in f["properties"] and "13812341234" not in r.text
    assert f["properties"]["url"] == f"/wishes/{w['id']}"
    r = await client.get("/api/v1/wishes", params={"format": "geojson", "bbox": "110,35,110.1,35.1"},
                         headers=await kit.h("worker"))
    assert r.json()["features"] == []
    r = await client.get("/api/v1/wishes", params={"format": "geojson", "crs": "gcj02", "bbox": "109,35,109.1,35.1"},
                         headers=await kit.h("worker"))
    lon, lat = r.json()["features"][0]["geometry"]["coordinates"]
    assert lon != 109.012 and abs(lon - 109.012) < 0.01 and abs(lat - 35.012) < 0.01
    from gridsvc.maps import registered_layers

    assert "wishes" in [layer.key for layer in registered_layers(role="worker")]


# ---------------------------------------------------------------------------- matching and allocation


async def test_matches_rank_with_reasons(kit, client, people):
    org = await kit.org("川口爱心社")
    w = await kit.wish_in("published")
    r = await client.get(f"/api/v1/wishes/{w['id']}/matches", headers=await kit.h("worker"))
    assert r.status_code == 200, r.text
    matches = r.json()["matches"]
    kinds = [m["provider"]["kind"] for m in matches]
    assert kinds == ["project", "volunteer"]
    assert matches[0]["provider"]["id"] == org["project"]["id"] and matches[0]["score"] >= matches[1]["score"]
    assert {x["code"] for x in matches[0]["reasons"]} == {"in_area", "category", "capacity", "period", "distance",
                                                          "category_fit", "load", "rating"}
    only = (await client.get(f"/api/v1/wishes/{w['id']}/matches", params={"kind": "volunteer"},
                             headers=await kit.h("worker"))).json()["matches"]
    assert [m["provider"]["kind"] for m in only] == ["volunteer"]
    # a repairs wish: the elderly-care project does not fit
    w2 = await kit.post(category="repairs", title="修理水龙头")
    ms = (await client.get(f"/api/v1/wishes/{w2['id']}/matches", headers=await kit.h("worker"))).json()["matches"]
    assert [m["provider"]["kind"] for m in ms] == ["volunteer"]
    for who, status in (("resident", 403), ("volunteer", 403), ("worker2", 403), ("official", 200)):
        assert (await client.get(f"/api/v1/wishes/{w['id']}/matches", headers=await kit.h(who))).status_code == status


async def test_allocation_plan_edit_accept(kit, client, people):
    org = await kit.org("川口爱心社")  # a project with 5 places
    org2 = await kit.org("川口助老队", n=2, members=())
    ids = [(await kit.wish_in("published"))["id"] for _ in range(7)]
    other = await kit.post(lon=109.25, lat=35.05)  # community 2: not in the plan
    h = await kit.h("head")
    assert (await client.post("/api/v1/allocations", json={"under": people.community})).status_code == 401
    assert (await client.post("/api/v1/allocations", headers=await kit.h("worker2"),
                              json={"under": people.community})).status_code == 403
    assert (await client.post("/api/v1/allocations", headers=await kit.h("resident"),
                              json={"under": people.community})).status_code == 403
    r = await client.post("/api/v1/allocations", headers=h, json={"under": people.community, "name": "春节前"})
    assert r.status_code == 201, r.text
    plan = r.json()
    assert plan["status"] == "draft" and plan["wishes"] == 7
    assert other["id"] not in [i["wish"]["id"] for i in plan["items"]]
    assert plan["assigned"] == 7 and plan["total_score"] >= plan["greedy_score"]
    load = {}
    for i in plan["items"]:
        load[i["project"]["id"]] = load.get(i["project"]["id"], 0) + 1
    assert max(load.values()) <= 5
    # edits: over capacity and ineligible pairs are refused whole
    p1, p2 = org["project"]["id"], org2["project"]["id"]
    r = await client.patch(f"/api/v1/allocations/{plan['id']}", headers=h,
                           json={"items": [{"wish": wid, "project": p1} for wid in ids]})
    assert r.status_code == 422 and r.json()["error"]["details"]["problems"][0]["code"] == "over_capacity"
    r = await client.patch(f"/api/v1/allocations/{plan['id']}", headers=h,
                           json={"items": [{"wish": 999999, "project": p1}]})
    assert r.status_code == 422
    r = await client.patch(f"/api/v1/allocations/{plan['id']}", headers=h,
                           json={"items": [{"wish": ids[0], "project": None}, {"wish": ids[1], "project": p2}]})
    assert r.status_code == 200, r.text
    edited = r.json()
    assert edited["edited"] and edited["assigned"] == 6 and ids[0] in edited["unassigned"]
    # one wish is claimed by someone else meanwhile: accepting skips it and reports why
    await kit.do(ids[2], "claim", "volunteer")
    r = await client.post(f"/api/v1/allocations/{plan['id']}/accept", headers=h)
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "accepted"
    assert len(done["result"]["claimed"]) == 5 and [s["wish"] for s in done["result"]["skipped"]] == [ids[2]]
    w = (await client.get(f"/api/v1/wishes/{ids[1]}", headers=h)).json()
    assert w["status"] == "claimed" and w["claim"]["holder"]["project"]["id"] == p2
    assert w["claim"]["via"] == "allocation"
    assert (await client.post(f"/api/v1/allocations/{plan['id']}/accept", headers=h)).status_code == 409
    assert (await client.patch(f"/api/v1/allocations/{plan['id']}", headers=h, json={"items": []})).status_code == 409
    listed = (await client.get("/api/v1/allocations", headers=h)).json()["plans"]
    assert [p["id"] for p in listed] == [plan["id"]]
    assert listed[0]["area_name"] == "川口社区" and listed[0]["created_by"] == "head"
    assert (await client.get("/api/v1/allocations", headers=await kit.h("head2"))).json()["plans"] == []
    assert (await client.get(f"/api/v1/allocations/{plan['id']}", headers=await kit.h("head2"))).status_code == 403
    r = await client.post("/api/v1/allocations", headers=h, json={"under": people.grid2})
    assert r.status_code == 422 and r.json()["error"]["code"] == "no_wishes"


async def test_discard_plan(kit, client, people):
    await kit.org("川口爱心社")
    await kit.wish_in("published")
    h = await kit.h("worker")
    plan = (await client.post("/api/v1/allocations", headers=h, json={"under": people.grid})).json()
    r = await client.post(f"/api/v1/allocations/{plan['id']}/discard", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "discarded"
    assert (await client.post(f"/api/v1/allocations/{plan['id']}/accept", headers=h)).status_code == 409
    assert (await Wish.filter(status="claimed").count()) == 0


async def test_expire_claims_command(kit, client, database):
    import asyncio

    w = await kit.wish_in("claimed")
    await Claim.filter(wish_id=w["id"]).update(deadline=datetime.now(timezone.utc) - timedelta(minutes=5))

    def cli(*args):
        # a real process: this test holds its own connection to the database meanwhile
        return gridsvc_process("expire-claims", "--db", database, *args, timeout=120)

    r = await asyncio.to_thread(cli, "--at", "yesterday")
    assert r.returncode == 2 and "--at" in r.stderr
    r = await asyncio.to_thread(cli)
    assert r.returncode == 0, r.stderr
    assert "expired claims: 1" in r.stdout
    assert (await Wish.get(id=w["id"])).status == "published"
    r = await asyncio.to_thread(cli)
    assert "expired claims: 0" in r.stdout


async def test_a_wish_with_several_problems_names_them_all_at_once(client, people):
    h = await Kit(client, people).h("resident")
    r = await client.post("/api/v1/wishes", headers=h,
                          json=wish_body(title="x", value_yuan=800, wish_by="2000-01-01", category=None))
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "required" and err["details"]["field"] == "category"
    assert [(p["field"], p["code"]) for p in err["details"]["problems"]] == [
        ("category", "required"), ("title", "bad_title"), ("value_yuan", "value_over_cap"),
        ("wish_by", "wish_by_past")]
    assert (await client.get("/api/v1/wishes", headers=h)).json()["wishes"] == []
