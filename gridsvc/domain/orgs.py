"""Social organisations (社会组织): the unified social credit code, kinds and registration.

The unified social credit code (统一社会信用代码, GB 32100-2015) has 18 characters drawn from
the 31 characters ``0-9 A-Z`` without ``I O Z S V``::

    position  1    registering authority (登记管理部门代码): 5 = civil affairs 民政
              2    kind of organisation (机构类别代码): for 民政 1 社会团体, 2 民办非企业单位, 3 基金会
              3-8  division code of the registering office (登记管理机关行政区划码, GB/T 2260)
              9-17 organisation code (主体标识码/组织机构代码, GB 11714): 8 characters and
                   their own mod-11 check character
              18   check character over positions 1-17, mod 31

The mod-31 check: each of the first 17 characters has a value (its index in the character
set) and a weight ``3**(i-1) mod 31`` for position ``i``; the check character is the one of
value ``31 - (sum mod 31)``, with 31 written as ``0``. The GB 11714 check over the
organisation code: the 8 characters take ``0-9`` for digits and ``A=10 ... Z=35`` for letters,
weights ``3 7 9 10 5 8 4 2``; the check is ``11 - (sum mod 11)``, written ``X`` for 10 and
``0`` for 11.

Community organisations that are only filed (备案) with the street have no code; registered
ones (登记) must have one: see `check_registration`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from .error_codes import ErrorCode
from .errors import ValidationError
from .wishes.content import (  # the wish categories are the project categories
    _as_date,
    check_category,
)

# ---------------------------------------------------------------------------- credit code

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I O Z S V
CREDIT_CODE_LENGTH = 18
_CHAR_VALUE = {ch: i for i, ch in enumerate(CREDIT_CODE_CHARSET)}
CREDIT_CODE_WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(17))
# = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS: tuple[int, ...] = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714-1997

# GB 32100-2015, table of registering authorities and the kinds each one registers.
AUTHORITIES: dict[str, tuple[str, str]] = {
    "1": ("机构编制", "institutional staffing (bianzhi)"),
    "2": ("外交", "foreign affairs"),
    "3": ("司法行政", "justice administration"),
    "4": ("文化", "culture"),
    "5": ("民政", "civil affairs"),
    "6": ("旅游", "tourism"),
    "7": ("宗教", "religious affairs"),
    "8": ("工会", "trade unions"),
    "9": ("工商", "industry and commerce (market regulation)"),
    "A": ("中央军委改革和编制办公室", "CMC reform and staffing office"),
    "N": ("农业", "agriculture"),
    "Y": ("其他", "other"),
}
AUTHORITY_KINDS: dict[str, dict[str, tuple[str, str]]] = {
    "1": {"1": ("机关", "government organ"), "2": ("事业单位", "public institution"),
          "3": ("中央编办直接管理机构编制的群众团体", "mass organisation staffed by the central office"),
          "9": ("其他", "other")},
    "2": {"1": ("外国常驻新闻机构", "resident foreign news agency"), "9": ("其他", "other")},
    "3": {"1": ("律师执业机构", "law firm"), "2": ("公证处", "notary office"),
          "3": ("基层法律服务所", "grassroots legal service office"),
          "4": ("司法鉴定机构", "forensic appraisal institution"), "5": ("仲裁委员会", "arbitration commission"),
          "9": ("其他", "other")},
    "4": {"1": ("外国在华文化中心", "foreign cultural centre"), "9": ("其他", "other")},
    "5": {"1": ("社会团体", "social association"),
          "2": ("民办非企业单位", "private non-enterprise unit (social service agency)"),
          "3": ("基金会", "foundation"), "9": ("其他", "other")},
    "6": {"1": ("外国旅游部门常驻代表机构", "foreign tourism office"),
          "2": ("港澳台地区旅游部门常驻内地(大陆)代表机构", "HK/Macao/Taiwan tourism office"),
          "9": ("其他", "other")},
    "7": {"1": ("宗教活动场所", "place of religious activity"), "2": ("宗教院校", "religious college"),
          "9": ("其他", "other")},
    "8": {"1": ("基层工会", "grassroots trade union"), "9": ("其他", "other")},
    "9": {"1": ("企业", "enterprise"), "2": ("个体工商户", "individual business"),
          "3": ("农民专业合作社", "farmers' cooperative")},
    "A": {"1": ("军队事业单位", "military public institution"), "9": ("其他", "other")},
    "N": {"1": ("组级集体经济组织", "group-level collective economic organisation"),
          "2": ("村级集体经济组织", "village-level collective economic organisation"),
          "3": ("乡镇级集体经济组织", "township-level collective economic organisation"),
          "9": ("其他", "other")},
    "Y": {"1": ("其他", "other")},
}
CIVIL_AFFAIRS = "5"


def _bad_code(zh: str, en: str, **details: Any) -> ValidationError:
    return ValidationError(zh, en, code=ErrorCode.BAD_CREDIT_CODE, details=details)


def credit_check_char(first17: str) -> str:
    """The GB 32100 check character (position 18) for 17 valid characters."""
    total = sum(_CHAR_VALUE[ch] * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """The GB 11714 check character of an organisation code's 8 body characters."""
    total = sum(int(ch, 36) * w for ch, w in zip(body8, ORG_CODE_WEIGHTS, strict=True))
    r = 11 - total % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def check_credit_code(code: str) -> str:
    """Normalise (strip, upper-case) and verify a unified social credit code; return it.

    Raises `ValidationError` with code ``bad_credit_code`` and ``details["position"]`` (1-based;
    0 for a wrong length) naming the first thing wrong: the length, a character outside the
    set (I O Z S V are never used), the final check character (position 18, GB 32100), then
    the organisation code's own check character (position 17, GB 11714), with the expected
    character in ``details["expected"]``.
    """
    if not isinstance(code, str):
        raise _bad_code("统一社会信用代码应为文本", "the credit code must be a string", position=0, code=repr(code))
    norm = code.strip().upper()
    if len(norm) != CREDIT_CODE_LENGTH:
        raise _bad_code(
            f"统一社会信用代码应为 18 位,{norm!r} 为 {len(norm)} 位",
            f"a credit code has 18 characters, {norm!r} has {len(norm)}",
            position=0, code=norm, length=len(norm),
        )
    for i, ch in enumerate(norm, start=1):
        if ch not in _CHAR_VALUE:
            hint_zh = "(不使用 I、O、Z、S、V)" if ch in "IOZSV" else ""
            hint_en = " (I, O, Z, S and V are never used)" if ch in "IOZSV" else ""
            raise _bad_code(
                f"统一社会信用代码第 {i} 位 {ch!r} 不是合法字符{hint_zh}",
                f"character {i} of the credit code, {ch!r}, is not allowed{hint_en}",
                position=i, code=norm, char=ch,
            )
    # The final check first: it covers every position, so a typo anywhere shows here; the
    # GB 11714 check then catches codes whose organisation part was made up.
    org_expected = org_code_check_char(norm[8:16])
    expected = credit_check_char(norm[:17])
    if norm[17] != expected:
        raise _bad_code(
            f"统一社会信用代码校验位错误:第 18 位应为 {expected},实为 {norm[17]}",
            f"wrong check character: expected {expected} at position 18, got {norm[17]}",
            position=18, code=norm, expected=expected, got=norm[17], part="check",
            organisation_code_ok=norm[16] == org_expected,
        )
    if norm[16] != org_expected:
        raise _bad_code(
            f"统一社会信用代码第 9-17 位的组织机构代码校验位错误:第 17 位应为 {org_expected},实为 {norm[16]}",
            f"the organisation code (characters 9-17) has a wrong check character: "
            f"expected {org_expected} at position 17, got {norm[16]}",
            position=17, code=norm, expected=org_expected, got=norm[16], part="organisation_code",
        )
    return norm


