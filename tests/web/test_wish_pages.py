"""The micro-wish pages as people use them on a phone: a resident posts (CSRF form), staff
screen, an organisation member claims and fulfils with a photo, the resident confirms and rates,
the inbox counts and marks; user text is escaped and contact data masked as in the API."""

from __future__ import annotations

import re

import pytest

from gridsvc.store.accounts.models import User
from gridsvc.store.wishes.models import Wish
from tests.wishkit import PNG, Kit, wish_by

HTML = {"accept": "text/html"}


@pytest.fixture
async def kit(client, people):
    await User.filter(username="resident").update(display_name="邓祥")
    k = Kit(client, people)
    await k.org("川口爱心社")
    return k


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


async def test_anonymous_is_sent_to_login(client, people):
    for path in ("/wishes", "/wishes/new", "/inbox", "/wishes/1"):
        r = await client.get(path, headers=HTML)
        assert r.status_code == 303 and r.headers["location"] == f"/login?next={path}"


async def test_the_whole_life_through_pages(kit, client, people):
    evil = "<script>alert(1)</script>电暖器"
    # the resident posts with the form
    await client.login("resident")
    page = await client.get("/wishes/new", headers=HTML)
    assert page.status_code == 200 and "提交微心愿" in page.text and people.building in page.text
    form = {"title": evil, "category": "elderly_care", "beneficiary": "elderly", "value_yuan": "120",
            "wish_by": wish_by(), "building": people.building}
    r = await client.post("/wishes/new", data=form, headers=HTML)
    assert r.status_code == 403  # no CSRF token
    r = await client.post("/wishes/new", data={**form, "value_yuan": "800", "csrf_token": csrf_of(page.text)},
                          headers=HTML)
    assert r.status_code == 422 and "500" in r.text and "&lt;script&gt;" in r.text and evil not in r.text
    r = await client.post("/wishes/new", data={**form, "csrf_token": csrf_of(page.text)}, headers=HTML)
    assert r.status_code == 303
    wid = int(r.headers["location"].split("/")[2].split("?")[0])
    page = await client.get(r.headers["location"], headers=HTML)
    assert page.status_code == 200 and "待审核" in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)</script>" not in page.text and "13812341234" in page.text  # the resident's own
    mine = await client.get("/wishes", headers=HTML)
    assert "我的心愿" in mine.text and f"/wishes/{wid}" in mine.text
    client.cookies.clear()

    # the grid's worker screens it
    await client.login("worker")
    queue = await client.get("/wishes", headers=HTML)
    assert "心愿审核" in queue.text and f"/wishes/{wid}" in queue.text and "138****1234" in queue.text
    page = await client.get(f"/wishes/{wid}", headers=HTML)
    assert "13812341234" in page.text and "审核发布" in page.text
    r = await client.post(f"/wishes/{wid}/act", data={"action": "publish", "csrf_token": csrf_of(page.text)},
                          headers=HTML)
    assert r.status_code == 303 and (await Wish.get(id=wid)).status == "published"
    client.cookies.clear()

    # an organisation member of the area sees it masked, claims and fulfils it with a photo
    await client.login("orgmember")
    wall = await client.get("/wishes", headers=HTML)
    assert f"/wishes/{wid}" in wall.text and "可认领" in wall.text
    page = await client.get(f"/wishes/{wid}", headers=HTML)
    assert "邓*" in page.text and "138****1234" in page.text and "13812341234" not in page.text
    r = await client.post(f"/wishes/{wid}/act", data={"action": "claim", "csrf_token": csrf_of(page.text)},
                          headers=HTML)
    assert r.status_code == 303
    page = await client.get(f"/wishes/{wid}", headers=HTML)
    assert "13812341234" in page.text and "完整联系信息" in page.text  # the claimer needs it; the view is audited
    r = await client.post(f"/wishes/{wid}/act", data={"action": "fulfil", "note": "", "csrf_token": csrf_of(page.text)},
                          headers=HTML)
    assert r.status_code == 422 and "完成情况" in r.text
    r = await client.post(f"/wishes/{wid}/act",
                          data={"action": "fulfil", "note": "已送到", "csrf_token": csrf_of(page.text)},
                          files={"photo": ("p.png", PNG, "image/png")}, headers=HTML)
    assert r.status_code == 303, r.text
    client.cookies.clear()

    # the resident confirms and rates, and reads the inbox
    await client.login("resident")
    inbox = await client.get("/inbox", headers=HTML)
    assert inbox.status_code == 200 and "请确认并评价" in inbox.text and '<span class="count">' in inbox.text
    page = await client.get(f"/wishes/{wid}", headers=HTML)
    assert f"/api/v1/wishes/{wid}/photo" in page.text
    r = await client.post(f"/wishes/{wid}/act", data={"action": "confirm", "stars": "4", "comment": "谢谢<b>你们</b>",
                                                      "csrf_token": csrf_of(page.text)}, headers=HTML)
    assert r.status_code == 303
    page = await client.get(f"/wishes/{wid}", headers=HTML)
    assert "★★★★☆" in page.text and "谢谢&lt;b&gt;你们&lt;/b&gt;" in page.text and "已确认" in page.text
    r = await client.post("/inbox/read", data={"csrf_token": csrf_of(page.text)}, headers=HTML)
    assert r.status_code == 303
    inbox = await client.get("/inbox", headers=HTML)
    assert "未读 0 条" in inbox.text


