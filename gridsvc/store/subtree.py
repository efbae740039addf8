"""A subtree of the area tree as an index range.

Every area below a code shares its significant prefix (domain.levels.code_prefix), so "inside
X" is a prefix test. Written as `LIKE 'prefix%'` it cannot use an ordinary index: Tortoise
wraps the column in CAST(... AS VARCHAR) on SQLite, and PostgreSQL needs the C collation.
Codes are digits, so the same rows are `prefix <= code < next(prefix)`, which every database
answers from the plain index on the column, in any collation that orders digits.

The other way round, `code_group` groups a subtree's rows by the first digits of their codes
(a community's 12), so the database counts a city's 60,000 grids per community instead of
sending each of them.
"""

from __future__ import annotations

from pypika_tortoise.terms import Function as SqlFunction
from pypika_tortoise.terms import LiteralValue, Term
from tortoise.expressions import Q
from tortoise.functions import Function


def prefix_end(prefix: str) -> str | None:
    """The smallest digit string above every string that starts with `prefix` ("6102" → "6103",
    "6109" → "611"); None when there is none ("999")."""
    digits = prefix.rstrip("9")
    if not digits:
        return None
    return digits[:-1] + chr(ord(digits[-1]) + 1)


def under(column: str, prefix: str) -> Q:
    """Rows whose `column` starts with `prefix`: a range on the column's index when the prefix
    is digits, a LIKE otherwise (a code from outside the scheme)."""
    if not prefix or not prefix.isascii() or not prefix.isdigit():
        return Q(**{f"{column}__startswith": prefix})
    end = prefix_end(prefix)
    q = Q(**{f"{column}__gte": prefix})
    return q & Q(**{f"{column}__lt": end}) if end is not None else q


def under_any(column: str, prefixes: list[str]) -> Q:
    q = under(column, prefixes[0])
    for p in prefixes[1:]:
        q |= under(column, p)
    return q


class _SqlPrefix(SqlFunction):
    """SUBSTR(term, 1, length) with the numbers written into the SQL: as parameters PostgreSQL
    would take them for text (substring's pattern form), and the grouped expression must be
    the selected one."""

    def __init__(self, term: Term, length: int, alias: str | None = None) -> None:
        super().__init__("SUBSTR", term, LiteralValue("1"), LiteralValue(str(int(length))), alias=alias)


class _Prefix(Function):
    database_func = _SqlPrefix


def code_group(column: str, length: int) -> Function:
    """The first `length` characters of `column` (SUBSTR, the same on SQLite and PostgreSQL),
    to annotate and group by (read the rows with `.values()`)."""
    return _Prefix(column, length)
