"""The table of seed 000's attachment (铜川市社区建设微信平台信息上报及上传情况统计表), read and written.

Columns: 辖区名称, 社区名称, 上报信息数(篇), 推送到微信平台信息数(篇), and the rating under a header
that states the rule. Rows come in groups: the group's first row names it in the first column
(a district with its community count, "耀州区(12)", a zone such as 新区, or 市局 for the city
bureau) and carries the counts of its own office (社区办, 基政科), which are counted but not
rated; the community rows below leave the first column empty (a merged cell in Excel).

This module works on plain cell values; the store reads and writes the .xlsx (openpyxl) and
matches the names against the tree and the zones.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..sheet_rows import RowProblem
from ..text import whole_number

TITLE = "社区建设微信平台信息上报及上传情况统计表"
HEADERS = ("辖区名称", "社区名称", "上报信息数(篇)", "推送到微信平台信息数(篇)")
CITY_GROUP = "市局"  # the city bureau's row(s), as seed 000 writes them
_GROUP = re.compile(r"^(?P<name>.+?)\s*[(（]\s*(?P<count>\d+)\s*[)）]$")


def clean(value: Any) -> str:
    """A cell as text: NFKC (full-width digits and brackets), no inner or outer spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


@dataclass(frozen=True)
class TableRow:
    row: int  # the row number the spreadsheet shows
    group: str  # the group's name without its count
    name: str  # community, or the office on a group's first row
    reports: int
    pushed: int
    is_office: bool  # the group's own row: counted, not rated


@dataclass
class ParsedTable:
    rows: list[TableRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def _count(value: Any, row: int, column: str, problems: list[RowProblem]) -> int | None:
    text = clean(value)
    if text == "":
        return 0
    if whole_number(text) is None:
        problems.append(RowProblem(row, column, "bad_count", f"应为非负整数,收到 {text!r} (a whole number)"))
        return None
    return int(text)


def header_index(cells: Sequence[Sequence[Any]]) -> int | None:
    """The 0-based index of the header row (the first with 社区名称 in its second column)."""
    for i, r in enumerate(cells[:10]):
        if len(r) > 1 and clean(r[1]) == HEADERS[1]:
            return i
    return None


def parse_table(cells: Sequence[Sequence[Any]]) -> ParsedTable:
    """Rows of the table with every problem named by row and column (1-based like Excel)."""
    out = ParsedTable()
    start = header_index(cells)
    if start is None:
        out.problems.append(RowProblem(1, HEADERS[1], "missing_header", "找不到表头「社区名称」(no header row)"))
        return out
    group: str | None = None
    declared: tuple[int, int] | None = None  # (row, count) of the current group's header
    members = 0

    def close_group() -> None:
        if declared is not None and declared[1] != members:
            out.problems.append(RowProblem(declared[0], HEADERS[0], "group_count",
                                           f"{group} 标明 {declared[1]} 个社区,下列 {members} 个 "
                                           f"(declares {declared[1]} communities, lists {members})"))

    for i, raw in enumerate(cells[start + 1:], start=start + 2):
        r = list(raw) + [None] * 5
        first, name, reports_cell, pushed_cell = clean(r[0]), clean(r[1]), r[2], r[3]
        if not name and clean(reports_cell) == "" and clean(pushed_cell) == "":
            continue  # blank rows, and notes such as "铜川市民政局 2016年12月13日印发"
        if first:
            close_group()
            m = _GROUP.match(first)
            group = m.group("name") if m else first
            declared = (i, int(m.group("count"))) if m else None
            members = 0
        elif group is None:
            out.problems.append(RowProblem(i, HEADERS[0], "no_group",
                                           "第一组之前缺少辖区名称 (no 辖区名称 above this row)"))
            continue
        if not name:
            out.problems.append(RowProblem(i, HEADERS[1], "missing_name", "缺少名称 (no name)"))
            continue
        before = len(out.problems)
        reports = _count(reports_cell, i, HEADERS[2], out.problems)
        pushed = _count(pushed_cell, i, HEADERS[3], out.problems)
        if reports is not None and pushed is not None and pushed > reports:
            out.problems.append(RowProblem(i, HEADERS[3], "pushed_over_reports",
                                           f"推送数 {pushed} 大于上报数 {reports} (more pushed than reported)"))
        if not first:
            members += 1
        if len(out.problems) == before and reports is not None and pushed is not None:
            out.rows.append(TableRow(i, group, name, reports, pushed, is_office=bool(first)))
    close_group()
    return out


@dataclass(frozen=True)
class TableGroup:
    """One group of the table as it is written out."""

    name: str
    offices: list[tuple[str, int, int]]  # (name, reports, pushed)
    communities: list[tuple[str, int, int, str]]  # (name, reports, pushed, rating)
    show_count: bool = True  # the city bureau's group shows none


def table_cells(groups: Sequence[TableGroup], rule: str, title: str = TITLE) -> list[list[Any]]:
    """The rows to write, title and header included; the first column only on a group's first row
    (the writer merges it over the group)."""
    cells: list[list[Any]] = [[title, None, None, None, None], [*HEADERS, rule]]
    for g in groups:
        label = f"{g.name}({len(g.communities)})" if g.show_count else g.name
        offices = g.offices or [("社区办", 0, 0)]
        for k, (name, reports, pushed) in enumerate(offices):
            cells.append([label if k == 0 else None, name, reports, pushed, None])
        for name, reports, pushed, rating in g.communities:
            cells.append([None, name, reports, pushed, rating])
    return cells
