"""The yearly assessment sheet of a community as an Excel workbook (one sheet), from the same
dashboard figures the pages show (gridsvc.domain.governance.assessment)."""

from __future__ import annotations

from gridsvc.store import spreadsheets
from gridsvc.store.areas.models import Area

from ...domain import clock
from ...domain.error_codes import ErrorCode
from ...domain.errors import ValidationError
from ...domain.governance.assessment import HEADERS, sheet_rows, training_rows
from ...domain.governance.targets import Targets
from .indicators import bands, dashboard


async def assessment_xlsx(community: Area, year: int, targets: Targets, settings) -> bytes:
    if community.level != "community":
        raise ValidationError(f"{community.name} 不是社区:考核表按社区生成", f"{community.name} is not a community",
                              code=ErrorCode.NOT_A_COMMUNITY, details={"parameter": "community"})
    board = await dashboard(year, targets, settings, within=community)
    band, _grid = bands(settings)
    rows = [c for c in board["communities"] if c["code"] == community.code]
    if not rows or board["total"] is None:  # a 村委会: villages are not assessed as communities
        raise ValidationError(f"{community.name} 是村委会,不在社区考核之列", f"{community.name} is a village",
                              code=ErrorCode.NOT_A_COMMUNITY, details={"parameter": "community"})
    c = rows[0]
    chain = {a.level: a.name for a in await Area.filter(code__in=[community.code[:6], community.code[:9] + "000"])}
    wb, ws = spreadsheets.new_workbook(f"{year}年考核")
    ws.append([f"{community.name} {year}年社区建设考核表"])
    spreadsheets.title_row(ws, 5)
    ws.append(["区县", chain.get("district", ""), "街道", chain.get("street", ""), f"社区代码 {community.code}"])
    ws.append(["生成时间", clock.china(clock.now()).strftime("%Y-%m-%d %H:%M")])
    ws.append([])
    ws.append(list(HEADERS))
    header_row = ws.max_row
    for row in sheet_rows(c, board["total"], targets, (band.low, band.high)):
        ws.append(row)
    people = training_rows(c)
    if people:
        ws.append([])
        ws.append(["参训人员", "岗位", "本年学时", "应达学时", "结论"])
        for p in people:
            ws.append(p)
    spreadsheets.bold(ws[header_row])
    spreadsheets.set_widths(ws, (24, 14, 18, 22, 60))
    return spreadsheets.xlsx_bytes(wb)  # string cells stay text: never a formula
