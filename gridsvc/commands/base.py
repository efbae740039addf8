"""What every `gridsvc` command shares: the Typer app they register on, the `--db` option, the
settings, the language of messages and help, and the runner that turns a domain error into its
message and an exit code.

`gridsvc.cli` assembles the command by importing the feature modules of this package; each of
them imports this module only, so no module needs the one that imports it.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Coroutine
from dataclasses import replace
from datetime import date
from typing import Any, NoReturn

import typer

from ..config import Settings, SettingsError
from ..domain.errors import DomainError, Language, message_language


def cli_language() -> Language:
    """Chinese, unless the locale asks for English (LANG=en_US.UTF-8)."""
    return "en" if os.environ.get("LANG", "").lower().startswith("en") else "zh"


def say(zh: str, en: str) -> str:
    """A help text or message in the CLI's one language (see `cli_language`)."""
    return en if cli_language() == "en" else zh


app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help=say("gridsvc:社区网格化管理与居民服务。", "gridsvc: community grid management and resident services."),
)

DbOpt = typer.Option(
    None,
    "--db",
    help=say(
        "数据库 URL;缺省为 GRIDSVC_DB_URL,再缺省 sqlite://var/gridsvc.sqlite3",
        "database URL; default GRIDSVC_DB_URL, else sqlite://var/gridsvc.sqlite3",
    ),
)


def settings_for(db_url: str | None) -> Settings:
    """The settings from the environment, with the `--db` of the command line when given."""
    try:
        s = Settings.from_env()
    except SettingsError as e:  # a bad GRIDSVC_* value: name it in one line, do nothing
        typer.secho(f"{say('错误', 'error')}: {e}", fg="red", err=True)
        raise typer.Exit(2) from None
    return replace(s, db_url=db_url) if db_url else s


def parse_day(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option (None when absent); anything else stops the command (exit 2)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        typer.secho(say(f"错误:{option} 应为日期 YYYY-MM-DD,收到 {value!r}",
                        f"error: {option} must be a date YYYY-MM-DD, got {value!r}"), fg="red", err=True)
        raise typer.Exit(2) from None


def say_error(e: DomainError) -> None:
    lang = cli_language()
    typer.secho(f"{'error' if lang == 'en' else '错误'}: {e.message_in(lang)}", fg="red", err=True)


def print_row_problems(e: DomainError) -> NoReturn:
    """An import refused row by row: each bad row and column on its own line, then the summary
    (exit 1). Any other error goes on to `run`."""
    if not e.problems:
        raise e
    for p in e.problems:
        if "text" in p:  # worded already, in the command's language (run sets it)
            typer.echo(f"  {p['text']}", err=True)
        else:
            column = f"「{p['column']}」" if p["column"] else ""
            typer.echo(f"  第 {p['row']} 行 row {p['row']} {column}: {p['message']}", err=True)
    say_error(e)
    raise typer.Exit(1) from None


def run(coro: Coroutine[Any, Any, Any]) -> None:
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


def _print_details(details: Any) -> None:
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
