"""`gridsvc` commands for maps."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from gridsvc.store import db

from .base import DbOpt, app, run, say, settings_for


@app.command(
    "render-map",
    help=say(
        "输出社区网格化平面图:单个 HTML 文件,无需服务器即可打开和打印。",
        "Write a community's grid floor plan: one HTML file that opens and prints with no server.",
    ),
)
def render_map(
    code: str = typer.Argument(..., help=say("社区代码(12 位)", "community code (12 digits)")),
    output: Optional[Path] = typer.Option(
        None,
        "-o",
        "--output",
        help=say("输出的 HTML 文件,缺省 maps/out/<code>.html", "output HTML file; default maps/out/<code>.html"),
    ),
    basemap: Optional[str] = typer.Option(
        None,
        "--basemap",
        help=say(
            "底图:none、osm、tianditu、tianditu_img 或 amap;缺省 GRIDSVC_BASEMAP,再缺省 none",
            "basemap: none, osm, tianditu, tianditu_img or amap; default GRIDSVC_BASEMAP, else none",
        ),
    ),
    db_url: Optional[str] = DbOpt,
) -> None:
    s = settings_for(db_url)

    async def body():
        # start-up cost: the maps package loads folium and numpy; only the command that draws needs them
        from ..maps import floorplan
        from ..maps.basemaps import get_basemap

        bm = get_basemap(basemap or s.basemap)
        bm.tiles(s)  # a missing key fails here, before any work
        async with db.connected(s.db_url):
            data = await floorplan.gather(code)
        html = floorplan.build_html(data, bm, s, inline=True)
        target = output or Path("maps") / "out" / f"{code}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        t = data.totals
        typer.echo(
            f"已输出 written: {target} ({len(html.encode()) / 1024:.0f} KB) · {data.name} · "
            f"{t['grids']} 个网格 grids · "
            f"{t['staffed']} 个有网格员 with a worker · 底图 basemap {bm.name}"
        )

    run(body())
