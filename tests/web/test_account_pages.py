"""Account pages (issue 11 item 6) and the API beside them: the admin and officials list, create,
reset and (de)activate the accounts of their scope; someone out of scope is refused each step."""

from __future__ import annotations

import logging
import re

import pytest

from gridsvc.store.accounts.models import User
from gridsvc.store.accounts.users import create_user
from tests.conftest import PASSWORD

HTML = {"accept": "text/html"}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


async def page(client, path: str, status: int = 200) -> str:
    r = await client.get(path, headers=HTML)
    assert r.status_code == status, r.text
    return r.text


async def listed(client, path: str) -> set[str]:
    """The login names of the accounts a list page shows."""
    ids = [int(i) for i in re.findall(r'href="/accounts/(\d+)"', await page(client, path))]
    return set(await User.filter(id__in=ids).values_list("username", flat=True))


async def post(client, path: str, form: dict, *, token_from: str | None = None):
    token = csrf_of(await page(client, token_from or path))
    return await client.post(path, data={**form, "csrf_token": token}, headers=HTML)


@pytest.fixture
async def far(people):
    """A grid worker in the other district (610203), out of `official`'s scope."""
    return await create_user("farworker", role="worker", password=PASSWORD, areas=[people.far_grid],
                             display_name="远方网格员")


