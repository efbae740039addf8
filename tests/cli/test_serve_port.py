"""`gridsvc serve` on a port another process listens on: one line naming the port and how to pick
another, exit 2, and no uvicorn traceback (the check comes before any database work)."""

from __future__ import annotations

import socket

from tests.kit.commands import gridsvc_process


def test_taken_port_is_named_in_one_line(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        db = f"sqlite://{tmp_path / 'never.sqlite3'}"
        zh = gridsvc_process("serve", "--port", str(port), db=db, cwd=tmp_path, env={"LANG": "C.UTF-8"})
        en = gridsvc_process("serve", "--port", str(port), db=db, cwd=tmp_path, env={"LANG": "en_US.UTF-8"})
    assert zh.returncode == 2
    assert zh.stderr.strip().splitlines() == [zh.stderr.strip()]  # one line
    assert f"端口 {port} 已被占用" in zh.stderr and "--port" in zh.stderr and "make demo PORT=" in zh.stderr
    assert en.returncode == 2 and f"port {port} is already in use" in en.stderr
    assert "Traceback" not in zh.stderr + en.stderr and "Errno" not in zh.stderr + en.stderr
    assert not (tmp_path / "never.sqlite3").exists()  # nothing was done before the check
