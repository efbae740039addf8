"""`gridsvc locate --on`, `export-geojson --on` and `import-boundaries --effective`: the city as it
stood on a past day, and the bad days refused with the option named."""

from __future__ import annotations

import asyncio
import json
import shutil
from datetime import timedelta

import pytest
from shapely.geometry import box, mapping

from gridsvc.domain import clock
from gridsvc.store import db
from tests.kit.commands import gridsvc

OLD = box(109.0, 35.0, 110.0, 36.0)
NEW = box(109.0, 35.0, 109.5, 36.0)
EAST = ("109.8", "35.5")  # in the old outline, not the new one


@pytest.fixture
def cli_db(tmp_path, sqlite_template) -> str:
    path = tmp_path / "cli.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite://{path}"


def _redraw(url: str, day) -> None:
    from gridsvc.store.areas import update_area

    async def body():
        async with db.connected(url):
            await update_area("610202", {}, NEW, actor=None, effective=day)

    asyncio.run(body())


def test_locate_and_export_on_a_past_day(cli_db, tmp_path):
    today = clock.today()
    first, redrawn, between = today - timedelta(days=30), today - timedelta(days=10), today - timedelta(days=20)
    src = tmp_path / "d.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": mapping(OLD), "properties": {"code": "610202", "name": "王益区"}}]}))
    r = gridsvc("import-boundaries", str(src), "--level", "district", "--effective", first.isoformat(), db=cli_db)
    assert r.returncode == 0, r.stdout + r.stderr
    _redraw(cli_db, redrawn)

    r = gridsvc("locate", *EAST, "--on", between.isoformat(), db=cli_db)
    assert r.returncode == 0 and json.loads(r.stdout)["areas"][0]["code"] == "610202", r.stdout + r.stderr
    assert gridsvc("locate", *EAST, db=cli_db).returncode == 3  # not in it today
    assert gridsvc("locate", *EAST, "--on", redrawn.isoformat(), db=cli_db).returncode == 3

    out = tmp_path / "then.geojson"
    r = gridsvc("export-geojson", "--on", between.isoformat(), "-o", str(out), db=cli_db)
    assert r.returncode == 0, r.stderr
    (then,) = json.loads(out.read_text())["features"]
    assert then["properties"]["valid_from"] == first.isoformat()
    assert then["properties"]["valid_to"] == redrawn.isoformat()
    r = gridsvc("export-geojson", db=cli_db)
    (now,) = json.loads(r.stdout)["features"]
    assert then["properties"]["area_m2"] == pytest.approx(2 * now["properties"]["area_m2"], rel=0.01)


def test_bad_days_are_refused_naming_the_option(cli_db, tmp_path):
    src = tmp_path / "d.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": mapping(OLD), "properties": {"code": "610202", "name": "王益区"}}]}))
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    r = gridsvc("import-boundaries", str(src), "--level", "district", "--effective", tomorrow, db=cli_db)
    assert r.returncode == 1 and "晚于今天" in r.stderr, r.stderr
    assert gridsvc("export-geojson", db=cli_db).stdout.count("610202") == 0  # nothing stored
    assert gridsvc("import-boundaries", str(src), "--level", "district", db=cli_db).returncode == 0
    r = gridsvc("locate", *EAST, "--on", "2026-02-30", db=cli_db)
    assert r.returncode == 2 and "--on" in r.stderr
    r = gridsvc("locate", *EAST, "--on", "2000-01-01", db=cli_db)
    assert r.returncode == 1 and "早于最早的边界版本" in r.stderr, r.stderr
    r = gridsvc("export-geojson", "--on", "2000-01-01", db=cli_db, env={"LANG": "en_US.UTF-8"})
    assert r.returncode == 1 and "before the first boundary generation" in r.stderr, r.stderr
