"""Migration wishes 0006_notice_messages reads the notifications a database already holds, worded
in Chinese with the English beside them (since 0005) or in brackets (before), back into a message
and its words, so they read in each reader's language like new ones; a row it cannot read
exactly keeps reading as stored. On SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
import re
from types import SimpleNamespace

from tortoise import connections

from gridsvc.domain.notices import NOTICES, render
from gridsvc.store.accounts.models import User
from gridsvc.store.wishes.models import Notification
from tests.wishkit import Kit

upgrade = importlib.import_module("gridsvc.store.migrations.wishes.0006_notice_messages")

# names as awkward as people type them: brackets, colons, quotes, the separators of the messages
SAMPLE = {"wish": "给奶奶买「电暖器」(急)", "demand": "重阳节:敬老院陪伴", "by": "川口爱心社,二队", "n": "2",
          "into": "17", "due": "2026-12-07 18:00", "reason": "型号不对 (要 2000W)", "note": "已送到:谢谢",
          "day": "2026-11-20", "stars": "5", "hours": "2.5"}


def stored(template: str, params: dict) -> str:
    return template.format(**params)


def old_rows():
    """(message, kind, title, body, words, the Chinese it read as) of every message as the code
    wrote it, both before and after the English was kept beside the Chinese."""
    for message, kind, zh, en, detail_zh, detail_en in upgrade.WISH_WORDS:
        title = stored(f"{zh}:「{{wish}}」", SAMPLE)
        detail, detail_e = stored(detail_zh, SAMPLE), stored(detail_en, SAMPLE)
        en_title = stored(f"{en[:1].upper()}{en[1:]}: “{{wish}}”", SAMPLE)
        yield message, kind, title, detail, {"en": [en_title, detail_e or detail]}, detail
        e = stored(en, SAMPLE)
        bracket = f"({e}{': ' + detail_e if detail_e else ''})"
        yield message, kind, title, " ".join(x for x in (detail, bracket) if x), None, detail
    for message, kind, zh, en, before in upgrade.DEMAND_WORDS:
        title = stored(zh, SAMPLE)
        yield message, kind, title, "", {"en": [stored(en, SAMPLE), ""]}, ""
        yield message, kind, title, stored(before, SAMPLE), None, ""


def test_every_message_the_code_wrote_is_read_back_and_reads_the_same_in_chinese():
    seen = set()
    for message, kind, title, body, words, zh_body in old_rows():
        found = upgrade.convert(kind, title, body, words)
        assert found is not None and found[0] == message, (title, body)
        assert NOTICES[message].kind == kind
        assert render(*found, lambda s: s) == (title, zh_body), message
        seen.add(message)
    assert seen == set(NOTICES)  # every message of today had a wording before


def test_a_row_not_exactly_as_written_is_left_as_stored():
    title = "您的心愿已审核发布:「给奶奶买电暖器」"
    words = {"en": ["Your wish is published: “给奶奶买电暖器”", ""]}
    assert upgrade.convert("published", title, "", words) == ("wish.published", {"wish": "给奶奶买电暖器"})
    assert upgrade.convert("published", "您的心愿已发布:「给奶奶买电暖器」", "", words) is None  # other wording
    assert upgrade.convert("published", title, "", {"en": ["Published: “给奶奶买电暖器”", ""]}) is None
    assert upgrade.convert("published", title[:12], "", None) is None  # a title cut at 200 characters
    assert upgrade.convert("returned", title, "", words) is None  # another kind's words


async def test_the_upgrade_converts_old_rows_and_they_read_in_each_language(client, people):
    kit = Kit(client, people)
    me = await User.get(username="resident")
    rows = list(old_rows())
    for _message, kind, title, body, words, _ in rows:
        await Notification.create(user_id=me.id, kind=kind, title=title, body=body, words=words, link="/wishes/1")
    odd = await Notification.create(user_id=me.id, kind="published", title="您的心愿已发布:「旧的说法」", body="",
                                    words={"en": ["Published: “旧的说法”", ""]})
    assert not await Notification.exclude(message="").exists()

    await upgrade.convert_rows(None, SimpleNamespace(client=connections.get("default")))

    converted = await Notification.exclude(id=odd.id).order_by("id")
    assert [n.message for n in converted] == [r[0] for r in rows]
    assert converted[0].params == {"wish": SAMPLE["wish"]}
    assert (await Notification.get(id=odd.id)).message == ""
    h = await kit.h("resident")
    zh = (await client.get("/api/v1/inbox?limit=100&lang=zh-CN", headers=h)).json()["items"]
    en = (await client.get("/api/v1/inbox?limit=100&lang=en", headers=h)).json()["items"]
    assert len(zh) == len(en) == len(rows) + 1
    assert zh[0]["title"] == "您的心愿已发布:「旧的说法」" and en[0]["title"] == "Published: “旧的说法”"  # as stored
    assert [n["title"] for n in reversed(zh[1:])] == [r[2] for r in rows]  # the Chinese as it read before
    cjk = re.compile(r"[\u4e00-\u9fff\u300c\u300d\uff1a\uff0c]")  # Chinese, 「」 and the full-width ：，
    for n in en[1:]:  # the English of today's catalog, the names and typed words as they were
        words = n["title"] + n["body"]
        for name in sorted(SAMPLE.values(), key=len, reverse=True):
            words = words.replace(name, "")
        assert not cjk.search(words), n
    returned = next(n for n in en if n["kind"] == "returned")
    assert returned["body"] == f"Reason: {SAMPLE['reason']}"
