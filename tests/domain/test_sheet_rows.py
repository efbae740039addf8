"""Reading an imported sheet's header and rows (gridsvc.domain.sheet_rows), as every import does."""

from __future__ import annotations

from gridsvc.domain.sheet_rows import RowProblem, StrayCell, blank, read_header, record_rows

KNOWN = {"名称": "name", "电话": "phone", "地址": "address"}


def _name(cell) -> str:
    return "" if cell is None else str(cell).strip()


def test_the_header_names_its_columns_and_tells_strays_in_the_order_of_the_row():
    header = read_header(["名称", " 备注 ", None, "电话", "名称", "颜色"], name_of=_name, known=KNOWN,
                         required=("名称", "地址"))
    assert header.columns == {0: "name", 3: "phone"}  # the first 名称 is kept
    assert header.strays == [StrayCell("unknown", " 备注 ", "备注"), StrayCell("repeated", "名称", "名称"),
                             StrayCell("unknown", "颜色", "颜色")]
    assert header.missing == ["地址"]


def test_rows_come_numbered_as_the_sheet_shows_them_and_blank_ones_are_left_out():
    rows = [["名称", "电话"], ["甲", "1"], [None, ""], [], ["乙", None, "beyond the header"]]
    found = list(record_rows(rows, {0: "name", 1: "phone"}, lambda c: "" if c is None else str(c)))
    assert found == [(2, {"name": "甲", "phone": "1"}), (5, {"name": "乙", "phone": ""})]
    assert blank(["", ""]) and blank([]) and not blank(["", 0])


def test_a_row_problem_reads_as_the_sheet_counts():
    p = RowProblem(3, "电话", "bad_phone", "不是电话号码")
    assert str(p) == "第 3 行「电话」: 不是电话号码"
    assert p.to_dict() == {"row": 3, "column": "电话", "code": "bad_phone", "message": "不是电话号码"}
