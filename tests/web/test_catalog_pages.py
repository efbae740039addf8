"""Keeping the catalog in pages (issue 11 item 5): an official creates a draft with every field
(rows of materials and venues added, moved and removed without JavaScript), sees each problem
next to its field with nothing stored, edits, publishes with a date, revokes with a reason,
discards a draft; someone out of scope is refused; the item page tells the versions and steps
in words with people's names and times."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from gridsvc.domain import clock
from gridsvc.store.accounts.models import User
from gridsvc.store.catalog.models import ServiceItem, ServiceItemVersion
from tests.kit.catalog import STREET_ITEM

HTML = {"accept": "text/html"}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def item_form(people, **changes) -> dict:
    form = {
        "name": "高龄津贴申领", "list": "public_service", "category": "social_security",
        "summary": "80 周岁以上老年人申领高龄津贴。", "legal_basis": "《陕西省老年人权益保障条例》",
        "responsible": "", "time_limit_days": "15", "time_limit_unit": "working_days", "fee": "不收费",
        "contact": "0919-3185555", "keywords": "高龄补贴、长寿补贴",
        "materials-0-name": "居民身份证", "materials-0-copies": "1", "materials-0-electronic_ok": "1",
        "materials-0-note": "",
        "materials-1-name": "户口簿", "materials-1-copies": "2", "materials-1-note": "原件及复印件",
        "venues-0-kind": "community_window", "venues-0-name": "川口社区党群服务中心",
        "venues-0-address": "王益区川口路 1 号", "venues-0-hours": "周一至周五 8:30-17:30", "venues-0-url": "",
        "areas": [people.street], "op": "save",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


async def open_form(client, path: str) -> str:
    page = await client.get(path, headers=HTML)
    assert page.status_code == 200, page.text[:500]
    return page.text


async def test_anonymous_and_residents_are_kept_out(client, people):
    for path in ("/services/new", "/services/drafts", f"/services/{STREET_ITEM['code']}/edit"):
        r = await client.get(path, headers=HTML)
        assert r.status_code == 303 and r.headers["location"] == f"/login?next={path}"
    await client.login("resident")
    assert (await client.get("/services/new", headers=HTML)).status_code == 403
    page = await open_form(client, "/services?all=1")
    r = await client.post("/services/new", data={**item_form(people), "csrf_token": csrf_of(page)}, headers=HTML)
    assert r.status_code == 403 and not await ServiceItem.exists()


async def test_an_official_creates_a_draft_with_every_field(client, people):
    await User.filter(username="official").update(display_name="王芳")
    await client.login("official")
    page = await open_form(client, "/services/new")
    assert "新建事项" in page and "七一路街道" in page and people.street in page  # the areas to tick, by name
    assert "全市适用" not in page  # a district's official cannot set an item for everywhere
    r = await client.post("/services/new", data={**item_form(people), "csrf_token": csrf_of(page)}, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/services/GS-SB-001?done=created"
    row = await ServiceItemVersion.get(item__code="GS-SB-001")
    assert row.status == "draft" and row.areas == [people.street]
    assert row.data["materials"] == [
        {"name": "居民身份证", "copies": 1, "electronic_ok": True, "note": ""},
        {"name": "户口簿", "copies": 2, "electronic_ok": False, "note": "原件及复印件"}]
    assert row.data["venues"][0]["address"] == "王益区川口路 1 号" and row.data["time_limit_days"] == 15
    assert row.data["keywords"] == ["高龄补贴", "长寿补贴"] and row.data["contact"] == "0919-3185555"
    # the draft is not in 办事指南 yet; its page is a preview for the official
    preview = await client.get(r.headers["location"], headers=HTML)
    assert preview.status_code == 200 and "草稿预览" in preview.text and "发布第 1 版" in preview.text
    assert re.search(r"王芳 新建草稿 \d{4}-\d\d-\d\d \d\d:\d\d", text_of(preview.text))
    client.cookies.clear()
    assert (await client.get("/services/GS-SB-001", headers=HTML)).status_code == 404


async def test_rows_are_added_moved_and_removed_without_saving(client, people):
    await client.login("official")
    page = await open_form(client, "/services/new")
    form = {**item_form(people), "csrf_token": csrf_of(page)}
    r = await client.post("/services/new", data={**form, "op": "add:materials"}, headers=HTML)
    assert r.status_code == 200 and 'name="materials-2-name"' in r.text and "户口簿" in r.text
    r = await client.post("/services/new", data={**form, "op": "down:materials:0"}, headers=HTML)
    assert r.text.index("户口簿") < r.text.index("居民身份证")
    r = await client.post("/services/new", data={**form, "op": "remove:materials:0"}, headers=HTML)
    assert "居民身份证" not in r.text and 'name="materials-1-name"' not in r.text
    r = await client.post("/services/new", data={**form, "op": "add:venues"}, headers=HTML)
    assert 'name="venues-1-kind"' in r.text and "川口社区党群服务中心" in r.text
    assert not await ServiceItem.exists()
    # a row added and left empty is not content
    r = await client.post("/services/new", data={**form, "materials-2-name": "", "materials-2-copies": "1"},
                          headers=HTML)
    assert r.status_code == 303
    assert len((await ServiceItemVersion.get(item__code="GS-SB-001")).data["materials"]) == 2


async def test_problems_show_next_to_their_fields_and_nothing_is_stored(client, people):
    await client.login("official")
    page = await open_form(client, "/services/new")
    bad = item_form(people, **{"name": "", "materials-1-copies": "120", "venues-0-kind": "online",
                               "venues-0-url": "ftp://x", "time_limit_days": "400", "csrf_token": csrf_of(page)})
    r = await client.post("/services/new", data=bad, headers=HTML)
    assert r.status_code == 422
    page = r.text
    name_at, copies_at = page.index('name="name"'), page.index('name="materials-1-copies"')
    assert "名称不能为空" in page[name_at:page.index('name="summary"')]
    assert "所需材料第2项的份数应为 1-99 的整数" in page[copies_at:page.index('name="venues-0-kind"')]
    assert "网上办理须填写以 http(s):// 开头的网址" in page[page.index('name="venues-0-url"'):]
    assert "办理时限应为 0-365 的整数" in page
    assert 'value="户口簿"' in page  # what was typed stays
    # no area ticked (and not everywhere)
    r = await client.post("/services/new", data={**item_form(people, areas=None), "csrf_token": csrf_of(page)},
                          headers=HTML)
    assert r.status_code == 422 and "请选择适用区域" in r.text
    # an area beyond the official's district
    r = await client.post("/services/new", data={**item_form(people, areas=[people.other_district]),
                                                 "csrf_token": csrf_of(page)}, headers=HTML)
    assert r.status_code == 403 and "error" in r.text
    # in English, the same problem in English
    r = await client.post("/services/new?lang=en", data={**bad, "name": "x"}, headers=HTML)
    assert r.status_code == 422 and "copies must be 1-99" in r.text
    assert not await ServiceItem.exists()


async def test_edit_publish_revoke_and_discard(client, people, catalog):
    await User.filter(username="official").update(display_name="王芳")
    code = STREET_ITEM["code"]
    await client.login("official")
    page = await open_form(client, f"/services/{code}/edit")
    assert "保存后生成第 2 版草稿" in page and 'value="老年人优待证"' in page
    inputs = re.findall(r'<input type="(?:text|number|hidden)"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)
    form = {k: html.unescape(v) for k, v in inputs}
    form.update({"name": "老年人助餐服务登记(新)", "time_limit_days": "3", "areas": [people.street], "op": "save",
                 "materials-0-electronic_ok": "1", "venues-0-kind": "community_window", "time_limit_unit": "days",
                 "legal_basis": STREET_ITEM["legal_basis"]})  # the textareas and selects
    r = await client.post(f"/services/{code}/edit", data=form, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == f"/services/{code}?version=2&done=saved"
    # the same form again (stale ETag): someone else changed it meanwhile
    r = await client.post(f"/services/{code}/edit", data=form, headers=HTML)
    assert r.status_code == 409 and "请刷新后重试" in r.text
    # residents still read version 1
    item = await client.get(f"/services/{code}", headers=HTML)
    assert "老年人助餐服务登记(新)" not in item.text.split("事项维护")[0] and "预览草稿(第 2 版)" in item.text
    csrf = csrf_of(item.text)
    # publishing on a day already past is refused next to the date, nothing changes
    past = (clock.today() - timedelta(days=3)).isoformat()
    r = await client.post(f"/services/{code}/publish", data={"on": past, "csrf_token": csrf}, headers=HTML)
    assert r.status_code == 422 and "日期不能早于今天" in r.text
    assert (await ServiceItemVersion.get(item__code=code, version=2)).status == "draft"
    r = await client.post(f"/services/{code}/publish", data={"on": clock.today().isoformat(), "csrf_token": csrf},
                          headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == f"/services/{code}?done=published"
    page = text_of((await client.get(r.headers["location"], headers=HTML)).text)
    assert "老年人助餐服务登记(新)" in page and "3 日" in page
    assert re.search(r"王芳 发布第 2 版 \d{4}-\d\d-\d\d \d\d:\d\d · 自 \d{4}-\d\d-\d\d 起实施", page), page
    assert re.search(r"第 1 版 · 已被新版本替代", page)
    # revoking needs a reason
    r = await client.post(f"/services/{code}/revoke", data={"reason": " ", "csrf_token": csrf}, headers=HTML)
    assert r.status_code == 422 and "撤销须写明理由" in r.text
    # a new draft, then discard it: the box must be ticked
    await client.post(f"/services/{code}/edit", headers=HTML, data={
        **form, "etag": '"2.0"', "name": "草稿名"})
    r = await client.post(f"/services/{code}/discard", data={"csrf_token": csrf}, headers=HTML)
    assert r.status_code == 422 and await ServiceItemVersion.exists(item__code=code, version=3)
    r = await client.post(f"/services/{code}/discard", data={"csrf_token": csrf, "confirm": "1"}, headers=HTML)
    assert r.status_code == 303 and not await ServiceItemVersion.exists(item__code=code, version=3)
    r = await client.post(f"/services/{code}/revoke", data={"reason": "并入助老服务", "csrf_token": csrf},
                          headers=HTML)
    assert r.status_code == 303
    page = text_of((await client.get(f"/services/{code}", headers=HTML)).text)
    assert re.search(r"王芳 撤销第 2 版 \d{4}-\d\d-\d\d \d\d:\d\d · \d{4}-\d\d-\d\d 起撤销: 并入助老服务", page), page
    client.cookies.clear()
    assert (await client.get(f"/services/{code}", headers=HTML)).status_code == 404


async def test_out_of_scope_officials_are_refused(client, people, catalog):
    code = STREET_ITEM["code"]
    await client.login("official2")  # 印台区: the item is 王益区's
    assert (await client.get(f"/services/{code}/edit", headers=HTML)).status_code == 403
    page = await open_form(client, "/services?all=1")
    csrf = csrf_of(page)
    r = await client.post(f"/services/{code}/edit", data={**item_form(people), "csrf_token": csrf}, headers=HTML)
    assert r.status_code == 403
    for action in ("publish", "revoke", "discard"):
        r = await client.post(f"/services/{code}/{action}", data={"csrf_token": csrf, "reason": "x", "confirm": "1"},
                              headers=HTML)
        assert r.status_code in (403, 409), (action, r.status_code)
    assert await ServiceItemVersion.filter(item__code=code).count() == 1
    assert (await ServiceItemVersion.get(item__code=code)).status == "published"
    item = await client.get(f"/services/{code}", headers=HTML)
    assert "事项维护" not in item.text
