"""Social organisations through the API and the CLI: the credit code's check characters
(valid and invalid), registered and filed organisations, every kind, who may register, members
and projects, the public registry and an organisation's record."""

from __future__ import annotations

import asyncio

import pytest

from gridsvc.domain.orgs import ORG_KINDS, credit_check_char
from gridsvc.store.accounts.models import User
from gridsvc.store.orgs.models import Organisation
from tests.kit.commands import gridsvc
from tests.wishkit import Kit, credit_code, day


@pytest.fixture
async def kit(client, people):
    return Kit(client, people)


def org_body(people, **over) -> dict:
    body = {"name": "川口社区邻里互助会", "credit_code": credit_code(7), "kind": "community_service",
            "status": "registered",
            "areas": [people.community], "phone": "0919-1234567"}
    body.update(over)
    return {k: v for k, v in body.items() if v is not None}


async def test_register_with_a_valid_code(kit, client, people):
    code = credit_code(7)
    r = await client.post("/api/v1/orgs", headers=await kit.h("official"),
                          json=org_body(people, credit_code=code.lower()))
    assert r.status_code == 201, r.text
    org = r.json()
    assert org["credit_code"] == code and org["status_zh"] == "登记" and org["kind_zh"] == "社区服务类"
    assert org["credit"]["authority"]["zh"] == "民政" and org["credit"]["kind"]["zh"] == "民办非企业单位"
    assert org["credit"]["division_code"] == "610202" and org["areas"] == [
        {"code": people.community, "name": "川口社区", "level": "community"}]
    assert r.headers["location"] == f"/api/v1/orgs/{org['id']}"
    # the registry is public
    got = await client.get(f"/api/v1/orgs/{org['id']}")
    assert got.status_code == 200 and got.json()["name"] == "川口社区邻里互助会" and "members" not in got.json()


def _bad_check(code: str) -> str:
    """The same code with a wrong check character (position 18)."""
    wrong = "0" if code[17] != "0" else "1"
    return code[:17] + wrong


@pytest.mark.parametrize("make, position, part", [
    (lambda c: _bad_check(c), 18, "check"),
    (lambda c: c[:16] + ("1" if c[16] != "1" else "2") + "X", None, None),  # organisation code check, fixed final
    (lambda c: c[:17], 0, None),  # 17 characters
    (lambda c: "I" + c[1:], 1, None),  # I is never used
    (lambda c: c[:5] + "O" + c[6:], 6, None),
])
async def test_invalid_codes_are_named(kit, client, people, make, position, part):
    code = make(credit_code(7))
    if position is None:  # re-make the final check so that only the GB 11714 check is wrong
        code = code[:17] + credit_check_char(code[:17])
        position, part = 17, "organisation_code"
    r = await client.post("/api/v1/orgs", headers=await kit.h("admin"), json=org_body(people, credit_code=code))
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "bad_credit_code" and err["details"]["position"] == position
    if part:
        assert err["details"]["part"] == part and err["details"]["expected"]
    assert await Organisation.all().count() == 0


async def test_check_code_endpoint(client, database):
    code = credit_code(3)
    r = await client.get("/api/v1/orgs/check-code", params={"code": code})
    assert r.status_code == 200 and r.json()["valid"] and r.json()["registered_org"] is None
    r = await client.get("/api/v1/orgs/check-code", params={"code": _bad_check(code)})
    assert r.status_code == 422 and r.json()["error"]["details"]["expected"] == code[17]
    assert (await client.get("/api/v1/orgs/check-code")).status_code == 400


