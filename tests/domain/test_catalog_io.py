"""Catalog items as spreadsheet rows: round trips and per-row problem reports."""

from __future__ import annotations

import csv
import io
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest

from gridsvc.domain.catalog import Material, check_item
from gridsvc.domain.catalog_io import (
    HEADERS,
    format_materials,
    item_to_row,
    parse_material,
    parse_materials,
    parse_venues,
    rows_to_items,
)

FIXTURE = Path(__file__).resolve().parents[2] / "gridsvc" / "fixtures" / "catalog.json"


def fixture_items():
    return [check_item(raw) for raw in json.loads(FIXTURE.read_text(encoding="utf-8"))["items"]]


def good_row(code="GS-SB-001", **cells):
    row = dict(zip(HEADERS, [""] * len(HEADERS), strict=True))
    row.update({
        "代码": code, "名称": "最低生活保障金申请", "类别": "社会保障", "清单": "公共服务事项",
        "设定依据": "《社会救助暂行办法》", "所需材料": "居民身份证(1份,电子证照可);户口簿(1份)",
        "办理时限(工作日)": 30, "收费": "不收费", "办理地点": "社区窗口|七一路社区党群服务中心|王益区七一路88号",
        "联系方式": "12349", "适用区域": "", "摘要": "", "关键词": "低保",
    })
    row.update(cells)
    return [row[h] for h in HEADERS]


def test_headers_are_chinese_and_in_order():
    assert HEADERS[:4] == ("代码", "名称", "类别", "清单")
    assert set(HEADERS) >= {"设定依据", "所需材料", "办理时限(工作日)", "收费", "办理地点", "联系方式", "适用区域",
                            "摘要"}


def test_material_cell_reads_as_people_write_it():
    assert parse_materials("身份证(1份,电子证照可);户口簿(1份)") == [
        {"name": "身份证", "copies": 1, "electronic_ok": True, "note": ""},
        {"name": "户口簿", "copies": 1, "electronic_ok": False, "note": ""},
    ]
    # full-width brackets and separators, a line break, a material without its bracket
    assert parse_materials("结婚证（2份，电子证照可，复印件需签字）；\n申请书") == [
        {"name": "结婚证", "copies": 2, "electronic_ok": True, "note": "复印件需签字"},
        {"name": "申请书", "copies": 1, "electronic_ok": False, "note": ""},
    ]
    # brackets inside a name or a note stay where they belong
    assert parse_material("照片(二寸)(3份,近期(半年内)免冠;蓝底)") == {
        "name": "照片(二寸)", "copies": 3, "electronic_ok": False, "note": "近期(半年内)免冠;蓝底"}
    assert parse_materials("") == []


def test_material_cell_round_trips_exactly():
    rnd = random.Random(4)
    pieces = ["身份证", "户口簿", "(原件)", "(二寸)", "照片", "A4", ",", "，", "、", "证明", "(3份)", "1份"]
    for _ in range(500):
        materials = []
        for _ in range(rnd.randint(0, 4)):
            name = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 3))).strip(",，、") or "表"
            note = "".join(rnd.choice(pieces + [";", "；"]) for _ in range(rnd.randint(0, 3))).strip()
            materials.append(Material(name, rnd.randint(1, 12), rnd.random() < 0.5, note))
        item = check_item({"code": "GS-SB-001", "name": "x", "category": "social_security", "list": "public_service",
                           "legal_basis": "y", "materials": materials})
        assert check_item({**_base(), "materials": parse_materials(format_materials(item.materials))}).materials \
            == item.materials


def _base():
    return {"code": "GS-SB-001", "name": "x", "category": "social_security", "list": "public_service",
            "legal_basis": "y"}


def test_venue_cell():
    cell = "社区窗口|七一路社区|王益区七一路88号|周一至周五 8:30-17:30\n网上办理|陕西政务服务网|||https://zwfw.shaanxi.gov.cn"
    assert parse_venues(cell) == [
        {"kind": "社区窗口", "name": "七一路社区", "address": "王益区七一路88号", "hours": "周一至周五 8:30-17:30",
         "url": ""},
        {"kind": "网上办理", "name": "陕西政务服务网", "address": "", "hours": "",
         "url": "https://zwfw.shaanxi.gov.cn"},
    ]
    with pytest.raises(ValueError):
        parse_venues("社区窗口|a|b|c|d|e")


def test_fixture_round_trips_through_rows():
    items = fixture_items()
    rows = [list(HEADERS)] + [item_to_row(i) for i in items]
    back, problems = rows_to_items(rows)
    assert problems == []
    assert back == items


