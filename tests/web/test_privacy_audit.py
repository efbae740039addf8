"""The audit log is no side door to residents' data: `before`/`after` of an entry about a
resident are masked per viewer at read time (the log keeps the truth), in full only for the
staff of the resident's area, and that full view is audited in turn; actors' IP addresses are
shown to the admin only."""

from __future__ import annotations

from gridsvc.store.accounts.models import User
from gridsvc.store.accounts.users import create_user, principal_for
from gridsvc.store.audit.models import AuditLog
from tests.conftest import PASSWORD

NAME, PHONE, ADDRESS = "欧阳娜娜", "13787654321", "川口社区1号楼3单元502"


async def _new_resident(people) -> User:
    head = await principal_for(await User.get(username="head"), ip="10.1.2.3")
    return await create_user("ouyang", role="resident", password=PASSWORD, areas=[people.building],
                             display_name=NAME, phone=PHONE, address=ADDRESS, actor=head)


async def _entry(client, who: str, user_id: int) -> dict:
    r = await client.get("/api/v1/audit", params={"target_type": "user", "target_id": str(user_id),
                                                  "action": "user.create"}, headers=await client.token_for(who))
    assert r.status_code == 200, r.text
    (entry,) = r.json()["entries"]
    return entry


async def test_resident_card_in_audit_is_masked_for_admin_and_officials(client, people):
    user = await _new_resident(people)
    for who in ("admin", "official"):
        entry = await _entry(client, who, user.id)
        after = entry["after"]
        assert (after["name"], after["phone"], after["address"]) == ("欧***", "137****4321", "川口社区****"), who
        assert NAME not in str(entry) and PHONE not in str(entry) and ADDRESS not in str(entry), who
    # the log itself keeps the truth
    row = await AuditLog.get(action="user.create", target_id=str(user.id))
    assert row.after["phone"] == PHONE and row.after["name"] == NAME


async def test_grid_staff_see_it_in_full_and_that_view_is_audited(client, people):
    user = await _new_resident(people)
    before = await AuditLog.filter(action="pii.view").count()
    entry = await _entry(client, "head", user.id)
    assert (entry["after"]["name"], entry["after"]["phone"], entry["after"]["address"]) == (NAME, PHONE, ADDRESS)
    views = await AuditLog.filter(action="pii.view").order_by("id")
    assert len(views) == before + 1
    assert views[-1].target_type == "user" and views[-1].target_id == str(user.id)
    assert views[-1].after["via"] == "audit" and views[-1].actor_name == "head"


async def test_staff_cards_stay_as_they_are(client, people):
    r = await client.get("/api/v1/audit", params={"target_type": "user", "action": "user.create"},
                         headers=await client.token_for("admin"))
    worker = next(e for e in r.json()["entries"] if e["after"]["username"] == "worker")
    assert worker["after"]["phone"] == "13900000003" and worker["after"]["name"] == "张网格"


async def test_ip_addresses_for_the_admin_only(client, people):
    user = await _new_resident(people)
    assert (await _entry(client, "admin", user.id))["ip"] == "10.1.2.3"
    for who in ("official", "head"):
        assert (await _entry(client, who, user.id))["ip"] is None, who