def make_credit_code(first17: str) -> str:
    """Append the check character to 17 characters whose positions 9-17 already carry a
    valid GB 11714 check (for demo data and tests); the result passes `check_credit_code`."""
    first17 = first17.strip().upper()
    return check_credit_code(first17 + credit_check_char(first17))


def describe_credit_code(code: str) -> dict[str, Any]:
    """What a (valid) code says about its holder.

    Returns ``{"code", "authority": {"code","zh","en"} | None, "kind": {"code","zh","en"} |
    None, "division_code", "organisation_code", "civil_affairs": bool}``; an authority or kind
    not in the GB 32100 table comes back as None rather than an error (the check characters
    are what make a code valid).
    """
    norm = check_credit_code(code)
    a, k = norm[0], norm[1]
    authority = AUTHORITIES.get(a)
    kind = AUTHORITY_KINDS.get(a, {}).get(k)
    return {
        "code": norm,
        "authority": {"code": a, "zh": authority[0], "en": authority[1]} if authority else None,
        "kind": {"code": k, "zh": kind[0], "en": kind[1]} if kind else None,
        "division_code": norm[2:8],
        "organisation_code": f"{norm[8:16]}-{norm[16]}",
        "civil_affairs": a == CIVIL_AFFAIRS,
    }


# ---------------------------------------------------------------------------- kinds, statuses


