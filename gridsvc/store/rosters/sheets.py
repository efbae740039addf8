"""The roster as Excel (花名册): export the open terms under an area, import appointments back.

An import is all or nothing, like the catalog's (store.catalog.sheets): every row is checked
(the cells on their own in domain.rosters, then an area that exists, a tier that serves its
level, the importer's scope, the person's tier, a post nobody holds, no post twice in the file)
and nothing is stored while any row is bad. A login the database does not know makes a staff
member with no password (a name on the contact board); a known login must be of the row's tier.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tortoise.transactions import in_transaction

from gridsvc.domain import clock
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import DomainError, ValidationError
from gridsvc.domain.roles import ROLE_NAMES_ZH, TIER_LEVEL
from gridsvc.domain.rosters import HEADERS, RosterProblem, RosterRow, read_sheet
from gridsvc.domain.scope import Principal
from gridsvc.store import spreadsheets
from gridsvc.store.accounts import users
from gridsvc.store.accounts.models import User, UserArea
from gridsvc.store.areas.models import Area
from gridsvc.store.rosters import appointments
from gridsvc.store.rosters.models import Appointment
from gridsvc.store.rosters.roster import sheet_rows
from gridsvc.store.spreadsheets import rejected

SHEET = "花名册"
# (area code, tier) -> may the importer appoint there; None: the system (CLI) may everywhere
MayAppoint = Callable[[str, str], bool] | None

INSTRUCTIONS = [
    "填写说明",
    "第一行是表头,请勿修改列名;每行一名在任人员。必填:区域代码、岗位、姓名、账号。",
    "岗位: " + "、".join(ROLE_NAMES_ZH[t] for t in TIER_LEVEL) + "(村里的小组长写 村民小组长 亦可)。",
    "网格指导员、网格长任职于社区,网格员于网格,小组长于居(村)民小组,楼栋长于楼栋。",
    "账号: 已有账号须与岗位一致;新账号会建成无密码的网格人员(只上公示牌,不能登录)。",
    "任职日期: 如 2026-11-29,留空为今天。",
    "导入时任何一行有误,整个文件都不会存入,并逐行列出问题。",
]


async def export_xlsx(prefix: str) -> bytes:
    wb, ws = spreadsheets.new_workbook(SHEET)
    spreadsheets.header_row(ws, HEADERS, (22, 24, 14, 12, 16, 16, 12, 30))
    for r in await sheet_rows(prefix):
        ws.append([r["area"], r["area_name"], r["role_zh"], r["name"], r["username"], r["phone"],
                   r["started_on"].isoformat(), r["reason"]])
        spreadsheets.as_text(ws[ws.max_row])
    spreadsheets.notes_sheet(wb, INSTRUCTIONS, 100)
    return spreadsheets.xlsx_bytes(wb)


def parse(data: bytes) -> tuple[list[RosterRow], list[RosterProblem]]:
    """The sheet's good rows and the problems of the others (reported together with what the
    database says of the good ones); a 422 at once when the header is wrong or no row is there."""
    rows, problems = read_sheet(spreadsheets.read_rows(data, "xlsx"))
    if any(p.row == 1 for p in problems):
        raise rejected(problems)
    if not rows and not problems:
        raise ValidationError("文件中没有任职人员", "the file holds no appointments", code=ErrorCode.EMPTY_FILE)
    return rows, problems


async def import_roster(parsed: tuple[list[RosterRow], list[RosterProblem]], *, actor: Principal | None,
                        may_appoint: MayAppoint = None, dry_run: bool = False) -> dict[str, Any]:
    """Appoint every row of `parse`'s answer, or nothing (ValidationError listing each bad row)."""
    rows, cell_problems = parsed
    areas = {a.code: a for a in await Area.filter(code__in=sorted({r.area for r in rows}))}
    known = {u.username: u for u in await User.filter(username__in=sorted({r.username for r in rows}))}
    holders = await _holders([a.id for a in areas.values()])
    problems = list(cell_problems)
    seen: dict[tuple[str, str], int] = {}
    for r in rows:
        problems += await _row_problems(r, areas, known, holders, seen, may_appoint)
    if problems:
        raise rejected(problems)
    new_people = sorted({r.username for r in rows if r.username not in known})
    if not dry_run:
        async with in_transaction():
            for r in rows:
                user = known.get(r.username)
                if user is None:
                    user = known[r.username] = await users.create_user(
                        r.username, role=r.role, display_name=r.name, phone=r.phone, actor=actor)
                await appointments.check_post_free(user, areas[r.area], r.started_on or clock.today())
                await appointments.start_term(user, areas[r.area], on=r.started_on or clock.today(), reason=r.reason,
                                              actor=actor)
    return {"appointed": len(rows), "new_people": len(new_people), "dry_run": dry_run}


