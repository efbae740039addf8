"""The `gridsvc` command."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from .config import Settings
from .domain.errors import DomainError, Language, message_language
from .domain.scope import SYSTEM
from .store import db

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="gridsvc: 社区网格化管理与居民服务 (community grid management and resident services)")

DbOpt = typer.Option(None, "--db", help="数据库 URL (database URL); default GRIDSVC_DB_URL or sqlite://var/gridsvc.sqlite3")


def settings_for(db_url: str | None) -> Settings:
    s = Settings.from_env()
    if db_url:
        from dataclasses import replace

        s = replace(s, db_url=db_url)
    return s


def cli_language() -> Language:
    """Chinese, unless the locale asks for English (LANG=en_US.UTF-8)."""
    return "en" if os.environ.get("LANG", "").lower().startswith("en") else "zh"


def say_error(e: DomainError) -> None:
    lang = cli_language()
    typer.secho(f"{'error' if lang == 'en' else '错误'}: {e.message_in(lang)}", fg="red", err=True)


def run(coro) -> None:
    """Run a command body; a DomainError becomes its message (and details) on stderr and exit 1."""
    token = message_language.set(cli_language())  # messages built deep inside come out in it too
    try:
        asyncio.run(coro)
    except DomainError as e:
        say_error(e)
        if e.details:
            _print_details(e.details)
        raise typer.Exit(1) from None
    finally:
        message_language.reset(token)


def _print_details(details) -> None:
    rejected = details.get("rejected") if isinstance(details, dict) else None
    if rejected:
        for r in rejected:
            typer.secho(f"  ✗ {r.get('feature') or r.get('row')}", fg="red", err=True)
            for p in r.get("problems", []):
                loc = p.get("location")
                where = f" @ {loc[0]:.6f},{loc[1]:.6f}" if loc else ""
                typer.echo(f"      [{p.get('rule', '')}] {p.get('message')}{where}", err=True)
    else:
        typer.echo("  " + json.dumps(details, ensure_ascii=False), err=True)


@app.command("init-db")
def init_db(db_url: Optional[str] = DbOpt) -> None:
    """创建或升级数据库结构 (create or upgrade the schema; keeps data)."""
    s = settings_for(db_url)

    async def body():
        await db.migrate(s.db_url)
        await db.close()
        typer.echo(f"数据库已就绪 database ready: {db.describe(s.db_url)}")

    run(body())


def _print_demo(result: dict) -> None:
    typer.echo(f"演示城市已载入 demo city loaded: {result['areas']} 个区域 areas, {result['people']} 名人员 people")
    extra = {k: v for k, v in result.items() if k not in ("areas", "people", "password", "accounts")}
    if extra:
        typer.echo("其他演示数据 other demo data: " + json.dumps(extra, ensure_ascii=False))
    typer.echo(f"演示账号 demo accounts (密码 password: {result['password']}):")
    for a in result["accounts"]:
        areas = ",".join(a["areas"])
        typer.echo(f"  {a['username']:<12} {a['role']:<14} {a['display']} {areas}")


@app.command("load-demo")
def load_demo(db_url: Optional[str] = DbOpt) -> None:
    """载入演示城市铜川市 (load the demo city into an empty database)."""
    s = settings_for(db_url)

    async def body():
        from .store.demo import is_loaded
        from .store.demo import load_demo as load

        async with db.connected(s.db_url, migrate_first=True):
            if await is_loaded():
                typer.secho("数据库中已有区域,未载入演示数据 (the database already holds areas; nothing loaded)", fg="yellow", err=True)
                raise typer.Exit(1)
            _print_demo(await load(settings=s))

    run(body())


@app.command("serve")
def serve(host: str = typer.Option("127.0.0.1", help="监听地址 (address)"), port: int = typer.Option(8000),
          db_url: Optional[str] = DbOpt, demo: bool = typer.Option(False, "--demo", help="空库时载入演示城市 (load the demo city into an empty database)"),
          workers: int = typer.Option(1, help="工作进程数 (worker processes)")) -> None:
    """启动网站与 API (serve the web app and API)."""
    import os

    import uvicorn

    s = settings_for(db_url)

    async def prepare():
        from .store.demo import is_loaded
        from .store.demo import load_demo as load

        async with db.connected(s.db_url, migrate_first=True):
            if demo and not await is_loaded():
                _print_demo(await load(settings=s))
            elif demo:
                typer.echo("数据库中已有数据,直接启动 (database already loaded)")
                from .store.demo import demo_files

                people = json.loads(demo_files()[1].read_text(encoding="utf-8"))
                typer.echo(f"演示账号 demo accounts (密码 password: {people['password']}): "
                           + ", ".join(a["username"] for a in people["accounts"]))

    run(prepare())
    typer.echo(f"gridsvc: http://{host}:{port}/  (Ctrl+C 停止 stop)")
    os.environ["GRIDSVC_DB_URL"] = s.db_url
    s = s.with_secret()
    os.environ["GRIDSVC_SECRET_KEY"] = s.secret_key  # the same key for every worker
    uvicorn.run("gridsvc.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="info", proxy_headers=False)


@app.command("create-user")
def create_user(username: str, role: str = typer.Option(..., help="角色 role"),
                area: List[str] = typer.Option([], "--area", help="区域代码,可多次 (area code; repeatable)"),
                org: Optional[int] = typer.Option(None, "--org", help="社会组织 ID (organisation id)"),
                phone: str = typer.Option("", "--phone"), name: str = typer.Option("", "--name", help="姓名 display name"),
                supervisor: Optional[str] = typer.Option(None, "--supervisor", help="上级用户名 (supervisor's username)"),
                db_url: Optional[str] = DbOpt) -> None:
    """新建用户,密码从标准输入读取 (create a user; password from standard input)."""
    s = settings_for(db_url)
    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass("密码 password: ")
    else:
        password = sys.stdin.readline().rstrip("\n")

    async def body():
        from .store.accounts import users

        async with db.connected(s.db_url, migrate_first=True):
            if org is not None:
                await _check_org(org)
            user = await users.create_user(username, role=role, password=password or None, areas=list(area),
                                           org_id=org, phone=phone, display_name=name, supervisor=supervisor,
                                           actor=SYSTEM)
            typer.echo(f"已创建 created: {user.username} ({user.role}) id={user.id}")

    run(body())


async def _check_org(org_id: int) -> None:
    """When the organisations module is installed, the organisation must exist."""
    try:
        from .store.orgs.organisations import organisation_exists  # type: ignore[attr-defined]
    except ImportError:
        return
    if not await organisation_exists(org_id):
        from .domain.errors import NotFound

        raise NotFound(f"社会组织 {org_id} 不存在", f"organisation {org_id} not found")


@app.command("import-boundaries")
def import_boundaries(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
                      level: Optional[str] = typer.Option(None, "--level", help="city district street community grid group building"),
                      parent: Optional[str] = typer.Option(None, "--parent", help="上级区域代码 (parent area code)"),
                      crs: Optional[str] = typer.Option(None, "--crs", help="wgs84 | gcj02 | bd09 (DataV 文件默认 gcj02)"),
                      repair: bool = typer.Option(False, "--repair", help="修复无效几何并报告 (repair invalid polygons and report)"),
                      db_url: Optional[str] = DbOpt) -> None:
    """导入边界 GeoJSON / DataV 文件,全部成功或全部不存 (import boundaries: all or nothing)."""
    from tqdm import tqdm

    s = settings_for(db_url)

    async def body():
        from .store.areas.importer import import_boundaries as do_import

        data = file.read_bytes()
        async with db.connected(s.db_url, migrate_first=True):
            bar = tqdm(desc="检查 checking", unit="要素 features", file=sys.stderr, leave=False)
            plan, report = await do_import(data, level=level, parent=parent, crs=crs, repair=repair, settings=s,
                                           actor=SYSTEM, progress=lambda n: bar.update(1))
            bar.close()
        how = "(按 DataV 默认 as DataV default)" if plan.crs_guessed and plan.crs != "wgs84" else ""
        typer.echo(f"坐标系 CRS: {plan.crs} → wgs84 {how}")
        for r in report.repaired:
            typer.secho(f"  已修复 repaired {r['feature']}: {r['report']}", fg="yellow")
        for w in report.warnings:
            typer.secho(f"  提示 note {w['feature']}: {w['message']}", fg="yellow")
        for c in report.coverage:
            typer.echo(f"  覆盖率 coverage of {c['code']} {c['name']} by its {c['children']} children: {c['coverage'] * 100:.1f}%")
        typer.secho(f"已导入 imported {report.stored} 个区域 areas", fg="green")

    run(body())


@app.command("export-geojson")
def export_geojson(level: Optional[str] = typer.Option(None, "--level"), under: Optional[str] = typer.Option(None, "--under"),
                   output: Optional[Path] = typer.Option(None, "-o", "--output", help="输出文件,缺省为标准输出 (default stdout)"),
                   db_url: Optional[str] = DbOpt) -> None:
    """导出 RFC 7946 GeoJSON (export areas)."""
    s = settings_for(db_url)

    async def body():
        from .domain.geojson import feature_collection, to_feature
        from .store import areas

        async with db.connected(s.db_url):
            rows = await areas.list_areas(level=level, under=under)
            fc = feature_collection([
                to_feature(areas.geom_of(a), {k: v for k, v in areas.area_summary(a, a.parent.code if a.parent else None).items()
                                              if k != "version"}) for a in rows])
        text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
        if output:
            output.write_text(text, encoding="utf-8")
            typer.echo(f"已导出 exported {len(fc['features'])} 个区域 areas → {output}", err=True)
        else:
            sys.stdout.write(text + "\n")

    run(body())


@app.command("locate")
def locate(lon: float, lat: float, db_url: Optional[str] = DbOpt) -> None:
    """打印坐标所在的区域链 JSON (print the chain of areas containing a point)."""
    s = settings_for(db_url)

    async def body():
        from .store.areas.spatial import build_index

        async with db.connected(s.db_url):
            index = await build_index(prepare=False)  # one point: skip building the raster
            chain = index.locate(lon, lat)
        typer.echo(json.dumps({"lon": lon, "lat": lat, "found": bool(chain), "areas": chain}, ensure_ascii=False, indent=2))
        if not chain:
            raise typer.Exit(3)

    run(body())


def application() -> typer.Typer:
    """The whole command, every feature's commands registered (the tests run it in process)."""
    # The feature modules register their commands on gridsvc.cli.app; under `python -m
    # gridsvc.cli` this module runs as __main__, so use the imported module's app.
    from gridsvc import cli

    from .commands import catalog, maps, wishes  # noqa: F401  (they register their commands)

    return cli.app


def main() -> None:
    application()()


if __name__ == "__main__":
    main()
