"""The workbench's staff tiles over HTTP: claims about to expire in the worker's grids (the
head sees the whole community), vacancies in their area, an official's admissions to decide
and unfilled demands; each count moves when the work changes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from gridsvc.store.accounts.models import User
from gridsvc.store.wishes.models import Claim
from tests.wishkit import Kit, day, publish

HTML = {"accept": "text/html"}


def tile(html: str, label: str) -> int | None:
    m = re.search(r'<span class="n">(\d+)</span>' + label, html)
    return int(m.group(1)) if m else None


async def home_as(client, who: str) -> str:
    client.cookies.clear()
    await client.login(who)
    r = await client.get("/", headers=HTML)
    assert r.status_code == 200, r.text
    return r.text


async def test_staff_tiles_count_and_move(client, people):
    kit = Kit(client, people)
    await kit.org("川口爱心社")
    w = await kit.wish_in("claimed")
    await kit.wish_in("claimed")
    html = await home_as(client, "worker")
    assert tile(html, "即将到期的认领") == 0 and tile(html, "缺员的网格岗位") == 0
    await Claim.filter(wish_id=w["id"]).update(deadline=datetime.now(UTC) + timedelta(days=1))
    assert tile(await home_as(client, "worker"), "即将到期的认领") == 1
    assert tile(await home_as(client, "head"), "即将到期的认领") == 1  # the head: the whole community
    assert tile(await home_as(client, "worker2"), "即将到期的认领") == 0  # another grid
    # the building head leaves: a vacancy in the worker's grid, not in the other grid
    await User.filter(username="bhead").update(is_active=False)
    assert tile(await home_as(client, "worker"), "缺员的网格岗位") == 1
    assert tile(await home_as(client, "worker2"), "缺员的网格岗位") == 0
    # the claimer fulfils: nothing due any more
    client.cookies.clear()
    await kit.do(w["id"], "fulfil", "volunteer", note="已送到", fulfilled_on=day())
    assert tile(await home_as(client, "worker"), "即将到期的认领") == 0


async def test_official_tiles(client, people):
    kit = Kit(client, people)
    await kit.org("川口爱心社")
    html = await home_as(client, "official")
    assert tile(html, "待决定的准入申请") == 0 and tile(html, "未满员的志愿需求") == 0
    assert 'href="/services/admissions?state=applied"' in html
    client.cookies.clear()
    await publish(kit, client, people)
    assert tile(await home_as(client, "official"), "未满员的志愿需求") == 1
    assert tile(await home_as(client, "official2"), "未满员的志愿需求") == 0
    assert tile(await home_as(client, "resident"), "待决定的准入申请") is None


async def test_which_grid_am_i_in_answers_in_the_page(client, people):
    r = await client.get("/", params={"lon": 109.02, "lat": 35.02}, headers=HTML)
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert f'href="/areas/{people.grid}"' in r.text and 'id="locate-map"' in r.text and "data-geolocate" in r.text
    r = await client.get("/", params={"lon": 100.0, "lat": 30.0}, headers=HTML)
    assert r.status_code == 200 and "不在已导入的区域内" in r.text
    r = await client.get("/", params={"lon": "x", "lat": 35}, headers=HTML)
    assert r.status_code in (400, 422) and 'role="alert"' in r.text and "lon" in r.text


async def test_the_governance_dashboard_and_the_registry_are_one_tap_from_the_workbench(client, people):
    """An official's indicators and organisation registry are on their workbench (the navigation does
    not name them); a head sees the indicators of their community; a worker neither; each answers."""
    for who, dashboard, registry in (("official", True, True), ("head", True, False), ("worker", False, False)):
        html = await home_as(client, who)
        assert ('href="/governance"' in html) is dashboard, who
        assert ('href="/orgs"' in html) is registry, who
        for href, shown in (("/governance", dashboard), ("/orgs", registry)):
            if shown:
                assert (await client.get(href, headers=HTML)).status_code == 200, (who, href)
    en = (await client.get("/?lang=en", headers=HTML)).text
    assert "Governance indicators" not in en  # the worker's
    await home_as(client, "official")
    en = (await client.get("/?lang=en", headers=HTML)).text
    assert "Governance indicators" in en and "Registry of social organisations" in en and "考核指标" not in en


def tile_labels(html: str) -> set[str]:
    return set(re.findall(r'<a class="tile" href="[^"]*">(?:<span class="n">\d+</span>)?([^<]+)</a>', html))


# the tiles each role's workbench shows because of what the role may do (asked of the permission
# table, not of role names): vacancies for those who fill the tiers, unfilled demands for those
# who oversee volunteering, recruiting demands for a grid worker who publishes them, the
# organisation's claims for a member, sign-ups for volunteers and members, own wishes for residents
ROLE_TILES = {
    "缺员的网格岗位": {"admin", "official", "instructor", "head", "worker"},
    "未满员的志愿需求": {"admin", "official", "instructor", "head"},
    "招募中的志愿需求": {"worker"},
    "本组织认领中的心愿": {"orgmember"},
    "附近招募中的志愿需求": {"volunteer", "orgmember"},
    "我的志愿服务记录": {"volunteer", "orgmember"},
    "我的心愿": {"resident"},
}


@pytest.mark.parametrize("who", ["admin", "official", "instructor", "head", "worker", "leader", "bhead", "resident",
                                 "volunteer", "orgmember"])
async def test_each_role_gets_the_tiles_of_what_it_may_do(client, people, who):
    await Kit(client, people).org("川口爱心社")  # the member's organisation, serving the community
    shown = tile_labels(await home_as(client, who))
    assert {label for label, roles in ROLE_TILES.items() if who in roles} == shown & set(ROLE_TILES), shown
