"""Issue 14: the catalog's lists, responsible departments, admission boundary and time limits,
over HTTP against the starter catalog."""

from __future__ import annotations

from gridsvc.store.accounts.users import create_user
from tests.conftest import PASSWORD
from tests.kit.catalog import PAPERS, TASK, application


async def test_convenience_and_volunteer_services_form_their_own_list(client, catalog):  # noqa: F811
    r = await client.get("/api/v1/services", params={"list": "convenience", "limit": 100})
    assert r.status_code == 200
    got = r.json()
    assert got and {x["category"] for x in got} == {"convenience", "volunteer"}
    assert {x["list_zh"] for x in got} == {"便民利民服务和志愿服务"}
    public = (await client.get("/api/v1/services", params={"list": "public_service", "limit": 500})).json()
    assert not {x["category"] for x in public} & {"convenience", "volunteer"}
    h = await client.token_for("admin")
    bad = {"code": "GS-BM-101", "name": "助浴服务", "category": "convenience", "list": "public_service"}
    r = await client.post("/api/v1/services", json=bad, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "wrong_list"


async def test_assist_and_negative_list_items_name_who_is_responsible(client, catalog):  # noqa: F811
    for code in ("XZ-GA-001", "BC-ZF-001", "ZM-SF-001"):
        item = (await client.get(f"/api/v1/services/{code}")).json()
        assert item["responsible"] and item["responsible_text"] == f"本事项由{item['responsible']}负责"
    page = await client.get("/services/XZ-GA-001")
    assert page.status_code == 200 and "本事项由区县人民武装部" in page.text
    h = await client.token_for("admin")
    nobody = {"code": "XZ-SF-101", "name": "协助开展某项调查", "category": "social_services", "list": "assist",
              "legal_basis": "《中华人民共和国统计法》"}
    r = await client.post("/api/v1/services", json=nobody, headers=h)
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "responsible"


async def test_an_assist_list_item_cannot_be_admitted(client, catalog):  # noqa: F811
    """Only work outside the duty and assist lists can be admitted (seed 004)."""
    h = await client.token_for("official")
    r = await client.post("/api/v1/admissions", json=application(catalog, item=None, item_code="XZ-GA-001"),
                          headers=h)
    assert r.status_code in (409, 422), r.text
    r = await client.post("/api/v1/admissions", json=application(
        catalog, item={**TASK, "code": "XZ-WJ-101", "list": "assist"}), headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_admissible"
    assert r.json()["error"]["details"]["list"] == "assist"
    await create_user("street", role="official", password=PASSWORD, areas=[catalog.street])
    r = await client.post("/api/v1/admissions", json=application(catalog), headers=await client.token_for("street"))
    assert r.status_code == 201, r.text
    r = await client.post(f"/api/v1/admissions/{r.json()['id']}/approve", json={"reason": "同意", **PAPERS["papers"]},
                          headers=h)
    assert r.status_code == 200, r.text
    item = (await client.get(f"/api/v1/services/{TASK['code']}")).json()
    assert item["list"] == "admitted" and item["responsible"] == "王益区卫生健康局"


async def test_time_limits_say_working_or_calendar_days(client, catalog):  # noqa: F811
    mediation = (await client.get("/api/v1/services/GS-TZ-002")).json()
    assert mediation["time_limit_unit"] == "days" and mediation["time_limit"] == "15 日"
    assert (await client.get("/api/v1/services/GS-TZ-003")).json()["time_limit"] == "45 日"
    assert (await client.get("/api/v1/services/GS-FL-001")).json()["time_limit"] == "7 日"
    assert (await client.get("/api/v1/services/GS-SB-004")).json()["time_limit"] == "10 个工作日"


async def test_a_city_departments_application_is_refused_at_district_level(client, catalog):  # noqa: F811
    """A city department's application is decided by the city's leading group (seed 004)."""
    await create_user("street", role="official", password=PASSWORD, areas=[catalog.street])
    data = application(catalog, department="铜川市卫生健康委员会", department_level="city")
    r = await client.post("/api/v1/admissions", json=data, headers=await client.token_for("street"))
    assert r.status_code == 201, r.text
    assert r.json()["approver"] == "市城乡社区建设领导小组"
    aid = r.json()["id"]
    district = await client.token_for("official")
    r = await client.post(f"/api/v1/admissions/{aid}/approve", json=PAPERS["papers"], headers=district)
    assert r.status_code == 403 and r.json()["error"]["code"] == "wrong_approval_level"
    # the city has no area in the test tree; the admin stands for the city leading group here
    admin = await client.token_for("admin")
    r = await client.post(f"/api/v1/admissions/{aid}/approve", json={"reason": "同意"}, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "approval_document"
    r = await client.post(f"/api/v1/admissions/{aid}/approve", json=PAPERS["papers"], headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["approval_document"] == PAPERS["papers"]["approval_document"]
    assert r.json()["agreement"] == PAPERS["papers"]["agreement"]
    r = await client.post("/api/v1/admissions", json=application(catalog, department_level="省级"),
                          headers=await client.token_for("street"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_department_level"


async def test_the_community_records_a_refusal_of_unadmitted_work(client, catalog):  # noqa: F811
    body = {"community": catalog.community, "department": "某区职能部门", "work": "要求社区开展门店安全执法检查"}
    assert (await client.post("/api/v1/refusals", json=body)).status_code == 401
    r = await client.post("/api/v1/refusals", json=body, headers=await client.token_for("worker"))
    assert r.status_code == 403
    head = await client.token_for("head")
    r = await client.post("/api/v1/refusals", json={**body, "community": catalog.community2}, headers=head)
    assert r.status_code == 403
    r = await client.post("/api/v1/refusals", json={**body, "work": ""}, headers=head)
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "work"
    r = await client.post("/api/v1/refusals", json=body, headers=head)
    assert r.status_code == 201, r.text
    assert r.json()["reason"].startswith("未经准入") and r.json()["recorded_by"]
    listed = (await client.get("/api/v1/refusals", headers=await client.token_for("official"))).json()
    assert [x["work"] for x in listed] == [body["work"]]
    assert (await client.get("/api/v1/refusals", headers=await client.token_for("official2"))).json() == []


async def test_a_seal_use_is_logged_with_its_electronic_seal_record(client, catalog):  # noqa: F811
    """The seal goes on what the positive list names; each use is logged (seed 004)."""
    body = {"community": catalog.community, "item_code": "YZ-ZY-001", "for_whom": "张三丰", "purpose": "申请学分认定"}
    assert (await client.post("/api/v1/seal-uses", json=body)).status_code == 401
    r = await client.post("/api/v1/seal-uses", json=body, headers=await client.token_for("worker"))
    assert r.status_code == 403
    head = await client.token_for("head")
    r = await client.post("/api/v1/seal-uses", json={**body, "community": catalog.community2}, headers=head)
    assert r.status_code == 403
    r = await client.post("/api/v1/seal-uses", json={**body, "for_whom": ""}, headers=head)
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "for_whom"
    r = await client.post("/api/v1/seal-uses", json={**body, "item_code": "GS-SB-001"}, headers=head)
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_on_seal_list"
    r = await client.post("/api/v1/seal-uses", json=body, headers=head)
    assert r.status_code == 201, r.text
    use = r.json()
    assert use["item_name"] == "社区组织开展的志愿服务记录证明" and use["for_whom"] == "张三丰" and use["used_by"]
    assert use["e_seal"]["serial"].startswith(catalog.community) and len(use["e_seal"]["record_sha256"]) == 64
    r2 = await client.post("/api/v1/seal-uses", json=body, headers=head)
    assert r2.json()["e_seal"]["serial"] != use["e_seal"]["serial"]
    log = (await client.get("/api/v1/seal-uses", headers=await client.token_for("official"))).json()
    assert [x["serial"] for x in (u["e_seal"] for u in log)] == [r2.json()["e_seal"]["serial"], use["e_seal"]["serial"]]
    assert log[0]["for_whom"] != "张三丰"  # masked in the log
    assert (await client.get("/api/v1/seal-uses", headers=await client.token_for("official2"))).json() == []


async def test_a_negative_list_certificate_is_refused_with_the_place_to_go(client, catalog):  # noqa: F811
    body = {"community": catalog.community, "item_code": "ZM-GA-005", "for_whom": "李四", "purpose": "入职"}
    r = await client.post("/api/v1/seal-uses", json=body, headers=await client.token_for("head"))
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "certificate_not_issued" and err["details"]["where"] == "公安派出所"
    assert "无犯罪记录证明" in err["message"] and "公安派出所" in err["message"]
    item = (await client.get("/api/v1/services/ZM-GA-005")).json()
    assert item["responsible_text"] == "本事项由公安派出所负责"
    assert (await client.get("/api/v1/seal-uses", headers=await client.token_for("head"))).json() == []


async def test_pages_use_the_words_of_official_service_guides(client, catalog):  # noqa: F811
    """Issue 14 §13: 申请材料, 办理地点, 自…起实施 (施行 is for laws), 我的辖区 for officials."""
    page = (await client.get("/services/GS-SB-001")).text
    for word in ("申请材料", "办理地点", "起实施", "设定依据"):
        assert word in page, word
    assert "施行" not in page.replace("施行条例", "").replace("实施", "")
    await client.login("official")
    me = await client.get("/me")
    assert me.status_code == 200 and "我的辖区" in me.text and "我的网格" not in me.text


def test_wish_statuses_read_as_service_guides_do():
    from gridsvc.domain.wishes import WISH_STATUSES

    assert WISH_STATUSES["published"] == "待认领" and WISH_STATUSES["confirmed"] == "已实现"
