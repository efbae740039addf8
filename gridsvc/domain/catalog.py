"""Public-service item catalogs (公共服务目录清单): items, lists, versions, areas, admission.

Pure rules: no I/O. The store keeps the records; the web layer and the CLI call these
functions so that one rule holds at every entry point.

Item codes
    ``{list}-{category}-{number}``, e.g. ``GS-SB-001``: two letters for the list, two for the
    category (pinyin initials, table below) and a 3- or 4-digit serial. The code is the
    item's identity across its versions, so a new version keeps its list and category; moving
    an item to another list (say, from the public-service list to the list of work the
    community must not take on) is a policy act recorded as revoking one item and publishing
    another.

        list            prefix    category         prefix
        public_service    GS      employment         LD   social_services   SF
        duty              LZ      social_security    SB   housing           ZF
        assist            XZ      health             WJ   culture_sports    WT
        excluded          BC      education          JY   public_safety     GA
        no_certificate    ZM      legal              FL   mediation         TZ
                                  convenience        BM   volunteer         ZY

Lifecycle
    draft -> published -> superseded | revoked. A published version is never edited: an edit
    makes version n+1 as a draft (`next_version`), and publishing it supersedes the one in
    force (`publish`). A version is in force from ``published_on`` (inclusive) to
    ``superseded_on``/``revoked_on`` (exclusive), so `catalog_on` answers "what did the
    catalog say on that day" from the version records alone. Publishing with a future date
    schedules a version.

Admission (准入) lives in `gridsvc.domain.admission`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from .error_codes import ErrorCode
from .errors import Conflict, ValidationError
from .levels import (
    COMMUNITY_KIND_NAMES_ZH,
    LEVEL_NAMES_ZH,
    check_code,
    code_prefix,
    community_kind,
    is_within,
    organic_law,
)

# --------------------------------------------------------------------------------------
# Categories and lists


@dataclass(frozen=True)
class Category:
    id: str
    zh: str
    en: str
    prefix: str  # the two letters in item codes


CATEGORIES: tuple[Category, ...] = (
    Category("employment", "劳动就业", "Employment", "LD"),
    Category("social_security", "社会保障", "Social security", "SB"),
    Category("health", "卫生计生", "Health and family planning", "WJ"),
    Category("education", "教育", "Education", "JY"),
    Category("social_services", "社会服务", "Social services", "SF"),
    Category("housing", "住房保障", "Housing security", "ZF"),
    Category("culture_sports", "文化体育", "Culture and sports", "WT"),
    Category("public_safety", "公共安全", "Public safety", "GA"),
    Category("legal", "公共法律服务", "Public legal services", "FL"),
    Category("mediation", "调解仲裁", "Mediation and arbitration", "TZ"),
    Category("convenience", "便民利民服务", "Convenience services", "BM"),
    Category("volunteer", "志愿服务", "Volunteer services", "ZY"),
)
CATEGORY_BY_ID = {c.id: c for c in CATEGORIES}
# Categories whose items need not cite a legal basis (services the community organises).
NO_BASIS_NEEDED = frozenset({"convenience", "volunteer"})
# 便民利民服务 and 志愿服务 form a list of their own (seed 002 §18: 建立便民利民服务和志愿服务
# 清单), beside the public-service catalog: these categories belong to that list only.
CONVENIENCE_CATEGORIES = frozenset({"convenience", "volunteer"})


@dataclass(frozen=True)
class ItemList:
    id: str
    zh: str
    en: str
    prefix: str


LISTS: tuple[ItemList, ...] = (
    ItemList("public_service", "公共服务事项", "Public services", "GS"),
    ItemList("convenience", "便民利民服务和志愿服务", "Convenience and volunteer services", "BZ"),
    ItemList("duty", "依法履行职责事项", "Duties performed by law", "LZ"),
    ItemList("assist", "依法协助政府工作事项", "Work assisting government by law", "XZ"),
    ItemList("excluded", "不应由社区承担的工作事项", "Work the community must not take on", "BC"),
    ItemList("no_certificate", "不应由社区出具的证明事项", "Certificates the community must not issue", "ZM"),
    # what the community seal may be put on (社区印章使用清单, seed 004)
    ItemList("seal", "社区印章使用事项", "Uses of the community seal", "YZ"),
    # work outside the duty and assist lists that entered through admission (准入, seed 004)
    ItemList("admitted", "准入事项", "Work admitted into communities", "ZR"),
)
LIST_BY_ID = {x.id: x for x in LISTS}
# The negative lists: work the community must not take on, certificates it must not issue.
NEGATIVE_LISTS = frozenset({"excluded", "no_certificate"})
# Lists whose items name the department responsible (责任主体, seed 003 §4): the work the
# community assists with, and the work and certificates it must not take on, are somebody's.
RESPONSIBLE_REQUIRED = frozenset({"assist", "excluded", "no_certificate"})

# Time limits count as their legal basis does: most in working days (工作日), some in calendar
# days (日): labour-dispute mediation 15 日, arbitration 45 日, legal aid 7 日.
TIME_LIMIT_UNITS: dict[str, str] = {"working_days": "工作日", "days": "日"}

# Where items are handled: not only street and community windows (issue 14 §10).
VENUE_KINDS: dict[str, str] = {
    "community_window": "社区窗口",
    "street_centre": "街道便民服务中心",
    "district_centre": "区县政务服务中心",
    "city_centre": "市政务服务中心",
    "marriage_registry": "婚姻登记处",
    "school": "学校",
    "health_facility": "医疗卫生机构",
    "police_station": "公安派出所",
    "department_office": "部门办公场所",
    "online": "网上办理",
}

CODE_RE = re.compile(r"^([A-Z]{2})-([A-Z]{2})-(\d{3,4})$")
ITEM_AREA_LEVELS = ("city", "district", "street", "community")

# Field -> Chinese label; catalog_io's headers and error messages use the same words.
FIELD_LABELS: dict[str, str] = {
    "code": "代码",
    "name": "名称",
    "category": "类别",
    "list": "清单",
    "legal_basis": "设定依据",
    "materials": "所需材料",
    "time_limit_days": "办理时限(工作日)",
    "time_limit_unit": "时限单位",
    "responsible": "责任主体",
    "fee": "收费",
    "venues": "办理地点",
    "contact": "联系方式",
    "areas": "适用区域",
    "summary": "摘要",
    "keywords": "关键词",
}

# --------------------------------------------------------------------------------------
# Items


@dataclass(frozen=True)
class Material:
    """A material to bring (所需材料). ``electronic_ok``: an electronic licence counts as the original."""

    name: str
    copies: int = 1
    electronic_ok: bool = False
    note: str = ""


@dataclass(frozen=True)
class Venue:
    """Where an item is done: a window, a centre, a registry, a school, an office, or online."""

    kind: str  # one of VENUE_KINDS
    name: str = ""
    address: str = ""
    hours: str = ""
    url: str = ""


@dataclass
class ServiceItemData:
    """One version's content of a service item. Build it through `check_item`.

    ``time_limit_days``: in ``time_limit_unit`` (working or calendar days), 0 = done on the spot
    (即办), None = no limit stated.
    ``fee``: a `Decimal` amount in yuan, or a text such as "不收费".
    ``areas``: codes of the districts/streets/communities it applies to; empty = everywhere.
    """

    code: str
    name: str
    category: str
    list: str  # noqa: A003 - the domain word; annotation only, so `list` below stays the builtin
    summary: str = ""
    legal_basis: str = ""
    materials: list[Material] = field(default_factory=list)
    time_limit_days: int | None = None
    fee: Decimal | str = "不收费"
    venues: list[Venue] = field(default_factory=list)
    contact: str = ""
    areas: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    time_limit_unit: str = "working_days"  # or "days" (calendar days), as the legal basis counts
    responsible: str = ""  # 责任主体: the department whose work it is (assist and negative lists)

    @property
    def category_zh(self) -> str:
        return CATEGORY_BY_ID[self.category].zh

    @property
    def list_zh(self) -> str:
        return LIST_BY_ID[self.list].zh

    @property
    def fee_text(self) -> str:
        return format_fee(self.fee)


def _bad(field_: str, code: ErrorCode, zh: str, en: str, **extra: Any) -> ValidationError:
    return ValidationError(zh, en, code=code, details={"field": field_, **extra})


def _text(value: Any, field_: str, *, required: bool = False, max_len: int = 500, one_line: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            value = str(value)
        else:
            raise _bad(field_, ErrorCode.BAD_TYPE, f"{_label(field_)}应为文本", f"{field_} must be text")
    value = value.strip()
    label = _label(field_)
    if required and not value:
        raise _bad(field_, ErrorCode.REQUIRED, f"{label}不能为空", f"{field_} is required")
    if len(value) > max_len:
        raise _bad(field_, ErrorCode.TOO_LONG,
                   f"{label}不能超过 {max_len} 字", f"{field_} is longer than {max_len} characters",
                   max_len=max_len)
    if one_line and ("\n" in value or "\r" in value):
        raise _bad(field_, ErrorCode.MULTILINE, f"{label}不能换行", f"{field_} must be one line")
    return value


def _label(field_: str) -> str:
    """``materials[1].copies`` -> ``所需材料第2项``: how a person names the place."""
    m = re.match(r"^(\w+)(?:\[(\d+)\])?", field_)
    head = m.group(1) if m else field_
    label = FIELD_LABELS.get(head, field_)
    return f"{label}第{int(m.group(2)) + 1}项" if m and m.group(2) is not None else label


def _lookup(value: Any, field_: str, table: Mapping[str, Any], kind_zh: str, kind_en: str, code: ErrorCode) -> str:
    """Accept an id or its Chinese name (as spreadsheets carry it)."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    if text in table:
        return text
    for key, entry in table.items():
        zh = entry if isinstance(entry, str) else entry.zh
        if text == unicodedata.normalize("NFKC", zh):
            return key
    names = [e if isinstance(e, str) else e.zh for e in table.values()]
    raise _bad(field_, code, f"未知的{kind_zh} {text!r},应为 {'、'.join(names)} 之一",
               f"unknown {kind_en} {text!r}; expected one of {', '.join(table)}", allowed=list(table))


