"""The report table as an Excel workbook: import (all or nothing, every bad row named) and
export, in the layout of seed 000 (gridsvc.domain.governance.report_table)."""

from __future__ import annotations

from collections import defaultdict

from tortoise.transactions import in_transaction

from gridsvc.store import spreadsheets
from gridsvc.store.areas.models import Area
from gridsvc.store.spreadsheets import rejected

from ...domain.error_codes import ErrorCode
from ...domain.errors import ValidationError
from ...domain.governance.report_table import (
    CITY_GROUP,
    HEADERS,
    TITLE,
    TableGroup,
    clean,
    parse_table,
    table_cells,
)
from ...domain.governance.reports import rule_text
from ...domain.governance.targets import Targets
from ...domain.sheet_rows import RowProblem
from .models import ReportOffice, ReportTally, Zone
from .reports import communities

MIN_YEAR, MAX_YEAR = 2000, 2100


def check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(f"年份应在 {MIN_YEAR}-{MAX_YEAR} 之间", f"the year must be within {MIN_YEAR}-{MAX_YEAR}",
                              code=ErrorCode.BAD_YEAR, details={"year": year})
    return year


async def import_table(data: bytes, year: int, *, dry_run: bool = False) -> dict:
    """Store the year's counts of every community and office the table lists, replacing the
    counts imported before for them; nothing is stored when any row is wrong."""
    check_year(year)
    parsed = parse_table(spreadsheets.read_rows(data, "xlsx"))
    problems = list(parsed.problems)
    city = await Area.filter(level="city").order_by("code").first()
    districts = {clean(name): code for code, name in await Area.filter(level="district").values_list("code", "name")}
    zones = {clean(z.name): z for z in await Zone.all()}
    by_group: dict[tuple[str, str], list[str]] = defaultdict(list)  # (group key, community name) -> codes
    for c in await communities():
        by_group[("district:" + c["district_code"], clean(c["name"]))].append(c["code"])
        if c["zone"]:
            by_group[("zone:" + str(c["zone_id"]), clean(c["name"]))].append(c["code"])
    city_names = {CITY_GROUP, "市民政局"} | ({clean(city.name), clean(city.name) + "民政局"} if city else set())
    tallies: dict[str, tuple[int, int, int]] = {}  # holder -> (row, reports, pushed)
    offices: dict[str, str] = {}  # office holder -> name
    for r in parsed.rows:
        group = clean(r.group)
        if group in city_names and city is not None:
            key, holder = None, f"area:{city.code}"
        elif group in zones:
            key = holder = f"zone:{zones[group].id}"
        elif group in districts:
            key, holder = "district:" + districts[group], f"area:{districts[group]}"
        else:
            problems.append(RowProblem(r.row, HEADERS[0], "unknown_group",
                                       f"「{r.group}」不是本市的区县、功能区或市局 (no such district or zone)"))
            continue
        if r.is_office:
            offices[holder] = r.name
            target = f"officeholder:{holder}"
        else:
            found = by_group.get((key, clean(r.name)), []) if key else []
            if len(found) != 1:
                why = "没有这个社区 (matches no community)" if not found else \
                    f"对应 {len(found)} 个社区 (matches {len(found)} communities)"
                code = "unknown_community" if not found else "ambiguous_community"
                problems.append(RowProblem(r.row, HEADERS[1], code, f"{r.group}「{r.name}」{why}"))
                continue
            target = f"community:{found[0]}"
        if target in tallies:
            problems.append(RowProblem(r.row, HEADERS[1], "duplicate_row",
                                       f"与第 {tallies[target][0]} 行重复 (repeats row {tallies[target][0]})"))
            continue
        tallies[target] = (r.row, r.reports, r.pushed)
    if problems:
        raise rejected(problems)
    if not tallies:
        raise ValidationError("文件中没有数据行", "the file holds no rows", code=ErrorCode.EMPTY_FILE)
    report = {"year": year, "rows": len(tallies), "communities": sum(1 for t in tallies if t.startswith("community:")),
              "offices": len(offices), "dry_run": dry_run}
    if dry_run:
        return report
    async with in_transaction():
        for holder, name in offices.items():
            office, created = await ReportOffice.get_or_create(holder=holder, defaults={"name": name})
            if not created and office.name != name:
                await ReportOffice.filter(id=office.id).update(name=name)
            row, reports, pushed = tallies.pop(f"officeholder:{holder}")
            tallies[f"office:{office.id}"] = (row, reports, pushed)
        for holder, (_, reports, pushed) in tallies.items():
            await ReportTally.update_or_create(year=year, holder=holder,
                                               defaults={"reports": reports, "pushed": pushed})
    return report


def write_xlsx(groups: list[TableGroup], targets: Targets, year: int, city_name: str = "") -> bytes:
    """The table with the first column merged over each group, as the attachment of seed 000."""
    wb, ws = spreadsheets.new_workbook(f"{year}年信息上报")
    cells = table_cells(groups, rule_text(targets), title=f"{city_name}{year}年{TITLE}")
    for row in cells:
        ws.append(row)
    spreadsheets.title_row(ws, 5)
    start = None
    for i, row in enumerate(cells[2:], start=3):
        if row[0] is not None:
            if start is not None and i - 1 > start:
                ws.merge_cells(start_row=start, start_column=1, end_row=i - 1, end_column=1)
            start = i
    if start is not None and len(cells) > start:
        ws.merge_cells(start_row=start, start_column=1, end_row=len(cells), end_column=1)
    spreadsheets.set_widths(ws, (14, 18, 16, 24, 40))
    return spreadsheets.xlsx_bytes(wb)  # string cells stay text: never a formula
