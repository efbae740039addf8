"""The organisation registry as a spreadsheet (.xlsx or .csv): export and import, for officials.

The columns are gridsvc.domain.org_sheet.HEADERS. An import is all or nothing, like the
catalog's (store.catalog.sheets): every bad row is reported with its row number and column and
nothing is stored while any row is bad. A row finds its organisation by credit code, else by
name; a found organisation is updated (its service areas replaced, the members listed added),
an unchanged row changes nothing, so importing an export back is harmless. The importer must
manage (``org.manage``) every service area of a row, and of the organisation it updates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tortoise.transactions import in_transaction

from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import DomainError, ValidationError, in_language
from gridsvc.domain.org_sheet import COLUMN, HEADERS, SHEET, OrgRow, org_to_row, sheet_rows
from gridsvc.domain.scope import Principal
from gridsvc.domain.sheet_rows import RowProblem
from gridsvc.store import audit, spreadsheets
from gridsvc.store.accounts.models import User
from gridsvc.store.areas.models import Area
from gridsvc.store.orgs.models import Organisation, OrgArea
from gridsvc.store.orgs.organisations import SERVICE_LEVELS, list_orgs, org_card, parse_org
from gridsvc.store.paging import PageRequest
from gridsvc.store.spreadsheets import rejected

MEMBER_ROLES = ("org_member", "volunteer")
# (area code, status) -> may the importer record an organisation serving that area
MayManage = Callable[[str, str], bool]


async def export_rows(*, under: str | None) -> list[list[Any]]:
    """Every organisation serving `under` (all when None), as rows of HEADERS."""
    rows: list[list[Any]] = []
    page = PageRequest(limit=500)
    while True:
        found = await list_orgs(under=under, page=page)
        for card in found["orgs"]:
            members = await User.filter(org_id=card["id"]).order_by("id").values_list("username", flat=True)
            rows.append(org_to_row(card, [str(m) for m in members]))
        cursor = found.get("next_cursor")
        if not cursor:
            return rows
        page = PageRequest(limit=500, cursor=cursor)


def write_xlsx(rows: list[list[Any]]) -> bytes:
    wb, ws = spreadsheets.new_workbook(SHEET)
    spreadsheets.header_row(ws, HEADERS, (30, 22, 12, 18, 10, 36, 16, 30, 30))
    for row in rows:
        ws.append(row)
    for row_cells in ws.iter_rows(min_row=2):
        spreadsheets.as_text(row_cells)  # a credit code or phone is never a number or a formula
    return spreadsheets.xlsx_bytes(wb)


def write_csv(rows: list[list[Any]]) -> bytes:
    return spreadsheets.csv_bytes(HEADERS, rows)


async def _area(token: str) -> tuple[Area | None, str | None]:
    """A service area by its code, or by its name when one area bears it."""
    found = await Area.filter(code=token).first() if token.isdigit() else None
    if found is None and not token.isdigit():
        named = await Area.filter(name=token, level__in=SERVICE_LEVELS).limit(3)
        if len(named) > 1:
            return None, in_language(f"有多个区域名为「{token}」({'、'.join(a.code for a in named)}),请填写区域代码",
                                     f"several areas are named {token} ({', '.join(a.code for a in named)}); "
                                     "give the code")
        found = named[0] if named else None
    if found is None:
        return None, in_language(f"区域「{token}」不存在", f"no area {token}")
    if found.level not in SERVICE_LEVELS:
        return None, in_language(f"区域「{token}」不能作为服务区域(应为区县、街道、社区或网格)",
                                 f"{token} cannot be a service area (a district, street, community or grid can)")
    return found, None


def _column_of(e: DomainError) -> str:
    """The column a rule of domain.orgs refused: the field it names, else the one its code is about."""
    field = e.details.get("field") if isinstance(e.details, dict) else None
    if field in COLUMN:
        return COLUMN[str(field)]
    for part, name in (("credit_code", "credit_code"), ("org_kind", "kind"), ("org_status", "status"),
                       ("org_type", "org_type"), ("phone", "phone")):
        if part in e.code:
            return COLUMN[name]
    return COLUMN["name"]


async def _check_row(r: OrgRow, may_manage: MayManage, seen: dict[str, int],
                     member_rows: dict[str, int]) -> tuple[dict, list[Area], Organisation | None, list[User],
                                                           list[RowProblem]]:
    problems: list[RowProblem] = []
    fields: dict = {}
    try:
        fields = parse_org(r.data)
    except DomainError as e:
        problems.append(RowProblem(r.row, _column_of(e), e.code, e.message))
    status = fields.get("status") or str(r.data.get("status") or "filed")
    areas: list[Area] = []
    for token in r.areas:
        area, why = await _area(token)
        if why or area is None:
            problems.append(RowProblem(r.row, COLUMN["areas"], "bad_areas", why or ""))
        elif not may_manage(area.code, status):
            problems.append(RowProblem(r.row, COLUMN["areas"], "forbidden", in_language(
                f"{area.name}({area.code})不在您可登记的范围内", f"you may not record organisations in {area.name}")))
        else:
            areas.append(area)
    key = fields.get("credit_code") or f"name:{fields.get('name') or r.data.get('name')}"
    if key in seen:
        column = COLUMN["credit_code" if fields.get("credit_code") else "name"]
        problems.append(RowProblem(r.row, column, "duplicate", in_language(
            f"与第 {seen[key]} 行是同一组织", f"the same organisation as row {seen[key]}")))
    seen.setdefault(key, r.row)
    existing = None
    if fields:
        existing = await (Organisation.filter(credit_code=fields["credit_code"]).first() if fields["credit_code"]
                          else Organisation.filter(name=fields["name"], credit_code__isnull=True).first())
    if existing is not None:
        codes = await OrgArea.filter(org_id=existing.id).values_list("area__code", flat=True)
        if not all(may_manage(str(c), existing.status) for c in codes):
            problems.append(RowProblem(r.row, COLUMN["name"], "forbidden", in_language(
                f"「{existing.name}」的服务区域超出您的辖区,不能修改", f"{existing.name} serves areas outside yours")))
    members = []
    for username in r.members if fields else []:  # whose they may be is known once the row reads
        user = await User.filter(username=username).first()
        why = None
        if user is None:
            why = in_language(f"账号 {username} 不存在", f"no account {username}")
        elif user.role not in MEMBER_ROLES:
            why = in_language(f"{user.display_name or username} 不能加入组织(只有社会组织成员或志愿者可以)",
                              f"{user.display_name or username} cannot join an organisation")
        elif user.org_id and (existing is None or user.org_id != existing.id):
            why = in_language(f"{user.display_name or username} 已属于另一个社会组织",
                              f"{user.display_name or username} belongs to another organisation")
        elif username in member_rows:
            why = in_language(f"{username} 也列在第 {member_rows[username]} 行", f"{username} is listed in row "
                              f"{member_rows[username]} too")
        if why:
            problems.append(RowProblem(r.row, COLUMN["members"], "bad_member", why))
        elif user is not None:
            member_rows[username] = r.row
            members.append(user)
    return fields, areas, existing, members, problems


async def import_rows(data: bytes, fmt: str, *, actor: Principal, may_manage: MayManage,
                      dry_run: bool = False) -> dict[str, Any]:
    """Store the organisations of a sheet, all or nothing (see the module)."""
    org_rows, problems = sheet_rows(spreadsheets.read_rows(data, fmt))
    if not org_rows and not problems:
        raise ValidationError("文件中没有组织", "the file holds no organisations", code=ErrorCode.EMPTY_FILE)
    checked = []
    seen: dict[str, int] = {}
    member_rows: dict[str, int] = {}
    for r in org_rows:
        fields, areas, existing, members, row_problems = await _check_row(r, may_manage, seen, member_rows)
        problems += row_problems
        checked.append((r, fields, areas, existing, members))
    if problems:
        raise rejected(problems)
    report: dict[str, Any] = {"dry_run": dry_run, "created": 0, "updated": 0, "unchanged": 0, "members_added": 0,
                              "rows": []}
    async with in_transaction():
        for r, fields, areas, existing, members in checked:
            action = await _store(fields, areas, existing, members, actor=actor, dry_run=dry_run, report=report)
            report[action] += 1
            report["rows"].append({"row": r.row, "name": fields["name"], "action": action})
    return report


async def _store(fields: dict, areas: list[Area], existing: Organisation | None, members: list[User], *,
                 actor: Principal, dry_run: bool, report: dict) -> str:
    new_members = [u for u in members if existing is None or u.org_id != existing.id]
    report["members_added"] += len(new_members)
    if existing is None:
        if not dry_run:
            org = await Organisation.create(**fields, created_by_id=actor.user_id)
            await OrgArea.bulk_create([OrgArea(org_id=org.id, area_id=a.id) for a in areas])
            await User.filter(id__in=[u.id for u in new_members]).update(org_id=org.id)
            await audit.record(actor, "org.create", "organisation", org.id, area_code=areas[0].code,
                               after={**fields, "areas": [a.code for a in areas], "source": "import"})
        return "created"
    before = await org_card(existing)
    changed = {k: v for k, v in fields.items() if getattr(existing, k) != v}
    same_areas = sorted(a["code"] for a in before["areas"]) == sorted(a.code for a in areas)
    if not changed and same_areas and not new_members:
        return "unchanged"
    if not dry_run:
        if changed:
            await Organisation.filter(id=existing.id).update(**changed)
        if not same_areas:
            await OrgArea.filter(org_id=existing.id).delete()
            await OrgArea.bulk_create([OrgArea(org_id=existing.id, area_id=a.id) for a in areas])
        await User.filter(id__in=[u.id for u in new_members]).update(org_id=existing.id)
        await audit.record(actor, "org.update", "organisation", existing.id, area_code=areas[0].code, before=before,
                           after={**changed, "areas": [a.code for a in areas],
                                  "members_added": [u.username for u in new_members], "source": "import"})
    return "updated"