class OrgKind(StrEnum):
    """The kinds of community social organisation (DOMAIN.md); values are stable ids."""

    COMMUNITY_SERVICE = "community_service"
    CHARITY = "charity"
    MEDIATION = "mediation"
    CULTURE_SPORTS = "culture_sports"
    LEGAL_SERVICES = "legal_services"
    INTANGIBLE_HERITAGE = "intangible_heritage"

    @property
    def zh(self) -> str:
        return _ORG_KIND_ZH[self]


_ORG_KIND_ZH = {
    OrgKind.COMMUNITY_SERVICE: "社区服务类",
    OrgKind.CHARITY: "公益慈善类",
    OrgKind.MEDIATION: "矛盾调处类",
    OrgKind.CULTURE_SPORTS: "文体活动类",
    OrgKind.LEGAL_SERVICES: "法律服务类",
    OrgKind.INTANGIBLE_HERITAGE: "非物质文化遗产类",
}
ORG_KINDS: dict[str, str] = {k.value: k.zh for k in OrgKind}


class OrgStatus(StrEnum):
    """Registered with civil affairs (登记: a legal person with a credit code) or filed with the
    street/community (备案: a community organisation below the registration threshold)."""

    REGISTERED = "registered"
    FILED = "filed"

    @property
    def zh(self) -> str:
        return "登记" if self is OrgStatus.REGISTERED else "备案"


ORG_STATUSES: dict[str, str] = {s.value: s.zh for s in OrgStatus}

# Who claims wishes and demands (seed 002 §18): social organisations and volunteers, party
# members working in the community (在职党员) and caring units based in it (驻区单位, 爱心企业).
# Units are recorded like organisations (members claim for them) but are not social
# organisations: no civil-affairs registration, any credit code.
ORG_TYPES: dict[str, str] = {
    "social_organisation": "社会组织",
    "resident_unit": "驻区单位",
    "caring_enterprise": "爱心企业",
}
CLAIMER_KINDS: dict[str, str] = {
    **ORG_TYPES,
    "volunteer": "志愿者",
    "party_member": "在职党员",
}


def check_org_type(value: Any) -> str:
    text = str(value or "social_organisation").strip()
    for key, zh in ORG_TYPES.items():
        if text in (key, zh):
            return key
    raise ValidationError(f"未知的组织类型 {text!r},应为 {'、'.join(ORG_TYPES.values())} 之一",
                          f"unknown organisation type {text!r}; expected one of {', '.join(ORG_TYPES)}",
                          code=ErrorCode.UNKNOWN_ORG_TYPE, details={"field": "org_type", "allowed": list(ORG_TYPES)})


def claimer_kind(*, org_type: str | None = None, party_member: bool = False) -> str:
    """How a claim's claimer stands: the organisation's type, or a volunteer / 在职党员."""
    if org_type:
        return org_type
    return "party_member" if party_member else "volunteer"


def check_org_kind(kind: str) -> OrgKind:
    try:
        return OrgKind(kind)
    except ValueError:
        raise ValidationError(
            f"未知的社会组织类别 {kind!r},应为 {'、'.join(ORG_KINDS.values())} 之一",
            f"unknown organisation kind {kind!r}; expected one of {', '.join(ORG_KINDS)}",
            code=ErrorCode.UNKNOWN_ORG_KIND, details={"kind": kind, "kinds": list(ORG_KINDS)},
        ) from None


def check_org_status(status: str) -> OrgStatus:
    try:
        return OrgStatus(status)
    except ValueError:
        raise ValidationError(
            f"未知的登记状态 {status!r},应为 registered(登记)或 filed(备案)",
            f"unknown organisation status {status!r}; expected registered or filed",
            code=ErrorCode.UNKNOWN_ORG_STATUS, details={"status": status, "statuses": list(ORG_STATUSES)},
        ) from None


