"""The one spreadsheet module (gridsvc.store.spreadsheets): what every sheet the project writes
shares, and reading files back, with real openpyxl and csv."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from gridsvc.domain.errors import BadRequest, ValidationError
from gridsvc.domain.sheet_rows import RowProblem
from gridsvc.store import spreadsheets


def _workbook(*sheets: tuple[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_written_sheet_has_its_bold_frozen_header_text_cells_and_notes():
    wb, ws = spreadsheets.new_workbook("名录")
    spreadsheets.header_row(ws, ("代码", "电话"), (12, 20))
    ws.append(["0012", "=1+1"])
    spreadsheets.as_text(ws[2])
    spreadsheets.notes_sheet(wb, ["第一行是表头"], 80)
    book = load_workbook(io.BytesIO(spreadsheets.xlsx_bytes(wb)))
    assert book.sheetnames == ["名录", spreadsheets.NOTES_SHEET]
    sheet = book["名录"]
    assert [c.value for c in sheet[1]] == ["代码", "电话"] and all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (12, 20)
    assert [(c.value, c.data_type) for c in sheet[2]] == [("0012", "s"), ("=1+1", "s")]  # never a formula
    assert book[spreadsheets.NOTES_SHEET]["A1"].value == "第一行是表头"


def test_a_title_row_is_merged_large_and_centred():
    wb, ws = spreadsheets.new_workbook("表")
    ws.append(["统计表"])
    spreadsheets.title_row(ws, 4)
    sheet = load_workbook(io.BytesIO(spreadsheets.xlsx_bytes(wb)))["表"]
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:D1"]
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 14 and sheet["A1"].alignment.horizontal == "center"



def test_every_string_cell_of_every_sheet_is_written_as_text():
    # no writer has to remember it: a typed "=HYPERLINK(...)" never becomes a formula in Excel
    wb, ws = spreadsheets.new_workbook("事项")
    ws.append(["=HYPERLINK(\"http://x\")", 3])
    wb.create_sheet("其他").append(["=1+1"])
    book = load_workbook(io.BytesIO(spreadsheets.xlsx_bytes(wb)))
    assert [(c.value, c.data_type) for c in book["事项"][1]] == [("=HYPERLINK(\"http://x\")", "s"), (3, "n")]
    assert (book["其他"]["A1"].value, book["其他"]["A1"].data_type) == ("=1+1", "s")

def test_csv_keeps_formulas_as_text_and_reads_back_what_was_written():
    data = spreadsheets.csv_bytes(("名称", "备注"), [["=SUM(A1)", "-3"], ["甲", 7]])
    assert data.startswith("\ufeff".encode())  # Excel needs the mark for Chinese text
    assert "'=SUM(A1)" in data.decode("utf-8-sig")
    assert spreadsheets.read_rows(data, "csv") == [["名称", "备注"], ["=SUM(A1)", "-3"], ["甲", "7"]]
    assert spreadsheets.read_rows("名称,备注\r\n乙,\r\n".encode("gb18030"), "csv") == [["名称", "备注"], ["乙", ""]]


def test_reading_takes_the_named_sheet_when_there_is_one_else_the_first():
    data = _workbook(("说明", [["read me"]]), ("服务事项", [["代码"], ["GS-SB-001"]]))
    assert spreadsheets.read_rows(data, "xlsx", sheet="服务事项") == [["代码"], ["GS-SB-001"]]
    assert spreadsheets.read_rows(data, "xlsx") == [["read me"]]
    assert spreadsheets.read_rows(data, "xlsx", sheet="花名册") == [["read me"]]


@pytest.mark.parametrize(("data", "fmt", "code"), [
    (b"", "xlsx", "bad_file"), (b"not a zip", "xlsx", "bad_file"), (b"\xff\xfe\x00\xd8", "csv", "bad_file")])
def test_an_unreadable_file_is_named(data, fmt, code):
    with pytest.raises(ValidationError) as e:
        spreadsheets.read_rows(data, fmt)
    assert e.value.code == code and e.value.details == {"format": fmt}


def test_the_format_comes_from_the_file_name():
    assert spreadsheets.format_of("目录.XLSX") == "xlsx" and spreadsheets.format_of("a.b.csv") == "csv"
    with pytest.raises(BadRequest) as e:
        spreadsheets.format_of("目录.xls")
    assert e.value.code == "bad_format" and e.value.details == {"file": "目录.xls"}


def test_a_refused_import_lists_every_problem_in_row_order():
    err = spreadsheets.rejected([RowProblem(4, "电话", "bad_phone", "x"), RowProblem(2, "名称", "required", "y"),
                                 RowProblem(4, "名称", "required", "z")])
    assert err.code == "import_rejected" and err.details["rows"] == [2, 4]
    assert [(p["row"], p["column"]) for p in err.details["problems"]] == [(2, "名称"), (4, "电话"), (4, "名称")]


def test_a_refusal_tells_its_problems_to_a_page_and_other_errors_have_none():
    err = spreadsheets.rejected([RowProblem(3, "电话", "bad_phone", "不是电话号码")])
    assert err.problems == [{"row": 3, "column": "电话", "code": "bad_phone", "message": "不是电话号码"}]
    assert err.message_with_problems() == "导入被拒绝:1 行有问题,未存入任何数据:不是电话号码"
    other = BadRequest("坏了", "broken", details={"field": "x"})
    assert other.problems == [] and other.message_with_problems() == "坏了"