async def test_refused_step_shows_the_reason(kit, client, people):
    w = await kit.wish_in("submitted")
    await client.login("worker2")
    r = await client.get(f"/wishes/{w['id']}", headers=HTML)
    assert r.status_code == 403 and "<html" in r.text
    client.cookies.clear()
    await client.login("worker")
    page = await client.get(f"/wishes/{w['id']}", headers=HTML)
    r = await client.post(f"/wishes/{w['id']}/act", data={"action": "return", "csrf_token": csrf_of(page.text)},
                          headers=HTML)
    assert r.status_code == 422 and "原因" in r.text


async def test_inbox_open_marks_read_and_follows_the_link(kit, client, people):
    w = await kit.wish_in("published")
    await client.login("resident")
    page = await client.get("/inbox", headers=HTML)
    nid = re.search(r'name="id" value="(\d+)"', page.text).group(1)
    r = await client.post("/inbox/read", data={"id": nid, "csrf_token": csrf_of(page.text)}, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == f"/wishes/{w['id']}"
    assert (await client.get("/api/v1/inbox/unread")).json()["unread"] == 0


async def test_staff_post_for_a_resident_page(kit, client, people):
    await client.login("worker")
    page = await client.get("/wishes/new", headers=HTML)
    assert 'name="resident"' in page.text
    r = await client.post("/wishes/new", data={"resident": "resident", "title": "帮老人修门锁", "category": "repairs",
                                               "value_yuan": "60", "wish_by": wish_by(), "building": people.building,
                                               "csrf_token": csrf_of(page.text)}, headers=HTML)
    assert r.status_code == 303


async def test_every_problem_of_the_wish_form_shows_at_once_beside_its_field(client, people):
    """A form with several mistakes names them all in one answer, each beside its field, keeps
    what was typed and stores nothing; in the reader's language."""
    await client.login("resident")
    page = await client.get("/wishes/new", headers=HTML)
    form = {"title": "x", "category": "elderly_care", "beneficiary": "elderly", "value_yuan": "800",
            "wish_by": "2000-01-01", "building": people.building, "description": "长" * 501,
            "csrf_token": csrf_of(page.text)}
    r = await client.post("/wishes/new", data=form, headers=HTML)
    assert r.status_code == 422
    alert = r.text.split('role="alert"', 1)[1].split("</div>", 1)[0]
    expected = {"title": ("心愿", "标题应为 2-50 个字"), "value_yuan": ("预估金额", "不能超过本区上限 500 元"),
                "wish_by": ("期望完成日期", "已过"), "description": ("说明", "描述最多 500 个字")}
    assert len(re.findall(r"<li>", alert)) == len(expected), alert
    for field, (label, words) in expected.items():
        assert f'<a href="#{field}">{label}</a>' in alert, (field, alert)
        assert re.search(f'id="{field}"[^>]*aria-invalid="true"', r.text), field
        beside = r.text.split(f'<p class="field-error" id="{field}-error">', 1)[1].split("</p>", 1)[0]
        assert words in beside, (field, beside)
    assert 'value="x"' in r.text and 'value="800"' in r.text
    r = await client.post("/wishes/new?lang=en", data=form, headers=HTML)
    alert = r.text.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert '<a href="#value_yuan">Estimated value</a>' in alert and "the title has 2-50 characters" in alert
    assert "标题" not in alert
    assert await Wish.all().count() == 0
