"""The rows of an imported spreadsheet, as a spreadsheet user counts them: the header is row 1
and the first record row 2.

Every import (the catalog, the roster, the organisation registry, the report table) reads its
header the same way: each header cell is matched to a known column, and what is unknown,
written twice or missing is told back so the feature can word it; the rows below it come with
their numbers, blank rows left out. A bad row is reported as a `RowProblem`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RowProblem:
    """One reason a row was rejected: row number as the spreadsheet shows it, column name."""

    row: int
    column: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.column}」: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class StrayCell:
    """A header cell that names no column (``unknown``) or a column met before (``repeated``)."""

    kind: str
    written: str  # the cell as written
    name: str  # the header name it was read as


@dataclass
class Header:
    """What a header row holds."""

    columns: dict[int, str] = field(default_factory=dict)  # sheet column (0-based) -> the known column
    strays: list[StrayCell] = field(default_factory=list)  # in the order of the row
    missing: list[str] = field(default_factory=list)  # required header names not found


def blank(cells: Iterable[Any]) -> bool:
    """No cell holds anything (cells as a reader's cell function gives them: "" for empty)."""
    return all(v == "" for v in cells)


def read_header(row: Sequence[Any], *, name_of: Callable[[Any], str], known: Mapping[str, str],
                required: Iterable[str]) -> Header:
    """Match a header row: `name_of` reads a cell as a header name ("" for none), `known` maps a
    header name to its column, `required` are header names that must be there. The first of two
    cells naming one column is kept."""
    header = Header()
    for j, raw in enumerate(row):
        name = name_of(raw)
        if not name:
            continue
        if name not in known:
            header.strays.append(StrayCell("unknown", str(raw), name))
        elif known[name] in header.columns.values():
            header.strays.append(StrayCell("repeated", str(raw), name))
        else:
            header.columns[j] = known[name]
    header.missing = [name for name in required if known[name] not in header.columns.values()]
    return header


def record_rows(rows: Sequence[Sequence[Any]], columns: Mapping[int, str],
                cell: Callable[[Any], Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows below the header as (row number, column -> cell), blank rows left out."""
    for n, row in enumerate(rows[1:], start=2):
        cells = {columns[j]: cell(v) for j, v in enumerate(row) if j in columns}
        if not blank(cells.values()):
            yield n, cells
