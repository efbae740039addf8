"""The inbox: each party hears of the events that concern them (submitted, published, returned,
claimed, expired, fulfilled, confirmed, reopened), counts what is unread and marks it read."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from gridsvc.store.accounts.models import User
from gridsvc.store.wishes.models import Claim, Notification
from tests.wishkit import Kit, publish


@pytest.fixture
async def kit(client, people):
    return Kit(client, people)


async def kinds(client, kit, who) -> list[str]:
    r = await client.get("/api/v1/inbox", headers=await kit.h(who))
    assert r.status_code == 200
    return [n["kind"] for n in reversed(r.json()["items"])]


async def test_a_wish_life_told_to_each_party(kit, client, people):
    await kit.org("川口爱心社")
    w = await kit.wish_in("confirmed", claimer="orgmember")
    assert await kinds(client, kit, "resident") == ["published", "claimed", "fulfilled"]
    assert await kinds(client, kit, "worker") == ["submitted", "claimed", "fulfilled", "confirmed"]
    assert await kinds(client, kit, "orgmember") == ["confirmed", "rated"]
    # the staff of another grid hear nothing
    assert await kinds(client, kit, "worker2") == []
    n = (await client.get("/api/v1/inbox", headers=await kit.h("resident"))).json()["items"][0]
    assert n["link"] == f"/wishes/{w['id']}" and n["wish_id"] == w["id"] and "给独居老人" in n["title"]
    assert "(" not in n["body"] and "(" not in n["title"]  # one language, not Chinese then English
    en = (await client.get("/api/v1/inbox?lang=en", headers=await kit.h("resident"))).json()["items"][0]
    assert en["title"].endswith("“给独居老人买一台电暖器”") and not en["title"].startswith(n["title"][:4])


async def test_returned_and_reopened(kit, client):
    w = await kit.wish_in("returned")
    items = (await client.get("/api/v1/inbox", headers=await kit.h("resident"))).json()["items"]
    assert items[0]["kind"] == "returned" and "请补充具体型号" in items[0]["body"]
    w = await kit.wish_in("fulfilled")
    await kit.do(w["id"], "reopen", "resident", reason="东西没有收到")
    assert (await kinds(client, kit, "worker"))[-1] == "reopened"  # reopen tells the grid's staff
    assert (await kinds(client, kit, "volunteer"))[-1] == "reopened"  # and the claimer


async def test_expiry_is_told(kit, client):
    w = await kit.wish_in("claimed")
    await Claim.filter(wish_id=w["id"]).update(deadline=datetime.now(timezone.utc) - timedelta(seconds=1))
    await client.get("/api/v1/wishes", headers=await kit.h("resident"))  # any read of wishes runs expiry
    for who in ("resident", "worker", "volunteer"):
        assert (await kinds(client, kit, who))[-1] == "expired", who


async def test_unread_count_and_marking(kit, client):
    await kit.wish_in("published")
    h = await kit.h("resident")
    assert (await client.get("/api/v1/inbox/unread", headers=h)).json() == {"unread": 1}
    await kit.wish_in("returned")
    inbox = (await client.get("/api/v1/inbox", headers=h)).json()
    assert inbox["unread"] == 2 and inbox["total"] == 2
    first = inbox["items"][0]
    r = await client.post(f"/api/v1/inbox/{first['id']}/read", headers=h)
    assert r.status_code == 200 and r.json()["read"] is True and r.json()["unread"] == 1
    assert (await client.post(f"/api/v1/inbox/{first['id']}/read", headers=h)).json()["unread"] == 1  # idempotent
    unread = (await client.get("/api/v1/inbox", params={"unread": "1"}, headers=h)).json()
    assert [n["id"] for n in unread["items"]] == [inbox["items"][1]["id"]]
    r = await client.post("/api/v1/inbox/read-all", headers=h)
    assert r.json() == {"marked": 1, "unread": 0}


async def test_inbox_is_private(kit, client):
    await kit.wish_in("published")
    mine = await Notification.filter(user__username="resident").first()
    r = await client.post(f"/api/v1/inbox/{mine.id}/read", headers=await kit.h("worker"))
    assert r.status_code == 404
    assert (await client.get("/api/v1/inbox")).status_code == 401
    assert (await client.get("/api/v1/inbox/unread")).status_code == 401
    assert (await client.post("/api/v1/inbox/read-all")).status_code == 401
    assert (await client.post("/api/v1/inbox/abc/read", headers=await kit.h("resident"))).status_code == 404


async def test_actor_is_not_told_of_their_own_step(kit, client, people):
    # the worker posting for the resident (代办) is not told of the new wish; the grid's other staff would be
    r = await client.post("/api/v1/wishes", headers=await kit.h("worker"), json={
        "title": "代居民提交", "category": "repairs", "value_yuan": 50,
        "wish_by": (datetime.now().date() + timedelta(days=9)).isoformat(),
        "resident": "resident"})
    assert r.status_code == 201
    assert await kinds(client, kit, "worker") == []


async def test_session_pages_need_csrf_for_marking(kit, client):
    await kit.wish_in("published")
    csrf = await client.login("resident")
    r = await client.post("/api/v1/inbox/read-all")
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    r = await client.post("/api/v1/inbox/read-all", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["marked"] == 1


# ---------------------------------------------------------------------------- one message, worded per reader

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
LATIN = re.compile(r"[A-Za-z]")


def without(text: str, *names: str) -> str:
    """The message's own words: what is left once the names put into it are taken out."""
    for name in names:
        text = text.replace(name, "")
    return text


