"""Publishing a demand with the form (/demands/new) over HTTP: the area is chosen by name, a
street or community first and then, optionally, a grid, group or building inside it (the form
still posts codes); a district official gets the streets and communities, not every building;
without JavaScript the "list its grids" button fills the second choice, keeping what was typed.
Every refusal names the field by its label in the reader's language, keeps what was typed and
stores nothing."""

from __future__ import annotations

import re
from datetime import timedelta

from gridsvc.domain import clock
from gridsvc.store.orgs.models import Demand
from tests.wishkit import demand_body

HTML = {"accept": "text/html"}


def token_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def options(html: str, select: str) -> list[tuple[str, str, bool]]:
    """(value, text, selected) of a select's options, as the page has them."""
    body = html.split(f'id="{select}"', 1)[1].split("</select>", 1)[0]
    return [(v, re.sub(r"<[^>]+>", "", t).strip(" \n"), "selected" in attrs)
            for v, attrs, t in re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*)', body)]


def form(people, **over) -> dict:
    body = {k: str(v) for k, v in demand_body(people.community).items() if k != "skills"}
    body["skills"] = "陪伴聊天,理发"
    body.update(over)
    return body


async def open_form(client, path: str = "/demands/new") -> tuple[str, str]:
    r = await client.get(path, headers=HTML)
    assert r.status_code == 200, r.text
    return r.text, token_of(r.text)


async def test_an_official_chooses_among_streets_and_communities_by_name(client, people):
    await client.login("official")
    text, _ = await open_form(client)
    first = options(text, "area")
    # the district's street and its two communities by name (the other district's are not offered)
    assert [(v, t) for v, t, _ in first] == [("", "请选择"), (people.street, "七一路街道(全街道)"),
                                             (people.community, "川口社区"), (people.community2, "大同路社区")]
    assert not any(sel for *_, sel in first)  # a choice among several is made, not preset
    assert "1号楼" not in text and "川口一网格" not in text  # grids and buildings come with a community
    assert 'optgroup label="七一路街道"' in text
    assert "所在区域(社区、网格、楼栋编码)" not in text and "<datalist" not in text


async def test_a_head_finds_the_grids_and_buildings_of_the_community(client, people):
    await client.login("head")
    text, _ = await open_form(client)
    assert options(text, "area") == [(people.community, "川口社区", True)]
    inside = options(text, "within")
    assert inside[0][:2] == ("", "整个所选区域") and not any(sel for *_, sel in inside)
    assert (people.grid, "川口一网格(全网格)", False) in inside
    assert (people.group, "第一居民小组", False) in inside
    assert (people.building, "\u00a0" * 4 + "1号楼", False) in inside  # indented under its group
    assert (people.grid2, "川口二网格", False) in inside  # a grid with nothing below: a plain option
    assert 'data-refine' not in text  # one community: nothing to list again
    # the chosen area by name, its code lighter beside it
    assert re.search(r'<span class="name">川口社区</span> <span class="code">编码 ' + people.community, text)


async def test_a_grid_worker_chooses_within_their_grid(client, people):
    await client.login("worker")
    text, token = await open_form(client)
    assert '<label for="area">网格</label>' in text  # no community lies in a worker's scope
    assert options(text, "area") == [(people.grid, "川口一网格", True)]
    assert [v for v, *_ in options(text, "within")] == ["", people.group, people.building]
    # an area inside the grid that does not exist: named, nothing stored
    r = await client.post("/demands/new", data={**form(people, area=people.grid, within=people.group + "999"),
                                                "csrf_token": token}, headers=HTML)
    assert r.status_code == 404 and '<a href="#within">网格、小组或楼栋</a>' in r.text
    assert await Demand.all().count() == 0


async def test_publishing_a_building_by_name(client, people):
    await client.login("head")
    _, token = await open_form(client)
    r = await client.post("/demands/new", data={**form(people, within=people.building), "csrf_token": token},
                          headers=HTML)
    assert r.status_code == 303, r.text
    d = await Demand.get(id=int(r.headers["location"].split("/")[2].split("?")[0]))
    assert d.area_code == people.building
    page = (await client.get(f"/demands/{d.id}", headers=HTML)).text
    where = re.sub(r"<[^>]+>", "", page.split('class="where-path">')[1].split("</div>")[0])
    assert where == "地点:川口社区 › 川口一网格 › 第一居民小组 › 1号楼 · 川口社区日间照料中心", where

    # the whole community when nothing inside it is chosen
    r = await client.post("/demands/new", data={**form(people, within=""), "csrf_token": token}, headers=HTML)
    assert r.status_code == 303
    assert await Demand.filter(area_code=people.community).count() == 1


async def test_without_javascript_the_button_lists_the_community_keeping_what_was_typed(client, people):
    await client.login("official")
    _, token = await open_form(client)
    typed = form(people, title="楼道清扫志愿行动", description="带扫帚")
    r = await client.post("/demands/new", data={**typed, "refine": "1", "csrf_token": token}, headers=HTML)
    assert r.status_code == 200
    assert (people.community, "川口社区", True) in options(r.text, "area")
    assert (people.building, "\u00a0" * 4 + "1号楼", False) in options(r.text, "within")
    assert 'value="楼道清扫志愿行动"' in r.text and "带扫帚" in r.text
    assert await Demand.all().count() == 0
    # then the building, and publish
    r = await client.post("/demands/new", data={**typed, "within": people.building, "csrf_token": token},
                          headers=HTML)
    assert r.status_code == 303
    assert (await Demand.get(title="楼道清扫志愿行动")).area_code == people.building


