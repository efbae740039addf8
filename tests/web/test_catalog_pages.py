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
    r = await client.post("/services/new", headers=HTML,
                          data={**item_form(people, category=""), "csrf_token": csrf_of(page)})
    assert r.status_code == 422 and "请选择类别" in r.text and "未知的类别" not in r.text
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
    assert r.headers["location"] == f"/services/{code}?done=draft_discarded"
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


# ---- admission ------------------------------------------------------------------------------


def application_form(people, **changes) -> dict:
    form = {
        "department": "王益区卫生健康局", "department_level": "district", "item_mode": "new",
        "item-name": "适龄儿童疫苗补种信息核查", "item-category": "health",
        "item-legal_basis": "《中华人民共和国疫苗管理法》", "item-summary": "协助核对适龄儿童预防接种信息。",
        "item-time_limit_days": "5", "item-time_limit_unit": "working_days", "item-fee": "不收费",
        "item-materials-0-name": "儿童预防接种证", "item-materials-0-copies": "1",
        "item-materials-0-electronic_ok": "1",
        "item-venues-0-kind": "community_window", "item-venues-0-name": "社区窗口",
        "reason": "需社区协助核对适龄儿童接种信息", "legal_basis": "《中华人民共和国疫苗管理法》第四十七条",
        "funding_amount": "每社区每年 1.2 万元", "funding_source": "区财政",
        "areas": [people.community, people.community2], "period_start": clock.today().isoformat(),
        "period_end": (clock.today() + timedelta(days=90)).isoformat(), "op": "save",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


async def street_official(people) -> None:
    from gridsvc.store.accounts.users import create_user
    from tests.conftest import PASSWORD

    await create_user("street", role="official", password=PASSWORD, areas=[people.street], display_name="钱琪斌")
    await User.filter(username="official").update(display_name="董卫军")


async def test_a_street_official_applies_and_withdraws(client, people):
    from gridsvc.store.catalog.models import Admission

    await street_official(people)
    await client.login("street")
    page = await open_form(client, "/services/admissions/new")
    assert "川口社区" in page and "大同路社区" in page and "印台区" not in page
    csrf = csrf_of(page)
    # problems: next to their fields, every one at once, nothing stored
    bad = application_form(people, **{"department": "", "areas": None, "item-name": "",
                                      "item-materials-0-copies": "0", "csrf_token": csrf})
    r = await client.post("/services/admissions/new", data=bad, headers=HTML)
    assert r.status_code == 422
    assert "名称不能为空" in r.text and "所需材料第1项的份数应为 1-99 的整数" in r.text
    assert "须写明申请部门" in r.text and "department" not in text_of(r.text)  # in words, not the field's name
    r = await client.post("/services/admissions/new", data={**bad, "department": "区卫健局", "funding_source": ""},
                          headers=HTML)
    assert "费随事转" in r.text[r.text.index('name="funding_source"'):]  # the funding's problem under it
    r = await client.post("/services/admissions/new", data={**bad, "department": "区卫健局", "item-name": "x",
                                                            "item-materials-0-copies": "1"}, headers=HTML)
    assert r.status_code == 422 and "须写明准入的区域" in r.text[r.text.index('id="areas"'):]
    # a community beyond the street
    r = await client.post("/services/admissions/new", headers=HTML,
                          data={**application_form(people, areas=["610203001001"]), "csrf_token": csrf})
    assert r.status_code == 403 and "“南苑社区”不在您的辖区内" in r.text
    # an item of the duty list cannot be admitted: the admission form offers only new work (list 准入事项)
    assert not await Admission.exists() and not await ServiceItem.exists()
    # rows of the new item's materials work as in the item form
    r = await client.post("/services/admissions/new", headers=HTML,
                          data={**application_form(people), "csrf_token": csrf, "op": "add:materials"})
    assert r.status_code == 200 and 'name="item-materials-1-name"' in r.text and not await Admission.exists()
    r = await client.post("/services/admissions/new", headers=HTML,
                          data={**application_form(people), "csrf_token": csrf})
    assert r.status_code == 303, r.text[:2000]
    adm = await Admission.get()
    assert adm.areas == [people.community, people.community2] and adm.state == "applied"
    item = await ServiceItem.get(id=adm.item_id)
    assert item.code == "ZR-WJ-001" and item.admission_required
    row = await ServiceItemVersion.get(item_id=item.id)
    assert row.data["responsible"] == "王益区卫生健康局" and row.data["materials"][0]["electronic_ok"] is True
    desk = await client.get("/services/admissions", headers=HTML)
    text = text_of(desk.text)
    assert "适龄儿童疫苗补种信息核查 · 王益区卫生健康局" in text and "street" not in text
    assert re.search(r"钱琪斌 申请 \d{4}-\d\d-\d\d \d\d:\d\d: 需社区协助", text), text
    assert f"/services/admissions/{adm.id}/withdraw" in desk.text and "/decide" not in desk.text  # not the street's
    r = await client.post(f"/services/admissions/{adm.id}/decide", headers=HTML,
                          data={"csrf_token": csrf, "op": "approve", "approval_document": "x", "agreement": "y"})
    assert r.status_code == 403 and (await Admission.get()).state == "applied"
    r = await client.post(f"/services/admissions/{adm.id}/withdraw", data={"csrf_token": csrf, "reason": "重复申请"},
                          headers=HTML)
    assert r.status_code == 303 and (await Admission.get()).state == "withdrawn"
    text = text_of((await client.get("/services/admissions", headers=HTML)).text)
    assert re.search(r"钱琪斌 撤回 \d{4}-\d\d-\d\d \d\d:\d\d: 重复申请", text)


async def test_the_district_decides_from_the_desk(client, people):
    from gridsvc.store.catalog.models import Admission

    await street_official(people)
    await client.login("street")
    page = await open_form(client, "/services/admissions/new")
    r = await client.post("/services/admissions/new", data={**application_form(people), "csrf_token": csrf_of(page)},
                          headers=HTML)
    assert r.status_code == 303
    second = application_form(people, item_mode="existing", item_code="ZR-WJ-001", areas=[people.street])
    page = await open_form(client, "/services/admissions/new")
    assert 'value="ZR-WJ-001"' in page  # applied for before: offered by name
    r = await client.post("/services/admissions/new", data={**second, "csrf_token": csrf_of(page)}, headers=HTML)
    assert r.status_code == 303
    first, again = await Admission.all().order_by("id")
    client.cookies.clear()
    await client.login("official")
    desk = await client.get("/services/admissions", headers=HTML)
    csrf = csrf_of(desk.text)
    assert f"/services/admissions/{first.id}/decide" in desk.text
    assert f"/services/admissions/{first.id}/withdraw" not in desk.text  # the applicant's act
    # approval names its papers; a rejection its reason: each problem under its input
    r = await client.post(f"/services/admissions/{first.id}/decide", headers=HTML,
                          data={"csrf_token": csrf, "op": "approve", "approval_document": "王社建组发〔2026〕3号"})
    assert r.status_code == 422
    after = r.text[r.text.index(f'id="agreement-{first.id}"'):]
    assert "项目协议书" in after[:after.index("</form>")] and (await Admission.get(id=first.id)).state == "applied"
    r = await client.post(f"/services/admissions/{again.id}/decide", headers=HTML,
                          data={"csrf_token": csrf, "op": "reject", "reason": ""})
    assert r.status_code == 422 and "驳回须写明理由" in r.text
    r = await client.post(f"/services/admissions/{first.id}/decide", headers=HTML, data={
        "csrf_token": csrf, "op": "approve", "approval_document": "王社建组发〔2026〕3号",
        "agreement": "川口社区项目协议书"})
    assert r.status_code == 303 and (await Admission.get(id=first.id)).state in ("approved", "active")
    r = await client.post(f"/services/admissions/{again.id}/decide", headers=HTML,
                          data={"csrf_token": csrf, "op": "reject", "reason": "与第一份申请重复"})
    assert r.status_code == 303 and (await Admission.get(id=again.id)).state == "rejected"
    text = text_of((await client.get("/services/admissions", headers=HTML)).text)
    assert re.search(r"董卫军 批准 \d{4}-\d\d-\d\d \d\d:\d\d", text) and "official" not in text
    assert re.search(r"董卫军 驳回 \d{4}-\d\d-\d\d \d\d:\d\d: 与第一份申请重复", text)
    assert "王社建组发〔2026〕3号" in text and "川口社区项目协议书" in text
    # the admitted item is in the lists of the two communities
    client.cookies.clear()
    found = await client.get("/services", params={"area": people.community, "q": "疫苗"}, headers=HTML)
    assert "适龄儿童疫苗补种信息核查" in found.text
    # ending early needs a reason
    await client.login("official")
    csrf = csrf_of(await open_form(client, "/services/admissions"))
    r = await client.post(f"/services/admissions/{first.id}/end", headers=HTML, data={"csrf_token": csrf, "reason": ""})
    assert r.status_code == 422 and "须写明理由" in r.text


async def test_drafts_in_scope_and_discarding_a_first_draft(client, people):
    await client.login("official")
    page = await open_form(client, "/services/new")
    r = await client.post("/services/new", data={**item_form(people), "csrf_token": csrf_of(page)}, headers=HTML)
    assert r.status_code == 303
    drafts = await open_form(client, "/services/drafts")
    assert "高龄津贴申领" in drafts and "/services/GS-SB-001?version=1" in drafts
    client.cookies.clear()
    await client.login("official2")  # another district's official does not see it
    assert "高龄津贴申领" not in await open_form(client, "/services/drafts")
    client.cookies.clear()
    await client.login("official")
    csrf = csrf_of(await open_form(client, "/services/drafts"))
    r = await client.post("/services/GS-SB-001/discard", data={"csrf_token": csrf, "confirm": "1"}, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/services/drafts?done=discarded"
    assert not await ServiceItem.exists(code="GS-SB-001")
    assert "草稿已删除" in await open_form(client, r.headers["location"])
