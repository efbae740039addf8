"""Checking a whole item (every field, then the rules between fields), its code, and how it reads."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from ..error_codes import ErrorCode
from ..errors import ValidationError
from ..levels import COMMUNITY_KIND_NAMES_ZH, community_kind, organic_law
from .fields import (
    _bad,
    _check_area,
    _check_keyword,
    _check_material,
    _check_time_limit,
    _check_time_limit_unit,
    _check_venue,
    _label,
    _lookup,
    _split_list,
    _text,
    parse_fee,
)
from .item import ServiceItemData
from .lists import (
    CATEGORY_BY_ID,
    CODE_RE,
    CONVENIENCE_CATEGORIES,
    FIELD_LABELS,
    LIST_BY_ID,
    NO_BASIS_NEEDED,
    RESPONSIBLE_REQUIRED,
)

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
                                                 for i,
                                                 k in enumerate(_split_list(raw.get("keywords"), r"[,，、;；]+"))))


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
        errors.append(_bad("list", ErrorCode.WRONG_LIST,
                           "便民利民服务和志愿服务属于“便民利民服务和志愿服务清单”,该清单只收这两类",
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
