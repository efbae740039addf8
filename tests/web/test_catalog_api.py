"""The catalog API through HTTP: Chinese search, items and versions, the permission ladder,
admission, spreadsheets in and out."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta

from gridsvc.domain import clock
from gridsvc.store.accounts.users import create_user
from gridsvc.store.catalog import sheets
from gridsvc.store.catalog.models import ServiceItemVersion
from tests.conftest import PASSWORD
from tests.kit.catalog import DIBAO, PAPERS, STREET_ITEM, application

YESTERDAY = lambda: clock.today() - timedelta(days=1)  # noqa: E731




async def names(client, **params) -> list[str]:
    r = await client.get("/api/v1/services", params=params)
    assert r.status_code == 200, r.text
    assert isinstance(r.json(), list)
    return [x["name"] for x in r.json()]


# ---- search ---------------------------------------------------------------------------------


async def test_chinese_search_finds_items_by_any_part_best_first(client, catalog):
    assert (await names(client, q="低保"))[0] == "最低生活保障金申请"  # an abbreviation
    assert (await names(client, q="生活保障金"))[0] == "最低生活保障金申请"  # part of a word
    assert (await names(client, q="保障金"))[0] == "最低生活保障金申请"
    assert "残疾人证办理" in (await names(client, q="残疾"))[:2]
    by_material = (await client.get("/api/v1/services", params={"q": "户口簿", "limit": 200})).json()
    assert len(by_material) > 10 and "户口簿" in by_material[0]["materials"]
    assert await names(client, q="火星移民") == []
    first = (await client.get("/api/v1/services", params={"q": "低保"})).json()[0]
    assert {"code", "name", "category_zh", "list_zh", "materials", "time_limit", "fee", "score"} <= set(first)
    # full-width input and several words (all must match)
    assert (await names(client, q="ＧＳ－ＳＢ－００１")) == ["最低生活保障金申请"]
    both = await names(client, q="残疾 补贴")
    assert both[0] == "残疾人两项补贴申请" and "残疾人证办理" not in both


async def test_filters_paging_and_bad_parameters(client, catalog):
    social = (await client.get("/api/v1/services", params={"category": "社会保障", "limit": 500})).json()
    assert social and {x["category"] for x in social} == {"social_security"}
    duties = (await client.get("/api/v1/services", params={"list": "duty", "limit": 500})).json()
    assert duties and {x["list"] for x in duties} == {"duty"}
    page1 = (await client.get("/api/v1/services", params={"limit": 5})).json()
    page2 = (await client.get("/api/v1/services", params={"limit": 5, "offset": 5})).json()
    assert len(page1) == len(page2) == 5 and not {x["code"] for x in page1} & {x["code"] for x in page2}
    assert page1[0]["list"] == "public_service"  # residents' services come first

    r = await client.get("/api/v1/services", params={"category": "外星"})
    assert r.status_code == 422 and "外星" in r.json()["error"]["message"]
    r = await client.get("/api/v1/services", params={"area": "610299999999"})
    assert r.status_code == 404 and r.json()["error"]["details"]["parameter"] == "area"
    r = await client.get("/api/v1/services", params={"on": "2024-13-01"})
    assert r.status_code == 400 and r.json()["error"]["details"]["parameter"] == "on"
    r = await client.get("/api/v1/services", params={"limit": "0"})
    assert r.status_code == 400


async def test_area_catalog_inherits_from_street_and_past_days(client, catalog):
    t = catalog
    assert "老年人助餐服务登记" in await names(client, area=t.community, limit=500)
    assert "老年人助餐服务登记" in await names(client, area=t.grid, limit=500)
    assert "老年人助餐服务登记" not in await names(client, area="610203001001", limit=500)
    assert "老年人助餐服务登记" not in await names(client, area=t.district, limit=500)
    before = (clock.today() - timedelta(days=2)).isoformat()
    assert await names(client, on=before) == []
    assert await names(client, q="低保", on=before) == []


async def test_an_item_page_says_what_to_bring_and_where_to_go(client, catalog):
    r = await client.get("/api/v1/services/GS-SB-001")
    assert r.status_code == 200 and r.headers["etag"]
    item = r.json()
    assert item["name"] == "最低生活保障金申请" and item["status"] == "published" and item["version"] == 1
    assert item["materials"][0] == {"name": "居民身份证", "copies": 1, "electronic_ok": True, "note": ""}
    assert item["venues"][0]["kind_zh"] == "社区窗口" and item["venues"][0]["hours"]
    assert item["legal_basis"] and item["time_limit"] and item["fee_text"] == "不收费"
    assert (await client.get("/api/v1/services/gs-sb-001")).status_code == 200  # codes are case-blind
    r = await client.get("/api/v1/services/GS-SB-999")
    assert r.status_code == 404 and r.json()["error"]["code"] == "item_not_found"
    r = await client.get(f"/api/v1/services/{STREET_ITEM['code']}", params={"area": "610203001001"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_for_area"
    r = await client.get("/api/v1/services/GS-SB-001", params={"version": "7"})
    assert r.status_code == 404


# ---- editing: the permission ladder ---------------------------------------------------------


async def test_create_ladder(client, people):
    mine = {**DIBAO, "code": "GS-SB-101", "areas": [people.street]}
    r = await client.post("/api/v1/services", json=mine)
    assert r.status_code == 401
    r = await client.post("/api/v1/services", json=mine, headers=await client.token_for("worker"))
    assert r.status_code == 403
    r = await client.post("/api/v1/services", json=mine, headers=await client.token_for("official2"))
    assert r.status_code == 403
    h = await client.token_for("official")
    r = await client.post("/api/v1/services", json=mine, headers=h)
    assert r.status_code == 201, r.text
    assert r.headers["location"] == "/api/v1/services/GS-SB-101" and r.json()["status"] == "draft"
    r = await client.post("/api/v1/services", json=mine, headers=h)
    assert r.status_code == 409 and r.json()["error"]["details"]["suggest"] == "GS-SB-102"
    r = await client.post("/api/v1/services",
                          json={**mine, "code": "GS-SB-103", "materials": [{"name": "身份证", "copies": 0}]},
                          headers=h)
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "materials[0].copies"
    r = await client.post("/api/v1/services", content=b"{not json", headers=h)
    assert r.status_code == 400
    # an item for everywhere: not for a district official when the deployment has two districts
    r = await client.post("/api/v1/services", json={**DIBAO, "code": "GS-SB-104"}, headers=h)
    assert r.status_code == 403
    r = await client.post("/api/v1/services", json={**DIBAO, "code": "GS-SB-104"},
                          headers=await client.token_for("admin"))
    assert r.status_code == 201
    # a draft is not public
    assert (await client.get("/api/v1/services/GS-SB-101")).status_code == 404
    assert (await client.get("/api/v1/services/GS-SB-101/versions",
                             headers=h)).json()["versions"][0]["status"] == "draft"
    assert (await client.get("/api/v1/services/GS-SB-101/versions")).status_code == 404


async def test_edit_publish_revoke_through_http(client, people):
    h = await client.token_for("official")
    mine = {**DIBAO, "code": "GS-SB-101", "areas": [people.street]}
    assert (await client.post("/api/v1/services", json=mine, headers=h)).status_code == 201
    r = await client.post("/api/v1/services/GS-SB-101/publish", headers=h)
    assert r.status_code == 200 and r.json()["published_on"] == clock.today().isoformat()
    assert (await client.post("/api/v1/services/GS-SB-101/publish", headers=h)).status_code == 409  # no draft
    etag = (await client.get("/api/v1/services/GS-SB-101")).headers["etag"]
    r = await client.patch("/api/v1/services/GS-SB-101", json={"time_limit_days": 7}, headers={**h, "If-Match": etag})
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["status"] == "draft"
    # the public still sees version 1; a stale If-Match is refused
    assert (await client.get("/api/v1/services/GS-SB-101")).json()["time_limit_days"] == 30
    r = await client.patch("/api/v1/services/GS-SB-101", json={"time_limit_days": 8}, headers={**h, "If-Match": etag})
    assert r.status_code == 409 and r.json()["error"]["code"] == "stale"
    r = await client.patch("/api/v1/services/GS-SB-101", json={"code": "GS-SB-999"}, headers=h)
    assert r.status_code == 422
    r = await client.patch("/api/v1/services/GS-SB-101", json={"time_limit_days": 8},
                           headers=await client.token_for("official2"))
    assert r.status_code == 403
    r = await client.post("/api/v1/services/GS-SB-101/publish", json={"on": "2020-01-01"}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "date_in_past"
    later = (clock.today() + timedelta(days=10)).isoformat()
    r = await client.post("/api/v1/services/GS-SB-101/publish", json={"on": later}, headers=h)
    assert r.status_code == 200  # scheduled
    assert (await client.get("/api/v1/services/GS-SB-101")).json()["time_limit_days"] == 30
    assert (await client.get("/api/v1/services/GS-SB-101", params={"on": later})).json()["time_limit_days"] == 7

    r = await client.post("/api/v1/services/GS-SB-101/revoke", json={"on": later}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "reason"
    r = await client.post("/api/v1/services/GS-SB-101/revoke", json={"reason": "并入一件事", "on": later}, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    r = await client.get("/api/v1/services/GS-SB-101", params={"on": later})
    assert r.status_code == 404 and "并入一件事" in r.json()["error"]["message"]
    assert (await client.post("/api/v1/services/GS-SB-999/publish", headers=h)).status_code == 404
    assert (await client.delete("/api/v1/services/GS-SB-101/draft", headers=h)).status_code == 409


async def test_cookie_sessions_need_the_csrf_token(client, people):
    csrf = await client.login("admin")
    body = {**DIBAO, "code": "GS-SB-105"}
    assert (await client.post("/api/v1/services", json=body)).status_code == 403
    r = await client.post("/api/v1/services", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201


async def test_concurrent_publishes_let_one_through(client, people):
    h = await client.token_for("admin")
    assert (await client.post("/api/v1/services", json=DIBAO, headers=h)).status_code == 201
    results = await asyncio.gather(*[client.post("/api/v1/services/GS-SB-001/publish", headers=h) for _ in range(5)])
    assert sorted(r.status_code for r in results) == [200, 409, 409, 409, 409]
    assert await ServiceItemVersion.filter(item__code="GS-SB-001", status="published").count() == 1


async def test_search_sees_changes_at_once(client, catalog):
    h = await client.token_for("admin")
    assert (await names(client, q="低保"))[0] == "最低生活保障金申请"
    r = await client.post("/api/v1/services/GS-SB-001/revoke", json={"reason": "测试撤销"}, headers=h)
    assert r.status_code == 200
    assert "最低生活保障金申请" not in await names(client, q="低保")
    assert (await names(client, q="低保", on=YESTERDAY().isoformat()))[0] == "最低生活保障金申请"


# ---- admission ------------------------------------------------------------------------------


async def test_admission_through_http(client, people):
    await create_user("street", role="official", password=PASSWORD, areas=[people.street])
    street = await client.token_for("street")
    r = await client.post("/api/v1/admissions", json=application(people))
    assert r.status_code == 401
    r = await client.post("/api/v1/admissions", json=application(people), headers=await client.token_for("head"))
    assert r.status_code == 403
    r = await client.post("/api/v1/admissions", json=application(people, funding={}), headers=street)
    assert r.status_code == 422 and r.json()["error"]["code"] == "no_funding"
    r = await client.post("/api/v1/admissions", json=application(people), headers=street)
    assert r.status_code == 201, r.text
    aid = r.json()["id"]
    assert r.headers["location"] == f"/api/v1/admissions/{aid}"

    # who sees it: the officials of the area and the heads of its communities, not a worker
    head = await client.token_for("head")
    assert [a["id"] for a in (await client.get("/api/v1/admissions", headers=head)).json()] == [aid]
    assert (await client.get("/api/v1/admissions", headers=await client.token_for("official2"))).json() == []
    assert (await client.get("/api/v1/admissions", headers=await client.token_for("worker"))).status_code == 403
    assert (await client.get("/api/v1/admissions")).status_code == 401
    assert (await client.get(f"/api/v1/admissions/{aid}",
                             headers=await client.token_for("official2"))).status_code == 403
    assert (await client.get("/api/v1/admissions/9999", headers=head)).status_code == 404

    # deciding: not the street, not the applicant, not another district; a rejection needs a reason
    assert (await client.post(f"/api/v1/admissions/{aid}/approve", headers=street)).status_code == 403
    assert (await client.post(f"/api/v1/admissions/{aid}/approve",
                              headers=await client.token_for("official2"))).status_code == 403
    official = await client.token_for("official")
    r = await client.post(f"/api/v1/admissions/{aid}/reject", json={"reason": ""}, headers=official)
    assert r.status_code == 422 and r.json()["error"]["code"] == "reason_required"
    assert "疫苗" not in "".join(await names(client, q="疫苗", area=people.community))
    r = await client.post(f"/api/v1/admissions/{aid}/approve", json={"reason": "同意", **PAPERS["papers"]},
                          headers=official)
    assert r.status_code == 200 and r.json()["state"] == "active"
    assert (await client.post(f"/api/v1/admissions/{aid}/approve", headers=official)).status_code == 409

    # in the lists of the street's communities for the period, nowhere else
    assert await names(client, q="疫苗", area=people.community) == ["适龄儿童疫苗补种信息核查"]
    assert await names(client, q="疫苗", area="610203001001") == []
    after = (clock.today() + timedelta(days=91)).isoformat()
    assert await names(client, q="疫苗", area=people.community, on=after) == []
    r = await client.get("/api/v1/services/ZR-WJ-101", params={"area": people.grid})
    assert r.status_code == 200 and r.json()["admissions"][0]["id"] == aid

    # ended early when the work is done: out of the lists at once
    r = await client.post(f"/api/v1/admissions/{aid}/end", json={"reason": "核查完成"}, headers=official)
    assert r.status_code == 200 and r.json()["state"] == "expired"
    assert await names(client, q="疫苗", area=people.community) == []
    steps = (await client.get(f"/api/v1/admissions/{aid}", headers=official)).json()["steps"]
    assert [s["action"] for s in steps] == ["apply", "approve", "activate", "expire"]
    assert [s["reason"] for s in steps][-1] == "核查完成"


async def test_applicants_withdraw_their_own(client, people):
    await create_user("street", role="official", password=PASSWORD, areas=[people.street])
    street = await client.token_for("street")
    aid = (await client.post("/api/v1/admissions", json=application(people), headers=street)).json()["id"]
    assert (await client.post(f"/api/v1/admissions/{aid}/withdraw",
                              headers=await client.token_for("official2"))).status_code == 403
    r = await client.post(f"/api/v1/admissions/{aid}/withdraw", json={"reason": "改由街道办理"}, headers=street)
    assert r.status_code == 200 and r.json()["state"] == "withdrawn"
    listed = (await client.get("/api/v1/admissions", params={"state": "withdrawn"}, headers=street)).json()
    assert [a["id"] for a in listed] == [aid]


# ---- spreadsheets ---------------------------------------------------------------------------


async def test_export_and_import_round_trip_through_http(client, catalog):
    r = await client.get("/api/v1/services/export.xlsx")
    assert r.status_code == 200 and r.headers["content-type"] == sheets.XLSX_TYPE
    assert "attachment" in r.headers["content-disposition"]
    exported = r.content
    r = await client.get("/api/v1/services/export.csv", params={"area": catalog.community})
    assert r.status_code == 200 and r.content.startswith("\ufeff代码,名称".encode())
    assert "老年人助餐服务登记" in r.content.decode("utf-8-sig")
    assert (await client.get("/api/v1/services/export.pdf")).status_code == 404

    admin = await client.token_for("admin")
    # the same file again: nothing changes
    r = await client.post("/api/v1/services/import", content=exported,
                          headers={**admin, "content-type": sheets.XLSX_TYPE})
    assert r.status_code == 201, r.text
    assert r.json()["created"] == r.json()["updated"] == 0 and r.json()["unchanged"] == r.json()["rows"]
    # a changed cell makes a new version, published today
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(exported))
    ws = wb.active
    assert ws.title == "服务事项" and ws["A1"].value == "代码"
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "GS-SB-001")
    row[6].value = 20  # 办理时限(工作日)
    buf = io.BytesIO()
    wb.save(buf)
    r = await client.post("/api/v1/services/import", files={"file": ("目录.xlsx", buf.getvalue(), sheets.XLSX_TYPE)},
                          headers=admin)
    assert r.status_code == 201 and r.json()["updated"] == 1 and r.json()["codes"]["updated"] == ["GS-SB-001"]
    item = (await client.get("/api/v1/services/GS-SB-001")).json()
    assert item["version"] == 2 and item["time_limit_days"] == 20


async def test_a_bad_sheet_stores_nothing_and_names_every_row(client, catalog):
    from openpyxl import Workbook

    admin = await client.token_for("admin")
    before = await ServiceItemVersion.all().count()
    wb = Workbook()
    ws = wb.active
    ws.append(list(sheets.HEADERS))
    good = ["GS-SB-201", "新事项", "社会保障", "公共服务事项", "《条例》", "居民身份证(1份)", 5, "不收费", "", "", "",
            "", ""]
    ws.append(good)
    ws.append(["GS-SB-202", "", "社会保障", "公共服务事项", "《条例》", "", "", "不收费", "", "", "", "",
               ""])  # no name
    ws.append(["GS-SB-203", "坏时限", "社会保障", "公共服务事项", "《条例》", "", "很快", "", "", "", "", "", ""])
    ws.append(["GS-SB-204", "好事项", "社会保障", "公共服务事项", "《条例》", "", "", "不收费", "", "", "610202", "",
               ""])
    buf = io.BytesIO()
    wb.save(buf)
    r = await client.post("/api/v1/services/import", params={"format": "xlsx"}, content=buf.getvalue(), headers=admin)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "import_rejected" and err["details"]["rows"] == [3, 4]
    # every bad cell of every bad row, by row number (the header is row 1) and column
    assert [(p["row"], p["column"]) for p in err["details"]["problems"]] == [
        (3, "名称"), (4, "办理时限(工作日)"), (4, "收费")]
    assert await ServiceItemVersion.all().count() == before

    # an official's rows beyond their scope are named too
    wb2 = Workbook()
    ws2 = wb2.active
    ws2.append(list(sheets.HEADERS))
    ws2.append(good[:10] + [catalog.other_district] + good[11:])
    buf2 = io.BytesIO()
    wb2.save(buf2)
    r = await client.post("/api/v1/services/import", params={"format": "xlsx"}, content=buf2.getvalue(),
                          headers=await client.token_for("official"))
    assert r.status_code == 422 and r.json()["error"]["details"]["problems"][0]["code"] == "forbidden"
    r = await client.post("/api/v1/services/import", params={"format": "xlsx"}, content=b"PK\x03\x04 not a workbook",
                          headers=admin)
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_file"
    r = await client.post("/api/v1/services/import", content=b"x", headers=admin)
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_format"
    assert (await client.post("/api/v1/services/import", params={"format": "csv"}, content=b"x")).status_code == 401
    r = await client.post("/api/v1/services/import", params={"format": "xlsx"}, content=buf.getvalue(),
                          headers=await client.token_for("worker"))
    assert r.status_code == 403
    assert await ServiceItemVersion.all().count() == before


async def test_dry_run_checks_without_storing(client, people):
    admin = await client.token_for("admin")
    csv_text = (",".join(sheets.HEADERS)
                + "\r\nGS-SB-301,试运行事项,社会保障,公共服务事项,《条例》,居民身份证(1份),,不收费,,,,,\r\n")
    r = await client.post("/api/v1/services/import", params={"format": "csv", "dry_run": "1"},
                          content=csv_text.encode("gb18030"), headers=admin)
    assert r.status_code == 200 and r.json()["created"] == 1 and r.json()["dry_run"] is True
    assert await ServiceItemVersion.all().count() == 0


async def test_openapi_lists_the_catalog_contract(client, database):
    paths = (await client.get("/openapi.json")).json()["paths"]
    for path, method in [("/api/v1/services", "get"), ("/api/v1/services/{code}", "get"),
                         ("/api/v1/services", "post"), ("/api/v1/services/{code}", "patch"),
                         ("/api/v1/services/{code}/publish", "post"), ("/api/v1/services/{code}/revoke", "post"),
                         ("/api/v1/services/export.{fmt}", "get"), ("/api/v1/services/import", "post"),
                         ("/api/v1/admissions", "post"), ("/api/v1/admissions", "get"),
                         ("/api/v1/admissions/{id}/approve", "post"), ("/api/v1/admissions/{id}/reject", "post"),
                         ("/open311/v2/services.json", "get"), ("/open311/v2/services/{service_code}.json", "get")]:
        assert method in paths.get(path, {}), (path, method)


# ---- pages ----------------------------------------------------------------------------------

HTML = {"accept": "text/html"}


async def test_resident_pages_need_no_login(client, catalog):
    t = catalog
    r = await client.get("/services", headers=HTML)
    assert r.status_code == 200 and "请选择您所在的社区" in r.text and "用我的位置" in r.text
    assert "/api/v1/locate" in r.text and "王益区" in r.text
    r = await client.get("/services", params={"pick": t.district}, headers=HTML)
    assert "七一路街道" in r.text
    r = await client.get("/services", params={"pick": t.street}, headers=HTML)
    assert f"area={t.community}" in r.text and "川口社区" in r.text
    r = await client.get("/services", params={"area": t.community}, headers=HTML)
    assert r.status_code == 200 and "川口社区" in r.text and "社会保障" in r.text
    assert "不应由社区出具的证明事项" in r.text  # the negative lists, apart
    assert "下一页" in r.text and "offset=30" in r.text
    r = await client.get("/services", params={"area": t.community, "category": "social_services"}, headers=HTML)
    assert "老年人助餐服务登记" in r.text
    r = await client.get("/services", params={"area": "610203001001", "category": "social_services"}, headers=HTML)
    assert r.status_code == 200 and "老年人助餐服务登记" not in r.text
    r = await client.get("/services", params={"area": t.community, "q": "低保"}, headers=HTML)
    assert r.text.index("最低生活保障金申请") < r.text.index("最低生活保障边缘家庭认定")
    r = await client.get("/services", params={"area": t.community, "category": "housing"}, headers=HTML)
    assert "公共租赁住房" in r.text and "最低生活保障金申请" not in r.text
    r = await client.get("/services", params={"area": "610299999999"}, headers=HTML)
    assert r.status_code == 404 and "<html" in r.text


async def test_the_item_page_says_what_to_bring_and_where_to_go(client, catalog):
    r = await client.get("/services/GS-SB-001", params={"area": catalog.community}, headers=HTML)
    assert r.status_code == 200
    for text in ("申请材料", "居民身份证", "1 份", "电子证照可用", "须带纸质原件", "办理地点", "办理时间", "办理时限",
                 "30 个工作日", "收费", "不收费", "设定依据", "社会救助暂行办法"):
        assert text in r.text, text
    r = await client.get(f"/services/{STREET_ITEM['code']}", params={"area": "610203001001"}, headers=HTML)
    assert r.status_code == 404
    r = await client.get("/services/GS-SB-999", headers=HTML)
    assert r.status_code == 404


async def test_user_text_is_escaped_on_the_pages(client, people):
    h = await client.token_for("admin")
    evil = "<script>alert(1)</script>"
    body = {**DIBAO, "name": f"低保{evil}", "summary": evil, "materials": [{"name": f"身份证{evil}"}]}
    assert (await client.post("/api/v1/services", json=body, headers=h)).status_code == 201
    assert (await client.post("/api/v1/services/GS-SB-001/publish", headers=h)).status_code == 200
    for url in ("/services?all=1&q=低保", "/services/GS-SB-001"):
        r = await client.get(url, headers=HTML)
        assert r.status_code == 200 and evil not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text


async def test_residents_start_in_their_community(client, catalog):
    await client.login("resident")
    r = await client.get("/services", headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == f"/services?area={catalog.community}"


async def test_the_admission_desk_for_officials(client, people):
    await create_user("street", role="official", password=PASSWORD, areas=[people.street])
    street = await client.token_for("street")
    aid = (await client.post("/api/v1/admissions", json=application(people), headers=street)).json()["id"]
    worker, official = await client.token_for("worker"), await client.token_for("official")
    assert (await client.get("/services/admissions", headers=HTML)).status_code == 303
    assert (await client.get("/services/admissions", headers={**HTML, **worker})).status_code == 403
    r = await client.get("/services/admissions", headers={**HTML, **official})
    assert r.status_code == 200 and "王益区卫生健康局" in r.text and f'/services/admissions/{aid}/decide' in r.text
    assert "每社区每年 1.2 万元" in r.text


async def test_the_admission_desk_names_a_state_as_its_badge_does(client, people):
    """The filter and the badge on the same application use one name for one state, in both languages."""
    await create_user("street", role="official", password=PASSWORD, areas=[people.street])
    street = await client.token_for("street")
    assert (await client.post("/api/v1/admissions", json=application(people), headers=street)).status_code == 201
    official = await client.token_for("official")
    for lang, name in (("zh", "已申请"), ("en", "Applied")):
        r = await client.get("/services/admissions", params={"state": "applied", "lang": lang},
                             headers={**HTML, **official})
        assert r.status_code == 200
        assert f'href="/services/admissions?state=applied">{name}</a>' in r.text  # the filter
        assert f'<span class="badge">{name}</span>' in r.text  # the badge
        assert ("待审批" if lang == "zh" else "Awaiting decision") not in r.text
