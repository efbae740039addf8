"""`gridsvc --help` and the help of every command: one language, every option explained, and
every line within 100 columns (CJK characters take two) without a word cut short ("…")."""

from __future__ import annotations

import click
import pytest
import typer
from rich.cells import cell_len

from gridsvc.cli import application
from tests.kit.commands import gridsvc, gridsvc_process

COMMANDS = sorted(typer.main.get_command(application()).commands)  # type: ignore[attr-defined]


def test_every_command_is_listed():
    # the ones the README's table names, and the features' own
    for name in ("serve", "init-db", "load-demo", "create-user", "import-boundaries", "export-geojson", "locate",
                 "render-map", "export-catalog", "import-catalog", "expire-claims"):
        assert name in COMMANDS
    out = gridsvc("--help", env={"COLUMNS": "100"}).stdout
    for name in COMMANDS:
        assert name in out


@pytest.mark.parametrize("name", ["", *COMMANDS])
def test_help_fits_100_columns(name):
    r = gridsvc(*([name] if name else []), "--help", env={"COLUMNS": "100", "LANG": "C.UTF-8"})
    assert r.returncode == 0, r.stderr
    too_wide = [line for line in r.stdout.splitlines() if cell_len(line) > 100]
    assert not too_wide, "\n".join(too_wide)
    assert "…" not in r.stdout, r.stdout  # rich cuts a text that does not fit with an ellipsis


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_and_argument_has_help(name):
    command = typer.main.get_command(application()).commands[name]  # type: ignore[attr-defined]
    missing = [p.name for p in command.params if isinstance(p, (click.Option, click.Argument))
               and not getattr(p, "help", None)]
    assert not missing, f"{name}: no help text for {missing}"
    assert command.help, f"{name} has no help text"


def test_help_is_in_one_language():
    """Chinese by default, English when LANG starts with en: never "中文 (English)" side by side.
    The language is read when the command starts, so each runs in a process of its own."""
    zh = gridsvc_process("serve", "--help", env={"COLUMNS": "100", "LANG": "C.UTF-8"}).stdout
    en = gridsvc_process("serve", "--help", env={"COLUMNS": "100", "LANG": "en_US.UTF-8"}).stdout
    assert "端口" in zh and "port; if taken" not in zh
    assert "port; if taken" in en and "端口" not in en
