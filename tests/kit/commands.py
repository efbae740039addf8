"""Running the `gridsvc` command in tests: one way, in process by default.

`gridsvc(...)` invokes the real command tree (every feature's commands registered, as the
console script does) through typer's runner: the same parsing, exit codes and output, without
the second or so a new interpreter costs. `gridsvc_process(...)` runs the installed console
script in a real process, for the few smoke tests that must see what a user sees, and for
tests that hold a database connection of their own meanwhile (Tortoise keeps one global
connection context per process, which an in-process command would replace).

Both answer with `returncode`, `stdout` and `stderr`, like `subprocess.run`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from gridsvc.cli import application

GRIDSVC = str(Path(sys.executable).parent / "gridsvc")  # the console script pip installed
SECRET_KEY = "t"  # set, so that no command writes var/secret_key into the working directory
# settings a developer may have exported that would change what a command does
UNSET = ("GRIDSVC_BASEMAP", "GRIDSVC_TIANDITU_KEY")


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def _environ(db: str | None, env: dict | None) -> dict[str, str | None]:
    values: dict[str, str | None] = {name: None for name in UNSET}
    values["GRIDSVC_SECRET_KEY"] = SECRET_KEY
    if db is not None:
        values["GRIDSVC_DB_URL"] = db
    values.update(env or {})
    return values


def gridsvc(*args: str, db: str | None = None, stdin: str = "", cwd: Path | None = None,
            env: dict | None = None) -> Ran:
    """`gridsvc ARGS` in this process; `db` becomes GRIDSVC_DB_URL, `env` adds to (a value of
    None removes from) the environment for the command's duration. An exception the command
    does not turn into an exit code propagates, so a crash fails the test with its traceback."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError("gridsvc() runs its own event loop: from async code use `await gridsvc_async(...)`")
    runner = CliRunner()
    with contextlib.chdir(cwd) if cwd is not None else contextlib.nullcontext():
        result = runner.invoke(application(), list(args), input=stdin, env=_environ(db, env), catch_exceptions=False)
    return Ran(result.exit_code, result.stdout, result.stderr)


async def gridsvc_async(*args: str, **kwargs) -> Ran:
    """`gridsvc(...)` from async code: in a thread of its own, since the command runs its own loop.
    Only while the test holds no database connection (see the module's docstring)."""
    return await asyncio.to_thread(gridsvc, *args, **kwargs)


def gridsvc_process(*args: str, db: str | None = None, stdin: str = "", cwd: Path | None = None,
                    env: dict | None = None, timeout: int = 240) -> Ran:
    """`gridsvc ARGS` as a user runs it: the installed console script in a new process."""
    full = {k: v for k, v in os.environ.items() if k not in UNSET}
    for name, value in _environ(db, env).items():
        if value is None:
            full.pop(name, None)
        else:
            full[name] = value
    r = subprocess.run([GRIDSVC, *args], input=stdin, capture_output=True, text=True, env=full, cwd=cwd,
                       timeout=timeout)
    return Ran(r.returncode, r.stdout, r.stderr)
