"""The `gridsvc` command as a user runs it, on a real database file (in process: the real
command tree, parser and exit codes; tests/cli/test_commands_smoke.py runs each command as a process)."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.kit.boundaries import boundary_file
from tests.kit.commands import gridsvc


@pytest.fixture
def beijing():
    return str(boundary_file("110000.json"))


@pytest.fixture
def cli_db(tmp_path, sqlite_template) -> str:
    path = tmp_path / "cli.sqlite3"
    shutil.copy(sqlite_template, path)  # migrated once per session
    return f"sqlite://{path}"


def test_import_invalid_file_names_the_feature_and_stores_nothing(cli_db, beijing):
    r = gridsvc("import-boundaries", beijing, "--level", "district", db=cli_db)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "顺义区" in r.stderr and ("自相交" in r.stderr or "Self-intersection" in r.stderr) and "--repair" in r.stderr
    r = gridsvc("export-geojson", db=cli_db)
    assert json.loads(r.stdout)["features"] == []


def test_import_with_repair_then_locate(cli_db, beijing, tmp_path):
    r = gridsvc("import-boundaries", beijing, "--level", "district", "--repair", db=cli_db)
    assert r.returncode == 0, r.stderr
    assert "已导入 imported 16" in r.stdout and "顺义区" in r.stdout and "gcj02" in r.stdout
    r = gridsvc("locate", "116.4074", "39.9042", db=cli_db)  # Tiananmen, WGS-84
    assert r.returncode == 0, r.stderr
    chain = json.loads(r.stdout)["areas"]
    assert chain[-1]["name"] == "东城区"
    out = tmp_path / "out.geojson"
    r = gridsvc("export-geojson", "--level", "district", "-o", str(out), db=cli_db)
    fc = json.loads(out.read_text())
    assert len(fc["features"]) == 16 and "crs" not in fc
    # a second import of the same file is refused whole: the codes exist
    r = gridsvc("import-boundaries", beijing, "--level", "district", "--repair", db=cli_db)
    assert r.returncode == 1 and "已存在" in r.stderr


def test_import_unreadable_file(cli_db, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    r = gridsvc("import-boundaries", str(bad), "--level", "district", db=cli_db)
    assert r.returncode == 1 and "bad.json" not in r.stdout
    assert "JSON" in r.stderr


def test_create_user_reads_password_from_stdin(cli_db):
    r = gridsvc("create-user", "alice", "--role", "admin", db=cli_db, stdin="s3cret-pass\n")
    assert r.returncode == 0, r.stderr
    r = gridsvc("create-user", "alice", "--role", "admin", db=cli_db, stdin="s3cret-pass\n")
    assert r.returncode == 1 and "alice" in r.stderr
    r = gridsvc("create-user", "bob", "--role", "wizard", db=cli_db, stdin="s3cret-pass\n")
    assert r.returncode == 1 and "wizard" in r.stderr
    r = gridsvc("create-user", "carol", "--role", "worker", "--area", "610202001001001", db=cli_db,
                stdin="s3cret-pass\n")
    assert r.returncode == 1 and "610202001001001" in r.stderr


def test_load_demo_then_locate(cli_db):
    r = gridsvc("load-demo", db=cli_db)
    assert r.returncode == 0, r.stderr
    assert "worker" in r.stdout and "password" in r.stdout
    r = gridsvc("load-demo", db=cli_db)
    assert r.returncode == 1
    r = gridsvc("locate", "108.95", "35.08", db=cli_db)
    chain = json.loads(r.stdout)["areas"]
    assert chain[0]["code"] == "610200"
