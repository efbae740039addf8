"""The `gridsvc` command as a user runs it: a real process, a real database file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BOUNDARIES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "boundaries"
needs_data = pytest.mark.skipif(not (BOUNDARIES / "110000.json").exists(), reason="shared/data/boundaries not beside the repo")


def gridsvc(*args: str, db: str, stdin: str = "", timeout: int = 240) -> subprocess.CompletedProcess:
    env = {**os.environ, "GRIDSVC_DB_URL": db, "GRIDSVC_SECRET_KEY": "t"}
    return subprocess.run([sys.executable, "-m", "gridsvc.cli", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=timeout)


@pytest.fixture
def cli_db(tmp_path) -> str:
    return f"sqlite://{tmp_path / 'cli.sqlite3'}"


@needs_data
def test_import_invalid_file_names_the_feature_and_stores_nothing(cli_db):
    r = gridsvc("import-boundaries", str(BOUNDARIES / "110000.json"), "--level", "district", db=cli_db)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "顺义区" in r.stderr and ("自相交" in r.stderr or "Self-intersection" in r.stderr) and "--repair" in r.stderr
    r = gridsvc("export-geojson", db=cli_db)
    assert json.loads(r.stdout)["features"] == []


@needs_data
def test_import_with_repair_then_locate(cli_db, tmp_path):
    r = gridsvc("import-boundaries", str(BOUNDARIES / "110000.json"), "--level", "district", "--repair", db=cli_db)
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
    r = gridsvc("import-boundaries", str(BOUNDARIES / "110000.json"), "--level", "district", "--repair", db=cli_db)
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
    r = gridsvc("create-user", "carol", "--role", "worker", "--area", "610202001001001", db=cli_db, stdin="s3cret-pass\n")
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
