"""`gridsvc` commands that set up and serve a database: init-db, load-demo, serve."""

from __future__ import annotations

import errno
import json
import os
import socket
from typing import Optional

import typer

from gridsvc.store import db

from .base import DbOpt, app, run, say, settings_for


@app.command(
    "init-db",
    help=say("创建或升级数据库结构(迁移;数据保留)。", "Create or upgrade the schema (migrations; data is kept)."),
)
def init_db(db_url: Optional[str] = DbOpt) -> None:
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


@app.command(
    "load-demo", help=say("把演示城市铜川市载入空数据库。", "Load the demo city 铜川市 into an empty database.")
)
def load_demo(db_url: Optional[str] = DbOpt) -> None:
    s = settings_for(db_url)

    async def body():
        # start-up cost: the demo loaders
        from ..store.demo import is_loaded
        from ..store.demo import load_demo as load

        async with db.connected(s.db_url, migrate_first=True):
            if await is_loaded():
                typer.secho(
                    "数据库中已有区域,未载入演示数据 (the database already holds areas; nothing loaded)",
                    fg="yellow",
                    err=True,
                )
                raise typer.Exit(1)
            _print_demo(await load(settings=s))

    run(body())


def port_taken(host: str, port: int) -> bool:
    """Whether another process listens on host:port. Asked before anything else, so that a taken
    port gives one line naming it, not uvicorn's traceback after the database work."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                return True
            raise
    return False


@app.command(
    "serve", help=say("升级数据库结构并启动网站与 API。", "Bring the schema up to date and serve the site and API.")
)
def serve(
    host: str = typer.Option("127.0.0.1", help=say("监听地址", "address to listen on")),
    port: int = typer.Option(
        8000, help=say("端口;被占用时换一个,如 --port 8080", "port; if taken, pick another, e.g. --port 8080")
    ),
    db_url: Optional[str] = DbOpt,
    demo: bool = typer.Option(
        False,
        "--demo",
        help=say(
            "空库时载入演示城市并打印演示账号", "load the demo city into an empty database and print the demo accounts"
        ),
    ),
    workers: int = typer.Option(1, help=say("工作进程数", "worker processes")),
) -> None:
    import uvicorn  # start-up cost: only this command serves

    if port_taken(host, port):
        typer.secho(
            say(
                f"错误:端口 {port} 已被占用 ({host})。请换一个端口:gridsvc serve --port 8080,或 make demo PORT=8080",
                f"error: port {port} is already in use ({host}). Pick another: gridsvc serve --port 8080, "
                "or make demo PORT=8080",
            ),
            fg="red",
            err=True,
        )
        raise typer.Exit(2)
    s = settings_for(db_url)

    async def prepare():
        # start-up cost: the demo loaders
        from ..store.demo import (
            demo_files,
            is_loaded,
        )
        from ..store.demo import load_demo as load

        async with db.connected(s.db_url, migrate_first=True):
            if demo and not await is_loaded():
                _print_demo(await load(settings=s))
            elif demo:
                typer.echo("数据库中已有数据,直接启动 (database already loaded)")
                people = json.loads(demo_files()[1].read_text(encoding="utf-8"))
                typer.echo(
                    f"演示账号 demo accounts (密码 password: {people['password']}): "
                    + ", ".join(a["username"] for a in people["accounts"])
                )

    run(prepare())
    typer.echo(f"gridsvc: http://{host}:{port}/  (Ctrl+C 停止 stop)")
    os.environ["GRIDSVC_DB_URL"] = s.db_url
    s = s.with_secret()
    os.environ["GRIDSVC_SECRET_KEY"] = s.secret_key  # the same key for every worker
    uvicorn.run(
        "gridsvc.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        proxy_headers=False,
        # uvicorn kills a worker that does not answer its health check in time; on a busy machine
        # its default of 5 s killed healthy workers mid-request (clients saw connections reset)
        timeout_worker_healthcheck=60,
    )
