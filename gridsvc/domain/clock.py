"""The one clock: what time it is, and what day it is in China.

Every module asks here instead of calling `datetime.now` itself, so that there is one China time
zone and tests can set the time (`set_now`) instead of patching five functions. Reading the clock
is the only thing here that is not a pure rule; it is kept in `domain` so that every layer may
ask it.

    now()        an aware UTC datetime (store timestamps in UTC)
    today()      the date in China (Asia/Shanghai): catalog versions, deadlines, "days in force"
    china(dt)    an aware datetime shown in China's time
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def _system_now() -> datetime:
    return datetime.now(UTC)


_now: Callable[[], datetime] = _system_now


def now() -> datetime:
    return _now()


def today() -> date:
    return _now().astimezone(CHINA).date()


def china(dt: datetime) -> datetime:
    """`dt` in China's time (a naive datetime is taken as already in China's time)."""
    return dt.replace(tzinfo=CHINA) if dt.tzinfo is None else dt.astimezone(CHINA)


def set_now(source: Callable[[], datetime] | datetime | None) -> None:
    """For tests: a fixed instant, a function giving the time, or None for the system clock."""
    global _now
    if source is None:
        _now = _system_now
    elif isinstance(source, datetime):
        fixed = source if source.tzinfo else source.replace(tzinfo=UTC)
        _now = lambda: fixed  # noqa: E731
    else:
        _now = source