async def test_anonymous_and_roles_without_the_permission_are_refused(client, people):
    r = await client.get("/accounts", headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/accounts"
    await client.login("head")
    assert (await client.get("/accounts", headers=HTML)).status_code == 403
    assert (await client.get("/accounts/new", headers=HTML)).status_code == 403


async def test_official_lists_the_accounts_of_their_district_only(client, people, far):
    await client.login("official")
    shown = await listed(client, "/accounts")
    assert {"worker", "worker2", "head", "head2", "instructor", "leader", "bhead", "resident"} <= shown
    assert not shown & {"farworker", "official", "official2", "admin", "volunteer", "orgmember"}
    assert "张网格" in await page(client, "/accounts")
    assert "账号管理" in await page(client, "/") and 'href="/accounts"' in await page(client, "/me")
    # search by name, by role, by area; a page at a time with a cursor
    assert await listed(client, "/accounts?q=张") == {"worker"}
    assert await listed(client, "/accounts?role=resident") == {"resident"}
    assert await listed(client, f"/accounts?under={people.community2}") == {"head2"}
    assert (await client.get("/accounts?under=610299999999", headers=HTML)).status_code == 404
    html = await page(client, "/accounts?limit=2")
    cursor = re.search(r"cursor=([^\"&]+)", html).group(1)
    html2 = await page(client, f"/accounts?limit=2&cursor={cursor}")
    first = set(re.findall(r'href="/accounts/(\d+)"', html))
    assert first and not first & set(re.findall(r'href="/accounts/(\d+)"', html2))
    assert (await client.get("/accounts?cursor=nonsense", headers=HTML)).status_code == 400


async def test_official_creates_a_worker_with_a_generated_password(client, people, far):
    await client.login("official")
    html = await page(client, "/accounts/new?role=worker")
    roles = re.findall(r'<option value="(\w+)"', html.split('id="pick-role"')[1].split("</select>")[0])
    assert roles == ["instructor", "head", "worker", "group_leader", "building_head", "resident"]
    picks = re.findall(r'<option value="(\d+)"', html.split('id="area"')[1].split("</select>")[0])
    assert picks == [people.grid, people.grid2, people.other_grid]  # grids of their district only
    form = {"role": "worker", "area": people.grid2, "name": "李新", "username": "lixin", "phone": "13900000099"}
    # a grid whose post is held: refused in words naming the holder, the form kept, nothing stored
    r = await post(client, "/accounts/new", form, token_from="/accounts/new?role=worker")
    assert r.status_code == 409 and "川口二网格网格员现由 worker2 担任" in r.text and 'value="lixin"' in r.text
    assert not await User.filter(username="lixin").exists()
    form["area"] = people.other_grid  # a vacant grid
    r = await post(client, "/accounts/new", form, token_from="/accounts/new?role=worker")
    assert r.status_code == 200 and "账号已创建" in r.text
    password = re.search(r'id="one-time-password">([^<]+)<', r.text).group(1)
    assert len(password) == 12
    user = await User.get(username="lixin")
    assert user.role == "worker" and user.display_name == "李新"
    assert (await page(client, f"/accounts/{user.id}")).count(password) == 0  # shown once only
    # it logs in with that password
    client.cookies.clear()
    await client.login("lixin", password)


def area_options(html: str) -> dict[str, str]:
    """The area chooser's options: code -> the option's opening tag and text."""
    select = html.split('id="area"')[1].split("</select>")[0]
    return {code: tag for tag, code in re.findall(r'(<option value="(\d+)"[^>]*>[^<]*)', select)}


async def test_the_chooser_marks_the_areas_whose_post_is_held(client, people):
    await client.login("official")
    html = await page(client, "/accounts/new?role=worker")
    options = area_options(html)
    # the held grids: named with their holder, not choosable, their roster linked
    assert "disabled" in options[people.grid] and "已由 张网格 担任" in options[people.grid]
    assert "disabled" in options[people.grid2] and "已由 worker2 担任" in options[people.grid2]
    held = html.split('id="held-posts"')[1].split("</details>")[0]
    assert f'href="/areas/{people.grid}/roster"' in held and f'href="/areas/{people.grid2}/roster"' in held
    # the vacant grid stays choosable and is not listed as held
    assert "disabled" not in options[people.other_grid] and "担任" not in options[people.other_grid]
    assert people.other_grid not in held
    # the same grids for another tier: nothing held there (group leaders serve groups, not grids)
    # in English
    r = await client.get("/accounts/new", params={"role": "worker", "lang": "en"}, headers=HTML)
    assert "held by 张网格" in area_options(r.text)[people.grid] and "Held posts" in r.text


async def test_the_chooser_reads_the_holders_in_one_query(client, people, caplog):
    await client.login("official")
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        await page(client, "/accounts/new?role=worker")
    sql = [r.getMessage().lower() for r in caplog.records if r.name == "tortoise.db_client"]
    # the listed areas' holders in one query over the assignments, not one per area
    holders = [q for q in sql if "user_area" in q and people.grid in q]
    assert len(holders) == 1 and people.other_grid in holders[0], sql


async def test_the_refusal_of_a_held_post_links_the_roster(client, people):
    await client.login("official")
    form = {"role": "worker", "area": people.grid, "name": "李新", "username": "lixin"}
    r = await post(client, "/accounts/new", form, token_from="/accounts/new?role=worker")
    assert r.status_code == 409
    error = r.text.split('class="error"')[1].split("</p>")[0]
    assert "现由 张网格 担任" in error and f'href="/areas/{people.grid}/roster"' in error
    assert not await User.filter(username="lixin").exists()
    # another refusal links no roster
    r = await post(client, "/accounts/new", {**form, "area": people.community}, token_from="/accounts/new")
    assert r.status_code == 422 and "/roster" not in r.text.split('class="error"')[1].split("</p>")[0]


async def test_creation_refused_out_of_scope_or_role_and_nothing_stored(client, people):
    await client.login("official")
    bad = [({"role": "worker", "area": people.far_grid}, 403),  # a grid of the other district
           ({"role": "official", "area": people.district}, 403),  # only the admin creates officials
           ({"role": "worker", "area": people.community}, 422),  # a worker is given a grid
           ({"role": "worker", "area": people.grid, "password": "short"}, 422)]
    for extra, status in bad:
        r = await post(client, "/accounts/new", {"name": "某人", "username": "someone", **extra},
                       token_from="/accounts/new")
        assert r.status_code == status, (extra, r.text)
        assert 'class="error"' in r.text and "someone" in r.text  # the form comes back, filled in
    assert not await User.filter(username="someone").exists()
    r = await post(client, "/accounts/new", {"role": "worker", "area": people.grid, "name": "重名",
                                             "username": "worker"}, token_from="/accounts/new")
    assert r.status_code == 409 and "worker" in r.text


async def test_reset_password_generated_or_typed_ends_sessions(client, people):
    worker = await User.get(username="worker")
    victim = await client.token_for("worker")
    await client.login("official")
    r = await post(client, f"/accounts/{worker.id}/password", {"how": "generate"}, token_from=f"/accounts/{worker.id}")
    assert r.status_code == 200 and "密码已重置" in r.text
    generated = re.search(r'id="one-time-password">([^<]+)<', r.text).group(1)
    assert (await client.get("/api/v1/auth/me", headers=victim)).status_code == 401
    r = await post(client, f"/accounts/{worker.id}/password", {"how": "type", "password": "new-pass-2026"},
                   token_from=f"/accounts/{worker.id}")
    assert r.status_code == 200 and "one-time-password" not in r.text
    r = await post(client, f"/accounts/{worker.id}/password", {"how": "type", "password": "short"},
                   token_from=f"/accounts/{worker.id}")
    assert r.status_code == 422 and 'class="error"' in r.text
    client.cookies.clear()
    r = await client.post("/api/v1/auth/token", json={"username": "worker", "password": generated})
    assert r.status_code == 401
    await client.login("worker", "new-pass-2026")


async def test_official_of_another_district_cannot_see_or_reset(client, people, far):
    worker = await User.get(username="worker")
    await client.login("official2")
    assert await listed(client, "/accounts") == {"farworker"}
    assert (await client.get(f"/accounts/{worker.id}", headers=HTML)).status_code == 403
    for step in ("password", "deactivate"):
        r = await post(client, f"/accounts/{worker.id}/{step}", {"how": "generate"}, token_from="/accounts")
        assert r.status_code == 403, step
    assert (await User.get(id=worker.id)).is_active
    assert (await client.get("/accounts/999999", headers=HTML)).status_code == 404


async def test_deactivate_and_reactivate(client, people):
    worker = await User.get(username="worker")
    await client.login("official")
    r = await post(client, f"/accounts/{worker.id}/deactivate", {}, token_from=f"/accounts/{worker.id}")
    assert r.status_code == 303 and r.headers["location"] == f"/accounts/{worker.id}?done=deactivated"
    html = await page(client, r.headers["location"])
    assert "账号已停用" in html and "启用账号" in html
    r = await post(client, f"/accounts/{worker.id}/deactivate", {}, token_from=f"/accounts/{worker.id}")
    assert r.status_code == 409 and 'class="error"' in r.text
    assert not (await User.get(id=worker.id)).is_active
    r = await post(client, f"/accounts/{worker.id}/reactivate", {}, token_from=f"/accounts/{worker.id}")
    assert r.status_code == 303 and (await User.get(id=worker.id)).is_active
    # an official's own page has no reset or deactivation of themself; the admin manages officials
    me = await User.get(username="official")
    assert (await client.get(f"/accounts/{me.id}", headers=HTML)).status_code == 403
    client.cookies.clear()
    await client.login("admin")
    html = await page(client, f"/accounts/{me.id}")
    assert "停用账号" in html
    html = await page(client, "/accounts/new?role=official")
    assert '<option value="official"' in html and people.district in html


async def test_residents_names_are_masked_for_officials_and_the_admin(client, people):
    resident = await User.get(username="resident")
    await User.filter(id=resident.id).update(display_name="欧阳娜娜")
    for who in ("official", "admin"):
        client.cookies.clear()
        bearer = await client.token_for(who)
        await client.login(who)
        for path in ("/accounts?role=resident", f"/accounts/{resident.id}"):
            html = await page(client, path)
            assert "欧阳娜娜" not in html and "13812341234" not in html and "欧" in html, (who, path)
        body = (await client.get(f"/api/v1/users/{resident.id}", headers=bearer)).json()
        assert body["name"] != "欧阳娜娜" and body["name"].startswith("欧")


async def test_a_masked_name_is_no_search_term(client, people):
    """The list shows a resident as 欧*** to an official or the admin, but ``q=欧阳娜`` found
    the card: guessing a name one character at a time told it in full. Names are searched
    where they are shown (staff's; residents' for those who see them), login names as before."""
    resident = await User.get(username="resident")
    await User.filter(id=resident.id).update(display_name="欧阳娜娜")
    for who in ("official", "admin"):
        client.cookies.clear()
        bearer = await client.token_for(who)
        await client.login(who)
        for q in ("欧阳娜", "欧阳娜娜", "娜"):
            assert "resident" not in await listed(client, f"/accounts?q={q}"), (who, q)
            r = await client.get("/api/v1/users", params={"q": q}, headers=bearer)
            assert r.status_code == 200 and resident.id not in [u["id"] for u in r.json()["users"]], (who, q)
        assert "worker" in await listed(client, "/accounts?q=张")  # a staff member's name, shown in full
        assert "resident" in await listed(client, "/accounts?q=resid")  # the login name, shown in full
        r = await client.get("/api/v1/users", params={"q": "resid"}, headers=bearer)
        assert resident.id in [u["id"] for u in r.json()["users"]]


async def test_api_lists_creates_and_scopes_accounts(client, people, far):
    h = await client.token_for("official")
    r = await client.get("/api/v1/users", params={"limit": 50}, headers=h)
    assert r.status_code == 200
    names = {u["username"] for u in r.json()["users"]}
    assert "worker" in names and "farworker" not in names and "official2" not in names
    body = {"username": "api-resident", "role": "resident", "areas": [people.building], "name": "王居民"}
    r = await client.post("/api/v1/users", json=body, headers=h)
    assert r.status_code == 201 and len(r.json()["password"]) == 12
    assert r.headers["location"] == f"/api/v1/users/{r.json()['id']}"
    r = await client.post("/api/v1/users", json={**body, "username": "x2", "areas": [people.far_grid]}, headers=h)
    assert r.status_code == 403
    r = await client.post("/api/v1/users", json={**body, "username": "x3", "role": "official",
                                                 "areas": [people.district]}, headers=h)
    assert r.status_code == 403 and r.json()["error"]["code"] == "wrong_role"
    far_id = far.id
    assert (await client.get(f"/api/v1/users/{far_id}", headers=h)).status_code == 403
    assert (await client.get(f"/api/v1/users/{far_id}", headers=await client.token_for("official2"))
            ).status_code == 200
    assert (await client.get("/api/v1/users", headers=await client.token_for("head"))).status_code == 403
