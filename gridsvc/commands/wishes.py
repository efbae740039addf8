"""`gridsvc` commands for wishes: expire-claims (run it from cron; reads of wishes also do it)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import typer

from gridsvc.store import db

from ..domain import clock
from .base import DbOpt, app, run, say, settings_for


@app.command(
    "expire-claims",
    help=say(
        "认领超期的心愿重新发布,保留认领记录并通知各方(可由 cron 运行)。",
        "Publish again the wishes whose claims are overdue, keeping the claims and "
        "telling everyone (run it from cron).",
    ),
)
def expire_claims(
    at: Optional[str] = typer.Option(
        None,
        "--at",
        help=say(
            "按此时间判断超期(ISO 时间,无时区即北京时间),缺省现在",
            "judge overdue as of this time (ISO; without an offset, China time); default now",
        ),
    ),
    db_url: Optional[str] = DbOpt,
) -> None:
    now = None
    if at:
        try:
            now = datetime.fromisoformat(at)
        except ValueError:
            typer.secho(
                f"错误 error: --at 应为时间,如 2026-02-01T08:00 (must be an ISO time), 收到 got {at!r}",
                fg="red",
                err=True,
            )
            raise typer.Exit(2) from None
        now = clock.china(now)  # a time without an offset is China's time
    s = settings_for(db_url)

    async def body():
        # start-up cost: the wish store and its models
        from ..store.wishes.lifecycle import expire_claims as expire

        async with db.connected(s.db_url, migrate_first=True):
            n = await expire(now)
        typer.echo(f"已处理超期认领 expired claims: {n}")

    run(body())
