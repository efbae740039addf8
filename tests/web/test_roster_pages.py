"""The roster and contact-board pages over HTTP (issue 11 item 4): what each person sees, the
forms doing what the API does, and refusals in words."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook

from gridsvc.domain.rosters import HEADERS


async def _page(client, url: str, username: str | None = None, **params):
    if username:
        await client.login(username)
    return await client.get(url, params=params)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


async def test_the_head_sees_the_roster_with_actions_and_appoints_through_the_form(client, people):
    r = await _page(client, f"/areas/{people.community2}", "head2")
    assert f"/areas/{people.community2}/roster" in r.text
    r = await client.get(f"/areas/{people.community2}/roster")
    assert r.status_code == 200
    assert "大同路一网格" in r.text and "空缺" in r.text and "确认任命" in r.text
    # the instructor's post is above a head's tier: vacant, but no form for it
    assert r.text.count('name="action" value="appoint"') == 1
    token = _csrf(r.text)
    r = await client.post(f"/areas/{people.community2}/roster/act", data={
        "csrf_token": token, "action": "appoint", "area": people.other_grid, "role": "worker", "name": "赵新",
        "phone": "13700000009"})
    assert r.status_code == 303 and r.headers["location"].endswith("?done=appoint")
    r = await client.get(r.headers["location"])
    assert "赵新" in r.text and "已完成操作" in r.text


async def test_ending_through_the_form_keeps_the_history_on_the_page(client, people):
    r = await _page(client, f"/areas/{people.community}/roster", "head", lang="en")
    assert r.status_code == 200 and "Staff roster of 川口社区" in r.text and "花名册" not in r.text
    term = re.search(r'name="action" value="end"><input type="hidden" name="term" value="(\d+)"', r.text).group(1)
    r = await client.post(f"/areas/{people.community}/roster/act", data={
        "csrf_token": _csrf(r.text), "action": "end", "term": term, "reason": "退休"})
    assert r.status_code == 303
    r = await client.get(f"/areas/{people.community}/roster")
    assert "退休" in r.text and "Past terms (1)" in r.text  # English stays the person's choice


async def test_a_refusal_on_the_page_is_in_words(client, people):
    r = await _page(client, f"/areas/{people.community}/roster", "head")
    r = await client.post(f"/areas/{people.community}/roster/act", data={
        "csrf_token": _csrf(r.text), "action": "appoint", "area": people.grid, "role": "worker", "name": "周"})
    assert r.status_code == 409 and "现由 张网格 担任" in r.text and "post_taken" not in r.text
    for bad in ({"person": "abc"}, {"name": "长" * 101}, {"name": "吴", "on": "yesterday"}):
        r = await client.post(f"/areas/{people.community}/roster/act", data={
            "csrf_token": _csrf(r.text), "action": "appoint", "area": people.grid2, "role": "worker", **bad})
        assert r.status_code in (404, 422), (bad, r.status_code)
    r = await client.get(f"/areas/{people.community2}/roster", headers={"accept": "text/html"})
    assert r.status_code == 403 and "roster.read" not in r.text and "花名册" in r.text


async def test_an_import_from_the_page_lists_each_bad_row(client, people):
    r = await _page(client, f"/areas/{people.community}/roster", "official")
    wb = Workbook()
    wb.active.append(list(HEADERS))
    wb.active.append(["999999999999999", "", "网格员", "无名", "w-none", "", "", ""])
    wb.active.append([people.grid, "", "网格书记", "某", "w-x", "", "", ""])
    out = io.BytesIO()
    wb.save(out)
    r = await client.post(f"/areas/{people.community}/roster/act",
                          data={"csrf_token": _csrf(r.text), "action": "import"},
                          files={"file": ("roster.xlsx", out.getvalue(), "application/octet-stream")})
    assert r.status_code == 422
    assert "第 2 行「区域代码」" in r.text and "第 3 行「岗位」" in r.text


async def test_the_anonymous_are_sent_to_log_in_and_residents_refused(client, people):
    r = await client.get(f"/areas/{people.community}")  # the area page links the board, not the roster
    assert f"/areas/{people.community}/board" in r.text and f"/areas/{people.community}/roster" not in r.text
    r = await client.get(f"/areas/{people.community}/roster")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    r = await _page(client, f"/areas/{people.community}/roster", "resident")
    assert r.status_code == 403


async def test_a_role_that_appoints_nowhere_learns_nothing_of_the_terms(client, people):
    """Ending or moving a term from the page: a resident (or a worker) was answered 404 for an
    id no term has and 403 for a real one, so the ids of appointments could be counted; now
    both are the same 403 before any lookup, as the API answers."""
    r = await _page(client, f"/areas/{people.community}/roster", "head")
    term = re.search(r'name="action" value="end"><input type="hidden" name="term" value="(\d+)"', r.text).group(1)
    for who in ("resident", "worker"):
        client.cookies.clear()
        csrf = await client.login(who)
        answers = set()
        for action in ("end", "transfer"):
            for tid in (term, "999999"):
                r = await client.post(f"/areas/{people.grid}/roster/act", headers={"accept": "text/html"},
                                      data={"csrf_token": csrf, "action": action, "term": tid, "reason": "x"})
                answers.add(r.status_code)
        assert answers == {403}, (who, answers)


async def test_the_contact_board_is_public_and_shows_no_resident(client, people):
    r = await client.get(f"/areas/{people.community}/board")
    assert r.status_code == 200
    for text in ("网格化服务管理公示牌", "川口社区", "七一路街道", "张网格", "13900000003", "川口一网格", "监督电话",
                 "12345", "13900000002"):
        assert text in r.text, text
    assert "13812341234" not in r.text and "resident" not in r.text  # the resident of 1号楼
    r = await client.get(f"/areas/{people.community2}/board", params={"lang": "en"})
    assert r.status_code == 200 and "Vacant" in r.text and "网格化服务管理公示牌" not in r.text
    r = await client.get(f"/areas/{people.grid}/board", params={"lang": "zh-CN"}, headers={"accept": "text/html"})
    assert r.status_code == 422 and "公示牌按社区制作" in r.text


async def test_links_on_roster_and_board_lead_only_where_the_reader_may_go(client, people):
    """A grid worker's roster names the areas above as links to their area pages, not to rosters
    they may not read; the board links its roster only for those who may read it."""
    r = await _page(client, f"/areas/{people.grid}/roster", "worker")
    assert r.status_code == 200
    hrefs = re.findall(r'href="(/areas/[^"]+)"', r.text)
    assert f"/areas/{people.community}" in hrefs and f"/areas/{people.community}/roster" not in hrefs
    for href in {h for h in hrefs if h.endswith("/roster")}:
        assert (await client.get(href)).status_code == 200, href
    r = await client.get(f"/areas/{people.community}/board")
    assert r.status_code == 200 and f"/areas/{people.community}/roster" not in r.text  # the worker's community
    client.cookies.clear()
    r = await _page(client, f"/areas/{people.community}/roster", "head")
    assert f'href="/areas/{people.street}"' in r.text and f"/areas/{people.street}/roster" not in r.text
    assert f"/areas/{people.community}/roster" in (await client.get(f"/areas/{people.community}/board")).text
    client.cookies.clear()
    r = await _page(client, f"/areas/{people.community}/board", "resident")
    assert r.status_code == 200 and f"/areas/{people.community}/roster" not in r.text
    client.cookies.clear()
    r = await _page(client, f"/areas/{people.grid}/roster", "official")
    assert f'href="/areas/{people.street}/roster"' in r.text  # within the official's district


async def test_the_board_reads_in_english_with_its_punctuation(client, people):
    r = await client.get(f"/areas/{people.community}/board", params={"lang": "en"})
    assert r.status_code == 200 and re.search(r"Supervision phone: <strong>", r.text), r.text[-1500:]
    r = await client.get(f"/areas/{people.community}/board", params={"lang": "zh-CN"})
    assert "监督电话:<strong>" in r.text
    assert '<div class="scroll"><table>' in r.text  # the grids' table scrolls in its own box on a phone