async def test_each_refusal_names_the_field_and_keeps_what_was_typed(client, people):
    await client.login("official")
    _, token = await open_form(client)
    now = clock.china(clock.now()).replace(second=0, microsecond=0)
    fmt = "%Y-%m-%dT%H:%M"
    later = now + timedelta(days=3)
    cases = [
        # start after end
        (dict(starts_at=later.strftime(fmt), ends_at=(later - timedelta(hours=2)).strftime(fmt)), 422,
         {"ends_at": "结束时间"}, "应晚于开始时间"),
        # the end (and so the start) in the past
        (dict(starts_at=(now - timedelta(days=2)).strftime(fmt), ends_at=(now - timedelta(days=1)).strftime(fmt)),
         422, {"starts_at": "开始时间", "ends_at": "结束时间"}, "已经过去"),
        # an area outside the official's district
        (dict(area="610203001001"), 403, {"area": "所在区域"}, "南苑社区(610203001001)不在您负责的区域内"),
        # a building of another community than the one chosen
        (dict(area=people.community2, within=people.building), 422, {"within": "网格、小组或楼栋"}, "不在所选区域"),
        # missing fields, each named
        (dict(title="", starts_at="", volunteers_needed=""), 422,
         {"title": "标题", "starts_at": "开始时间", "volunteers_needed": "需要志愿者人数"}, "必填"),
        (dict(starts_at="soon"), 422, {"starts_at": "开始时间"}, "应为日期和时间"),
        (dict(volunteers_needed="0"), 422, {"volunteers_needed": "需要志愿者人数"}, "应为 1-1000 的整数"),
    ]
    for over, status, fields, words in cases:
        typed = form(people, description="自带工具", **over)
        r = await client.post("/demands/new", data={**typed, "csrf_token": token}, headers=HTML)
        assert r.status_code == status, (over, r.text[-1500:])
        alert = r.text.split('role="alert"', 1)[1].split("</div>", 1)[0]
        for field, label in fields.items():
            assert f'<a href="#{field}">{label}</a>' in alert, (over, alert)
            assert re.search(f'id="{field}"[^>]*aria-invalid="true"', r.text), (over, field)
        assert words in alert, (over, alert)
        # what was typed comes back
        for key in ("title", "starts_at", "ends_at", "place"):
            if typed[key]:
                assert f'value="{typed[key]}"' in r.text, (over, key)
        assert "自带工具" in r.text
    assert await Demand.all().count() == 0


async def test_every_problem_shows_at_once_next_to_its_field(client, people):
    """A form with several mistakes names them all in one answer, each beside its field: the user
    fixes them in one go instead of meeting the next one on each try."""
    await client.login("official")
    _, token = await open_form(client)
    cases = [
        (dict(title="x", starts_at="soon", volunteers_needed="many", category="nope"),
         {"title": ("标题", "2-50"), "starts_at": ("开始时间", "应为日期和时间"),
          "volunteers_needed": ("需要志愿者人数", "应为 1-1000 的整数"), "category": ("服务类别", "类别")}),
        # a missing area does not hide the rest of the form's problems
        (dict(area="", title="x", volunteers_needed="0"),
         {"area": ("所在区域", "必填"), "title": ("标题", "2-50"), "volunteers_needed": ("需要志愿者人数", "1-1000")}),
        # nor does an area outside the official's district
        (dict(area="610203001001", title="x"),
         {"area": ("所在区域", "不在您负责的区域内"), "title": ("标题", "2-50")}),
    ]
    for over, fields in cases:
        typed = form(people, **over)
        r = await client.post("/demands/new", data={**typed, "csrf_token": token}, headers=HTML)
        assert r.status_code in (403, 422), (over, r.text[-1500:])
        alert = r.text.split('role="alert"', 1)[1].split("</div>", 1)[0]
        assert len(re.findall(r"<li>", alert)) == len(fields), (over, alert)
        for field, (label, words) in fields.items():
            assert f'<a href="#{field}">{label}</a>' in alert, (over, alert)
            assert re.search(f'id="{field}"[^>]*aria-invalid="true"', r.text), (over, field)
            beside = r.text.split(f'<p class="field-error" id="{field}-error">', 1)[1].split("</p>", 1)[0]
            assert words in beside, (over, field, beside)
        assert 'value="x"' in r.text  # what was typed comes back
    assert await Demand.all().count() == 0


async def test_refusals_in_english(client, people):
    await client.login("official")
    _, token = await open_form(client, "/demands/new?lang=en")
    client.cookies.set("gridsvc_lang", "en")
    now = clock.china(clock.now()).replace(second=0, microsecond=0)
    typed = form(people, starts_at=(now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
                 ends_at=(now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"), title="")
    r = await client.post("/demands/new", data={**typed, "csrf_token": token}, headers=HTML)
    assert r.status_code == 422
    alert = r.text.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert '<a href="#title">Title</a>' in alert and "required" in alert and "标题" not in alert
    r = await client.post("/demands/new", data={**typed, "title": "Stairwell clean-up", "csrf_token": token},
                          headers=HTML)
    alert = r.text.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert '<a href="#ends_at">Ends</a>' in alert and "must be after the start" in alert, alert
    r = await client.post("/demands/new", data={**form(people, area="610203001001"), "csrf_token": token},
                          headers=HTML)
    alert = r.text.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert r.status_code == 403 and "lies outside the areas you look after" in alert and "demand.publish" not in alert
    assert await Demand.all().count() == 0
