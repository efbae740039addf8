"""`gridsvc` commands on boundaries: import-boundaries, export-geojson, locate."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from gridsvc.store import db

from ..domain.scope import SYSTEM
from .base import DbOpt, app, parse_day, run, say, settings_for

LEVELS = "city district street community grid group building"


# --on of the commands that read the city as it stood on a day
OnOpt = typer.Option(None, "--on", help=say("按该日(YYYY-MM-DD)的边界,缺省今天",
                                           "the boundaries as they stood that day (YYYY-MM-DD); default today"))


@app.command(
    "import-boundaries",
    help=say(
        "导入 GeoJSON 或 DataV GeoAtlas 边界文件:全部成功或全部不存,逐个报告被拒绝的要素(规则、说明、位置)。",
        "Import a GeoJSON or DataV GeoAtlas file: all or nothing, with a report of every rejected feature "
        "(rule, message, place).",
    ),
)
def import_boundaries(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, readable=True, help=say("边界文件", "the boundary file")
    ),
    level: Optional[str] = typer.Option(None, "--level", help=say(f"层级:{LEVELS}", f"level: {LEVELS}")),
    parent: Optional[str] = typer.Option(None, "--parent", help=say("上级区域代码", "parent area code")),
    crs: Optional[str] = typer.Option(
        None,
        "--crs",
        help=say(
            "坐标系 wgs84、gcj02 或 bd09;DataV 文件缺省 gcj02", "wgs84, gcj02 or bd09; DataV files default to gcj02"
        ),
    ),
    repair: bool = typer.Option(
        False, "--repair", help=say("修复无效的多边形并报告改了什么", "repair invalid polygons and report what changed")
    ),
    clip_to_parent: bool = typer.Option(
        False,
        "--clip-to-parent",
        help=say(
            "裁到上级边界内,对齐相邻区域的共用边,报告各要素移动的面积",
            "cut features to their parent's boundary, snap shared edges of siblings, report the area moved per feature",
        ),
    ),
    tolerance: Optional[float] = typer.Option(
        None,
        "--tolerance",
        help=say(
            "裁剪最多移动要素面积的百分之几;缺省 GRIDSVC_CLIP_TOLERANCE,再缺省 2",
            "how much of a feature's own area clipping may move, in percent; default GRIDSVC_CLIP_TOLERANCE, else 2",
        ),
    ),
    effective: Optional[str] = typer.Option(
        None, "--effective", help=say("边界生效日期(YYYY-MM-DD),缺省今天,不能晚于今天",
                                      "the day the boundaries take effect (YYYY-MM-DD); default today, not later")
    ),
    db_url: Optional[str] = DbOpt,
) -> None:
    from tqdm import tqdm  # start-up cost: only this command shows a progress bar

    s = settings_for(db_url)
    effective_day = parse_day(effective, "--effective")

    async def body():
        # start-up cost: shapely and the area service, loaded only by the commands that need them
        from gridsvc.store.areas.importer import import_boundaries as do_import

        data = file.read_bytes()
        async with db.connected(s.db_url, migrate_first=True):
            bar = tqdm(desc="检查 checking", unit="要素 features", file=sys.stderr, leave=False)
            plan, report = await do_import(
                data,
                level=level,
                parent=parent,
                crs=crs,
                repair=repair,
                clip_to_parent=clip_to_parent,
                tolerance_percent=tolerance,
                settings=s,
                actor=SYSTEM,
                effective=effective_day,
                progress=lambda n: bar.update(1),
            )
            bar.close()
        how = "(按 DataV 默认 as DataV default)" if plan.crs_guessed and plan.crs != "wgs84" else ""
        typer.echo(f"坐标系 CRS: {plan.crs} → wgs84 {how}")
        for r in report.repaired:
            typer.secho(f"  已修复 repaired {r['feature']}: {r['report']}", fg="yellow")
        for c in report.clipped:
            typer.echo(say(f"  已裁剪 {c['feature']}:移动 {c['moved_m2']:,.1f} m² ({c['moved_ratio']:.2%}),"
                           f"其中超出上级 {c['removed_m2']:,.1f} m²",
                           f"  clipped {c['feature']}: moved {c['moved_m2']:,.1f} m² ({c['moved_ratio']:.2%}), "
                           f"{c['removed_m2']:,.1f} m² of it outside the parent"))
        for w in report.warnings:
            typer.secho(f"  提示 note {w['feature']}: {w['message']}", fg="yellow")
        for c in report.coverage:
            typer.echo(
                f"  覆盖率 coverage of {c['code']} {c['name']} by its {c['children']} children: "
                f"{c['coverage'] * 100:.1f}%"
            )
        typer.secho(f"已导入 imported {report.stored} 个区域 areas", fg="green")

    run(body())


@app.command(
    "export-geojson",
    help=say(
        "导出 RFC 7946 GeoJSON(WGS-84,6 位小数,右手规则)。",
        "Write RFC 7946 GeoJSON (WGS-84, 6 decimals, right-hand rule).",
    ),
)
def export_geojson(
    level: Optional[str] = typer.Option(
        None, "--level", help=say(f"只导出此层级:{LEVELS}", f"only this level: {LEVELS}")
    ),
    under: Optional[str] = typer.Option(
        None, "--under", help=say("只导出此区域之下的区域(区域代码)", "only areas under this area code")
    ),
    output: Optional[Path] = typer.Option(
        None, "-o", "--output", help=say("输出文件,缺省为标准输出", "output file; default standard output")
    ),
    on: Optional[str] = OnOpt,
    db_url: Optional[str] = DbOpt,
) -> None:
    s = settings_for(db_url)
    day = parse_day(on, "--on")

    async def body():
        # start-up cost: shapely
        import shapely

        from gridsvc.store import areas  # start-up cost: shapely and the area service
        from gridsvc.store.areas import generations

        from ..domain import clock
        from ..domain.geojson import feature_collection, to_feature

        def write(fc: dict) -> None:
            text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
            if output:
                output.write_text(text, encoding="utf-8")
                typer.echo(f"已导出 exported {len(fc['features'])} 个区域 areas → {output}", err=True)
            else:
                sys.stdout.write(text + "\n")

        async with db.connected(s.db_url):
            if day is not None:
                await generations.check_day(day)
            if day is not None and day < clock.today():
                past = await generations.versions_on(day, level=level, under=under)
                fc = feature_collection([
                    to_feature(shapely.from_wkb(v.geometry), v.summary()) for v in past])
                write(fc)
                return
            rows = await areas.list_areas(level=level, under=under)
            fc = feature_collection(
                [
                    to_feature(
                        areas.geom_of(a),
                        {
                            k: v
                            for k, v in areas.area_summary(a, a.parent.code if a.parent else None).items()
                            if k != "version"
                        },
                    )
                    for a in rows
                ]
            )
        write(fc)

    run(body())


@app.command(
    "locate",
    help=say(
        "以 JSON 打印包含该点的区域链(找不到时退出码 3)。",
        "Print the chain of areas containing the point, as JSON (exit 3 when none).",
    ),
)
def locate(
    lon: float = typer.Argument(..., help=say("经度(WGS-84)", "longitude (WGS-84)")),
    lat: float = typer.Argument(..., help=say("纬度(WGS-84)", "latitude (WGS-84)")),
    on: Optional[str] = OnOpt,
    db_url: Optional[str] = DbOpt,
) -> None:
    s = settings_for(db_url)
    day = parse_day(on, "--on")

    async def body():
        # start-up cost: shapely and the spatial index
        from gridsvc.store.areas import generations
        from gridsvc.store.areas.spatial import build_index, build_index_on

        async with db.connected(s.db_url):
            if day is not None:
                await generations.check_day(day)
            # one point: skip building the raster
            index = await (build_index_on(day, prepare=False) if day is not None else build_index(prepare=False))
            chain = index.locate(lon, lat)
        typer.echo(
            json.dumps({"lon": lon, "lat": lat, "found": bool(chain), "areas": chain}, ensure_ascii=False, indent=2)
        )
        if not chain:
            raise typer.Exit(3)

    run(body())