def category_id(value: Any, field_: str = "category") -> str:
    """A category from its id or Chinese name (query parameters, spreadsheet cells)."""
    return _lookup(value, field_, CATEGORY_BY_ID, "类别", "category", ErrorCode.UNKNOWN_CATEGORY)


def list_id(value: Any, field_: str = "list") -> str:
    """A list from its id or Chinese name."""
    return _lookup(value, field_, LIST_BY_ID, "清单", "list", ErrorCode.UNKNOWN_LIST)


def parens_balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


_MATERIAL_FORBIDDEN = (";", "；", "\n", "\r")


def _check_material(raw: Any, f: str) -> Material:
    if isinstance(raw, Material):
        raw = {"name": raw.name, "copies": raw.copies, "electronic_ok": raw.electronic_ok, "note": raw.note}
    if isinstance(raw, str):
        raw = {"name": raw}
    if not isinstance(raw, Mapping):
        raise _bad(f, ErrorCode.BAD_MATERIAL, f"{_label(f)}应为材料对象", f"{f} must be a material object")
    name = _text(raw.get("name"), f"{f}.name", required=True, max_len=100)
    note = _text(raw.get("note"), f"{f}.note", max_len=200)
    for part, value in (("name", name), ("note", note)):
        if part == "name" and any(ch in value for ch in _MATERIAL_FORBIDDEN):
            raise _bad(f"{f}.{part}", ErrorCode.BAD_MATERIAL, f"{_label(f)}名称不能含分号或换行",
                       f"{f}.{part} may not contain a semicolon or line break")
        if not parens_balanced(value):
            raise _bad(f"{f}.{part}", ErrorCode.BAD_MATERIAL, f"{_label(f)}的括号不成对: {value}",
                       f"unbalanced parentheses in {f}.{part}: {value}")
    if note.startswith(("电子证照", "电子件")):
        raise _bad(f"{f}.note", ErrorCode.BAD_MATERIAL, f"{_label(f)}是否接受电子证照请用“电子证照可用”标记,不要写在备注开头",
                   f"{f}.note: mark electronic copies with electronic_ok, not in the note")
    copies = raw.get("copies", 1)
    if isinstance(copies, str) and copies.strip().isdigit():
        copies = int(copies)
    if isinstance(copies, float) and copies.is_integer():
        copies = int(copies)
    if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= 99:
        raise _bad(f"{f}.copies", ErrorCode.BAD_COPIES, f"{_label(f)}的份数应为 1-99 的整数", f"{f}.copies must be 1-99")
    electronic = raw.get("electronic_ok", False)
    if not isinstance(electronic, bool):
        raise _bad(f"{f}.electronic_ok", ErrorCode.BAD_TYPE, f"{_label(f)}的“电子证照可用”应为是/否",
                   f"{f}.electronic_ok must be a boolean")
    return Material(name=name, copies=copies, electronic_ok=electronic, note=note)


