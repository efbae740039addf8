"""The organisation registry as Excel/CSV (issue 10 item 4): an official exports their area's
registry and imports it back (nothing changes), imports new organisations with kinds and
statuses in words, service areas by code or name and members; a file with bad rows is refused
whole with each row and column named; scope: out of area, wrong role, anonymous."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from gridsvc.domain.org_sheet import HEADERS
from gridsvc.store.accounts.models import User
from gridsvc.store.accounts.users import create_user
from gridsvc.store.orgs.models import Organisation, OrgArea
from tests.conftest import PASSWORD
from tests.wishkit import Kit, credit_code

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet(*rows: list, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read(data: bytes) -> list[list]:
    return [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


@pytest.fixture
async def kit(client, people):
    k = Kit(client, people)
    for username in ("m2", "m3"):
        await create_user(username, role="volunteer", password=PASSWORD)
    await k.org("川口爱心社", members=("orgmember", "m2"), projects=False)
    return k


async def test_export_then_import_back_changes_nothing(kit, client, people):
    h = await kit.h("official")
    r = await client.get("/api/v1/orgs/export.xlsx", headers=h)
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    assert "attachment" in r.headers["content-disposition"]
    rows = read(r.content)
    assert tuple(rows[0]) == HEADERS
    [row] = rows[1:]
    assert row[0] == "川口爱心社" and row[1] == credit_code(1) and row[3] == "社区服务类" and row[4] == "登记"
    assert row[5] == people.community and row[8] == "orgmember、m2"
    r = await client.post("/api/v1/orgs/import", headers={**h, "content-type": XLSX}, content=r.content)
    assert r.status_code == 201, r.text
    assert r.json()["unchanged"] == 1 and r.json()["created"] == 0 and r.json()["updated"] == 0
    # CSV the same
    r = await client.get("/api/v1/orgs/export.csv", headers=h)
    assert r.status_code == 200 and r.content.startswith("\ufeff名称".encode())
    r = await client.post("/api/v1/orgs/import?format=csv", headers={**h, "content-type": "text/csv"},
                          content=r.content)
    assert r.status_code == 201 and r.json()["unchanged"] == 1, r.text


async def test_import_creates_and_updates_with_words_names_and_members(kit, client, people):
    h = await kit.h("official")
    data = sheet(["大同路敬老志愿队", "", "社会组织", "公益慈善类", "备案", "大同路社区", "0919-1234567", "", "m3"],
                 ["川口爱心社", credit_code(1), "", "社区服务类", "登记", f"{people.community}、{people.community2}",
                  "", "", ""])
    r = await client.post("/api/v1/orgs/import?dry_run=true", headers={**h, "content-type": XLSX}, content=data)
    assert r.status_code == 200 and r.json()["created"] == 1 and r.json()["updated"] == 1, r.text
    assert not await Organisation.exists(name="大同路敬老志愿队")  # a dry run stores nothing
    r = await client.post("/api/v1/orgs/import", headers={**h, "content-type": XLSX}, content=data)
    assert r.status_code == 201, r.text
    assert [x["action"] for x in r.json()["rows"]] == ["created", "updated"] and r.json()["members_added"] == 1
    new = await Organisation.get(name="大同路敬老志愿队")
    assert new.kind == "charity" and new.status == "filed" and new.credit_code is None
    assert (await User.get(username="m3")).org_id == new.id
    old = await Organisation.get(name="川口爱心社")
    assert sorted(await OrgArea.filter(org_id=old.id).values_list("area__code", flat=True)) == [
        people.community, people.community2]


async def test_bad_rows_are_reported_each_and_nothing_is_stored(kit, client, people):
    await create_user("m4", role="volunteer", password=PASSWORD)
    h = await kit.h("official")
    bad_code = credit_code(2)[:-1] + ("0" if credit_code(2)[-1] != "0" else "1")
    data = sheet(["好邻居", bad_code, "", "社区服务类", "登记", people.community, "", "", ""],  # row 2
                 ["邻里调解会", "", "", "吵架类", "备案", people.community, "", "", ""],  # row 3
                 ["无处社", "", "", "文体活动类", "备案", "不存在社区", "", "", ""],  # row 4
                 ["抢人社", "", "", "文体活动类", "备案", people.community, "", "", "m2"],  # row 5: m2 is taken
                 ["新社甲", "", "", "文体活动类", "备案", people.community, "", "", "m4"],  # row 6: good
                 ["新社甲", "", "", "文体活动类", "备案", people.community, "", "", ""])  # row 7: twice
    before = await Organisation.all().count()
    r = await client.post("/api/v1/orgs/import", headers={**h, "content-type": XLSX}, content=data)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "import_rejected" and err["details"]["rows"] == [2, 3, 4, 5, 7]
    cells = {(p["row"], p["column"]) for p in err["details"]["problems"]}
    assert cells == {(2, "统一社会信用代码"), (3, "类别"), (4, "服务区域"), (5, "成员"), (7, "名称")}, cells
    assert await Organisation.all().count() == before and (await User.get(username="m4")).org_id is None
    # a header the registry does not know
    r = await client.post("/api/v1/orgs/import", headers={**h, "content-type": XLSX},
                          content=sheet(["x"], headers=("名称", "颜色")))
    assert r.status_code == 422
    assert {p["column"] for p in r.json()["error"]["details"]["problems"]} == {"颜色", "服务区域"}


async def test_scope_of_the_registry_sheet(kit, client, people):
    data = sheet(["远方社", "", "", "文体活动类", "备案", people.community, "", "", ""])
    # an official of another district may neither export this district nor record in it
    h2 = await kit.h("official2")
    assert (await client.get(f"/api/v1/orgs/export.xlsx?under={people.district}", headers=h2)).status_code == 403
    r = await client.post("/api/v1/orgs/import", headers={**h2, "content-type": XLSX}, content=data)
    assert r.status_code == 422 and r.json()["error"]["details"]["problems"][0]["code"] == "forbidden", r.text
    # the wrong roles and nobody
    for who in ("worker", "orgmember", "resident"):
        h = await kit.h(who)
        assert (await client.get("/api/v1/orgs/export.xlsx", headers=h)).status_code == 403, who
        assert (await client.post("/api/v1/orgs/import", headers={**h, "content-type": XLSX},
                                  content=data)).status_code == 403, who
    client.cookies.clear()
    assert (await client.get("/api/v1/orgs/export.xlsx")).status_code == 401
    assert not await Organisation.exists(name="远方社")


async def test_the_registry_page_exports_and_imports_for_officials(kit, client, people):
    import re

    await client.login("official")
    page = (await client.get("/orgs", headers={"accept": "text/html"})).text
    assert "/api/v1/orgs/export.xlsx" in page and 'action="/orgs/import"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    good = sheet(["新社乙", "", "", "文体活动类", "备案", people.community, "", "", ""])
    r = await client.post("/orgs/import", data={"csrf_token": token}, files={"file": ("名录.xlsx", good, XLSX)},
                          headers={"accept": "text/html"})
    assert r.status_code == 200 and "新建 1 个" in r.text and await Organisation.exists(name="新社乙")
    bad = sheet(["新社丙", "", "", "吵架类", "备案", people.community, "", "", ""])
    r = await client.post("/orgs/import?lang=en", data={"csrf_token": token}, files={"file": ("x.xlsx", bad, XLSX)},
                          headers={"accept": "text/html"})
    assert r.status_code == 422 and "<td>2</td><td>类别</td>" in r.text and "nothing was stored" in r.text
    assert not await Organisation.exists(name="新社丙")
    # without the form's token the post is refused
    r = await client.post("/orgs/import", files={"file": ("名录.xlsx", good, XLSX)}, headers={"accept": "text/html"})
    assert r.status_code == 403
    # a volunteer sees no sheet buttons
    client.cookies.clear()
    await client.login("volunteer")
    page = (await client.get("/orgs", headers={"accept": "text/html"})).text
    assert "/api/v1/orgs/export.xlsx" not in page and 'action="/orgs/import"' not in page
