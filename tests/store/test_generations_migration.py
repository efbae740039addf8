"""Migration core 0007_generations gives every area stored before it an open version from
1900-01-01, so `on=` answers for existing data (as it stands today: earlier shapes were never kept)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import STORES, scratch_database

SCRIPT = r"""
import asyncio, sys
from datetime import date
from shapely.geometry import box
import shapely
from tortoise import connections
from tortoise.migrations.api.migrate import migrate
from gridsvc.store import db

url = sys.argv[1]

async def main():
    try:
        await steps()
    finally:
        await db.close()

async def steps():
    await migrate(config=db.tortoise_config(url), app_labels=["core"], target="core.0006_area_cover")
    conn = connections.get("default")
    wkb = shapely.to_wkb(box(109, 35, 110, 36), hex=True)
    blob = ("X'" + wkb + "'") if url.startswith("sqlite") else ("'\\x" + wkb + "'::bytea")
    for id_, code, level, parent in ((1, "610202", "district", "NULL"), (2, "610202001000", "street", "1")):
        await conn.execute_script(
            "INSERT INTO area (id, code, name, level, parent_id, geometry, minx, miny, maxx, maxy, area_m2, "
            "properties, version, created_at, updated_at) "
            f"VALUES ({id_}, '{code}', 'n{code}', '{level}', {parent}, {blob}, 109, 35, 110, 36, 1.0, "
            "'{}', 1, '2024-01-01 00:00:00+00:00', '2024-01-01 00:00:00+00:00')")
    await db.close()
    await db.migrate(url)
    await db.close()
    await db.connect(url)
    from gridsvc.store.areas import generations
    from gridsvc.store.areas.spatial import build_index_on
    v = await generations.version_on("610202001000", date(2000, 1, 1))
    assert v.parent_code == "610202" and v.valid_from == date(1900, 1, 1) and v.valid_to is None, v
    index = await build_index_on(date(2000, 1, 1))
    assert [a["code"] for a in index.locate(109.5, 35.5)] == ["610202", "610202001000"]
    await db.close()
    print("versioned")

asyncio.run(main())
"""


@pytest.mark.parametrize("kind", STORES)
def test_0007_gives_existing_areas_an_open_version(kind, tmp_path):
    with scratch_database(kind, tmp_path, "generations_migration") as url:
        out = subprocess.run([sys.executable, "-c", SCRIPT, url], capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr[-3000:]
        assert out.stdout.strip().endswith("versioned")