def _check_venue(raw: Any, f: str) -> Venue:
    if isinstance(raw, Venue):
        raw = {"kind": raw.kind, "name": raw.name, "address": raw.address, "hours": raw.hours, "url": raw.url}
    if not isinstance(raw, Mapping):
        raise _bad(f, ErrorCode.BAD_VENUE, f"{_label(f)}应为地点对象", f"{f} must be a venue object")
    kind = _lookup(raw.get("kind"), f"{f}.kind", VENUE_KINDS, "办理地点类型", "venue kind", ErrorCode.BAD_VENUE)
    values = {k: _text(raw.get(k), f"{f}.{k}", max_len=300) for k in ("name", "address", "hours", "url")}
    for k, v in values.items():
        if "|" in v:
            raise _bad(f"{f}.{k}", ErrorCode.BAD_VENUE, f"{_label(f)}不能含竖线 |", f"{f}.{k} may not contain '|'")
    if kind == "online":
        if not re.match(r"^https?://\S+$", values["url"]):
            raise _bad(f"{f}.url", ErrorCode.BAD_VENUE, f"{_label(f)}网上办理须填写以 http(s):// 开头的网址",
                       f"{f}.url: an online venue needs an http(s) URL")
    elif not values["name"]:
        raise _bad(f"{f}.name", ErrorCode.REQUIRED, f"{_label(f)}须填写窗口或中心名称", f"{f}.name is required")
    elif values["url"] and not re.match(r"^https?://\S+$", values["url"]):
        raise _bad(f"{f}.url", ErrorCode.BAD_VENUE, f"{_label(f)}网址应以 http(s):// 开头", f"{f}.url must be http(s)")
    return Venue(kind=kind, **values)


