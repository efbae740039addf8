"""Log-in throttling: how long a client waits after failed passwords.

Failures are counted per (account, client address), so an attacker's guesses slow down only
the attacker: the real user, logging in from an address that has not failed, is never refused.
After `free` failures each further one doubles the wait (1 s, 2 s, 4 s, ...) up to `cap`.
No address-wide lockout: one NAT may hide a whole street office.
"""

from __future__ import annotations

from datetime import datetime, timedelta


def delay_seconds(failures: int, *, free: int, cap: int) -> int:
    """The wait after the latest of `failures` failures (0 while within the free ones)."""
    if failures < free:
        return 0
    # capped before the power so that a long run of failures cannot make a huge integer
    return min(2 ** min(failures - free, 30), cap)


def retry_after(failures: int, last_failure: datetime | None, at: datetime, *, free: int, cap: int) -> int:
    """Whole seconds still to wait at `at` (0: may try now)."""
    wait = delay_seconds(failures, free=free, cap=cap)
    if not wait or last_failure is None:
        return 0
    left = (last_failure + timedelta(seconds=wait) - at).total_seconds()
    return max(0, int(-(-left // 1)))  # round up: a client that waits Retry-After is never early