async def test_a_notification_written_once_reads_in_each_readers_language(kit, client, people):
    await User.filter(username="volunteer").update(display_name="李志愿")
    w = await kit.wish_in("published")
    await kit.do(w["id"], "claim", "volunteer")  # one request writes the news to the resident and the worker
    rows = await Notification.filter(kind="claimed").order_by("user_id")
    assert len(rows) == 2 and {n.message for n in rows} == {"wish.claimed"} and rows[0].title == ""
    assert rows[0].params["wish"] == w["title"] and rows[0].params["by"] == "李志愿"
    names = (w["title"], "李志愿")
    for who in ("resident", "worker"):
        zh = (await client.get("/api/v1/inbox?lang=zh-CN", headers=await kit.h(who))).json()["items"][0]
        en = (await client.get("/api/v1/inbox?lang=en", headers=await kit.h(who))).json()["items"][0]
        assert zh["id"] == en["id"] and zh["kind"] == en["kind"] == "claimed" and zh["link"] == en["link"]
        assert zh["title"] == f"心愿已被认领:「{w['title']}」" and zh["body"].startswith("认领方:李志愿,完成期限 ")
        assert en["title"] == f"The wish was claimed: “{w['title']}”" and en["body"].startswith("By 李志愿, due ")
        assert zh["body"][-16:] == en["body"][-16:]  # the same deadline, 2026-12-07 18:00
        assert not LATIN.search(zh["title"] + zh["body"]), zh  # one language each
        assert not CJK.search(without(en["title"] + en["body"], *names)), en
    # marking one read answers in the caller's language too
    first = (await client.get("/api/v1/inbox?lang=zh-CN", headers=await kit.h("resident"))).json()["items"][0]
    r = await client.post(f"/api/v1/inbox/{first['id']}/read?lang=en", headers=await kit.h("resident"))
    assert r.status_code == 200 and r.json()["title"].startswith("The wish was claimed")


async def test_a_reason_someone_typed_is_shown_as_typed_in_either_language(kit, client):
    await kit.wish_in("returned")  # reason 请补充具体型号
    zh = (await client.get("/api/v1/inbox?lang=zh-CN", headers=await kit.h("resident"))).json()["items"][0]
    en = (await client.get("/api/v1/inbox?lang=en", headers=await kit.h("resident"))).json()["items"][0]
    assert zh["body"] == "原因:请补充具体型号" and en["body"] == "Reason: 请补充具体型号"


async def test_a_renamed_wish_keeps_its_name_of_the_time_in_earlier_news(kit, client):
    # the news of a step names the wish as it was at that step: the return speaks of the old title,
    # the resubmission of the new one
    w = await kit.wish_in("returned")
    await kit.do(w["id"], "resubmit", "resident", title="给独居老人买一台暖风机")
    mine = (await client.get("/api/v1/inbox?lang=en", headers=await kit.h("resident"))).json()["items"]
    assert [n["title"] for n in mine] == [f"Your wish was returned; edit and resubmit it: “{w['title']}”"]
    staff = (await client.get("/api/v1/inbox?lang=en", headers=await kit.h("worker"))).json()["items"]
    assert staff[0]["title"] == "A returned wish was resubmitted: “给独居老人买一台暖风机”"
    assert staff[1]["title"] == f"A new wish to screen: “{w['title']}”"


async def test_demand_news_reads_in_each_language(kit, client, people):
    d = await publish(kit, client, people, volunteers_needed=3)
    r = await client.post(f"/api/v1/demands/{d['id']}/signup", headers=await kit.h("volunteer"))
    assert r.status_code in (200, 201), r.text
    zh = (await client.get("/api/v1/inbox?lang=zh-CN", headers=await kit.h("worker"))).json()["items"][0]
    en = (await client.get("/api/v1/inbox?lang=en", headers=await kit.h("worker"))).json()["items"][0]
    assert zh["kind"] == "demand_taken" and zh["title"] == "志愿需求「重阳节敬老院陪伴」:volunteer 认领 1 个名额"
    assert en["title"] == "Volunteer demand “重阳节敬老院陪伴”: volunteer took 1 place(s)" and en["body"] == ""


async def test_the_openapi_schema_names_the_fields_an_inbox_entry_has(kit, client):
    await kit.wish_in("published")
    page = (await client.get("/api/v1/inbox?lang=en", headers=await kit.h("resident"))).json()
    spec = (await client.get("/openapi.json")).json()
    schema = spec["paths"]["/api/v1/inbox"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(schema["properties"]) == set(page)
    assert set(schema["properties"]["items"]["items"]["properties"]) == set(page["items"][0])
