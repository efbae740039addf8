"""`gridsvc` commands of governance: import-reports and export-reports (the table of seed 000),
declare-zone (a functional zone such as 新区)."""

from __future__ import annotations

from pathlib import Path

import typer

from gridsvc.store import db

from ..domain.errors import DomainError
from .base import DbOpt, app, print_row_problems, run, say_error, settings_for


@app.command("import-reports")
def import_reports(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                               help="信息上报统计表 .xlsx (the table in seed 000's layout)"),
                   year: int = typer.Option(..., "--year", help="年份 (the year the counts are for)"),
                   dry_run: bool = typer.Option(False, "--dry-run", help="只检查,不存储 (check only)"),
                   db_url: str | None = DbOpt) -> None:
    """导入某年各社区信息上报数,全部成功或全部不存;逐行报告问题 (all or nothing, every bad row named)."""
    # start-up cost: openpyxl and the governance store load only for these commands
    from ..store.governance import sheets

    s = settings_for(db_url)

    async def body():
        try:
            async with db.connected(s.db_url, migrate_first=True):
                report = await sheets.import_table(file.read_bytes(), year, dry_run=dry_run)
        except DomainError as e:
            print_row_problems(e)
        what = "检查通过 checked" if dry_run else "已导入 imported"
        typer.secho(f"{what} {year} 年 {report['rows']} 行 rows: 社区 communities {report['communities']}, "
                    f"办公室 offices {report['offices']}", fg="green")

    run(body())


@app.command("export-reports")
def export_reports(file: Path = typer.Argument(..., dir_okay=False, help="输出文件 .xlsx (output file)"),
                   year: int = typer.Option(..., "--year", help="年份 (year)"),
                   under: str | None = typer.Option(None, "--under", help="只导出该区域 (only this area)"),
                   db_url: str | None = DbOpt) -> None:
    """导出信息上报统计表,按区县和功能区分组,评 优/良/差 (export the table, rated)."""
    # start-up cost: openpyxl and the governance store load only for these commands
    from ..store.governance import reports, sheets

    s = settings_for(db_url)

    async def body():
        try:
            sheets.check_year(year)
            async with db.connected(s.db_url, migrate_first=True):
                within = await reports.area_or_404(under) if under else None
                groups = await reports.table(year, s.governance, within=within)
                city = await reports.city_name()
        except DomainError as e:
            say_error(e)
            raise typer.Exit(1) from None
        file.write_bytes(sheets.write_xlsx(groups, s.governance, year, city))
        n = sum(len(g.communities) for g in groups)
        typer.echo(f"已导出 exported {n} 个社区 communities → {file}")

    run(body())


@app.command("declare-zone")
def declare_zone(name: str = typer.Argument(..., help="功能区名称,如 新区 (the zone's name)"),
                 areas: list[str] = typer.Argument(..., help="所管理的街道或社区代码 (street or community codes)"),
                 db_url: str | None = DbOpt) -> None:
    """设立或修改功能区 (declare a zone over streets or communities; replaces its areas)."""
    # start-up cost: openpyxl and the governance store load only for these commands
    from ..store.governance import zones

    s = settings_for(db_url)

    async def body():
        try:
            async with db.connected(s.db_url, migrate_first=True):
                zone = await zones.declare_zone(name, areas)
        except DomainError as e:
            say_error(e)
            raise typer.Exit(1) from None
        typer.echo(f"功能区 zone {zone['name']}: {len(zone['areas'])} 个区域 areas")

    run(body())
