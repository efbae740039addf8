"""`gridsvc` commands for catalog: export-catalog and import-catalog (.xlsx or .csv by extension)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from gridsvc.store import db

from ..domain.errors import DomainError
from ..domain.scope import SYSTEM
from .base import DbOpt, app, parse_day, print_row_problems, run, say, say_error, settings_for


@app.command(
    "export-catalog",
    help=say(
        "把服务事项目录导出为 Excel (.xlsx) 或 CSV,中文表头。",
        "Export the service catalog as Excel (.xlsx) or CSV with Chinese headers.",
    ),
)
def export_catalog(
    file: Path = typer.Argument(..., dir_okay=False, help=say("输出文件,.xlsx 或 .csv", "output file, .xlsx or .csv")),
    on: Optional[str] = typer.Option(
        None,
        "--on",
        help=say(
            "导出该日(YYYY-MM-DD)实施的目录,缺省今天", "the catalog in force on this day (YYYY-MM-DD); default today"
        ),
    ),
    area: Optional[str] = typer.Option(
        None,
        "--area",
        help=say("只导出适用于该区域的事项(区域代码)", "only the items that apply in this area (area code)"),
    ),
    db_url: Optional[str] = DbOpt,
) -> None:
    # start-up cost: openpyxl and the catalog store
    from gridsvc.store.catalog import sheets as sheets

    s = settings_for(db_url)
    fmt = _format(file)
    day = parse_day(on, "--on")

    async def body():
        # start-up cost: shapely and the area service
        from ..store.areas import get_area

        async with db.connected(s.db_url, migrate_first=True):
            if area:
                await get_area(area)  # an unknown area is named, not exported as an empty catalog
            items = await sheets.export_items(on=day, area=area)
        data = sheets.write_xlsx(items) if fmt == "xlsx" else sheets.write_csv(items)
        file.write_bytes(data)
        typer.echo(f"已导出 exported {len(items)} 个事项 items → {file}")

    run(body())


def _format(file: Path) -> str:
    # start-up cost: the store's spreadsheet module
    from gridsvc.store.spreadsheets import format_of

    try:
        return format_of(file.name)
    except DomainError as e:
        say_error(e)
        raise typer.Exit(2) from None


@app.command(
    "import-catalog",
    help=say(
        "导入服务事项目录:全部成功或全部不存,逐行报告问题。",
        "Import the service catalog: all or nothing, every bad row named.",
    ),
)
def import_catalog(
    file: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        readable=True,
        help=say("Excel (.xlsx) 或 CSV 文件,中文表头", "an Excel (.xlsx) or CSV file with Chinese headers"),
    ),
    draft: bool = typer.Option(False, "--draft", help=say("只存为草稿,不发布", "store drafts, do not publish")),
    on: Optional[str] = typer.Option(
        None, "--on", help=say("发布日期(YYYY-MM-DD),缺省今天", "publication date (YYYY-MM-DD); default today")
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help=say("只检查,不存储", "check only, store nothing")),
    db_url: Optional[str] = DbOpt,
) -> None:
    # start-up cost: openpyxl and the catalog store
    from gridsvc.store.catalog import sheets as sheets

    s = settings_for(db_url)
    fmt = _format(file)
    day = parse_day(on, "--on")

    async def body():
        try:
            numbered = sheets.parse(file.read_bytes(), fmt)
            async with db.connected(s.db_url, migrate_first=True):
                report = await sheets.import_items(
                    numbered, actor=SYSTEM, publish_items=not draft, on=day, dry_run=dry_run
                )
        except DomainError as e:
            print_row_problems(e)
        what = "检查通过 checked" if dry_run else "已导入 imported"
        typer.secho(
            f"{what} {report['rows']} 行 rows: 新建 created {report['created']}, 更新 updated {report['updated']}, "
            f"未变 unchanged {report['unchanged']}",
            fg="green",
        )
        if not dry_run and (report["created"] or report["updated"]):
            typer.echo(
                f"已发布,自 {report['on']} 起实施 (published from {report['on']})"
                if report["published"]
                else "已存为草稿,发布后生效 (stored as drafts; publish them to take effect)"
            )

    run(body())
