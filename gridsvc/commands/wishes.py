"""`gridsvc` commands for wishes: expire-claims (run it from cron; reads of wishes also do it)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import typer

from ..cli import DbOpt, app, run, settings_for
from ..store import db


@app.command("expire-claims")
def expire_claims(at: Optional[str] = typer.Option(None, "--at", help="按此时间判断超期,缺省现在 (ISO time; default now)"),
                  db_url: Optional[str] = DbOpt) -> None:
    """认领超期的心愿重新发布,保留记录并通知各方 (expire overdue claims: the wishes are published again)."""
    from ..domain.wishes import CITY_TZ

    now = None
    if at:
        try:
            now = datetime.fromisoformat(at)
        except ValueError:
            typer.secho(f"错误 error: --at 应为时间,如 2026-02-01T08:00 (must be an ISO time), 收到 got {at!r}", fg="red",
                        err=True)
            raise typer.Exit(2) from None
        if now.tzinfo is None:
            now = now.replace(tzinfo=CITY_TZ)
    s = settings_for(db_url)

    async def body():
        from gridsvc.store.wishes.lifecycle import expire_claims as expire

        async with db.connected(s.db_url, migrate_first=True):
            n = await expire(now)
        typer.echo(f"已处理超期认领 expired claims: {n}")

    run(body())
