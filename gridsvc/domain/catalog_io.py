"""Catalog items as spreadsheet rows (Excel/CSV), with Chinese column names.

The store and the CLI read and write the files (openpyxl, csv); this module turns rows into
items and back, and reports every bad row the way a spreadsheet user sees it: the header is
row 1, the first item row 2.

Cells that hold lists stay readable and are parsed back exactly:

- 所需材料: materials separated by ";" (a line break or "；" also separates), each
  ``名称(份数份[,电子证照可][,备注])``, e.g. ``居民身份证(1份,电子证照可);户口簿(1份)``. A
  material typed without the bracket means one paper copy.
- 办理地点: one venue per line, ``类型|名称|地址|办理时间|网址``, trailing empty parts left
  out, e.g. ``社区窗口|七一路社区党群服务中心|王益区七一路88号|周一至周五 8:30-17:30``;
  the type is 社区窗口, 街道便民服务中心 or 网上办理.
- 适用区域 and 关键词: separated by commas; an empty 适用区域 means everywhere.
- 办理时限(工作日): a whole number (0 or 即办 = on the spot), empty = no limit stated.
- 收费: an amount ("15", "15元") or a text ("不收费").
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from .catalog import (
    CATEGORY_BY_ID,
    FIELD_LABELS,
    LIST_BY_ID,
    TIME_LIMIT_UNITS,
    VENUE_KINDS,
    Material,
    ServiceItemData,
    Venue,
    check_item,
    format_fee,
    item_errors,
)
from .sheet_rows import RowProblem, blank, read_header, record_rows

FIELDS: tuple[str, ...] = (
    "code", "name", "category", "list", "legal_basis", "materials", "time_limit_days", "fee", "venues",
    "contact", "areas", "summary", "keywords", "time_limit_unit", "responsible",
)
HEADERS: tuple[str, ...] = tuple(FIELD_LABELS[f] for f in FIELDS)
REQUIRED_HEADERS = ("代码", "名称", "类别", "清单")
HEADER_ALIASES = {"办理时限": "办理时限(工作日)", "事项代码": "代码", "事项名称": "名称", "材料": "所需材料",
                  "依据": "设定依据", "地点": "办理地点"}
_FIELD_BY_HEADER = dict(zip(HEADERS, FIELDS, strict=True))

ELECTRONIC_MARK = "电子证照可"
_ELECTRONIC_WORDS = ("电子证照可用", "可用电子证照", "电子证照可", "电子件可", "电子证照")
_MATERIAL_ATTRS = re.compile(
    r"^\s*(\d+)\s*份\s*(?:[,，]\s*(" + "|".join(_ELECTRONIC_WORDS) + r")\s*(?=[,，]|$))?(?:[,，](.*))?$", re.S)
_OPEN, _CLOSE = "(（", ")）"


# -- materials ---------------------------------------------------------------------------


def format_material(m: Material) -> str:
    parts = [f"{m.copies}份"]
    if m.electronic_ok:
        parts.append(ELECTRONIC_MARK)
    if m.note:
        parts.append(m.note)
    return f"{m.name}({','.join(parts)})"


def format_materials(materials: list[Material]) -> str:
    return ";".join(format_material(m) for m in materials)


def _split_top(text: str, seps: str) -> list[str]:
    """Split at separators outside brackets."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        elif ch in seps and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return [p.strip() for p in out if p.strip()]


def parse_material(text: str) -> dict[str, Any]:
    """``户口簿(1份,电子证照可,备注)`` -> a material dict for `check_item`."""
    text = text.strip()
    if text and text[-1] in _CLOSE:
        depth = 0
        for i in range(len(text) - 1, -1, -1):
            if text[i] in _CLOSE:
                depth += 1
            elif text[i] in _OPEN:
                depth -= 1
                if depth == 0:
                    m = _MATERIAL_ATTRS.match(text[i + 1 : -1])
                    if m:
                        return {"name": text[:i].strip(), "copies": int(m.group(1)),
                                "electronic_ok": m.group(2) is not None, "note": (m.group(3) or "").strip()}
                    break
    return {"name": text, "copies": 1, "electronic_ok": False, "note": ""}


def parse_materials(cell: str) -> list[dict[str, Any]]:
    return [parse_material(p) for p in _split_top(cell, ";；\n\r")]


# -- venues ------------------------------------------------------------------------------


def format_venue(v: Venue) -> str:
    return "|".join([VENUE_KINDS[v.kind], v.name, v.address, v.hours, v.url]).rstrip("|")