def check_registration(status: str, credit_code: str | None) -> str | None:
    """A registered (登记) organisation must give a valid credit code; a filed (备案) one may
    give one or none. Returns the normalised code or None.

    Registration is civil affairs' act (DOMAIN.md): a registered organisation's code starts
    with 5 (民政). Community organisations are registered at county level; who may record a
    registration is the permission table's ``org.register``, since organisations registered
    higher up (a national foundation) also serve communities."""
    st = check_org_status(status)
    if credit_code is None or not str(credit_code).strip():
        if st is OrgStatus.REGISTERED:
            raise ValidationError(
                "已登记的社会组织须填写统一社会信用代码",
                "a registered organisation needs its unified social credit code",
                code=ErrorCode.CREDIT_CODE_REQUIRED, details={"status": st.value},
            )
        return None
    code = check_credit_code(credit_code)
    if st is OrgStatus.REGISTERED:
        if code[0] != "5":
            raise _bad_code(f"登记的社会组织由民政部门登记,统一社会信用代码首位应为 5,而不是 {code[0]}",
                            f"a registered social organisation is registered by civil affairs: its code starts "
                            f"with 5, not {code[0]}", code=code, position=1)
    return code


ORG_NAME_MAX = 100


def check_org_name(name: object) -> str:
    """Strip and bound an organisation's name (2-100 characters)."""
    norm = (name or "").strip() if isinstance(name, str) else ""
    if not 2 <= len(norm) <= ORG_NAME_MAX:
        raise ValidationError(
            f"社会组织名称应为 2-{ORG_NAME_MAX} 个字",
            f"an organisation's name has 2-{ORG_NAME_MAX} characters",
            code=ErrorCode.BAD_ORG_NAME, details={"length": len(norm), "max": ORG_NAME_MAX},
        )
    return norm


# ---------------------------------------------------------------------------- projects

PROJECT_CAPACITY_MAX = 10_000
PROJECT_NAME_MAX = 100


def check_project(
    name: object,
    categories: object,
    period_start: object,
    period_end: object,
    capacity: object,
) -> "ProjectInput":
    """Check a service project (服务项目): a name (2-100 characters), one or more wish
    categories, a period (start date, optional end on or after it) and a capacity of 1-10,000
    wishes or demand tasks. Errors: ``bad_project_name``, ``unknown_category``,
    ``bad_categories``, ``bad_date``, ``bad_period``, ``bad_capacity``."""
    norm = " ".join(name.split()) if isinstance(name, str) else ""
    if not 2 <= len(norm) <= PROJECT_NAME_MAX:
        raise ValidationError(
            f"项目名称应为 2-{PROJECT_NAME_MAX} 个字", f"a project name has 2-{PROJECT_NAME_MAX} characters",
            code=ErrorCode.BAD_PROJECT_NAME, details={"field": "name", "length": len(norm)},
        )
    if isinstance(categories, str):
        categories = [categories]
    if not isinstance(categories, (list, tuple)) or not categories:
        raise ValidationError(
            "请选择至少一个服务类别", "a project serves at least one category", code=ErrorCode.BAD_CATEGORIES,
            details={"field": "categories"},
        )
    cats: list[str] = []
    for c in categories:
        v = check_category(c).value if isinstance(c, str) else check_category(repr(c)).value
        if v not in cats:
            cats.append(v)
    start = _as_date(period_start, "period_start")
    end = None if period_end in (None, "") else _as_date(period_end, "period_end")
    if end is not None and end < start:
        raise ValidationError(
            f"服务期结束日 {end} 早于开始日 {start}", f"the period ends ({end}) before it starts ({start})",
            code=ErrorCode.BAD_PERIOD, details={"period_start": start.isoformat(), "period_end": end.isoformat()},
        )
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= PROJECT_CAPACITY_MAX:
        raise ValidationError(
            f"承接能力应为 1-{PROJECT_CAPACITY_MAX} 的整数(件)",
            f"capacity is a whole number from 1 to {PROJECT_CAPACITY_MAX}",
            code=ErrorCode.BAD_CAPACITY, details={"field": "capacity", "capacity": str(capacity)},
        )
    return ProjectInput(norm, tuple(cats), start, end, capacity)


@dataclass(frozen=True)
class ProjectInput:
    name: str
    categories: tuple[str, ...]
    period_start: date
    period_end: date | None
    capacity: int
