"""Staff rosters (issue 11 item 4): the posts of an area, a tier named in words, and the roster
sheet (花名册) read back row by row.

A post is an area of a staffed level and one of the tiers serving that level
(coverage.REQUIRED: a community has an instructor and a grid head, a grid a worker, a group a
leader, a building a head). One person holds a post at a time; a term of office is an
appointment (store.rosters).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .errors import in_language, message_language
from .governance.coverage import REQUIRED
from .roles import ROLE_NAMES_ZH, STAFF_TIERS, TIER_NUMBER
from .sheet_rows import blank, read_header, record_rows

# level -> its tiers, top tier first
POST_TIERS: dict[str, tuple[str, ...]] = {
    level: tuple(sorted(roles, key=TIER_NUMBER.__getitem__)) for level, roles in REQUIRED.items()}
REASON_MAX = 200
NAME_MAX = 100

# what a sheet may write in 岗位: the Chinese titles, the usual short forms and the role names
_TIER_WORDS: dict[str, str] = {
    **{ROLE_NAMES_ZH[t]: t for t in STAFF_TIERS}, **{t: t for t in STAFF_TIERS},
    "指导员": "instructor", "居民小组长": "group_leader", "村民小组长": "group_leader", "小组长": "group_leader",
    "居(村)民小组长": "group_leader", "grid_head": "head", "grid_worker": "worker",
}


def _norm(text: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def tier_from_words(text: Any) -> str | None:
    """The tier a cell names (网格员, 居民小组长, worker …), or None."""
    key = _norm(text)
    return _TIER_WORDS.get(key) or _TIER_WORDS.get(key.lower())


# the roster sheet: one row a held post
HEADERS = ("区域代码", "区域名称", "岗位", "姓名", "账号", "工作电话", "任职日期", "说明")
REQUIRED_HEADERS = ("区域代码", "岗位", "姓名", "账号")
COLUMNS_EN = {"区域代码": "area code", "区域名称": "area name", "岗位": "post", "姓名": "name", "账号": "login",
              "工作电话": "work phone", "任职日期": "appointed on", "说明": "note"}


@dataclass(frozen=True)
class RosterProblem:
    """Why a row was refused: its number as the spreadsheet shows it, the column, in both languages."""

    row: int
    column: str
    code: str
    zh: str
    en: str

    def message(self) -> str:
        if message_language.get() == "en":
            return f"row {self.row}, {COLUMNS_EN.get(self.column, self.column)}: {self.en}"
        return f"第 {self.row} 行「{self.column}」: {self.zh}"

    def to_dict(self) -> dict[str, Any]:
        # one language: the request's or the command's (errors.message_language)
        return {"row": self.row, "column": self.column, "code": self.code, "message": in_language(self.zh, self.en),
                "text": self.message()}


@dataclass(frozen=True)
class RosterRow:
    """One appointment asked for by the sheet."""

    row: int
    area: str
    role: str
    name: str
    username: str
    phone: str
    started_on: date | None
    reason: str


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone typed as a number
    return str(value).strip()


def parse_day(text: str) -> date | None:
    """2026-11-29, 2026/11/29 or 2026.11.29; blank is None; anything else ValueError."""
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if m is None:
        raise ValueError(text)
    return date(int(m[1]), int(m[2]), int(m[3]))


def read_sheet(rows: list[list[Any]]) -> tuple[list[RosterRow], list[RosterProblem]]:
    """Appointments from the sheet's rows (the first is the header), and every problem a cell has
    on its own; what needs the database (areas, people, posts held) is checked by the store."""
    if not rows or blank(_cell(c) for c in rows[0]):
        return [], [RosterProblem(1, "", "no_header", "缺少表头行", "the header row is missing")]
    # a column the sheet does not know, or a second of one it does, is passed over
    header = read_header(rows[0], name_of=_norm, known={h: h for h in HEADERS}, required=REQUIRED_HEADERS)
    problems = [RosterProblem(1, key, "missing_column", f"缺少必需的列「{key}」",
                              f"the column {key} ({COLUMNS_EN[key]}) is missing") for key in header.missing]
    if problems:
        return [], problems
    out: list[RosterRow] = []
    for n, cells in record_rows(rows, header.columns, _cell):
        row_problems = _row_problems(n, cells)
        if row_problems:
            problems.extend(row_problems)
            continue
        out.append(RosterRow(n, cells["区域代码"], tier_from_words(cells["岗位"]) or "", cells["姓名"],
                             cells["账号"], cells.get("工作电话", ""), parse_day(cells.get("任职日期", "")),
                             cells.get("说明", "")))
    return out, problems


def _row_problems(n: int, cells: dict[str, str]) -> list[RosterProblem]:
    found = []
    for key in REQUIRED_HEADERS:
        if not cells.get(key):
            found.append(RosterProblem(n, key, "required", "不能为空", "cannot be empty"))
    code = cells.get("区域代码", "")
    if code and not code.isdigit():
        found.append(RosterProblem(n, "区域代码", "bad_code", f"区域代码应为数字,收到 {code!r}",
                                   f"an area code is digits, got {code!r}"))
    words = cells.get("岗位", "")
    if words and tier_from_words(words) is None:
        names = "、".join(ROLE_NAMES_ZH[t] for t in STAFF_TIERS)
        found.append(RosterProblem(n, "岗位", "unknown_tier", f"未知的岗位「{words}」,应为 {names} 之一",
                                   f"unknown post {words!r}; expected one of {', '.join(STAFF_TIERS)}"))
    try:
        parse_day(cells.get("任职日期", ""))
    except ValueError:
        found.append(RosterProblem(n, "任职日期", "bad_date", f"日期「{cells['任职日期']}」应写作 2026-11-29",
                                   f"the date {cells['任职日期']!r} should read 2026-11-29"))
    if len(cells.get("姓名", "")) > NAME_MAX:
        found.append(RosterProblem(n, "姓名", "too_long", f"姓名最多 {NAME_MAX} 字",
                                   f"a name has at most {NAME_MAX} characters"))
    if len(cells.get("说明", "")) > REASON_MAX:
        found.append(RosterProblem(n, "说明", "too_long", f"说明最多 {REASON_MAX} 字",
                                   f"a note has at most {REASON_MAX} characters"))
    return found
