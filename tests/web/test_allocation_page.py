"""The allocation plan's review page over HTTP: staff of the plan's area see the table and the
map's points, change assignments with the selects (a refused change names the wish), and accept;
others are refused as by the API."""

from __future__ import annotations

import json
import re

from gridsvc.store.wishes.models import Wish
from tests.wishkit import Kit

HTML = {"accept": "text/html"}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def points_of(html: str) -> list:
    return json.loads(re.search(r"var points = (\[.*?\]);", html, re.DOTALL).group(1))


async def test_review_edit_and_accept_a_plan(client, people):
    kit = Kit(client, people)
    org = await kit.org("川口爱心社")
    org2 = await kit.org("川口助老队", n=2, members=())
    ids = [(await kit.wish_in("published"))["id"] for _ in range(3)]
    plan = (await client.post("/api/v1/allocations", headers=await kit.h("head"),
                              json={"under": people.community, "name": "春节前"})).json()
    url = f"/allocations/{plan['id']}"

    r = await client.get(url, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == f"/login?next={url}"
    await client.login("worker2")  # another grid's worker: not this plan's area
    assert (await client.get(url, headers=HTML)).status_code == 403
    client.cookies.clear()
    await client.login("head")
    r = await client.get(url, headers=HTML)
    assert r.status_code == 200, r.text
    html = r.text
    assert "春节前" in html and all(f'name="project_{i}"' in html for i in ids)
    assert "川口助老队" in html  # the other project is offered where it fits
    points = points_of(html)
    assert sorted(p["wish"] for p in points) == sorted(ids) and all(p["to"] for p in points)
    assert (await client.get("/allocations/999999", headers=HTML)).status_code == 404

    # a project with an unknown id is refused whole, naming the row; nothing changes
    p1, p2 = org["project"]["id"], org2["project"]["id"]
    token = csrf_of(html)
    r = await client.post(url, data={"csrf_token": token, "action": "edit", f"project_{ids[0]}": "999999"},
                          headers=HTML)
    assert r.status_code == 422 and 'role="alert"' in r.text
    r = await client.post(url, data={"csrf_token": token, "action": "edit", f"project_{ids[0]}": "abc"}, headers=HTML)
    assert r.status_code == 422 and f"project_{ids[0]}" not in r.text.split('role="alert"')[1][:5]
    # unassign one, move one to the other organisation, keep the third
    form = {"csrf_token": token, "action": "edit", f"project_{ids[0]}": "", f"project_{ids[1]}": str(p2),
            f"project_{ids[2]}": str(p1)}
    r = await client.post(url, data=form, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == f"{url}?done=edit"
    view = (await client.get(f"/api/v1/allocations/{plan['id']}", headers=await kit.h("head"))).json()
    by_wish = {i["wish"]["id"]: i["project"] and i["project"]["id"] for i in view["items"]}
    assert by_wish == {ids[0]: None, ids[1]: p2, ids[2]: p1} and view["edited"]

    r = await client.post(url, data={"csrf_token": token, "action": "accept"}, headers=HTML)
    assert r.status_code == 303
    assert (await Wish.get(id=ids[1])).status == "claimed" and (await Wish.get(id=ids[0])).status == "published"
    html = (await client.get(url, headers=HTML)).text
    assert "已采纳" in html and "<select" not in html and "已认领 2 个心愿" in html
    r = await client.post(url, data={"csrf_token": token, "action": "accept"}, headers=HTML)
    assert r.status_code == 409
    r = await client.post(url, data={"csrf_token": token, "action": "nope"}, headers=HTML)
    assert r.status_code == 422


async def test_plan_list_is_scoped_and_makes_a_plan(client, people):
    """/allocations lists the plans of the viewer's scope, newest first, and its form makes a
    plan for one of their areas through the API's permission and store call."""
    from gridsvc.store.accounts.users import create_user
    from gridsvc.store.wishes.models import AllocationPlan
    from tests.conftest import PASSWORD

    await create_user("street", role="official", password=PASSWORD, areas=[people.street])
    await create_user("street2", role="official", password=PASSWORD, areas=["610203001000"])
    kit = Kit(client, people)
    await kit.org("川口爱心社")
    ids = [(await kit.wish_in("published"))["id"] for _ in range(2)]
    # a plan of the other street (its wishes do not matter to the list)
    other = await AllocationPlan.create(name="城关街道的方案", area_code="610203001000", status="draft")

    assert (await client.get("/allocations", headers=HTML)).status_code == 303  # to the log-in page
    await client.login("street")
    r = await client.get("/allocations", headers=HTML)
    assert r.status_code == 200, r.text
    html = r.text
    assert "还没有分配方案" in html and "城关街道的方案" not in html
    assert '<option value="610202001000" selected>七一路街道</option>' in html
    assert 'value="七一路街道本月微心愿"' in html  # the name the demo gives, ready to keep
    assert 'href="/allocations"' in (await client.get("/", headers=HTML)).text  # the workbench tile
    token = csrf_of(html)

    # bad cases: nothing is stored
    before = await AllocationPlan.all().count()
    r = await client.post("/allocations", data={"csrf_token": token, "under": "", "name": ""}, headers=HTML)
    assert r.status_code == 422 and 'role="alert"' in r.text
    r = await client.post("/allocations", data={"csrf_token": token, "under": people.community2, "name": "x"},
                          headers=HTML)
    assert r.status_code == 422 and "大同路社区 没有待认领的已发布心愿" in r.text and 'value="x"' in r.text
    r = await client.post("/allocations", data={"csrf_token": token, "under": "610203001000", "name": ""},
                          headers=HTML)
    assert r.status_code == 403
    assert await AllocationPlan.all().count() == before

    # an empty name takes the demo's default; the plan page follows
    r = await client.post("/allocations", data={"csrf_token": token, "under": people.street, "name": ""},
                          headers=HTML)
    assert r.status_code == 303, r.text
    plan = await AllocationPlan.filter(area_code=people.street).get()
    assert r.headers["location"] == f"/allocations/{plan.id}" and plan.name == "七一路街道本月微心愿"
    assert plan.wishes == len(ids) and plan.status == "draft"
    r = await client.post("/allocations", data={"csrf_token": token, "under": people.street, "name": "春节前"},
                          headers=HTML)
    assert r.status_code == 303
    newer = r.headers["location"]
    html = (await client.get("/allocations", headers=HTML)).text
    assert html.index(f'href="{newer}"') < html.index(f'href="/allocations/{plan.id}"')  # newest first
    assert "春节前" in html and "城关街道的方案" not in html
    assert "心愿 2 个" in html and "street" in html

    # the other street's official sees only theirs
    client.cookies.clear()
    await client.login("street2")
    html = (await client.get("/allocations", headers=HTML)).text
    assert "城关街道的方案" in html and f'href="/allocations/{other.id}"' in html and "春节前" not in html

    # a resident may not list nor make plans, nor sees the tile
    client.cookies.clear()
    await client.login("resident")
    assert (await client.get("/allocations", headers=HTML)).status_code == 403
    assert 'href="/allocations"' not in (await client.get("/", headers=HTML)).text
    home = (await client.get("/wishes", headers=HTML)).text
    r = await client.post("/allocations", data={"csrf_token": csrf_of(home), "under": people.street, "name": ""},
                          headers=HTML)
    assert r.status_code == 403 and await AllocationPlan.all().count() == before + 2
