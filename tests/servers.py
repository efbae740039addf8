"""Real `gridsvc serve` processes for the tests that need them (several workers or servers,
a browser): bound to 127.0.0.1, waited for, and stopped however the test ends."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import httpx

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(db: str, workdir: Path, *, workers: int = 1, environ: dict | None = None) -> Iterator[str]:
    """Yields the base URL of a server on `db`; its log is `workdir/serve-<port>.log`. `environ`
    replaces this process's environment. The server runs in its own process group so that its
    workers stop with it."""
    port = free_port()
    log_path = workdir / f"serve-{port}.log"
    full_env = {"GRIDSVC_SECRET_KEY": "processes", **(os.environ if environ is None else environ), "GRIDSVC_DB_URL": db}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "gridsvc.cli", "serve", "--host", "127.0.0.1", "--port",
                                 str(port),
                                 "--db", db, "--workers", str(workers)], cwd=workdir, env=full_env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                assert proc.poll() is None, f"server exited with {proc.returncode}: {log_path.read_text()[-3000:]}"
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, (
                    f"no /healthz after {STARTUP_SECONDS} s: {log_path.read_text()[-3000:]}")
                time.sleep(0.2)
            yield base
        finally:
            _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
