"""Catalog items: validation, versions, area applicability, admission, the starter fixture."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from gridsvc.domain.admission import (
    AdmissionAction,
    AdmissionState,
    admission_act,
    admission_in_force,
    admission_state_on,
    admission_transition,
    approver_must_cover,
    check_admission,
)
from gridsvc.domain.catalog import (
    CATEGORIES,
    LISTS,
    ItemStatus,
    ItemVersion,
    Material,
    ServiceItemData,
    Venue,
    applies_to,
    area_prefixes,
    catalog_on,
    check_item,
    current_version,
    infer_level,
    item_errors,
    item_to_dict,
    next_version,
    publish,
    revoke,
    suggest_code,
    version_transition,
)
from gridsvc.domain.errors import Conflict, ValidationError

FIXTURE = Path(__file__).resolve().parents[2] / "gridsvc" / "fixtures" / "catalog.json"
D = date.fromisoformat


def raw_item(**changes):
    data = {
        "code": "GS-SB-001",
        "name": "最低生活保障金申请",
        "category": "social_security",
        "list": "public_service",
        "summary": "家庭人均收入低于低保标准的家庭申请。",
        "legal_basis": "《社会救助暂行办法》(国务院令第649号)",
        "materials": [{"name": "居民身份证", "copies": 1, "electronic_ok": True},
                      {"name": "户口簿", "copies": 1, "electronic_ok": False, "note": "原件"}],
        "time_limit_days": 30,
        "fee": "不收费",
        "venues": [{"kind": "community_window", "name": "七一路社区党群服务中心", "address": "王益区七一路88号",
                    "hours": "周一至周五 8:30-17:30"},
                   {"kind": "online", "name": "陕西政务服务网", "url": "https://zwfw.shaanxi.gov.cn"}],
        "contact": "12349",
        "areas": [],
        "keywords": ["低保"],
    }
    data.update(changes)
    return data


def load_fixture():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


# -- categories and lists -------------------------------------------------------------------


def test_categories_are_the_ten_public_services_plus_convenience_and_volunteer():
    ids = [c.id for c in CATEGORIES]
    assert ids == ["employment", "social_security", "health", "education", "social_services", "housing",
                   "culture_sports", "public_safety", "legal", "mediation", "convenience", "volunteer"]
    assert {c.zh for c in CATEGORIES} >= {"劳动就业", "卫生计生", "公共法律服务", "调解仲裁", "便民利民服务",
                                          "志愿服务"}
    assert len({c.prefix for c in CATEGORIES}) == len(CATEGORIES)


def test_the_lists():
    # issue 14 §3: 便民利民服务和志愿服务 is a list of its own (seed 002 §18)
    assert [x.id for x in LISTS] == ["public_service", "convenience", "duty", "assist", "excluded", "no_certificate",
                                      "seal",
                                      "admitted"]
    assert [x.zh for x in LISTS][-3:] == ["不应由社区出具的证明事项", "社区印章使用事项", "准入事项"]
    assert len({x.prefix for x in LISTS}) == 8


# -- check_item ----------------------------------------------------------------------------


def test_check_item_normalises():
    item = check_item(raw_item(code=" gs-sb-001 ", category="社会保障", list="公共服务事项", fee="15元",
                               time_limit_days="即办", areas="610202, 610203001000", keywords="低保、社会救助"))
    assert item.code == "GS-SB-001"
    assert item.category == "social_security" and item.list == "public_service"
    assert item.fee == Decimal("15.00") and item.fee_text == "15元"
    assert item.time_limit_days == 0
    assert item.areas == ["610202", "610203001000"]
    assert item.keywords == ["低保", "社会救助"]
    assert item.materials[0] == Material("居民身份证", 1, True, "")
    assert item.venues[1] == Venue("online", "陕西政务服务网", "", "", "https://zwfw.shaanxi.gov.cn")


@pytest.mark.parametrize("fee, expected",
                         [(0, "不收费"), ("免费", "不收费"), ("0元", "不收费"), (Decimal("2.5"), Decimal("2.50")),
                                           ("按年度个人缴费标准缴纳", "按年度个人缴费标准缴纳")])
def test_fee_is_an_amount_or_a_text(fee, expected):
    assert check_item(raw_item(fee=fee)).fee == expected


def test_check_item_accepts_its_own_output_and_the_dict_form():
    item = check_item(raw_item())
    assert check_item(item) == item
    assert check_item(item_to_dict(item)) == item
    assert json.dumps(item_to_dict(check_item(raw_item(fee=12))), ensure_ascii=False)


@pytest.mark.parametrize(
    "changes, code, field",
    [
        ({"code": "GS-SB-1"}, "bad_item_code", "code"),
        ({"code": "GSSB001"}, "bad_item_code", "code"),
        ({"code": "LZ-SB-001"}, "code_mismatch", "code"),  # list segment says duty
        ({"code": "GS-LD-001"}, "code_mismatch", "code"),  # category segment says employment
        ({"name": "  "}, "required", "name"),
        ({"name": "两行\n名称"}, "multiline", "name"),
        ({"category": "民政"}, "unknown_category", "category"),
        ({"list": "白名单"}, "unknown_list", "list"),
        ({"legal_basis": ""}, "required", "legal_basis"),
        ({"materials": [{"name": "身份证", "copies": 0}]}, "bad_copies", "materials[0].copies"),
        ({"materials": [{"name": "身份证", "copies": True}]}, "bad_copies", "materials[0].copies"),
        ({"materials": ["身份证", {"name": ""}]}, "required", "materials[1].name"),
        ({"materials": [{"name": "身份证;户口簿"}]}, "bad_material", "materials[0].name"),
        ({"materials": [{"name": "身份证", "note": "复印件(正反面"}]}, "bad_material", "materials[0].note"),
        ({"materials": [{"name": "身份证", "note": "电子证照可用"}]}, "bad_material", "materials[0].note"),
        ({"materials": [{"name": "身份证", "electronic_ok": "yes"}]}, "bad_type", "materials[0].electronic_ok"),
        ({"time_limit_days": -1}, "bad_time_limit", "time_limit_days"),
        ({"time_limit_days": "五天"}, "bad_time_limit", "time_limit_days"),
        ({"time_limit_days": 2.5}, "bad_time_limit", "time_limit_days"),
        ({"fee": -3}, "bad_fee", "fee"),
        ({"fee": ""}, "required", "fee"),
        ({"venues": [{"kind": "派出所", "name": "x"}]}, "bad_venue", "venues[0].kind"),
        ({"venues": [{"kind": "online", "name": "网办"}]}, "bad_venue", "venues[0].url"),
        ({"venues": [{"kind": "community_window"}]}, "required", "venues[0].name"),
        ({"venues": [{"kind": "street_centre", "name": "a|b"}]}, "bad_venue", "venues[0].name"),
        ({"areas": ["61020"]}, "bad_area", "areas[0]"),
        ({"areas": ["610202", "610202001001001"]}, "bad_area", "areas[1]"),  # a grid
        ({"areas": ["610202000000"]}, "bad_area", "areas[0]"),  # a street numbered 000
        ({"keywords": ["低保,五保"]}, "bad_keyword", "keywords[0]"),
        ({"materials": "身份证"}, "bad_type", "materials"),
        ({"venues": {"kind": "online"}}, "bad_type", "venues"),
        ({"extra": 1}, "unknown_field", "extra"),
    ],
)
def test_check_item_names_the_bad_field(changes, code, field):
    with pytest.raises(ValidationError) as e:
        check_item(raw_item(**changes))
    assert e.value.code == code, e.value.message
    assert e.value.details["field"] == field
    assert e.value.status == 422
    assert e.value.message_zh and e.value.message_en


def test_every_bad_field_is_listed():
    errors = item_errors(raw_item(name="", category="x", time_limit_days=-1))
    assert [e.details["field"] for e in errors] == ["name", "category", "time_limit_days"]
    with pytest.raises(ValidationError) as e:
        check_item(raw_item(name="", category="x", time_limit_days=-1))
    assert [x["field"] for x in e.value.details["errors"]] == ["name", "category", "time_limit_days"]


def test_convenience_services_need_no_legal_basis():
    item = check_item(raw_item(code="BZ-BM-001", name="家政服务预约", category="convenience", list="convenience",
                               legal_basis=""))
    assert item.legal_basis == ""


def test_suggest_code():
    assert suggest_code("public_service", "social_security", ["GS-SB-001", "GS-SB-007", "GS-LD-009"]) == "GS-SB-008"
    assert suggest_code("excluded", "housing", []) == "BC-ZF-001"


# -- versions ------------------------------------------------------------------------------


def published_history():
    """v1 published 2024-01-01, v2 published 2024-06-01 (superseding v1)."""
    v1 = next_version([], check_item(raw_item(name="最低生活保障申请")))
    [v1] = publish([v1], D("2024-01-01"))
    v2 = next_version([v1], check_item(raw_item()))
    v2p, v1s = publish([v1, v2], D("2024-06-01"))
    return v1s, v2p


def test_a_published_item_is_never_edited_in_place():
    v1 = next_version([], check_item(raw_item()))
    assert (v1.version, v1.status) == (1, ItemStatus.DRAFT)
    v1b = next_version([v1], check_item(raw_item(summary="改过的草稿")))
    assert (v1b.version, v1b.status, v1b.item.summary) == (1, ItemStatus.DRAFT, "改过的草稿")  # a draft is edited
    [v1p] = publish([v1b], D("2024-01-01"))
    v2 = next_version([v1p], check_item(raw_item(summary="第二版")))
    assert (v2.version, v2.status) == (2, ItemStatus.DRAFT)
    assert current_version([v1p, v2]) == v1p  # the published version stays in force until v2 is published


def test_publishing_supersedes_and_the_catalog_on_a_past_date_shows_the_old_version():
    v1, v2 = published_history()
    assert v1.status is ItemStatus.SUPERSEDED and v1.valid_to == D("2024-06-01")
    assert v2.status is ItemStatus.PUBLISHED and v2.valid_from == D("2024-06-01") and v2.valid_to is None
    assert catalog_on([v1, v2], D("2023-12-31")) == {}
    assert catalog_on([v1, v2], D("2024-03-15"))["GS-SB-001"].item.name == "最低生活保障申请"
    assert catalog_on([v1, v2], D("2024-05-31"))["GS-SB-001"].version == 1
    assert catalog_on([v1, v2], D("2024-06-01"))["GS-SB-001"].version == 2
    assert catalog_on([v1, v2], D("2030-01-01"))["GS-SB-001"].version == 2


def test_revoked_items_leave_the_catalog_from_that_day_and_can_return_as_a_new_version():
    v1, v2 = published_history()
    v2r = revoke([v1, v2], D("2024-09-01"))
    assert v2r.status is ItemStatus.REVOKED and v2r.valid_to == D("2024-09-01")
    history = [v1, v2r]
    assert "GS-SB-001" in catalog_on(history, D("2024-08-31"))
    assert catalog_on(history, D("2024-09-01")) == {}
    v3 = next_version(history, check_item(raw_item()))
    assert v3.version == 3
    [v3p] = publish(history + [v3], D("2025-01-01"))  # nothing in force to supersede
    history.append(v3p)
    assert catalog_on(history, D("2024-12-31")) == {}
    assert catalog_on(history, D("2025-01-01"))["GS-SB-001"].version == 3


def test_catalog_on_spans_many_items_sorted_by_code():
    a = publish([next_version([], check_item(raw_item()))], D("2024-01-01"))[0]
    b = publish([next_version([], check_item(raw_item(code="GS-LD-001", category="employment", name="就业失业登记")))],
                D("2024-02-01"))[0]
    draft = next_version([], check_item(raw_item(code="GS-SB-002", name="临时救助申请")))
    assert list(catalog_on([a, b, draft], D("2024-03-01"))) == ["GS-LD-001", "GS-SB-001"]
    assert list(catalog_on([a, b, draft], D("2024-01-15"))) == ["GS-SB-001"]


def test_a_future_publication_date_schedules_a_version():
    [v1] = publish([next_version([], check_item(raw_item()))], D("2024-01-01"))
    v2 = next_version([v1], check_item(raw_item(summary="新政策")))
    v2p, v1s = publish([v1, v2], D("2030-07-01"))
    assert catalog_on([v1s, v2p], D("2030-06-30"))["GS-SB-001"].version == 1
    assert catalog_on([v1s, v2p], D("2030-07-01"))["GS-SB-001"].version == 2


def test_version_rules_refuse_bad_steps():
    [v1] = publish([next_version([], check_item(raw_item()))], D("2024-01-01"))
    with pytest.raises(Conflict) as e:
        publish([v1], D("2024-02-01"))
    assert e.value.code == "no_draft" and e.value.status == 409
    v2 = next_version([v1], check_item(raw_item()))
    with pytest.raises(ValidationError) as e:
        publish([v1, v2], D("2023-12-01"))
    assert e.value.code == "publish_before_current"
    with pytest.raises(Conflict) as e:
        revoke([v2], D("2024-02-01"))
    assert e.value.code == "not_published"
    with pytest.raises(ValidationError) as e:
        next_version([v1], check_item(raw_item(code="GS-SB-002")))
    assert e.value.code == "code_changed"
    with pytest.raises(ValidationError) as e:
        current_version([v1, ItemVersion("GS-SB-002", 1)])
    assert e.value.code == "mixed_versions"


@pytest.mark.parametrize("status, action, ok", [
    ("draft", "publish", "published"), ("published", "supersede", "superseded"), ("published", "revoke", "revoked"),
    ("draft", "revoke", None), ("revoked", "publish", None), ("superseded", "revoke", None),
])
def test_version_transitions(status, action, ok):
    if ok:
        assert version_transition(status, action) == ok
    else:
        with pytest.raises(Conflict) as e:
            version_transition(status, action)
        assert e.value.code == "bad_transition"


# -- areas ---------------------------------------------------------------------------------


STREET = ("610202001000", "street")
COMMUNITY = "610202001003"


def test_an_item_for_a_street_applies_to_its_communities_and_grids():
    assert applies_to([STREET], STREET[0])
    assert applies_to([STREET], COMMUNITY)
    assert applies_to([STREET], COMMUNITY + "007")
    assert not applies_to([STREET], "610202002001")  # the next street's community
    assert not applies_to([STREET], "610202")  # not the whole district


def test_area_applicability_other_levels():
    assert applies_to([], "610222100200")  # empty = everywhere
    assert applies_to([("610200", "city")], "610204003001")
    assert applies_to([("610222", "district")], "610222100200")
    assert not applies_to([("610222", "district")], "610204003001")
    assert applies_to([("610203", "district"), ("610222", "district")], "610222100200")
    assert not applies_to([("610202001003", "community")], "610202001004")


def test_levels_and_prefixes_from_codes():
    assert [infer_level(c) for c in ("610200", "610202", "610202001000", "610202001003")] == \
        ["city", "district", "street", "community"]
    assert area_prefixes(["610200", "610202001000", "610203"]) == ("6102", "610202001", "610203")


# -- admission -----------------------------------------------------------------------------


def application(**changes):
    data = {
        "department": "铜川市王益区卫生健康局",
        "item_code": "xz-wj-003",
        "reason": "开展 2024 年老年人流感疫苗接种入户宣传",
        "legal_basis": "《中华人民共和国疫苗管理法》",
        "funding": {"amount": "每社区 5000 元", "source": "区财政专项经费,政府购买服务"},
        "areas": ["610202001000", "610202002001"],
        "period_start": "2024-09-01",
        "period_end": "2024-11-30",
        "applied_on": "2024-08-01",
    }
    data.update(changes)
    return check_admission(data)


def test_admission_from_application_to_expiry():
    app = application()
    assert app.state is AdmissionState.APPLIED and app.item_code == "XZ-WJ-003"
    assert not admission_in_force(app, D("2024-09-15"))  # not approved yet
    app = admission_act(app, "approve", on=D("2024-08-10"), by="区社区建设领导小组 张三")
    assert (app.state, app.decided_by, app.decided_on) == (AdmissionState.APPROVED, "区社区建设领导小组 张三",
                                                           D("2024-08-10"))
    assert not admission_in_force(app, D("2024-08-31"))
    assert admission_in_force(app, D("2024-09-01"))
    assert admission_in_force(app, D("2024-11-30"))  # the last day counts
    assert not admission_in_force(app, D("2024-12-01"))  # leaves when the period ends, even if not marked
    assert admission_state_on(app, D("2024-08-31")) is AdmissionState.APPROVED
    assert admission_state_on(app, D("2024-10-01")) is AdmissionState.ACTIVE
    assert admission_state_on(app, D("2024-12-01")) is AdmissionState.EXPIRED
    app = admission_act(app, "activate", on=D("2024-09-01"), by="system")
    app = admission_act(app, AdmissionAction.EXPIRE, on=D("2024-12-01"), by="system")
    assert app.state is AdmissionState.EXPIRED
    assert admission_in_force(app, D("2024-10-01"))  # the past stays answerable
    assert not admission_in_force(app, D("2024-12-01"))
    assert [(s.action, s.from_state, s.to_state) for s in app.history] == [
        ("approve", "applied", "approved"), ("activate", "approved", "active"), ("expire", "active", "expired")]


def test_an_admission_ended_early_leaves_that_day_and_needs_a_reason():
    app = admission_act(application(), "approve", on=D("2024-08-10"), by="a")
    app = admission_act(app, "activate", on=D("2024-09-02"))
    with pytest.raises(ValidationError) as e:
        admission_act(app, "expire", on=D("2024-10-10"))
    assert e.value.code == "reason_required"
    app = admission_act(app, "expire", on=D("2024-10-10"), reason="宣传任务已完成")
    assert admission_in_force(app, D("2024-10-09"))
    assert not admission_in_force(app, D("2024-10-10"))


def test_late_approval_counts_from_the_approval_day():
    app = admission_act(application(), "approve", on=D("2024-09-20"), by="a")
    assert not admission_in_force(app, D("2024-09-19"))
    assert admission_in_force(app, D("2024-09-20"))


def test_rejection_and_withdrawal():
    with pytest.raises(ValidationError) as e:
        admission_act(application(), "reject", on=D("2024-08-10"))
    assert e.value.code == "reason_required"
    rejected = admission_act(application(), "reject", on=D("2024-08-10"), by="b", reason="未落实费随事转")
    assert rejected.state is AdmissionState.REJECTED and rejected.decision_reason == "未落实费随事转"
    assert not admission_in_force(rejected, D("2024-10-01"))
    assert admission_state_on(rejected, D("2024-10-01")) is AdmissionState.REJECTED
    withdrawn = admission_act(application(), "withdraw", on=D("2024-08-05"))
    assert not admission_in_force(withdrawn, D("2024-10-01"))
    with pytest.raises(Conflict) as e:
        admission_act(rejected, "approve", on=D("2024-08-11"))
    assert e.value.code == "bad_transition" and e.value.details["allowed"] == []


@pytest.mark.parametrize("state, action", [("applied", "activate"), ("applied", "expire"), ("approved", "approve"),
                                           ("expired", "activate"), ("active", "reject"), ("applied", "nonsense")])
def test_bad_admission_transitions(state, action):
    with pytest.raises(Conflict):
        admission_transition(state, action)


def test_admission_dates_are_checked():
    app = application()
    with pytest.raises(ValidationError) as e:
        admission_act(app, "approve", on=D("2024-12-01"))
    assert e.value.code == "period_ended"
    approved = admission_act(app, "approve", on=D("2024-08-10"))
    with pytest.raises(ValidationError) as e:
        admission_act(approved, "activate", on=D("2024-08-20"))
    assert e.value.code == "outside_period"


@pytest.mark.parametrize("changes, code, field", [
    ({"funding": {"amount": "", "source": "区财政"}}, "no_funding", "funding"),
    ({"funding": None}, "no_funding", "funding"),
    ({"period_end": "2024-08-01"}, "bad_period", "period_end"),
    ({"period_start": "2024-13-01"}, "bad_date", "period_start"),
    ({"areas": []}, "required", "areas"),
    ({"areas": ["6102"]}, "bad_area", "areas[0]"),
    ({"reason": ""}, "required", "reason"),
    ({"item_code": "低保"}, "bad_item_code", "item_code"),
])
def test_bad_applications(changes, code, field):
    with pytest.raises(ValidationError) as e:
        application(**changes)
    assert (e.value.code, e.value.details["field"]) == (code, field)


def test_the_approver_must_cover_every_requested_area():
    assert approver_must_cover(application()) == {"610202001000", "610202002001"}
    assert approver_must_cover(application(areas="610202,610222")) == {"610202", "610222"}


# -- the starter catalog ---------------------------------------------------------------------


def test_fixture_items_pass_check_item():
    data = load_fixture()
    items = [check_item(raw) for raw in data["items"]]
    assert len(items) >= 60
    assert [item_to_dict(i) for i in items] == data["items"]  # stored already normalised
    assert len({i.code for i in items}) == len(items)


def test_fixture_covers_every_category_and_list():
    items = [check_item(raw) for raw in load_fixture()["items"]]
    assert {i.category for i in items} == {c.id for c in CATEGORIES}
    # admitted work enters only through admission (issue 14 §4), so the starter catalog has none
    assert {i.list for i in items} == {x.id for x in LISTS} - {"admitted"}
    for lst in ("excluded", "no_certificate", "duty", "assist"):
        assert sum(i.list == lst for i in items) >= 5
    names = {i.name for i in items}
    for must in ("最低生活保障金申请", "残疾人两项补贴申请", "高龄津贴申领", "临时救助申请", "居民医保参保登记",
                 "就业失业登记", "老年人优待证办理", "生育登记", "亲属关系证明"):  # issue 14 §5, §12
        assert must in names
    assert all(i.legal_basis for i in items if i.category not in ("convenience", "volunteer"))
    assert any(m.electronic_ok for i in items for m in i.materials)
    assert any(not m.electronic_ok for i in items for m in i.materials)


def test_fixture_scopes_a_few_items_to_one_district():
    data = load_fixture()
    districts = {d["code"] for d in data["districts"]}
    assert districts == {"610202", "610203", "610204", "610222"}
    scoped = [i for i in data["items"] if i["areas"]]
    assert 1 <= len(scoped) <= 10
    assert any(len(i["areas"]) == 1 for i in scoped)
    # issue 14 §12: rural benefits apply to the towns' and townships' villages, not to urban streets
    from gridsvc.domain.levels import street_kind

    assert all(a in districts or street_kind(a) in ("town", "township") for i in scoped for a in i["areas"])
    item = next(i for i in scoped if i["code"] == "GS-ZF-004")  # 农村危房改造
    levels = [(a, infer_level(a)) for a in item["areas"]]
    assert applies_to(levels, "610222100201") and not applies_to(levels, "610202001001")


def test_item_data_is_a_plain_dataclass():
    item = ServiceItemData(code="GS-SB-001", name="x", category="social_security", list="public_service")
    assert item.materials == [] and item.fee == "不收费" and item.list_zh == "公共服务事项"


# -- issue 14: lists, responsible departments, time limits ----------------------------------


def test_limits_in_calendar_days_count_every_day():
    from gridsvc.domain.catalog import due_date

    friday = date(2024, 3, 1)
    assert due_date(friday, 15, "days") == date(2024, 3, 16)
    assert due_date(friday, 15, "working_days") == date(2024, 3, 22)
    assert due_date(friday, 1, "working_days", holidays=[date(2024, 3, 4)]) == date(2024, 3, 5)


def test_a_limit_written_in_days_is_calendar_days():
    item = check_item(raw_item(time_limit_days="15日"))
    assert item.time_limit_days == 15 and item.time_limit_unit == "days"
    item = check_item(raw_item(time_limit_days="15个工作日"))
    assert item.time_limit_unit == "working_days"
    assert check_item(raw_item(time_limit_days=45, time_limit_unit="日")).time_limit_unit == "days"


def test_convenience_services_are_their_own_list_and_assist_items_name_the_responsible():
    with pytest.raises(ValidationError) as e:
        check_item(raw_item(code="GS-BM-001", name="家政", category="convenience", legal_basis=""))
    assert e.value.code == "wrong_list"
    from gridsvc.domain.catalog import responsible_text

    with pytest.raises(ValidationError) as e:
        check_item(raw_item(code="XZ-SB-101", list="assist"))
    assert e.value.details["field"] == "responsible"
    item = check_item(raw_item(code="XZ-SB-101", list="assist", responsible="区县民政局"))
    assert responsible_text(item) == "本事项由区县民政局负责"


@pytest.mark.parametrize("lst", ["duty", "assist", "excluded", "no_certificate", "public_service"])
def test_only_work_outside_the_lists_is_admissible(lst):
    from gridsvc.domain.admission import check_admissible

    with pytest.raises(ValidationError) as e:
        check_admissible(lst, "X")
    assert e.value.code == "not_admissible"
    check_admissible("admitted", "ZR-SB-001")


# Documents cited by number in the starter catalog, each checked to exist with that number and
# title (issue 14 §12; README "Where the catalog's facts come from"). A new numbered citation
# must be checked and added here.
CHECKED_NUMBERED_DOCUMENTS = {
    "劳动和社会保障部令第28号", "财社〔2026〕1号", "财金〔2020〕21号", "国务院令第649号", "民发〔2021〕57号",
    "国发〔2014〕47号", "国发〔2015〕52号", "国发〔2016〕3号", "国发〔2014〕8号", "国办发〔2021〕42号",
    "财教〔2011〕410号", "教财〔2018〕16号", "国办发〔2010〕54号", "民发〔2019〕62号", "国办发〔2019〕5号",
    "民发〔2017〕191号", "住房和城乡建设部令第11号", "国办发〔2020〕23号", "国务院令第663号", "民发〔2015〕136号",
    "国办发〔2015〕86号", "民发〔2020〕20号", "民政部令第67号",
}


def test_every_numbered_legal_basis_is_a_checked_document():
    import re

    cited = set()
    for raw in load_fixture()["items"]:
        cited |= set(re.findall(r"[(（]([^()（）]*(?:〔\d{4}〕\d+号|令第\d+号))[)）]", raw["legal_basis"]))
    assert cited and cited <= CHECKED_NUMBERED_DOCUMENTS, sorted(cited - CHECKED_NUMBERED_DOCUMENTS)
    text = json.dumps(load_fixture(), ensure_ascii=False)
    for wrong in ("人社厅发〔2018〕107号", "2019—2021年", "2016—2020年", "教育服务热线 12345", "居住证明"):
        assert wrong not in text, wrong