FREE = "不收费"
_FEE_NUMBER = re.compile(r"^(\d{1,7}(?:\.\d{1,2})?)\s*元?$")


def parse_fee(value: Any, field_: str = "fee") -> Decimal | str:
    """A number (or "15", "15元") becomes a Decimal amount in yuan; other text stays text.

    Zero, "免费" and "无" become "不收费", so a free item reads the same everywhere.
    """
    if isinstance(value, bool):
        raise _bad(field_, ErrorCode.BAD_FEE, "收费应为金额或文字说明", "fee must be an amount or a text")
    if isinstance(value, (int, float, Decimal)):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise _bad(field_, ErrorCode.BAD_FEE, "收费金额无效", "invalid fee amount") from None
        if not amount.is_finite() or amount < 0 or amount >= 10_000_000:
            raise _bad(field_, ErrorCode.BAD_FEE, "收费金额应为非负数", "the fee must be a non-negative amount")
        return FREE if amount == 0 else amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = _text(value, field_, max_len=200)
    if not text:
        raise _bad(field_, ErrorCode.REQUIRED, "收费不能为空(不收费请填“不收费”)", "fee is required (write 不收费 if free)")
    m = _FEE_NUMBER.match(unicodedata.normalize("NFKC", text))
    if m:
        return parse_fee(Decimal(m.group(1)), field_)
    return FREE if text in ("免费", "无") else text


def format_fee(fee: Decimal | str) -> str:
    if isinstance(fee, Decimal):
        return f"{fee:.0f}元" if fee == fee.to_integral_value() else f"{fee:.2f}元"
    return fee


def infer_level(code: str) -> str:
    """The level an area code names by its shape (see `levels`)."""
    if len(code) == 6:
        return "city" if code.endswith("00") else "district"
    if len(code) == 12:
        return "street" if code.endswith("000") else "community"
    if len(code) == 15:
        return "grid"
    raise ValidationError(f"区域代码 {code!r} 的位数不对", f"area code {code!r} has a wrong length",
                          code=ErrorCode.BAD_CODE, details={"code": code})


def _check_area(raw: Any, f: str) -> str:
    code = unicodedata.normalize("NFKC", str(raw if raw is not None else "")).strip()
    try:
        level = infer_level(code)
        check_code(code, level)
    except ValidationError as e:
        raise _bad(f, ErrorCode.BAD_AREA, f"{_label(f)} {code!r} 不是有效的区划代码: {e.message_zh}",
                   f"{f} {code!r} is not a valid area code: {e.message_en}") from None
    if level not in ITEM_AREA_LEVELS:
        raise _bad(f, ErrorCode.BAD_AREA, f"{_label(f)} {code} 是{LEVEL_NAMES_ZH[level]},事项只能设定到市、区县、街道或社区",
                   f"{f} {code} is a {level}; items apply to cities, districts, streets or communities")
    return code


def _split_list(value: Any, seps: str = r"[,，、;；\s]+") -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in re.split(seps, value) if p.strip()]
    if isinstance(value, Iterable):
        return list(value)
    return [value]