async def test_registered_needs_a_code_filed_does_not(kit, client, people):
    h = await kit.h("admin")
    r = await client.post("/api/v1/orgs", headers=h, json=org_body(people, credit_code=None))
    assert r.status_code == 422 and r.json()["error"]["code"] == "credit_code_required"
    r = await client.post("/api/v1/orgs", headers=h, json=org_body(people, credit_code=None, status="filed",
                                                                   name="川口社区广场舞队", kind="culture_sports"))
    assert r.status_code == 201 and r.json()["credit_code"] is None and r.json()["status_zh"] == "备案"
    # several filed organisations without a code coexist
    r = await client.post("/api/v1/orgs", headers=h, json=org_body(people, credit_code="", status="filed",
                                                                   name="川口社区书画社", kind="culture_sports"))
    assert r.status_code == 201
    r = await client.post("/api/v1/orgs", headers=h, json=org_body(people, status="pending"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_org_status"


@pytest.mark.parametrize("kind", list(ORG_KINDS))
async def test_every_kind(kit, client, people, kind):
    r = await client.post("/api/v1/orgs", headers=await kit.h("admin"), json=org_body(people, kind=kind))
    assert r.status_code == 201 and r.json()["kind_zh"] == ORG_KINDS[kind]


async def test_register_ladder(kit, client, people):
    body = org_body(people)
    assert (await client.post("/api/v1/orgs", json=body)).status_code == 401
    for who in ("resident", "orgmember", "volunteer", "worker", "head"):
        assert (await client.post("/api/v1/orgs", headers=await kit.h(who), json=body)).status_code == 403, who
    assert (await client.post("/api/v1/orgs", headers=await kit.h("official2"), json=body)).status_code == 403
    r = await client.post("/api/v1/orgs", headers=await kit.h("official"),
                          json=org_body(people, areas=["610299999999"]))
    assert r.status_code == 404
    r = await client.post("/api/v1/orgs", headers=await kit.h("official"),
                          json=org_body(people, areas=[people.building]))
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_areas"
    r = await client.post("/api/v1/orgs", headers=await kit.h("official"), json=org_body(people, areas=[]))
    assert r.status_code == 422
    r = await client.post("/api/v1/orgs", headers=await kit.h("official"), json=org_body(people, kind="sports_club"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_org_kind"
    r = await client.post("/api/v1/orgs", headers=await kit.h("official"), json=org_body(people, name="x"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_org_name"
    assert (await client.post("/api/v1/orgs", headers=await kit.h("official"), json=body)).status_code == 201
    r = await client.post("/api/v1/orgs", headers=await kit.h("admin"), json=org_body(people, name="另一个组织"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "credit_code_taken"


async def test_registry_listing(kit, client, people):
    await kit.org("川口爱心社", members=())
    await kit.org("印台公益基金会", areas=[people.other_district], kind="charity", n=2, members=(), projects=False)
    all_ = (await client.get("/api/v1/orgs")).json()
    assert all_["total"] == 2
    assert [o["name"] for o in (await client.get("/api/v1/orgs",
                                                 params={"kind": "charity"})).json()["orgs"]] == ["印台公益基金会"]
    # under a grid: the organisations serving it (the community's), not the other district's
    under = (await client.get("/api/v1/orgs", params={"under": people.grid})).json()
    assert [o["name"] for o in under["orgs"]] == ["川口爱心社"]
    under = (await client.get("/api/v1/orgs", params={"under": people.district})).json()
    assert [o["name"] for o in under["orgs"]] == ["川口爱心社"]
    assert (await client.get("/api/v1/orgs", params={"q": "基金"})).json()["total"] == 1
    assert (await client.get("/api/v1/orgs", params={"kind": "zoo"})).status_code == 422
    assert (await client.get("/api/v1/orgs/9999")).status_code == 404


async def test_members(kit, client, people):
    org = await kit.org("川口爱心社", members=(), projects=False)
    url = f"/api/v1/orgs/{org['id']}/members"
    assert (await client.post(url, json={"username": "orgmember"})).status_code == 401
    assert (await client.post(url, headers=await kit.h("orgmember"), json={"username": "orgmember"})).status_code == 403
    assert (await client.post(url, headers=await kit.h("official2"), json={"username": "orgmember"})).status_code == 403
    r = await client.post(url, headers=await kit.h("official"), json={"username": "resident"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_member_role"
    assert (await client.post(url, headers=await kit.h("official"), json={"username": "ghost"})).status_code == 404
    r = await client.post(url, headers=await kit.h("official"), json={"username": "orgmember"})
    assert r.status_code == 201
    assert (await User.get(username="orgmember")).org_id == org["id"]
    # members see the member list of their own organisation
    got = (await client.get(f"/api/v1/orgs/{org['id']}", headers=await kit.h("orgmember"))).json()
    assert [m["username"] for m in got["members"]] == ["orgmember"] and got["member_count"] == 1
    other = await kit.org("川口二社", n=2, members=(), projects=False)
    r = await client.post(f"/api/v1/orgs/{other['id']}/members", headers=await kit.h("admin"),
                          json={"username": "orgmember"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "member_elsewhere"


async def test_projects(kit, client, people):
    org = await kit.org("川口爱心社", projects=False)  # orgmember joins
    other = await kit.org("大同路社", areas=[people.community2], n=2, members=(), projects=False)
    body = {"name": "四点半课堂", "categories": ["study", "children"], "capacity": 12,
            "period_start": day(), "period_end": day(120)}
    url = f"/api/v1/orgs/{org['id']}/projects"
    assert (await client.post(url, json=body)).status_code == 401
    assert (await client.post(url, headers=await kit.h("resident"), json=body)).status_code == 403
    # a member creates projects of their own organisation only
    r = await client.post(f"/api/v1/orgs/{other['id']}/projects", headers=await kit.h("orgmember"), json=body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_org"
    r = await client.post(url, headers=await kit.h("orgmember"), json=body)
    assert r.status_code == 201, r.text
    p = r.json()
    assert p["areas"] == [people.community] and p["capacity_left"] == 12 and [c["code"] for c in p["categories"]] == [
        "study", "children"]
    # the project's areas lie inside the organisation's
    r = await client.post(url, headers=await kit.h("admin"), json={**body, "areas": [people.community2]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "area_outside_org"
    r = await client.post(url, headers=await kit.h("orgmember"), json={**body, "areas": [people.grid]})
    assert r.status_code == 201 and r.json()["areas"] == [people.grid]
    for over, code in (({"categories": []}, "bad_categories"), ({"categories": ["magic"]}, "unknown_category"),
                       ({"capacity": 0}, "bad_capacity"), ({"capacity": "ten"}, "bad_capacity"),
                       ({"period_end": day(-1)}, "bad_period"),
                       ({"name": "x"}, "bad_project_name"), ({"period_start": "soon"}, "bad_date")):
        r = await client.post(url, headers=await kit.h("orgmember"), json={**body, **over})
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (over, r.text)
    listed = (await client.get(url)).json()["projects"]
    assert [x["name"] for x in listed] == ["四点半课堂", "四点半课堂"]


async def test_patch_org(kit, client, people):
    r = await client.post("/api/v1/orgs", headers=await kit.h("official"), json=org_body(
        people, credit_code=None, status="filed", name="川口社区调解小组", kind="mediation"))
    org = r.json()
    url = f"/api/v1/orgs/{org['id']}"
    assert (await client.patch(url, headers=await kit.h("official2"), json={"status": "registered"})).status_code == 403
    r = await client.patch(url, headers=await kit.h("official"), json={"status": "registered"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "credit_code_required"
    r = await client.patch(url, headers=await kit.h("official"), json={"status": "registered",
                                                                      "credit_code": credit_code(9)})
    assert r.status_code == 200 and r.json()["status"] == "registered" and r.json()["credit_code"] == credit_code(9)
    r = await client.patch(url, headers=await kit.h("official"), json={"areas": [people.community, people.community2]})
    assert r.status_code == 200 and len(r.json()["areas"]) == 2


async def test_record(kit, client, people):
    org = await kit.org("川口爱心社")
    w = await kit.wish_in("confirmed", claimer="orgmember")
    rec = (await client.get(f"/api/v1/orgs/{org['id']}/record")).json()
    assert rec["wishes"]["total"] == 1 and rec["wishes"]["by_status"] == {"confirmed": 1}
    assert rec["wishes"]["claims"][0]["wish"] == w["id"] and rec["ratings"] == {"count": 1, "mean": 5.0}
    assert rec["org"]["projects"][0]["taken"] == 1


# ---------------------------------------------------------------------------- the command line


def test_create_user_joins_an_existing_organisation(tmp_path, sqlite_template):
    import shutil

    shutil.copy(sqlite_template, tmp_path / "cli.sqlite3")  # migrated once per session
    url = f"sqlite://{tmp_path / 'cli.sqlite3'}"

    async def setup() -> int:
        from gridsvc.store import db

        await db.connect(url)
        try:
            org = await Organisation.create(name="川口爱心社", kind="charity", status="filed")
            return org.id
        finally:
            await db.close()

    org_id = asyncio.run(setup())

    def cli(*args):
        return gridsvc(*args, db=url, stdin="password-123\n")

    r = cli("create-user", "member1", "--role", "org_member", "--org", str(org_id + 99))
    assert r.returncode == 1 and ("不存在" in r.stderr or "not found" in r.stderr)  # one language, by LANG
    r = cli("create-user", "member1", "--role", "org_member", "--org", str(org_id), "--phone", "13900001111")
    assert r.returncode == 0, r.stderr

    async def check():
        from gridsvc.store import db

        await db.connect(url)
        try:
            u = await User.get(username="member1")
            return u.org_id, u.phone
        finally:
            await db.close()

    assert asyncio.run(check()) == (org_id, "13900001111")


async def test_filing_is_the_default_and_registration_is_county_civil_affairs(kit, client, people):
    """Issue 14 §6: community organisations are mostly filed (备案) with the street; registration
    (登记) is county-level civil affairs' act, with a credit code starting with 5."""
    from gridsvc.domain.orgs import make_credit_code, org_code_check_char
    from gridsvc.store.accounts.users import create_user
    from tests.conftest import PASSWORD

    await create_user("street", role="official", password=PASSWORD, areas=[people.street])
    street = await client.token_for("street")
    body = org_body(people, credit_code=None, status=None, name="川口社区书画队", kind="intangible_heritage")
    r = await client.post("/api/v1/orgs", headers=street, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "filed" and r.json()["kind_zh"] == "非物质文化遗产类"
    r = await client.post("/api/v1/orgs", headers=street, json=org_body(people, credit_code=credit_code(11)))
    assert r.status_code == 403 and r.json()["error"]["details"]["action"] == "org.register"
    body8 = "MJ000012"
    company = make_credit_code(f"91610202{body8}{org_code_check_char(body8)}")  # 9: market regulation
    r = await client.post("/api/v1/orgs", headers=await kit.h("official"), json=org_body(people, credit_code=company))
    assert r.status_code == 422 and r.json()["error"]["details"]["position"] == 1
    r = await client.post("/api/v1/orgs", headers=await kit.h("official"),
                          json=org_body(people, credit_code=credit_code(14)))
    assert r.status_code == 201 and r.json()["status"] == "registered"