def test_fixture_round_trips_through_csv_text():
    items = fixture_items()
    buf = io.StringIO()
    csv.writer(buf).writerows([list(HEADERS)] + [item_to_row(i) for i in items])
    rows = list(csv.reader(io.StringIO(buf.getvalue())))  # every cell is text now
    back, problems = rows_to_items(rows)
    assert problems == [] and back == items


def test_fixture_round_trips_through_an_xlsx_workbook():
    openpyxl = pytest.importorskip("openpyxl")
    items = fixture_items()
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [list(HEADERS)] + [item_to_row(i) for i in items]:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    ws = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active
    back, problems = rows_to_items([list(r) for r in ws.iter_rows(values_only=True)])
    assert problems == [] and back == items


def test_row_values_are_readable():
    item = check_item({**_base(), "fee": "15", "time_limit_days": None, "areas": ["610202", "610222"],
                       "materials": [{"name": "身份证", "electronic_ok": True}],
                       "venues": [{"kind": "online", "name": "网办", "url": "https://zwfw.shaanxi.gov.cn"}]})
    row = dict(zip(HEADERS, item_to_row(item), strict=True))
    assert row["收费"] == "15元" and item.fee == Decimal("15.00")
    assert row["办理时限(工作日)"] == ""
    assert row["适用区域"] == "610202,610222"
    assert row["所需材料"] == "身份证(1份,电子证照可)"
    assert row["办理地点"] == "网上办理|网办|||https://zwfw.shaanxi.gov.cn"
    assert row["类别"] == "社会保障" and row["清单"] == "公共服务事项"


def test_every_bad_row_is_reported_with_its_spreadsheet_row_number():
    rows = [
        list(HEADERS),
        good_row("GS-SB-001"),  # row 2: fine
        good_row("GS-SB-002", 类别="民政"),  # row 3
        good_row("GS-SB-003", **{"办理时限(工作日)": "三天", "所需材料": "身份证(0份)"}),  # row 4: two problems
        good_row("GS-SB-001"),  # row 5: same code as row 2
        [None] * len(HEADERS),  # row 6: blank, skipped
        good_row("GS-SB-006", 名称=""),  # row 7
        good_row("GS-SB-007", 办理地点="派出所|x"),  # row 8
        good_row("GS-SB-008", 适用区域="610202,12345"),  # row 9
        good_row("GS-SB-009", 办理地点="社区窗口|a|b|c|d|e|f"),  # row 10: too many parts
        good_row("GS-LD-010"),  # row 11: category segment of the code says employment
        good_row("GS-SB-011", 收费=""),  # row 12
    ]
    items, problems = rows_to_items(rows)
    assert [i.code for i in items] == ["GS-SB-001"]
    assert [(p.row, p.column, p.code) for p in problems] == [
        (3, "类别", "unknown_category"),
        (4, "所需材料", "bad_copies"),
        (4, "办理时限(工作日)", "bad_time_limit"),
        (5, "代码", "duplicate_code"),
        (7, "名称", "required"),
        (8, "办理地点", "bad_venue"),
        (9, "适用区域", "bad_area"),
        (10, "办理地点", "bad_venue"),
        (11, "代码", "code_mismatch"),
        (12, "收费", "required"),
    ]
    assert str(problems[0]).startswith("第 3 行「类别」: 未知的类别")
    assert "第 2 行" in problems[3].message
    assert problems[0].to_dict()["row"] == 3


def test_header_problems_are_row_one():
    _, problems = rows_to_items([])
    assert [(p.row, p.code) for p in problems] == [(1, "no_header")]
    _, problems = rows_to_items([["名称", "类别", "清单", "备注"], ["a", "b", "c", "d"]])
    assert [(p.row, p.column, p.code) for p in problems] == [(1, "备注", "unknown_column"),
                                                             (1, "代码", "missing_column")]
    _, problems = rows_to_items([["代码", "名称", "名称", "类别", "清单"]])
    assert [(p.row, p.column, p.code) for p in problems] == [(1, "名称", "duplicate_column")]


def test_columns_may_come_in_any_order_and_with_full_width_brackets():
    header = ["名称", " 代码 ", "清单", "类别", "办理时限（工作日）", "设定依据", "所需材料"]
    rows = [header, ["临时救助申请", "gs-sb-004", "公共服务事项", "社会保障", 10.0, "《社会救助暂行办法》", "身份证"]]
    [item], problems = rows_to_items(rows)
    assert problems == []
    assert (item.code, item.time_limit_days, item.fee, item.materials) == ("GS-SB-004", 10, "不收费",
                                                                           [Material("身份证")])
