"""The roster as Excel over HTTP (issue 11 item 4): export, the round trip back through the
import, and an import refused row by row with nothing stored."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from gridsvc.domain.rosters import HEADERS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(data: bytes) -> list[list]:
    return [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


def _book(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(HEADERS))
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def _holders(client, code: str, h) -> set[tuple[str, str, str]]:
    roster = (await client.get(f"/api/v1/areas/{code}/roster", headers=h)).json()
    return {(p["area"]["code"], p["role"], x["person"]["name"]) for p in roster["posts"] for x in p["holders"]}


async def test_export_end_everyone_and_import_back(client, people):
    h = await client.token_for("official")
    r = await client.get(f"/api/v1/areas/{people.community}/roster.xlsx", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith(XLSX)
    rows = _rows(r.content)
    assert tuple(rows[0]) == HEADERS
    assert {(row[0], row[2]) for row in rows[1:]} == {
        (people.community, "网格指导员"), (people.community, "网格长"), (people.grid, "网格员"),
        (people.grid2, "网格员"), (people.group, "居民小组长"), (people.building, "楼栋长")}
    before = await _holders(client, people.community, h) | await _holders(client, people.grid, h)
    # a community's roster goes down to its groups; the building is on its grid's
    terms = set()
    for code in (people.community, people.grid):
        roster = (await client.get(f"/api/v1/areas/{code}/roster", headers=h)).json()
        terms |= {term["id"] for post in roster["posts"] for term in post["holders"]}
    for term_id in sorted(terms):
        assert (await client.post(f"/api/v1/appointments/{term_id}/end", headers=h, json={})).status_code == 200
    assert await _holders(client, people.community, h) == set()

    r = await client.post("/api/v1/rosters/import", headers={**h, "content-type": XLSX}, content=r.content)
    assert r.status_code == 201, r.text
    assert r.json() == {"appointed": 6, "new_people": 0, "dry_run": False}
    assert await _holders(client, people.community, h) | await _holders(client, people.grid, h) == before
    again = (await client.get(f"/api/v1/areas/{people.community}/roster", headers=h)).json()
    grid = next(p for p in again["posts"] if p["area"]["code"] == people.grid)
    assert len(grid["history"]) == 1 and grid["history"][0]["person"]["name"] == "张网格"


async def test_an_import_with_bad_rows_names_each_and_stores_nothing(client, people):
    h = await client.token_for("head")
    data = _book([
        [people.other_grid, "", "网格员", "外社区", "w-out", "", "", ""],        # 2: another community's grid
        ["999999999999999", "", "网格员", "无名", "w-none", "", "", ""],         # 3: unknown area
        [people.grid2, "", "网格书记", "某", "w-x", "", "", ""],                 # 4: unknown tier
        [people.grid, "", "网格员", "周", "w-zhou", "", "", ""],                 # 5: held by 张网格
        [people.community, "", "网格员", "吴", "w-wu", "", "", ""],              # 6: a worker serves a grid
        [people.building, "", "楼栋长", "郑", "bhead", "", "", ""],              # 7: bhead holds it already
        [people.grid2, "", "网格员", "王", "w-wang", "1234", "", ""],            # 8: held, and a bad phone
        [people.group, "", "楼栋长", "陈", "w-chen", "", "2026-13-40", ""],      # 9: bad date
    ])
    r = await client.post("/api/v1/rosters/import", headers={**h, "content-type": XLSX}, content=data)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "import_rejected"
    codes = {p["row"]: p["code"] for p in err["details"]["problems"]}
    assert codes == {2: "out_of_scope", 3: "unknown_area", 4: "unknown_tier", 5: "post_taken", 6: "wrong_level",
                     7: "already_holds", 8: "post_taken", 9: "bad_date"}
    staff = (await client.get("/api/v1/staff", params={"limit": 200}, headers=h)).json()["staff"]
    assert not {"外社区", "无名", "周", "吴"} & {s["name"] for s in staff}


async def test_a_new_person_on_a_vacant_post_and_the_dry_run(client, people):
    h = await client.token_for("official")
    data = _book([[people.other_grid, "大同路一网格", "网格员", "赵新", "w-zhao", "13700000001", "2026-03-01", "新招"]])
    r = await client.post("/api/v1/rosters/import?dry_run=1", headers={**h, "content-type": XLSX}, content=data)
    assert r.status_code == 200 and r.json() == {"appointed": 1, "new_people": 1, "dry_run": True}
    assert ("大同路一网格", "赵新") not in {(a, n) for _c, a, n in await _holders(client, people.community2, h)}
    r = await client.post("/api/v1/rosters/import", headers=h, files={"file": ("r.xlsx", data, XLSX)})
    assert r.status_code == 201, r.text
    assert (people.other_grid, "worker", "赵新") in await _holders(client, people.community2, h)
    # the same file again: the post is held now, by the same login
    r = await client.post("/api/v1/rosters/import", headers={**h, "content-type": XLSX}, content=data)
    assert r.status_code == 422 and r.json()["error"]["details"]["problems"][0]["code"] == "already_holds"


async def test_a_head_imports_only_within_their_community_and_below_their_tier(client, people):
    h = await client.token_for("head")
    data = _book([[people.community, "", "网格指导员", "新指导员", "i-new", "", "", ""]])
    r = await client.post("/api/v1/rosters/import", headers={**h, "content-type": XLSX}, content=data)
    assert r.status_code == 422 and r.json()["error"]["details"]["problems"][0]["code"] == "out_of_scope"
    r = await client.post("/api/v1/rosters/import", headers={"content-type": XLSX}, content=data)
    assert r.status_code == 401
    r = await client.post("/api/v1/rosters/import", headers={**await client.token_for("worker"),
                                                             "content-type": XLSX}, content=data)
    assert r.status_code == 403


async def test_a_file_that_is_no_roster_is_named(client, people):
    h = await client.token_for("official")
    r = await client.post("/api/v1/rosters/import", headers={**h, "content-type": XLSX}, content=b"not a workbook")
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_file"
    wb = Workbook()
    wb.active.append(["代码", "名称"])
    out = io.BytesIO()
    wb.save(out)
    r = await client.post("/api/v1/rosters/import", headers={**h, "content-type": XLSX}, content=out.getvalue())
    assert r.status_code == 422
    assert {p["column"] for p in r.json()["error"]["details"]["problems"]} == {"区域代码", "岗位", "姓名", "账号"}


async def test_a_dry_run_flag_that_is_no_yes_or_no_is_refused_and_nothing_appointed(client, people):
    """`dry_run` reads like the catalog's and the registry's imports: a typo is a 400 naming the
    parameter, not an import for real."""
    h = await client.token_for("official")
    data = _book([[people.other_grid, "大同路一网格", "网格员", "钱新", "w-qian", "", "", ""]])
    r = await client.post("/api/v1/rosters/import?dry_run=ture", headers={**h, "content-type": XLSX}, content=data)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "bad_parameter" and r.json()["error"]["details"] == {"parameter": "dry_run"}
    assert "钱新" not in {n for _c, _a, n in await _holders(client, people.community2, h)}
    r = await client.post("/api/v1/rosters/import?dry_run=yes", headers=h, files={"file": ("r.xlsx", data, XLSX)})
    assert r.status_code == 200 and r.json()["dry_run"] is True
    r = await client.post("/api/v1/rosters/import", headers=h, files={"note": "no file here"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "missing_file"
