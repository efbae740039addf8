"""The organisation registry as spreadsheet rows (issue 10 item 4): Chinese headers, words for
kinds and statuses, service areas by code or name, members by account name.

One row per organisation. The header is row 1 and the first organisation row 2, as a
spreadsheet user counts. Cells that hold lists (服务区域, 成员) are separated by "、", ",", ";"
or a line break. Kinds, statuses and types are read as their Chinese words or their ids.
This module checks the cells alone; the store adds what needs it (areas that exist and lie in
the importer's scope, accounts that may join, credit codes already registered).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import in_language
from .orgs import ORG_KINDS, ORG_STATUSES, ORG_TYPES
from .sheet_rows import RowProblem, blank, read_header, record_rows

FIELDS: tuple[str, ...] = ("name", "credit_code", "org_type", "kind", "status", "areas", "phone", "address",
                           "members")
HEADERS: tuple[str, ...] = ("名称", "统一社会信用代码", "组织类型", "类别", "登记状态", "服务区域", "联系电话",
                            "地址", "成员")
COLUMN = dict(zip(FIELDS, HEADERS, strict=True))
REQUIRED_HEADERS = ("名称", "服务区域")
_FIELD_BY_HEADER = dict(zip(HEADERS, FIELDS, strict=True))
_LIST_SEPARATORS = re.compile(r"[、,,;;\n]+")
SHEET = "社会组织"


@dataclass
class OrgRow:
    """One organisation as the sheet gives it: the fields of the registry's JSON body (kind,
    status and type as ids), the service areas and members as written."""

    row: int
    data: dict[str, Any]
    areas: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number Excel stored as a number
    return str(value).strip()


def split_list(text: str) -> list[str]:
    return list(dict.fromkeys(p.strip() for p in _LIST_SEPARATORS.split(text) if p.strip()))


def _word_to_id(text: str, table: dict[str, str]) -> str:
    """An id from its Chinese word or the id itself; unknown text is passed on for the checks
    to name."""
    for key, word in table.items():
        if text in (key, word):
            return key
    return text


def org_to_row(card: dict, members: list[str]) -> list[Any]:
    """An organisation's card (store.orgs.organisations.org_card) as a row of HEADERS."""
    return [card["name"], card.get("credit_code") or "", ORG_TYPES.get(card.get("org_type") or "", ""),
            ORG_KINDS.get(card.get("kind") or "", ""), ORG_STATUSES.get(card.get("status") or "", ""),
            "、".join(a["code"] for a in card.get("areas") or []), card.get("phone") or "", card.get("address") or "",
            "、".join(members)]


def sheet_rows(rows: list[list[Any]]) -> tuple[list[OrgRow], list[RowProblem]]:
    """The organisations of a sheet with their row numbers, and every problem of its header
    and cells (a row with a problem is left out)."""
    if not rows or blank(_cell(c) for c in rows[0]):
        return [], [RowProblem(1, "", "no_header", in_language("缺少表头行", "the header row is missing"))]
    header = read_header(rows[0], name_of=_cell, known=_FIELD_BY_HEADER, required=REQUIRED_HEADERS)
    problems: list[RowProblem] = []
    for stray in header.strays:
        head = stray.name
        if stray.kind == "unknown":
            problems.append(RowProblem(1, head, "unknown_column", in_language(
                f"未知的列「{head}」,应为 {'、'.join(HEADERS)} 之一",
                f"unknown column {head!r}; expected one of {', '.join(HEADERS)}")))
        else:
            problems.append(RowProblem(1, head, "duplicate_column",
                                       in_language(f"列「{head}」重复", f"column {head!r} appears twice")))
    for head in header.missing:
        problems.append(RowProblem(1, head, "missing_column",
                                   in_language(f"缺少必需的列「{head}」", f"the column {head!r} is missing")))
    if problems:
        return [], problems
    out: list[OrgRow] = []
    for n, cells in record_rows(rows, header.columns, _cell):
        areas = split_list(cells.pop("areas", ""))
        if not areas:
            problems.append(RowProblem(n, COLUMN["areas"], "bad_areas",
                                       in_language("至少填写一个服务区域", "name at least one service area")))
            continue
        data: dict[str, Any] = {k: v for k, v in cells.items() if k != "members" and v != ""}
        if "org_type" in data:
            data["org_type"] = _word_to_id(data["org_type"], ORG_TYPES)
        if "kind" in data:
            data["kind"] = _word_to_id(data["kind"], ORG_KINDS)
        if "status" in data:
            data["status"] = _word_to_id(data["status"], ORG_STATUSES)
        out.append(OrgRow(n, data, areas, split_list(cells.get("members", ""))))
    return out, problems
