"""`gridsvc create-user`: an account, its password read from standard input."""

from __future__ import annotations

import getpass
import sys
from typing import List, Optional

import typer

from gridsvc.store import db

from ..domain.errors import NotFound
from ..domain.scope import SYSTEM
from .base import DbOpt, app, run, say, settings_for


@app.command(
    "create-user",
    help=say(
        "新建账号;密码从标准输入读取(没有密码:只在联系牌上、不能登录的工作人员)。",
        "Create an account; the password is read from standard input (none: a staff "
        "member on the contact board who cannot log in).",
    ),
)
def create_user(
    username: str = typer.Argument(..., help=say("登录名", "login name")),
    role: str = typer.Option(
        ..., help=say("角色,如 worker、head、official、resident", "role, e.g. worker, head, official, resident")
    ),
    area: List[str] = typer.Option([], "--area", help=say("区域代码,可重复", "area code; repeatable")),
    org: Optional[int] = typer.Option(None, "--org", help=say("社会组织 ID", "organisation id")),
    phone: str = typer.Option("", "--phone", help=say("办公电话", "office phone")),
    name: str = typer.Option("", "--name", help=say("姓名", "display name")),
    supervisor: Optional[str] = typer.Option(None, "--supervisor", help=say("上级的登录名", "supervisor's login name")),
    db_url: Optional[str] = DbOpt,
) -> None:
    s = settings_for(db_url)
    if sys.stdin.isatty():
        password = getpass.getpass("密码 password: ")
    else:
        password = sys.stdin.readline().rstrip("\n")

    async def body():
        from gridsvc.store.accounts import (
            users,  # start-up cost: argon2 and the account models
        )

        async with db.connected(s.db_url, migrate_first=True):
            if org is not None:
                await _check_org(org)
            user = await users.create_user(
                username,
                role=role,
                password=password or None,
                areas=list(area),
                org_id=org,
                phone=phone,
                display_name=name,
                supervisor=supervisor,
                actor=SYSTEM,
            )
            typer.echo(f"已创建 created: {user.username} ({user.role}) id={user.id}")

    run(body())


async def _check_org(org_id: int) -> None:
    """The organisation named by --org must exist."""
    from ..store.orgs.organisations import (
        organisation_exists,  # start-up cost, as above
    )

    if not await organisation_exists(org_id):
        raise NotFound(f"社会组织 {org_id} 不存在", f"organisation {org_id} not found")
