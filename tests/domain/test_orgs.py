"""Social organisations: the unified social credit code (GB 32100 / GB 11714), kinds, registration."""

from __future__ import annotations

import pytest

from gridsvc.domain.errors import ValidationError
from gridsvc.domain.orgs import (
    CREDIT_CODE_CHARSET,
    CREDIT_CODE_WEIGHTS,
    ORG_KINDS,
    ORG_STATUSES,
    OrgKind,
    OrgStatus,
    check_credit_code,
    check_org_kind,
    check_org_name,
    check_org_status,
    check_registration,
    credit_check_char,
    describe_credit_code,
    make_credit_code,
    org_code_check_char,
)

# Published codes: both check characters (GB 11714 at 17, GB 32100 at 18) hold for each.
REAL_CODES = [
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司 (enterprise)
    "91330100799655058B",  # 阿里巴巴(中国)有限公司 (enterprise)
    "914403001922038216",  # 华为技术有限公司 (check character is a digit)
    "53100000500021676K",  # a foundation registered with the Ministry of Civil Affairs
    "53100000500019795A",  # a foundation registered with the Ministry of Civil Affairs
    "51100000500009247D",  # 中国复合材料工业协会 (social association)
    "51100000500012681T",  # 中国医疗保健国际交流促进会 (social association)
    "12100000400009127B",  # a public institution (机构编制 / 事业单位)
]


def codes_of(exc: pytest.ExceptionInfo[ValidationError]) -> tuple[str, dict]:
    return exc.value.code, exc.value.details


def test_weights_are_powers_of_three_mod_31() -> None:
    assert CREDIT_CODE_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(CREDIT_CODE_CHARSET) == 31 and not set("IOZSV") & set(CREDIT_CODE_CHARSET)


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code: str) -> None:
    assert check_credit_code(code) == code


def test_input_is_normalised() -> None:
    assert check_credit_code("  91440300708461136t\n") == "91440300708461136T"


def test_org_code_check_of_a_known_code() -> None:
    # 腾讯: organisation code 70846113-6
    assert org_code_check_char("70846113") == "6"
    # 10 is written X, 11 is written 0
    bodies = {org_code_check_char(f"{n:08d}") for n in range(0, 2000)}
    assert "X" in bodies and "0" in bodies


def test_constructed_tongchuan_code() -> None:
    body = "MA6X1B2C"
    first17 = "52610202" + body + org_code_check_char(body)
    code = make_credit_code(first17)
    assert code[:17] == first17 and code[17] == credit_check_char(first17)
    info = describe_credit_code(code)
    assert info["authority"]["zh"] == "民政" and info["civil_affairs"] is True
    assert info["kind"]["zh"] == "民办非企业单位"
    assert info["division_code"] == "610202"
    assert info["organisation_code"] == f"{body}-{first17[16]}"


@pytest.mark.parametrize(("kind", "zh"), [("1", "社会团体"), ("2", "民办非企业单位"), ("3", "基金会"), ("9", "其他")])
def test_describe_civil_affairs_kinds(kind: str, zh: str) -> None:
    first16 = f"5{kind}610204" + "A1B2C3D4"
    code = make_credit_code(first16 + org_code_check_char(first16[8:]))
    info = describe_credit_code(code)
    assert info["kind"]["code"] == kind and info["kind"]["zh"] == zh and info["authority"]["zh"] == "民政"


def test_describe_enterprise_and_unknown_authority() -> None:
    info = describe_credit_code("91440300708461136T")
    assert info["authority"]["code"] == "9" and info["kind"]["zh"] == "企业" and not info["civil_affairs"]
    first16 = "W1610202" + "12345678"
    code = make_credit_code(first16 + org_code_check_char("12345678"))
    info = describe_credit_code(code)
    assert info["authority"] is None and info["kind"] is None


@pytest.mark.parametrize("bad", ["", "5310000050002167", "53100000500021676", "53100000500021676KK"])
def test_wrong_length(bad: str) -> None:
    with pytest.raises(ValidationError) as exc:
        check_credit_code(bad)
    code, details = codes_of(exc)
    assert code == "bad_credit_code" and details["position"] == 0 and details["length"] == len(bad)
    assert "18" in exc.value.message_zh and "18" in exc.value.message_en


def test_not_a_string() -> None:
    with pytest.raises(ValidationError) as exc:
        check_credit_code(531000005000216760)  # type: ignore[arg-type]
    assert exc.value.code == "bad_credit_code"


@pytest.mark.parametrize("ch", ["I", "O", "Z", "S", "V", "-", "中", "*"])
@pytest.mark.parametrize("position", [1, 9, 18])
def test_bad_character_names_its_position(ch: str, position: int) -> None:
    code = list("53100000500021676K")
    code[position - 1] = ch
    with pytest.raises(ValidationError) as exc:
        check_credit_code("".join(code))
    err, details = codes_of(exc)
    assert err == "bad_credit_code" and details["position"] == position and details["char"] == ch
    assert f"第 {position} 位" in exc.value.message_zh


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_wrong_check_character_is_rejected(code: str) -> None:
    for ch in CREDIT_CODE_CHARSET:
        if ch == code[17]:
            continue
        with pytest.raises(ValidationError) as exc:
            check_credit_code(code[:17] + ch)
        err, details = codes_of(exc)
        assert err == "bad_credit_code"
        assert details["position"] == 18 and details["expected"] == code[17] and details["got"] == ch
        assert f"应为 {code[17]}" in exc.value.message_zh and f"expected {code[17]}" in exc.value.message_en


