"""`gridsvc export-catalog` and `gridsvc import-catalog` as a user runs them, on real database
files (in process; tests/cli/test_commands_smoke.py runs each command as a process)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from gridsvc.domain.catalog_io import HEADERS
from tests.kit.catalog import FIXTURE, starter_items
from tests.kit.commands import gridsvc


def sheet_rows(path: Path) -> list[list]:
    ws = load_workbook(path).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def fixture_sheet(path: Path, *, everywhere_only: bool = True) -> int:
    """The starter catalog as a workbook (items for everywhere: the CLI test databases have no areas)."""
    from gridsvc.domain.catalog_io import item_to_row

    items = [i for i in starter_items() if not i.areas or not everywhere_only]
    wb = Workbook()
    ws = wb.active
    ws.append(list(HEADERS))
    for i in items:
        ws.append(item_to_row(i))
    wb.save(path)
    return len(items)


@pytest.fixture
def dbs(tmp_path, sqlite_template):
    for name in ("a", "b"):
        shutil.copy(sqlite_template, tmp_path / f"{name}.sqlite3")  # migrated once per session
    return f"sqlite://{tmp_path / 'a.sqlite3'}", f"sqlite://{tmp_path / 'b.sqlite3'}"


def test_round_trip_through_xlsx(tmp_path, dbs):
    a, b = dbs
    src = tmp_path / "starter.xlsx"
    n = fixture_sheet(src)
    r = gridsvc("import-catalog", str(src), "--on", "2024-01-01", db=a)
    assert r.returncode == 0, r.stderr
    assert f"新建 created {n}" in r.stdout and "2024-01-01" in r.stdout
    out_a = tmp_path / "a.xlsx"
    r = gridsvc("export-catalog", str(out_a), db=a)
    assert r.returncode == 0 and f"{n} 个事项" in r.stdout, r.stderr
    # into another database and out again: the same sheet
    r = gridsvc("import-catalog", str(out_a), db=b)
    assert r.returncode == 0, r.stderr
    out_b = tmp_path / "b.xlsx"
    assert gridsvc("export-catalog", str(out_b), db=b).returncode == 0
    rows_a, rows_b = sheet_rows(out_a), sheet_rows(out_b)
    assert rows_a == rows_b and rows_a[0] == list(HEADERS) and len(rows_a) == n + 1
    assert sorted(r[0] for r in rows_a[1:]) == sorted(r[0] for r in sheet_rows(src)[1:])
    # importing the same file again changes nothing
    r = gridsvc("import-catalog", str(out_a), db=b)
    assert r.returncode == 0 and f"未变 unchanged {n}" in r.stdout
    # the catalog as it stood on a day before it was published is empty
    early = tmp_path / "early.csv"
    assert gridsvc("export-catalog", str(early), "--on", "2023-12-31", db=a).returncode == 0
    assert list(csv.reader(io.StringIO(early.read_text(encoding="utf-8-sig")))) == [list(HEADERS)]


def test_round_trip_through_csv(tmp_path, dbs):
    a, b = dbs
    src = tmp_path / "starter.xlsx"
    n = fixture_sheet(src)
    assert gridsvc("import-catalog", str(src), db=a).returncode == 0
    out = tmp_path / "catalog.csv"
    assert gridsvc("export-catalog", str(out), db=a).returncode == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads the Chinese
    r = gridsvc("import-catalog", str(out), "--draft", db=b)
    assert r.returncode == 0 and f"新建 created {n}" in r.stdout and "草稿" in r.stdout
    empty = tmp_path / "empty.csv"
    assert gridsvc("export-catalog", str(empty), db=b).returncode == 0  # drafts are not the catalog
    assert len(empty.read_text(encoding="utf-8-sig").splitlines()) == 1


def test_a_bad_xlsx_stores_nothing_and_names_each_row(tmp_path, dbs):
    a, _ = dbs
    bad = tmp_path / "bad.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(list(HEADERS))
    ws.append(["GS-SB-001", "最低生活保障金申请", "社会保障", "公共服务事项", "《社会救助暂行办法》",
               "居民身份证(1份,电子证照可)",
               30, "不收费", "社区窗口|七一路社区", "12349", "", "", "低保"])
    ws.append(["GS-SB-002", "坏类别", "火星事务", "公共服务事项", "《办法》", "", "", "不收费", "", "", "", "", ""])
    ws.append(["GS-SB-003", "坏材料", "社会保障", "公共服务事项", "《办法》", "身份证(0份)", "", "不收费", "", "", "",
               "", ""])
    ws.append(["GS-SB-004", "不存在的区域", "社会保障", "公共服务事项", "《办法》", "", "", "不收费", "", "",
               "610202009000",
               "", ""])
    wb.save(bad)
    r = gridsvc("import-catalog", str(bad), db=a)
    assert r.returncode == 1
    assert "第 3 行" in r.stderr and "「类别」" in r.stderr and "火星事务" in r.stderr
    assert "第 4 行" in r.stderr and "「所需材料」" in r.stderr
    assert "第 2 行" not in r.stderr and "未存入任何数据" in r.stderr
    out = tmp_path / "after.csv"
    assert gridsvc("export-catalog", str(out), db=a).returncode == 0
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 1  # nothing stored
    # fixed cells, but an area that does not exist: still nothing stored, the row named
    ws.delete_rows(3, 2)
    wb.save(bad)
    r = gridsvc("import-catalog", str(bad), db=a)
    assert r.returncode == 1 and "第 3 行" in r.stderr and "610202009000" in r.stderr
    assert gridsvc("export-catalog", str(out), db=a).returncode == 0
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 1
    # not a workbook at all
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"this is not a workbook")
    r = gridsvc("import-catalog", str(junk), db=a)
    assert r.returncode == 1 and ".xlsx" in r.stderr
    r = gridsvc("import-catalog", str(FIXTURE), db=a)
    assert r.returncode == 2 and ".xlsx" in r.stderr


def test_a_bad_day_stops_the_command_in_one_language(tmp_path, dbs):
    a, _ = dbs
    out = tmp_path / "c.xlsx"
    r = gridsvc("export-catalog", str(out), "--on", "2024-13-01", db=a)
    assert r.returncode == 2 and "--on" in r.stderr and "'2024-13-01'" in r.stderr
    assert "应为日期" in r.stderr and "must be" not in r.stderr and not out.exists()
    sheet = tmp_path / "in.xlsx"
    fixture_sheet(sheet)
    r = gridsvc("import-catalog", str(sheet), "--on", "tomorrow", db=a, env={"LANG": "en_US.UTF-8"})
    assert r.returncode == 2 and "--on must be a date YYYY-MM-DD, got 'tomorrow'" in r.stderr
    assert "应为" not in r.stderr
