"""Days as people and clients write them: the one reader of a date in a body, a form or a sheet
cell, so that every place refuses an unreadable day with the same code and words."""

from __future__ import annotations

from datetime import date, datetime

from .error_codes import ErrorCode
from .errors import ValidationError


def read_day(value: object, field: str) -> date | None:
    """`value` as a day: a date (a datetime gives its day) or text ``YYYY-MM-DD`` (spaces around
    it ignored); None when absent or blank. Anything else is a 422
    ``bad_date`` naming `field` and what was given (the words name no field: a page shows them
    beside it). Whether the day is allowed (not in the future, after a start) is the caller's
    rule, with its own code."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = value.strip() if isinstance(value, str) else None
    if value is None or text == "":
        return None
    if text is not None:
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise _unreadable(field, (text if text is not None else repr(value))[:40])


def require_day(value: object, field: str) -> date:
    """`read_day` of a day that must be given: absent or blank is ``bad_date`` too."""
    day = read_day(value, field)
    if day is None:
        raise _unreadable(field, "" if value is None else str(value))
    return day


def _unreadable(field: str, shown: str) -> ValidationError:
    # words a person reads beside the field on a page; API clients find the field in the details
    return ValidationError(f"日期应写作 YYYY-MM-DD(如 2026-11-29),收到 {shown!r}",
                          f"a date is written YYYY-MM-DD (e.g. 2026-11-29), got {shown!r}",
                          code=ErrorCode.BAD_DATE, details={"field": field, "value": shown})
