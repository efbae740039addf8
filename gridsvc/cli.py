"""The `gridsvc` command: the feature modules of `gridsvc.commands` register their commands on
the one Typer app of `gridsvc.commands.base`; importing them here assembles the command."""

from __future__ import annotations

import typer

# Re-exported for feature modules written against `gridsvc.cli` before `commands.base` existed.
from .commands.base import DbOpt, app, cli_language, run, say, say_error, settings_for

# They register their commands; their order is the order of `gridsvc --help`: setting up first.
# isort: off
from .commands import server, users, boundaries, maps, catalog, rosters, wishes, reports  # noqa: F401
# isort: on

__all__ = ["DbOpt", "app", "application", "cli_language", "main", "run", "say", "say_error", "settings_for"]


def application() -> typer.Typer:
    """The whole command, every feature's commands registered (the tests run it in process)."""
    return app


def main() -> None:
    app()


if __name__ == "__main__":
    main()