def _check_time_limit(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text in ("即办", "当场办结"):
            return 0
        text = re.sub(r"\s*(个?工作日|日|天)$", "", text)
        if text.isdigit():
            value = int(text)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 365:
        raise _bad("time_limit_days", ErrorCode.BAD_TIME_LIMIT, "办理时限应为 0-365 的整数(0 为即办),不限请留空",
                   "time_limit_days must be a whole number of days, 0-365, or empty")
    return value


def _check_time_limit_unit(raw: Mapping[str, Any]) -> str:
    """工作日 or 日; when not given, read from a limit written as "15日" (calendar days)."""
    value = unicodedata.normalize("NFKC", str(raw.get("time_limit_unit") or "")).strip()
    if not value:
        limit = unicodedata.normalize("NFKC", str(raw.get("time_limit_days") or "")).strip()
        return "days" if re.search(r"\d\s*(日|天)$", limit) and not limit.endswith("工作日") else "working_days"
    aliases = {"自然日": "days", "天": "days", "个工作日": "working_days"}
    return aliases.get(value) or _lookup(value, "time_limit_unit", TIME_LIMIT_UNITS, "时限单位", "time-limit unit",
                                         "bad_time_limit")


def _check_keyword(value: Any, f: str) -> str:
    text = _text(value, f, required=True, max_len=30)
    if re.search(r"[,，、;；]", text):
        raise _bad(f, ErrorCode.BAD_KEYWORD, f"{_label(f)} 不能含逗号、顿号或分号", f"{f} may not contain a comma or semicolon")
    return text


_ITEM_KEYS = frozenset(FIELD_LABELS)


def _seq(raw: Mapping[str, Any], field_: str) -> list[Any]:
    value = raw.get(field_) or []
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise _bad(field_, ErrorCode.BAD_TYPE, f"{_label(field_)}应为列表", f"{field_} must be a list")
    return list(value)


def _field_checks(raw: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    """Yield (field, check) pairs; each check returns the normalised value or raises."""
    yield "name", lambda: _text(raw.get("name"), "name", required=True, max_len=100)
    yield "category", lambda: _lookup(raw.get("category"), "category", CATEGORY_BY_ID, "类别", "category",
                                            ErrorCode.UNKNOWN_CATEGORY)
    yield "list", lambda: _lookup(raw.get("list"), "list", LIST_BY_ID, "清单", "list", ErrorCode.UNKNOWN_LIST)
    yield "summary", lambda: _text(raw.get("summary"), "summary", max_len=2000, one_line=False)
    yield "legal_basis", lambda: _text(raw.get("legal_basis"), "legal_basis", max_len=1000, one_line=False)
    yield "materials", lambda: [_check_material(m, f"materials[{i}]") for i, m in enumerate(_seq(raw, "materials"))]
    yield "time_limit_days", lambda: _check_time_limit(raw.get("time_limit_days"))
    yield "time_limit_unit", lambda: _check_time_limit_unit(raw)
    yield "responsible", lambda: _text(raw.get("responsible"), "responsible", max_len=200)
    yield "fee", lambda: parse_fee(raw.get("fee", "不收费"))
    yield "venues", lambda: [_check_venue(v, f"venues[{i}]") for i, v in enumerate(_seq(raw, "venues"))]
    yield "contact", lambda: _text(raw.get("contact"), "contact", max_len=200)
    yield "areas", lambda: list(dict.fromkeys(_check_area(a, f"areas[{i}]")
                                              for i, a in enumerate(_split_list(raw.get("areas")))))
    yield "keywords", lambda: list(dict.fromkeys(_check_keyword(k, f"keywords[{i}]")
                                                 for i, k in enumerate(_split_list(raw.get("keywords"), r"[,，、;；]+"))))


def item_errors(data: ServiceItemData | Mapping[str, Any]) -> list[ValidationError]:
    """Every problem with an item, one error per field (empty when the item is valid)."""
    return _check(data)[1]


def check_item(data: ServiceItemData | Mapping[str, Any]) -> ServiceItemData:
    """Validate and normalise an item (from the API, a spreadsheet row or a fixture).

    Raises the first `ValidationError` (``details["field"]`` names the field, e.g.
    ``materials[1].copies``; ``details["errors"]`` lists every field's problem).
    """
    item, errors = _check(data)
    if errors:
        first = errors[0]
        first.details = {**first.details, "errors": [{"field": e.details["field"], "code": e.code,
                                                      "message": e.message} for e in errors]}
        raise first
    assert item is not None
    return item


def _check(data: ServiceItemData | Mapping[str, Any]) -> tuple[ServiceItemData | None, list[ValidationError]]:
    if isinstance(data, ServiceItemData):
        raw: Mapping[str, Any] = {k: getattr(data, k) for k in _ITEM_KEYS}
    elif isinstance(data, Mapping):
        raw = data
        unknown = sorted(set(raw) - _ITEM_KEYS)
        if unknown:
            return None, [_bad(unknown[0], ErrorCode.UNKNOWN_FIELD, f"未知字段 {', '.join(unknown)}",
                               f"unknown fields: {', '.join(unknown)}")]
    else:
        return None, [_bad("item", ErrorCode.BAD_TYPE, "事项应为对象", "an item must be an object")]
    values: dict[str, Any] = {}
    errors: list[ValidationError] = []
    for name, check in _field_checks(raw):
        try:
            values[name] = check()
        except ValidationError as e:
            errors.append(e)
    try:
        values["code"] = _check_item_code(raw.get("code"), values.get("list"), values.get("category"))
    except ValidationError as e:
        errors.insert(0, e)
    if "legal_basis" in values and "category" in values and "list" in values:
        if not values["legal_basis"] and values["category"] not in NO_BASIS_NEEDED:
            errors.append(_bad("legal_basis", ErrorCode.REQUIRED, "设定依据不能为空(便民利民和志愿服务除外)",
                               "legal_basis is required (except for convenience and volunteer services)"))
    lst, cat = values.get("list"), values.get("category")
    if (lst == "convenience" and cat and cat not in CONVENIENCE_CATEGORIES) or (
            lst == "public_service" and cat in CONVENIENCE_CATEGORIES):
        errors.append(_bad("list", ErrorCode.WRONG_LIST, "便民利民服务和志愿服务属于“便民利民服务和志愿服务清单”,该清单只收这两类",
                           "convenience and volunteer services form their own list, and that list holds only them",
                           list=lst, category=cat))
    if lst in RESPONSIBLE_REQUIRED and "responsible" in values and not values["responsible"]:
        errors.append(_bad("responsible", ErrorCode.REQUIRED, f"“{LIST_BY_ID[lst].zh}清单”的事项须写明责任主体",
                           f"items of the list '{LIST_BY_ID[lst].en}' name the department responsible"))
    if values.get("list") == "duty" and values.get("areas") and "legal_basis" in values:
        errors.extend(_duty_basis_errors(values["legal_basis"], values["areas"]))
    if errors:
        return None, errors
    return ServiceItemData(**values), []


def _duty_basis_errors(basis: str, areas: Sequence[str]) -> list[ValidationError]:
    """A duty item set for a community cites 《城市居民委员会组织法》, for a village
    《村民委员会组织法》: the law the committee performs its duties under."""
    out = []
    for i, code in enumerate(areas):
        if len(code) != 12 or code.endswith("000"):
            continue  # a district or street holds both kinds; the item's own basis decides
        try:
            law = organic_law(code)
        except ValidationError as e:
            out.append(_bad(f"areas[{i}]", e.code, e.message_zh, e.message_en, area=code))
            continue
        if law.removeprefix("《中华人民共和国").rstrip("》") not in basis:
            kind = COMMUNITY_KIND_NAMES_ZH[community_kind(code)]
            out.append(_bad("legal_basis", ErrorCode.WRONG_ORGANIC_LAW,
                            f"{code} 是{kind},其依法履行职责事项的设定依据应为{law}",
                            f"{code} is a {community_kind(code)}; its duties rest on {law}",
                            area=code, law=law))
    return out


def _check_item_code(value: Any, list_id: str | None, category: str | None) -> str:
    code = unicodedata.normalize("NFKC", str(value or "")).strip().upper()
    m = CODE_RE.match(code)
    if not m:
        raise _bad("code", ErrorCode.BAD_ITEM_CODE, f"事项代码 {code!r} 应形如 GS-SB-001(清单-类别-序号)",
                   f"item code {code!r} must look like GS-SB-001 (list-category-number)")
    if list_id and m.group(1) != LIST_BY_ID[list_id].prefix:
        raise _bad("code", ErrorCode.CODE_MISMATCH,
                   f"代码 {code} 的清单段应为 {LIST_BY_ID[list_id].prefix}({LIST_BY_ID[list_id].zh})",
                   f"code {code}: the list segment for {list_id} is {LIST_BY_ID[list_id].prefix}")
    if category and m.group(2) != CATEGORY_BY_ID[category].prefix:
        c = CATEGORY_BY_ID[category]
        raise _bad("code", ErrorCode.CODE_MISMATCH, f"代码 {code} 的类别段应为 {c.prefix}({c.zh})",
                   f"code {code}: the category segment for {category} is {c.prefix}")
    return code


def suggest_code(list_id: str, category: str, existing: Iterable[str]) -> str:
    """The next free code for a new item of this list and category."""
    head = f"{LIST_BY_ID[list_id].prefix}-{CATEGORY_BY_ID[category].prefix}-"
    used = [int(c[len(head):]) for c in existing if c.startswith(head) and c[len(head):].isdigit()]
    return f"{head}{(max(used, default=0) + 1):03d}"


def item_to_dict(item: ServiceItemData) -> dict[str, Any]:
    """JSON-ready form (fee amounts as strings "15.00"); `check_item` reads it back."""
    return {
        "code": item.code, "name": item.name, "category": item.category, "list": item.list,
        "summary": item.summary, "legal_basis": item.legal_basis,
        "materials": [{"name": m.name, "copies": m.copies, "electronic_ok": m.electronic_ok, "note": m.note}
                      for m in item.materials],
        "time_limit_days": item.time_limit_days,
        "fee": str(item.fee),
        "venues": [{"kind": v.kind, "name": v.name, "address": v.address, "hours": v.hours, "url": v.url}
                   for v in item.venues],
        "contact": item.contact, "areas": list(item.areas), "keywords": list(item.keywords),
        "time_limit_unit": item.time_limit_unit, "responsible": item.responsible,
    }


def time_limit_text(days: int | None, unit: str = "working_days") -> str:
    """未规定, 即办, "15 个工作日" or "15 日"."""
    if days is None:
        return "未规定"
    if days == 0:
        return "即办"
    return f"{days} 个工作日" if unit == "working_days" else f"{days} 日"


def due_date(start: date, days: int, unit: str = "working_days", holidays: Iterable[date] = ()) -> date:
    """The last day of a limit that starts counting the day after ``start``.

    Calendar days (日) count every day; working days (工作日) skip weekends and ``holidays``
    (the State Council's yearly holiday notice; make-up working weekends are not modelled).
    """
    if unit == "days":
        return start + timedelta(days=days)
    off = set(holidays)
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            left -= 1
    return day


def responsible_text(item: ServiceItemData) -> str:
    """What residents read: 本事项由 … 负责 (empty when no department is named)."""
    return f"本事项由{item.responsible}负责" if item.responsible else ""


# --------------------------------------------------------------------------------------
# Versions


class ItemStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"  # a later version was published
    REVOKED = "revoked"


STATUS_NAMES_ZH = {"draft": "草稿", "published": "已发布", "superseded": "已被新版本替代", "revoked": "已撤销"}

_VERSION_MOVES: dict[tuple[ItemStatus, str], ItemStatus] = {
    (ItemStatus.DRAFT, "publish"): ItemStatus.PUBLISHED,
    (ItemStatus.PUBLISHED, "supersede"): ItemStatus.SUPERSEDED,
    (ItemStatus.PUBLISHED, "revoke"): ItemStatus.REVOKED,
}


def version_transition(status: ItemStatus | str, action: str) -> ItemStatus:
    """The status after ``action`` (publish, supersede, revoke), or Conflict."""
    status = ItemStatus(status)
    try:
        return _VERSION_MOVES[(status, action)]
    except KeyError:
        allowed = [a for (s, a) in _VERSION_MOVES if s is status]
        raise Conflict(f"{STATUS_NAMES_ZH[status]}的版本不能执行 {action}",
                       f"a {status} version cannot {action}", code=ErrorCode.BAD_TRANSITION,
                       details={"status": str(status), "action": action, "allowed": allowed}) from None


@dataclass(frozen=True)
class ItemVersion:
    """One version record of an item: in force on ``valid_from <= day < valid_to``."""

    code: str
    version: int
    status: ItemStatus = ItemStatus.DRAFT
    published_on: date | None = None
    superseded_on: date | None = None
    revoked_on: date | None = None
    item: ServiceItemData | None = None

    @property
    def valid_from(self) -> date | None:
        return self.published_on

    @property
    def valid_to(self) -> date | None:
        """First day no longer in force (exclusive), or None while open-ended."""
        return self.superseded_on or self.revoked_on

    def in_force_on(self, day: date) -> bool:
        if self.status is ItemStatus.DRAFT or self.published_on is None:
            return False
        return self.published_on <= day and (self.valid_to is None or day < self.valid_to)


def _one_item(versions: Sequence[ItemVersion]) -> list[ItemVersion]:
    codes = {v.code for v in versions}
    if len(codes) > 1:
        raise ValidationError("版本记录属于多个事项", "version records of more than one item",
                              code=ErrorCode.MIXED_VERSIONS, details={"codes": sorted(codes)})
    return sorted(versions, key=lambda v: v.version)


def current_version(versions: Sequence[ItemVersion]) -> ItemVersion | None:
    """The published version of one item, if any."""
    live = [v for v in _one_item(versions) if v.status is ItemStatus.PUBLISHED]
    return live[-1] if live else None


def next_version(versions: Sequence[ItemVersion], item: ServiceItemData) -> ItemVersion:
    """The record to store for an edit of an item.

    No versions yet: version 1, draft. The latest is a draft: that draft, edited in place
    (same number). The latest is published or revoked: version n+1 as a new draft; the
    published one stays in force until the draft is published.
    """
    ordered = _one_item(versions)
    if ordered and ordered[0].code != item.code:
        raise ValidationError(f"事项代码 {item.code} 与版本记录 {ordered[0].code} 不符,代码不可修改",
                              f"item code {item.code} differs from {ordered[0].code}; codes cannot change",
                              code=ErrorCode.CODE_CHANGED, details={"field": "code"})
    if not ordered:
        return ItemVersion(code=item.code, version=1, item=item)
    latest = ordered[-1]
    if latest.status is ItemStatus.DRAFT:
        return replace(latest, item=item)
    return ItemVersion(code=item.code, version=latest.version + 1, item=item)


def publish(versions: Sequence[ItemVersion], on: date) -> list[ItemVersion]:
    """Publish the draft on ``on``; returns the changed records (the new one first).

    The version in force until then is superseded on the same day.
    """
    ordered = _one_item(versions)
    draft = ordered[-1] if ordered and ordered[-1].status is ItemStatus.DRAFT else None
    if draft is None:
        raise Conflict("没有待发布的草稿版本", "there is no draft version to publish", code=ErrorCode.NO_DRAFT,
                       details={"code": ordered[-1].code if ordered else None})
    changed = [replace(draft, status=version_transition(draft.status, "publish"), published_on=on)]
    live = current_version(ordered)
    if live is not None:
        if live.published_on and on < live.published_on:
            raise ValidationError(f"发布日期 {on} 早于现行版本的发布日期 {live.published_on}",
                                  f"publication date {on} is before the current version's {live.published_on}",
                                  code=ErrorCode.PUBLISH_BEFORE_CURRENT, details={"field": "published_on"})
        changed.append(replace(live, status=version_transition(live.status, "supersede"), superseded_on=on))
    return changed


def revoke(versions: Sequence[ItemVersion], on: date) -> ItemVersion:
    """Revoke the published version on ``on`` (no longer in force from that day)."""
    live = current_version(versions)
    if live is None:
        raise Conflict("该事项没有已发布的版本,无法撤销", "the item has no published version to revoke",
                       code=ErrorCode.NOT_PUBLISHED)
    if live.published_on and on < live.published_on:
        raise ValidationError(f"撤销日期 {on} 早于发布日期 {live.published_on}",
                              f"revocation date {on} is before publication on {live.published_on}",
                              code=ErrorCode.REVOKE_BEFORE_PUBLISH, details={"field": "revoked_on"})
    return replace(live, status=version_transition(live.status, "revoke"), revoked_on=on)


def catalog_on(versions: Iterable[ItemVersion], day: date) -> dict[str, ItemVersion]:
    """Which version of each item was in force on ``day`` (code -> version, by code)."""
    found: dict[str, ItemVersion] = {}
    for v in versions:
        if v.in_force_on(day) and (v.code not in found or v.version > found[v.code].version):
            found[v.code] = v
    return dict(sorted(found.items()))


# --------------------------------------------------------------------------------------
# Areas


def applies_to(item_areas: Sequence[tuple[str, str]], area_code: str) -> bool:
    """Whether an item set for ``item_areas`` ((code, level) pairs) applies in ``area_code``.

    Empty means everywhere; an item set for a street applies to its communities and grids.
    """
    if not item_areas:
        return True
    return any(is_within(area_code, code, level) for code, level in item_areas)


def area_prefixes(areas: Iterable[str]) -> tuple[str, ...]:
    """The code prefixes of an item's areas, for indexes (empty = everywhere)."""
    return tuple(code_prefix(code, infer_level(code)) for code in areas)


def search_doc(item: ServiceItemData, doc_id: Any) -> Any:
    """The `search.SearchDoc` of an item."""
    from .search import SearchDoc

    return SearchDoc(id=doc_id, code=item.code, name=item.name, materials=[m.name for m in item.materials],
                     summary=item.summary, keywords=tuple(item.keywords), category=item.category,
                     list=item.list, area_prefixes=area_prefixes(item.areas))