def test_every_single_substitution_is_caught() -> None:
    code = "51100000500009247D"
    for i in range(17):
        for ch in CREDIT_CODE_CHARSET:
            if ch == code[i]:
                continue
            with pytest.raises(ValidationError):
                check_credit_code(code[:i] + ch + code[i + 1 :])


def test_every_adjacent_transposition_is_caught() -> None:
    for code in REAL_CODES:
        for i in range(17):
            if code[i] == code[i + 1]:
                continue
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            with pytest.raises(ValidationError):
                check_credit_code(swapped)


def test_organisation_code_check_is_verified() -> None:
    # a code whose final check is right but whose organisation code (9-17) is made up
    first16 = "5261020212345678"
    right = org_code_check_char("12345678")
    wrong = next(c for c in "0123456789X" if c != right)
    first17 = first16 + wrong
    with pytest.raises(ValidationError) as exc:
        check_credit_code(first17 + credit_check_char(first17))
    err, details = codes_of(exc)
    assert err == "bad_credit_code" and details["position"] == 17
    assert details["expected"] == right and details["part"] == "organisation_code"


def test_wrong_final_check_reports_whether_the_organisation_code_holds() -> None:
    with pytest.raises(ValidationError) as exc:
        check_credit_code("51100000500009247E")
    assert exc.value.details["organisation_code_ok"] is True


def test_messages_are_chinese_then_english() -> None:
    with pytest.raises(ValidationError) as exc:
        check_credit_code("53100000500021676X")
    assert exc.value.message.startswith("统一社会信用代码") and "wrong check character" in exc.value.message_en
    assert exc.value.status == 422


def test_org_kinds_and_statuses() -> None:
    assert ORG_KINDS == {
        "community_service": "社区服务类",
        "charity": "公益慈善类",
        "mediation": "矛盾调处类",
        "culture_sports": "文体活动类",
        "legal_services": "法律服务类",
        "intangible_heritage": "非物质文化遗产类",  # issue 14 §6: the full term
    }
    assert ORG_STATUSES == {"registered": "登记", "filed": "备案"}
    assert check_org_kind("charity") is OrgKind.CHARITY
    assert check_org_status("filed") is OrgStatus.FILED
    with pytest.raises(ValidationError) as exc:
        check_org_kind("sports")
    assert exc.value.code == "unknown_org_kind"
    with pytest.raises(ValidationError) as exc:
        check_org_status("approved")
    assert exc.value.code == "unknown_org_status"


def test_registration_needs_a_code_filing_does_not() -> None:
    assert check_registration("filed", None) is None
    assert check_registration("filed", "  ") is None
    assert check_registration("filed", "51100000500009247d") == "51100000500009247D"
    assert check_registration("registered", "53100000500021676K") == "53100000500021676K"
    with pytest.raises(ValidationError) as exc:
        check_registration("registered", None)
    assert exc.value.code == "credit_code_required"
    with pytest.raises(ValidationError) as exc:
        check_registration("registered", "53100000500021676A")
    assert exc.value.code == "bad_credit_code"


def test_org_name_bounds() -> None:
    assert check_org_name("  王益区夕阳红志愿服务队 ") == "王益区夕阳红志愿服务队"
    for bad in ["", "王", "x" * 101, None]:
        with pytest.raises(ValidationError):
            check_org_name(bad)  # type: ignore[arg-type]


def test_project_checks() -> None:
    from datetime import date

    from gridsvc.domain.orgs import check_project

    p = check_project("  四点半  课堂 ", ["study", "children", "study"], "2026-01-01", None, 12)
    assert (p.name, p.categories, p.period_start, p.period_end, p.capacity) == (
        "四点半 课堂", ("study", "children"), date(2026, 1, 1), None, 12)
    assert check_project("助老服务", "elderly_care", date(2026, 1, 1), "2026-03-01", 1).categories == ("elderly_care",)
    cases = [
        (("x", ["study"], "2026-01-01", None, 5), "bad_project_name"),
        (("助学", [], "2026-01-01", None, 5), "bad_categories"),
        (("助学", ["magic"], "2026-01-01", None, 5), "unknown_category"),
        (("助学", [7], "2026-01-01", None, 5), "unknown_category"),
        (("助学", ["study"], "soon", None, 5), "bad_date"),
        (("助学", ["study"], "2026-02-01", "2026-01-01", 5), "bad_period"),
        (("助学", ["study"], "2026-01-01", None, 0), "bad_capacity"),
        (("助学", ["study"], "2026-01-01", None, 10_001), "bad_capacity"),
        (("助学", ["study"], "2026-01-01", None, True), "bad_capacity"),
    ]
    for args, code in cases:
        with pytest.raises(ValidationError) as exc:
            check_project(*args)
        assert exc.value.code == code, args
