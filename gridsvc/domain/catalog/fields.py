"""Checks of one field of an item each: text, lookups, materials, venues, fee, areas, time limit.

Each raises a `ValidationError` naming the field (``details["field"]``, e.g. ``materials[1].copies``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from ..error_codes import ErrorCode
from ..errors import ValidationError
from ..levels import LEVEL_NAMES_ZH, check_code
from ..text import whole_number
from .item import FREE, Material, Venue
from .lists import (
    CATEGORY_BY_ID,
    FIELD_LABELS,
    ITEM_AREA_LEVELS,
    LIST_BY_ID,
    TIME_LIMIT_UNITS,
    VENUE_KINDS,
)


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
        raise _bad(f"{f}.note", ErrorCode.BAD_MATERIAL,
                   f"{_label(f)}是否接受电子证照请用“电子证照可用”标记,不要写在备注开头",
                   f"{f}.note: mark electronic copies with electronic_ok, not in the note")
    copies = raw.get("copies", 1)
    if isinstance(copies, str) and (n := whole_number(copies)) is not None:
        copies = n
    if isinstance(copies, float) and copies.is_integer():
        copies = int(copies)
    if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= 99:
        raise _bad(f"{f}.copies", ErrorCode.BAD_COPIES, f"{_label(f)}的份数应为 1-99 的整数",
                   f"{f}.copies must be 1-99")
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
        raise _bad(field_, ErrorCode.REQUIRED, "收费不能为空(不收费请填“不收费”)",
                   "fee is required (write 不收费 if free)")
    m = _FEE_NUMBER.match(unicodedata.normalize("NFKC", text))
    if m:
        return parse_fee(Decimal(m.group(1)), field_)
    return FREE if text in ("免费", "无") else text



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
        raise _bad(f, ErrorCode.BAD_AREA,
                   f"{_label(f)} {code} 是{LEVEL_NAMES_ZH[level]},事项只能设定到市、区县、街道或社区",
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
                                         ErrorCode.BAD_TIME_LIMIT)


def _check_keyword(value: Any, f: str) -> str:
    text = _text(value, f, required=True, max_len=30)
    if re.search(r"[,，、;；]", text):
        raise _bad(f, ErrorCode.BAD_KEYWORD, f"{_label(f)} 不能含逗号、顿号或分号",
                   f"{f} may not contain a comma or semicolon")
    return text
