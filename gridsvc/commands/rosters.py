"""`gridsvc` commands for staff rosters: export-roster and import-roster (Excel, 花名册)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from gridsvc.store import db

from ..domain.errors import DomainError
from ..domain.scope import SYSTEM
from .base import DbOpt, app, print_row_problems, run, say, settings_for


@app.command("export-roster", help=say("把某区域及其下级的在任网格人员导出为 Excel 花名册。",
                                       "Export the staff serving an area and the areas below it as an Excel roster."))
def export_roster(
    under: str = typer.Option(..., "--under", help=say("区域代码", "area code")),
    output: Path = typer.Option(..., "-o", "--output", dir_okay=False, help=say("输出的 .xlsx 文件", "the .xlsx file")),
    db_url: Optional[str] = DbOpt,
) -> None:
    # start-up cost: openpyxl and the roster store load only for this command
    from ..domain.levels import code_prefix
    from ..store.areas import get_area
    from ..store.rosters import sheets

    s = settings_for(db_url)

    async def body() -> None:
        async with db.connected(s.db_url, migrate_first=True):
            area = await get_area(under)  # an unknown area is named, not exported as an empty sheet
            data = await sheets.export_xlsx(code_prefix(area.code, area.level))
        output.write_bytes(data)
        typer.echo(say(f"已导出 {area.name} 的花名册 → {output}", f"exported the roster of {area.name} → {output}"))

    run(body())


@app.command("import-roster", help=say("导入 Excel 花名册并任命:全部成功或全部不存,逐行报告问题。",
                                       "Import an Excel roster and appoint: all or nothing, every bad row named."))
def import_roster(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help=say("Excel 花名册 (.xlsx)", "an Excel roster (.xlsx)")),
    dry_run: bool = typer.Option(False, "--dry-run", help=say("只检查,不存储", "check only, store nothing")),
    db_url: Optional[str] = DbOpt,
) -> None:
    from ..store.rosters import sheets  # start-up cost, as above

    s = settings_for(db_url)

    async def body() -> None:
        async with db.connected(s.db_url, migrate_first=True):
            try:
                report = await sheets.import_roster(sheets.parse(file.read_bytes()), actor=SYSTEM, dry_run=dry_run)
            except DomainError as e:
                print_row_problems(e)
        n, new = report["appointed"], report["new_people"]
        if dry_run:
            typer.echo(say(f"检查通过:可任命 {n} 人(新建 {new} 人),未存储", f"checked: {n} appointments "
                           f"({new} new people) would be made; nothing stored"))
        else:
            typer.echo(say(f"已任命 {n} 人,其中新建 {new} 人", f"appointed {n} people, {new} of them new"))

    run(body())
