"""The volunteering pages over HTTP: demands (list, publish, sign up and withdraw, an
organisation's claim, staff's steps and the one-table hours form), organisations (registry,
registration, the organisation's page with fitting demands) and a volunteer's record with a
certificate staff verify; each with the refused cases and the scope of who sees what."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from gridsvc.store.accounts.models import User
from gridsvc.store.orgs.models import Demand
from tests.wishkit import Kit, credit_code, demand_body, publish

HTML = {"accept": "text/html"}


@pytest.fixture
async def kit(client, people):
    await User.filter(username="volunteer").update(display_name="李志远")
    await User.filter(username="orgmember").update(display_name="赵敏")
    k = Kit(client, people)
    await k.org("川口爱心社")
    return k


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


async def page_and_token(client, path: str) -> tuple[str, str]:
    r = await client.get(path, headers=HTML)
    assert r.status_code == 200, r.text
    return r.text, csrf_of(r.text)


async def act(client, demand_id: int, **form):
    _, token = await page_and_token(client, f"/demands/{demand_id}")
    return await client.post(f"/demands/{demand_id}/act", data={**form, "csrf_token": token}, headers=HTML)


async def test_demand_list_is_public_and_near_the_volunteer(kit, client, people):
    d = await publish(kit, client, people)
    r = await client.get("/demands", headers=HTML)
    assert r.status_code == 200 and "重阳节敬老院陪伴" in r.text and f"/demands/{d['id']}" in r.text
    assert (await client.get("/demands?under=" + people.community2,
                             headers=HTML)).text.count("class=\"card demand") == 0
    await client.login("volunteer")
    await client.put("/api/v1/volunteers/me/profile", json={"skills": ["理发"]},
                     headers={"x-csrf-token": csrf_of((await client.get("/demands", headers=HTML)).text)})
    r = await client.get("/demands", headers=HTML)
    assert "符合您的技能" in r.text and "理发" in r.text
    assert (await client.get("/demands?status=nope", headers=HTML)).status_code == 422


async def test_worker_publishes_with_the_form(kit, client, people):
    r = await client.get("/demands/new", headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/demands/new"
    await client.login("volunteer")
    assert (await client.get("/demands/new", headers=HTML)).status_code == 403
    client.cookies.clear()
    await client.login("worker")
    text, token = await page_and_token(client, "/demands/new")
    assert "发布志愿服务需求" in text and people.grid in text
    body = demand_body(people.grid, skills="陪伴聊天,理发")
    body["volunteers_needed"] = "4"
    r = await client.post("/demands/new", data={**body, "csrf_token": token}, headers=HTML)
    assert r.status_code == 303, r.text
    did = int(r.headers["location"].split("/")[2].split("?")[0])
    d = await Demand.get(id=did)
    assert d.needed == 4 and d.skills == ["陪伴聊天", "理发"] and d.area_code == people.grid
    # bad input: the form again with the reason, nothing stored
    r = await client.post("/demands/new", data={**body, "volunteers_needed": "many", "csrf_token": token}, headers=HTML)
    assert r.status_code == 422 and "人数" in r.text
    r = await client.post("/demands/new", data={**demand_body(people.other_grid), "csrf_token": token}, headers=HTML)
    assert r.status_code == 403
    assert await Demand.all().count() == 1


async def test_volunteer_signs_up_and_withdraws(kit, client, people):
    d = await publish(kit, client, people)
    await client.login("volunteer")
    text, _ = await page_and_token(client, f"/demands/{d['id']}")
    assert "我要报名" in text and "代表组织认领" not in text and "登记服务时长" not in text
    r = await act(client, d["id"], action="signup")
    assert r.status_code == 303
    text, _ = await page_and_token(client, f"/demands/{d['id']}")
    assert "您已报名" in text and "还差 4 人" in text and "取消报名" in text
    r = await act(client, d["id"], action="signup")
    assert r.status_code == 409 and "已报名" in r.text
    r = await act(client, d["id"], action="close")
    assert r.status_code == 403
    assert (await act(client, d["id"], action="release")).status_code == 303
    text, _ = await page_and_token(client, f"/demands/{d['id']}")
    assert "还差 5 人" in text and "我要报名" in text


async def test_org_member_claims_for_three_and_staff_record_hours(kit, client, people):
    d = await publish(kit, client, people)
    await client.login("orgmember")
    text, _ = await page_and_token(client, f"/demands/{d['id']}")
    assert "代表组织认领" in text and "我要报名" not in text
    r = await act(client, d["id"], action="claim", count="9")
    assert r.status_code in (409, 422)  # more than the places left
    r = await act(client, d["id"], action="claim", count="3")
    assert r.status_code == 303
    text, _ = await page_and_token(client, f"/demands/{d['id']}")
    assert "本组织已认领 3 个名额" in text and "还差 2 人" in text
    client.cookies.clear()
    await client.login("volunteer")
    assert (await act(client, d["id"], action="signup")).status_code == 303
    # others see the volunteer's name masked, staff in full
    text, _ = await page_and_token(client, f"/demands/{d['id']}")
    client.cookies.clear()
    await client.login("resident")
    text, _ = await page_and_token(client, f"/demands/{d['id']}")
    assert "李志远" not in text and "川口爱心社" in text
    client.cookies.clear()
    await client.login("worker")
    text, _ = await page_and_token(client, f"/demands/{d['id']}")
    assert "李志远" in text and "登记服务时长" not in text  # not started yet
    start = datetime.now(UTC) - timedelta(hours=2)
    await Demand.filter(id=d["id"]).update(starts_at=start, ends_at=start + timedelta(hours=3))
    text, _ = await page_and_token(client, f"/demands/{d['id']}")
    assert "登记服务时长" in text and 'name="hours_volunteer"' in text and 'name="hours_orgmember"' in text
    # one bad row: nothing saved, the row named
    r = await act(client, d["id"], action="hours", hours_volunteer="2.5", hours_orgmember="99")
    assert r.status_code == 422 and "第 2 条" in r.text
    r = await act(client, d["id"], action="hours", hours_volunteer="2.5", hours_orgmember="3", note_orgmember="理发")
    assert r.status_code == 303
    text, _ = await page_and_token(client, f"/demands/{d['id']}")
    assert 'value="2.5"' in text and 'value="3.0"' in text
    client.cookies.clear()
    await client.login("worker2")  # another grid's worker: no hours form, names masked
    text, _ = await page_and_token(client, f"/demands/{d['id']}")
    assert "登记服务时长" not in text and "李志远" not in text
    assert (await act(client, d["id"], action="hours", hours_volunteer="1")).status_code == 403


async def test_service_record_and_certificate(kit, client, people, app):
    d = await publish(kit, client, people)
    await client.login("volunteer")
    await act(client, d["id"], action="signup")
    start = datetime.now(UTC) - timedelta(hours=2)
    await Demand.filter(id=d["id"]).update(starts_at=start, ends_at=start + timedelta(hours=3))
    r = await client.post(f"/api/v1/demands/{d['id']}/hours", headers=await kit.h("worker"),
                          json={"entries": [{"volunteer": "volunteer", "hours": 3}]})
    assert r.status_code == 200, r.text
    text, _ = await page_and_token(client, "/me/service")
    assert "志愿服务证明" in text and "重阳节敬老院陪伴" in text and "3.0" in text and "0 星" in text
    number = re.search(r'class="number">([^<]+)<', text).group(1)
    # the volunteer cannot verify (staff can), a forged number is unknown
    assert (await client.get(f"/certificates/{number}", headers=HTML)).status_code == 403
    client.cookies.clear()
    await client.login("official")
    r = await client.get(f"/certificates/{number}", headers=HTML)
    assert r.status_code == 200 and "证明有效" in r.text and "李志远" in r.text and "3.0" in r.text
    forged = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert (await client.get(f"/certificates/{forged}", headers=HTML)).status_code == 404
    assert (await client.get("/me/service", headers=HTML)).status_code == 403  # an official keeps no record
    client.cookies.clear()
    assert (await client.get("/me/service", headers=HTML)).status_code == 303


async def test_star_level_follows_the_settings(kit, client, people, app):
    app.state.settings = app.state.settings.__class__(**{**app.state.settings.__dict__, "volunteer_star_hours": (2, 5)})
    d = await publish(kit, client, people)
    await client.login("volunteer")
    await act(client, d["id"], action="signup")
    start = datetime.now(UTC) - timedelta(hours=2)
    await Demand.filter(id=d["id"]).update(starts_at=start, ends_at=start + timedelta(hours=3))
    await client.post(f"/api/v1/demands/{d['id']}/hours", headers=await kit.h("worker"),
                      json={"entries": [{"volunteer": "volunteer", "hours": 3}]})
    text, _ = await page_and_token(client, "/me/service")
    assert "1 星" in text and "再服务 2.0 小时可达 2 星" in text


async def test_org_registry_and_registration(kit, client, people):
    r = await client.get("/orgs", headers=HTML)
    assert r.status_code == 200 and "川口爱心社" in r.text and "登记或备案" not in r.text
    await client.login("official")
    text, token = await page_and_token(client, "/orgs")
    assert "登记或备案社会组织" in text and "/static/orgs.js" in text
    form = {"name": "大同路邻里互助会", "credit_code": credit_code(7), "kind": "community_service", "status": "filed",
            "areas": people.community2, "csrf_token": token}
    bad = await client.post("/orgs", data={**form, "credit_code": credit_code(7)[:-1] + "0"}, headers=HTML)
    assert bad.status_code == 422 and "信用代码" in bad.text
    r = await client.post("/orgs", data=form, headers=HTML)
    assert r.status_code == 303, r.text
    page = await client.get(r.headers["location"], headers=HTML)
    assert "大同路邻里互助会" in page.text and "大同路社区" in page.text
    client.cookies.clear()
    await client.login("official2")  # another district: not theirs to register
    text, token = await page_and_token(client, "/orgs")
    r = await client.post("/orgs",
                          data={**form, "name": "别处的组织", "credit_code": credit_code(8), "csrf_token": token},
                          headers=HTML)
    assert r.status_code == 403


async def test_org_page_for_members_shows_fitting_demands(kit, client, people):
    d = await publish(kit, client, people)
    other = await publish(kit, client, people, title="别社区的需求")
    await Demand.filter(id=other["id"]).update(area_code=people.other_grid)
    org_id = (await User.get(username="orgmember")).org_id
    r = await client.get(f"/orgs/{org_id}", headers=HTML)
    assert r.status_code == 200 and "暖冬助老" in r.text and "适合本组织" not in r.text and "赵敏" not in r.text
    await client.login("orgmember")
    r = await client.get(f"/orgs/{org_id}", headers=HTML)
    assert "适合本组织的志愿需求" in r.text and f"/demands/{d['id']}" in r.text and "别社区的需求" not in r.text
    assert "可由项目「暖冬助老」承接" in r.text and "赵敏" in r.text
    assert (await client.get("/orgs/999999", headers=HTML)).status_code == 404


async def test_workbench_per_role_counts_link_to_lists(kit, client, people):
    anon = await client.get("/", headers=HTML)
    assert anon.status_code == 200 and "工作台" not in anon.text
    await kit.post()  # a wish waiting for the worker
    await publish(kit, client, people)
    await client.login("worker")
    r = await client.get("/", headers=HTML)
    assert r.status_code == 200 and "工作台" in r.text
    assert re.search(r'href="/wishes\?tab=submitted"><span class="n">1</span>待审核的心愿', r.text)
    assert re.search(r'<span class="n">1</span>招募中的志愿需求', r.text)
    client.cookies.clear()
    await client.login("worker2")  # another grid: nothing of the first grid's waiting
    r = await client.get("/", headers=HTML)
    assert re.search(r'<span class="n">0</span>待审核的心愿', r.text)
    client.cookies.clear()
    await client.login("resident")
    r = await client.get("/", headers=HTML)
    assert re.search(r'<span class="n">1</span>我的心愿', r.text) and "待审核的心愿" not in r.text
    client.cookies.clear()
    await client.login("volunteer")
    r = await client.get("/", headers=HTML)
    assert re.search(r'<span class="n">1</span>附近招募中的志愿需求', r.text) and 'href="/me/service"' in r.text


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_demand_list_filters_each_have_their_own_name(client, lang):
    # the default view (recruiting or full) once shared its name with "recruiting" alone
    r = await client.get(f"/demands?lang={lang}", headers=HTML)
    nav = [n for n in re.findall(r'<nav class="subnav">(.*?)</nav>', r.text, re.S) if "status=" in n][0]
    labels = re.findall(r">([^<>]+)</a>", nav)
    assert len(labels) == 6 and len(set(labels)) == 6, labels


@pytest.mark.parametrize("who", ["admin", "official", "instructor", "head", "worker", "leader", "bhead", "resident",
                                 "volunteer", "orgmember"])
async def test_each_role_opens_the_registry_and_the_demands_on_its_own_default(client, people, kit, who):
    """The area a listing opens on is a default (``under=`` picks another), chosen by what the
    role does: staff and officials open the registry on their own area, the admin and the
    others on the whole registry; a volunteer's demands open near their area, a member's on
    their organisation's service areas; a sign-up record link for those who take demands."""
    own = {"official": people.district, "instructor": people.community, "head": people.community,
           "worker": people.grid, "leader": people.group, "bhead": people.building}
    await client.login(who)
    registry = (await client.get("/orgs", headers=HTML)).text
    assert f'<input type="hidden" name="under" value="{own.get(who, "")}">' in registry
    demands = (await client.get("/demands", headers=HTML)).text
    near = {"volunteer": people.district, "orgmember": people.community}.get(who)
    assert ("查看全部地区" in demands) == (near is not None)
    if near:
        assert f"&under={near}" in demands
    assert ('href="/me/service"' in demands) == (who in ("volunteer", "orgmember"))
