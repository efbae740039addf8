"""`gridsvc export-roster` and `gridsvc import-roster` on the demo city (in process)."""

from __future__ import annotations

import re
import shutil

from openpyxl import load_workbook

from gridsvc.domain.rosters import HEADERS
from tests.kit.commands import gridsvc

CHUANKOU = "610202004002"  # 川口社区 of the demo city


def test_export_then_import_names_every_row_already_held(tmp_path, demo_sqlite_template):
    shutil.copy(demo_sqlite_template.location, tmp_path / "demo.sqlite3")
    db = f"sqlite://{tmp_path / 'demo.sqlite3'}"
    out = tmp_path / "roster.xlsx"
    r = gridsvc("export-roster", "--under", CHUANKOU, "-o", str(out), db=db, env={"LANG": "zh_CN.UTF-8"})
    assert r.returncode == 0, r.stderr
    rows = [list(x) for x in load_workbook(out).active.iter_rows(values_only=True)]
    assert tuple(rows[0]) == HEADERS and len(rows) > 20
    assert all(str(row[0]).startswith(CHUANKOU) for row in rows[1:])
    # everyone on the sheet serves already: each row is named, nothing is stored
    r = gridsvc("import-roster", str(out), db=db, env={"LANG": "zh_CN.UTF-8"})
    assert r.returncode == 1
    named = re.findall(r"第 (\d+) 行", r.stderr)
    assert [int(n) for n in named] == list(range(2, len(rows) + 1)) and "已是" in r.stderr
    r = gridsvc("import-roster", str(out), db=db, env={"LANG": "en_US.UTF-8"})
    assert r.returncode == 1 and "holds this post already" in r.stderr
    assert not re.search(r"[\u4e00-\u9fff]{2,}.*holds", r.stderr)  # one language, not glued
    r = gridsvc("export-roster", "--under", "999999", "-o", str(out), db=db, env={"LANG": "en_US.UTF-8"})
    assert r.returncode == 1 and "999999" in r.stderr
