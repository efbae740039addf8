"""Spreadsheet files, the one place that reads and writes them: .xlsx (openpyxl) and .csv.

Every sheet the project exchanges with officials (the catalog, the roster, the organisation
registry, the report table, the assessment sheet) is made and read here; what each sheet holds
is its feature's business (the domain turns rows into records and back). Writing: a workbook
with one named sheet, a bold header row frozen under its column widths, cells kept as text
where a code or phone must keep its digits, a sheet of instructions, the bytes. Reading: the
rows of the first sheet (or a named one) as plain values, the CSV in UTF-8 or GBK, with a
clear error for an empty, broken or oversized file. An import refused for its rows is one
ValidationError listing every problem (`rejected`).

openpyxl takes a while to import and only the spreadsheet commands and endpoints need it, so
each function imports it when called.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import BadRequest, ValidationError

if TYPE_CHECKING:  # annotations only: openpyxl loads when a workbook is made or read
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")
MAX_ROWS = 50_000
NOTES_SHEET = "填写说明"
# a cell starting with one of these is a formula to a spreadsheet
FORMULA_START = ("=", "+", "-", "@")


def format_of(name: str) -> str:
    """``xlsx`` or ``csv`` from a file name's extension."""
    lower = name.lower()
    for fmt in FORMATS:
        if lower.endswith("." + fmt):
            return fmt
    raise BadRequest(f"文件 {name} 应为 .xlsx 或 .csv", f"{name}: expected a .xlsx or .csv file",
                     code=ErrorCode.BAD_FORMAT,
                     details={"file": name})


# ---- writing ------------------------------------------------------------------------------


def new_workbook(title: str) -> tuple[Workbook, Worksheet]:
    """A workbook whose one sheet is named `title`."""
    # start-up cost: openpyxl loads only when a sheet is made or read
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    return wb, ws


def set_widths(ws: Worksheet, widths: Iterable[float]) -> None:
    """Column widths, from column A on."""
    # start-up cost: openpyxl loads only when a sheet is made or read
    from openpyxl.utils import get_column_letter

    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width


def bold(cells: Iterable[Cell]) -> None:
    # start-up cost: openpyxl loads only when a sheet is made or read
    from openpyxl.styles import Font

    for cell in cells:
        cell.font = Font(bold=True)


def header_row(ws: Worksheet, headers: Sequence[str], widths: Iterable[float]) -> None:
    """The first row: the headers in bold, frozen above the rows, over columns of `widths`."""
    ws.append(list(headers))
    bold(ws[1])
    ws.freeze_panes = "A2"
    set_widths(ws, widths)


def title_row(ws: Worksheet, columns: int) -> None:
    """Row 1 as a title: merged over `columns` columns, large, bold and centred."""
    # start-up cost: openpyxl loads only when a sheet is made or read
    from openpyxl.styles import Alignment, Font

    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")


def as_text(cells: Iterable[Cell]) -> None:
    """Keep the cells as text: codes keep their digits, nothing is read as a formula."""
    for cell in cells:
        cell.data_type = "s"


def notes_sheet(wb: Workbook, lines: Iterable[str], width: float) -> None:
    """A sheet of instructions after the data, one line a row."""
    notes = wb.create_sheet(NOTES_SHEET)
    for line in lines:
        notes.append([line])
    notes.column_dimensions["A"].width = width


def xlsx_bytes(wb: Workbook) -> bytes:
    """The workbook's file, every string cell kept as text: names and notes are typed by people,
    and one beginning with "=" ("=HYPERLINK(…)") must not become a live formula in Excel."""
    for ws in wb.worksheets:
        for line in ws.iter_rows():
            for cell in line:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv_cell(value: Any) -> Any:
    # a leading ' keeps a spreadsheet from running the cell as a formula; the import removes it
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, which Excel needs to open Chinese text correctly."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(headers)
    for row in rows:
        w.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# ---- reading ------------------------------------------------------------------------------


def _unreadable(fmt: str, why: str) -> ValidationError:
    what = "Excel 文件 (.xlsx)" if fmt == "xlsx" else "CSV 文件"
    return ValidationError(f"无法读取{what}: {why}", f"cannot read the {fmt} file: {why}", code=ErrorCode.BAD_FILE,
                           details={"format": fmt})


def _too_many_rows() -> ValidationError:
    return ValidationError(f"文件超过 {MAX_ROWS} 行,请分批导入", f"more than {MAX_ROWS} rows; import in parts",
                           code=ErrorCode.TOO_MANY_ROWS)


def read_rows(data: bytes, fmt: str, *, sheet: str | None = None) -> list[list[Any]]:
    """The rows of the file as plain values, the header first; an .xlsx file's sheet named
    `sheet` when it has one, else its first."""
    if not data:
        raise _unreadable(fmt, "文件为空 (empty file)")
    if fmt == "xlsx":
        return _read_xlsx(data, sheet)
    if fmt == "csv":
        return _read_csv(data)
    raise BadRequest(f"不支持的格式 {fmt}", f"unsupported format {fmt}", code=ErrorCode.BAD_FORMAT)


def _read_xlsx(data: bytes, sheet: str | None) -> list[list[Any]]:
    # start-up cost: openpyxl loads only when a sheet is made or read
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # styles other tools write that openpyxl does not know
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                ws = wb[sheet] if sheet in wb.sheetnames else wb.worksheets[0]
                rows = []
                for r in ws.iter_rows(values_only=True):
                    rows.append(list(r))
                    if len(rows) > MAX_ROWS + 1:
                        raise _too_many_rows()
            finally:
                wb.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, IndexError) as e:
        raise _unreadable("xlsx",
                          "不是有效的 .xlsx 文件 (not a valid .xlsx workbook"
                          + (f": {e})" if str(e) else ")")) from None
    return rows


def _read_csv(data: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK unless told UTF-8
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _unreadable("csv", "编码既不是 UTF-8 也不是 GBK (neither UTF-8 nor GBK)")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as e:
        raise _unreadable("csv", str(e)) from None
    if len(rows) > MAX_ROWS + 1:
        raise _too_many_rows()
    return [[_uncsv(c) for c in r] for r in rows]


def _uncsv(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:2] in FORMULA_START and cell[1:2] else cell


class SheetProblem(Protocol):
    """What an import says of a bad row (domain.catalog_io.RowProblem, domain.rosters.RosterProblem)."""

    @property
    def row(self) -> int: ...

    def to_dict(self) -> dict[str, Any]: ...


def rejected(problems: Sequence[SheetProblem]) -> ValidationError:
    """The import refused: every problem, in row order, and the rows they are in."""
    ordered = sorted(problems, key=lambda p: p.row)
    rows = sorted({p.row for p in ordered})
    return ValidationError(
        f"导入被拒绝:{len(rows)} 行有问题,未存入任何数据", f"import rejected: {len(rows)} bad rows; nothing was stored",
        code=ErrorCode.IMPORT_REJECTED, details={"problems": [p.to_dict() for p in ordered], "rows": rows})
