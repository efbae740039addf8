"""Residents' personal data: the masking rule, and who sees a wish's contact in full (the
resident, the grid's staff, the organisation holding the accepted claim), each full view
audited; everyone else, every listing and the map layer see it masked."""

from __future__ import annotations

import pytest

from gridsvc.domain.privacy import (
    Contact,
    FullViewReason,
    contact_view,
    full_view_reason,
    mask_address,
    mask_name,
    mask_phone,
    mask_position,
)
from gridsvc.store.accounts.models import User
from gridsvc.store.audit.models import AuditLog
from tests.wishkit import Kit

# ---------------------------------------------------------------------------- the rule


@pytest.mark.parametrize("name, masked", [
    ("张三", "张*"), ("李小龙", "李**"), ("欧阳娜娜", "欧***"), ("Alice", "A****"), ("王", "*"), ("", ""), (None, ""),
    ("  张   三 ", "张**"),
])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("phone, masked", [
    ("13812341234", "138****1234"), ("138-1234-1234", "138****1234"), ("+8613812341234", "+86****1234"),
    ("09192345678", "091****5678"), ("2345678", "23****78"), ("12345", "*****"), ("", ""), (None, ""),
])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize("address, masked", [
    ("川口社区1号楼3单元502", "川口社区****"),
    ("王益区七一路街道川口社区阳光花园小区5号楼", "王益区七一路街道川口社区****"),
    ("12号院", "****"), ("", ""), ("阳光花园", "阳光花园****"),
])
def test_mask_address(address, masked):
    assert mask_address(address) == masked


def test_mask_position_and_views():
    assert mask_position(109.0123456, 35.0198765) == (109.012, 35.02)
    assert mask_position(None, 1.0) == (None, None)
    c = Contact("张三", "13812341234", "川口社区1号楼502")
    assert contact_view(c, None) == {"name": "张*", "phone": "138****1234", "address": "川口社区****", "masked": True,
                                     "reason": None}
    full = contact_view(c, FullViewReason.CLAIMER)
    assert full["phone"] == "13812341234" and full["masked"] is False and full["reason"] == "claimer"
    assert FullViewReason.GRID_STAFF.zh == "本网格工作人员"


def test_full_view_reason_order():
    assert full_view_reason(is_owner=True, is_grid_staff=True, is_claimer=True) is FullViewReason.OWNER
    assert full_view_reason(is_owner=False, is_grid_staff=True, is_claimer=True) is FullViewReason.GRID_STAFF
    assert full_view_reason(is_owner=False, is_grid_staff=False, is_claimer=True) is FullViewReason.CLAIMER
    assert full_view_reason(is_owner=False, is_grid_staff=False, is_claimer=False) is None


# ---------------------------------------------------------------------------- each role, through the API

FULL = {"name": "邓祥", "phone": "13812341234", "address": "川口社区1号楼3单元502"}
MASKED = {"name": "邓*", "phone": "138****1234", "address": "川口社区****"}


@pytest.fixture
async def kit(client, people):
    await User.filter(username="resident").update(display_name="邓祥", address="川口社区1号楼3单元502")
    k = Kit(client, people)
    await k.org("川口爱心社")
    await k.org("川口二社", n=2, members=())
    return k


async def _contact(client, kit, wish_id, who):
    r = await client.get(f"/api/v1/wishes/{wish_id}", headers=await kit.h(who))
    return r.status_code, (r.json().get("contact") if r.status_code == 200 else None), r


def _shown(contact):
    return {k: contact[k] for k in ("name", "phone", "address")}


@pytest.mark.parametrize("who, expect, reason", [
    ("resident", "full", "owner"),
    ("worker", "full", "grid_staff"),  # the grid's worker
    ("head", "full", "grid_staff"),  # staff of the community hold the grid in their scope
    ("instructor", "full", "grid_staff"),
    ("admin", "masked", None),  # the platform admin runs the system, not the grid
    ("official", "masked", None),  # officials read, but resident.pii is the grid's staff's
    ("orgmember", "masked", None),  # an organisation of the area, before any claim
    ("volunteer", "masked", None),
    ("worker2", 403, None),  # staff of another grid
    ("head2", 403, None),
    ("official2", 403, None),
])
async def test_published_wish_by_role(kit, client, who, expect, reason):
    w = await kit.wish_in("published")
    before = await AuditLog.filter(action="pii.view").count()
    status, contact, r = await _contact(client, kit, w["id"], who)
    if expect == 403:
        assert status == 403 and "13812341234" not in r.text
        return
    assert status == 200
    if expect == "full":
        assert _shown(contact) == FULL and contact["reason"] == reason and r.json()["location"]["exact"] is True
        entry = await AuditLog.filter(action="pii.view").order_by("-id").first()
        assert await AuditLog.filter(action="pii.view").count() == before + 1
        assert (entry.actor_name, entry.target_type, entry.target_id, entry.area_code) == (
            who, "wish", str(w["id"]), kit.t.grid)
        assert entry.after["reason"] == reason
    else:
        assert _shown(contact) == MASKED and contact["masked"] is True
        assert "13812341234" not in r.text and "3单元502" not in r.text and r.json()["building"] is None
        assert await AuditLog.filter(action="pii.view").count() == before