async def _holders(area_ids: list[int]) -> dict[tuple[str, str], str]:
    """(area code, tier) -> the login of whoever holds that post now."""
    rows = await UserArea.filter(area_id__in=area_ids).values_list("area__code", "user__role", "user__username") \
        if area_ids else []
    return {(code, role): username for code, role, username in rows if role in TIER_LEVEL}


async def _row_problems(r: RosterRow, areas: dict[str, Area], known: dict[str, User],
                        holders: dict[tuple[str, str], str], seen: dict[tuple[str, str], int],
                        may_appoint: MayAppoint) -> list[RosterProblem]:
    def problem(column: str, code: str, zh: str, en: str) -> list[RosterProblem]:
        return [RosterProblem(r.row, column, code, zh, en)]

    area = areas.get(r.area)
    if area is None:
        return problem("区域代码", "unknown_area", f"区域 {r.area} 不存在", f"area {r.area} does not exist")
    tier_zh = ROLE_NAMES_ZH[r.role]
    if TIER_LEVEL[r.role] != area.level:
        return problem("岗位", "wrong_level", f"{tier_zh}不任职于{area.name}这一级",
                       f"a {r.role} does not serve an area of level {area.level}")
    if may_appoint is not None and not may_appoint(area.code, r.role):
        return problem("区域代码", "out_of_scope", f"您无权在{area.name}任命{tier_zh}",
                       f"you may not appoint a {r.role} in {area.code}")
    post = (area.code, r.role)
    if post in seen:
        return problem("岗位", "duplicate_post", f"与第 {seen[post]} 行是同一岗位",
                       f"the same post as row {seen[post]}")
    seen[post] = r.row
    user = known.get(r.username)
    if user is not None and user.role != r.role:
        return problem("账号", "other_tier", f"账号 {r.username} 是{ROLE_NAMES_ZH.get(user.role, user.role)}",
                       f"the login {r.username} is a {user.role}")
    holder = holders.get(post)
    if holder == r.username:
        return problem("账号", "already_holds", f"{r.name} 已是{area.name}{tier_zh}",
                       f"{r.username} holds this post already")
    if holder is not None:
        return problem("岗位", "post_taken", f"{area.name}{tier_zh}现有人在任,请先免职或调任",
                       f"someone holds the post {area.code} {r.role}")
    try:
        if user is None:
            users.check_new_staff(r.username, r.name, r.phone)
        on = r.started_on or clock.today()
        appointments.check_day(on)
        last = await Appointment.filter(area_id=area.id, role=r.role, ended_on__gt=on).exists()
        if last:
            return problem("任职日期", "bad_date", f"{on} 早于该岗位上一任的离任日期",
                           f"{on} is before the previous holder of this post left")
    except DomainError as e:
        field = (e.details or {}).get("field") if isinstance(e.details, dict) else None
        column = {"phone": "工作电话", "username": "账号", "on": "任职日期"}.get(str(field), "姓名")
        return problem(column, str(e.code), e.message_zh, e.message_en)
    return []