def parse_venues(cell: str) -> list[dict[str, Any]]:
    out = []
    for n, line in enumerate(l for l in re.split(r"[\r\n]+", cell) if l.strip()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) > 5:
            raise ValueError(f"第 {n + 1} 个地点多于 5 段(类型|名称|地址|办理时间|网址)")
        parts += [""] * (5 - len(parts))
        out.append(dict(zip(("kind", "name", "address", "hours", "url"), parts, strict=True)))
    return out


# -- rows --------------------------------------------------------------------------------


def item_to_row(item: ServiceItemData) -> list[Any]:
    """One row in `HEADERS` order."""
    values = {
        "code": item.code,
        "name": item.name,
        "category": CATEGORY_BY_ID[item.category].zh,
        "list": LIST_BY_ID[item.list].zh,
        "legal_basis": item.legal_basis,
        "materials": format_materials(item.materials),
        "time_limit_days": "" if item.time_limit_days is None else item.time_limit_days,
        "fee": format_fee(item.fee),
        "venues": "\n".join(format_venue(v) for v in item.venues),
        "contact": item.contact,
        "areas": ",".join(item.areas),
        "summary": item.summary,
        "keywords": ",".join(item.keywords),
        "time_limit_unit": TIME_LIMIT_UNITS[item.time_limit_unit],
        "responsible": item.responsible,
    }
    return [values[f] for f in FIELDS]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


def _header_key(text: Any) -> str:
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))
    return HEADER_ALIASES.get(key, key)


def _column(field_: str) -> str:
    head = re.match(r"^\w+", field_)
    return FIELD_LABELS.get(head.group(0) if head else field_, field_)


def rows_to_items(rows: list[list[Any]]) -> tuple[list[ServiceItemData], list[RowProblem]]:
    """Items from rows (the first row is the header). Returns (items, problems).

    Every bad row is reported, each bad cell once; callers store nothing when problems is
    not empty (import is all or nothing).
    """
    numbered, problems = numbered_items(rows)
    return [item for _, item in numbered], problems


def numbered_items(rows: list[list[Any]]) -> tuple[list[tuple[int, ServiceItemData]], list[RowProblem]]:
    """Like `rows_to_items`, with the spreadsheet row number of each item (for the checks the
    store adds: areas that exist, the importer's scope)."""
    problems: list[RowProblem] = []
    if not rows or blank(_cell(c) for c in rows[0]):
        return [], [RowProblem(1, "", "no_header", "缺少表头行 (the header row is missing)")]
    header = read_header(rows[0], name_of=_header_key, known={h: h for h in HEADERS}, required=REQUIRED_HEADERS)
    for stray in header.strays:
        if stray.kind == "unknown":
            problems.append(RowProblem(1, stray.written, "unknown_column",
                                       f"未知的列「{stray.written}」,应为 {'、'.join(HEADERS)} 之一 (unknown column)"))
        else:
            problems.append(RowProblem(1, stray.name, "duplicate_column",
                                       f"列「{stray.name}」重复 (duplicate column)"))
    for key in header.missing:
        problems.append(RowProblem(1, key, "missing_column", f"缺少必需的列「{key}」 (missing column)"))
    if problems:
        return [], problems

    items: list[tuple[int, ServiceItemData]] = []
    first_row_of: dict[str, int] = {}
    for n, cells in record_rows(rows, header.columns, _cell):
        fields: dict[str, Any] = {_FIELD_BY_HEADER[h]: v for h, v in cells.items()}
        row_problems: list[RowProblem] = []
        for f, parse in (("materials", parse_materials), ("venues", parse_venues)):
            try:
                fields[f] = parse(str(fields.get(f, "")))
            except ValueError as exc:
                row_problems.append(RowProblem(n, FIELD_LABELS[f], f"bad_{f[:-1]}", str(exc)))
                fields.pop(f, None)
        seen_columns = {p.column for p in row_problems}
        for err in item_errors(fields):
            column = _column(err.details["field"])
            if column not in seen_columns:
                seen_columns.add(column)
                row_problems.append(RowProblem(n, column, err.code, err.message))
        if row_problems:
            problems.extend(row_problems)
            continue
        item = check_item(fields)
        if item.code in first_row_of:
            problems.append(RowProblem(n, FIELD_LABELS["code"], "duplicate_code",
                                       f"代码 {item.code} 与第 {first_row_of[item.code]} 行重复 (duplicate code)"))
            continue
        first_row_of[item.code] = n
        items.append((n, item))
    return items, problems