async def test_claimer_sees_in_full_while_the_claim_runs(kit, client):
    w = await kit.wish_in("claimed", claimer="orgmember")
    status, contact, _ = await _contact(client, kit, w["id"], "orgmember")
    assert status == 200 and _shown(contact) == FULL and contact["reason"] == "claimer"
    entry = await AuditLog.filter(action="pii.view").order_by("-id").first()
    assert entry.actor_name == "orgmember" and entry.after["reason"] == "claimer"
    # a volunteer who did not win sees it no more (a claimed wish is not on the public wall)
    status, _, _ = await _contact(client, kit, w["id"], "volunteer")
    assert status == 403
    # after fulfilment the claimer still needs it until the resident confirms
    await kit.do(w["id"], "fulfil", "orgmember", note="送到了")
    assert _shown((await _contact(client, kit, w["id"], "orgmember"))[1]) == FULL
    await kit.do(w["id"], "confirm", "resident")
    status, contact, _ = await _contact(client, kit, w["id"], "orgmember")
    assert status == 200 and _shown(contact) == MASKED


async def test_volunteer_claimer_sees_in_full(kit, client):
    w = await kit.wish_in("claimed", claimer="volunteer")
    _, contact, _ = await _contact(client, kit, w["id"], "volunteer")
    assert _shown(contact) == FULL and contact["reason"] == "claimer"


async def test_after_the_claim_ends_the_claimer_sees_masked(kit, client):
    w = await kit.wish_in("claimed", claimer="volunteer")
    await kit.do(w["id"], "release", "volunteer")
    status, contact, _ = await _contact(client, kit, w["id"], "volunteer")
    assert status == 200 and _shown(contact) == MASKED


async def test_listings_and_map_are_always_masked(kit, client):
    w = await kit.wish_in("claimed", claimer="orgmember")
    before = await AuditLog.filter(action="pii.view").count()
    for who in ("worker", "resident", "orgmember", "admin", "official"):
        r = await client.get("/api/v1/wishes", headers=await kit.h(who))
        assert r.status_code == 200 and r.json()["total"] >= 1, who
        assert "13812341234" not in r.text and "邓祥" not in r.text, who
        card = next(x for x in r.json()["wishes"] if x["id"] == w["id"])
        assert _shown(card["contact"]) == MASKED
        r = await client.get("/api/v1/wishes", params={"format": "geojson"}, headers=await kit.h(who))
        assert "13812341234" not in r.text and "邓" not in r.text
    assert await AuditLog.filter(action="pii.view").count() == before


async def test_a_map_box_finds_no_more_than_the_rounded_position(kit, client):
    """The map layer's ``bbox`` selected by the exact position while the points it returns are
    rounded to ~100 m: a volunteer shrinking the box around a published wish found its door to
    a metre. The box now selects by the rounded position, so two boxes holding the same points
    of the 0.001° grid answer alike, however small."""
    w = await kit.post(lon=109.012345, lat=35.023456)
    await kit.do(w["id"], "publish", "worker")
    h = await kit.h("volunteer")

    async def found(box: str, **params) -> bool:
        r = await client.get("/api/v1/wishes", params={"bbox": box, **params}, headers=h)
        assert r.status_code == 200, r.text
        key = "features" if params.get("format") == "geojson" else "wishes"
        return any((x.get("id") or x.get("properties", {}).get("id")) == w["id"] for x in r.json()[key])

    assert await found("109.0,35.0,109.1,35.1")  # the viewport around it
    # boxes around the exact point that hold no grid point: the wish was in each, now in none
    for box in ("109.01234,35.02345,109.01235,35.02346", "109.0121,35.0231,109.0129,35.0239",
                "109.012345,35.023456,109.012345,35.023456"):
        assert not await found(box), box
        assert not await found(box, format="geojson"), box
    # a box holding the rounded point (109.012, 35.023) finds it, wherever the exact one lies
    assert await found("109.0119,35.0229,109.0121,35.0231")
    assert await found("109.012,35.023,109.012,35.023", format="geojson")


async def test_notifications_do_not_leak_contact(kit, client):
    w = await kit.wish_in("claimed", claimer="orgmember")
    for who in ("orgmember", "worker", "resident"):
        r = await client.get("/api/v1/inbox", headers=await kit.h(who))
        assert "13812341234" not in r.text and "3单元502" not in r.text
    del w


async def test_history_masks_the_resident_for_others(kit, client):
    w = await kit.wish_in("published")
    r = await client.get(f"/api/v1/wishes/{w['id']}", headers=await kit.h("official"))
    assert r.json()["events"][0]["actor"] == "邓*"
    r = await client.get(f"/api/v1/wishes/{w['id']}", headers=await kit.h("worker"))
    assert r.json()["events"][0]["actor"] == "邓祥"


async def test_audit_of_pii_views_is_readable_by_the_area(kit, client):
    w = await kit.wish_in("published")
    await _contact(client, kit, w["id"], "worker")
    r = await client.get("/api/v1/audit", params={"action": "pii.view"}, headers=await kit.h("head"))
    entries = r.json()["entries"]
    assert entries and entries[0]["target_id"] == str(w["id"]) and entries[0]["actor"] == "worker"
