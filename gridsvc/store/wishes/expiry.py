"""Claims past their deadline are expired before wishes are read or acted on, without a query or
a write on every read (issue 9 item 5).

Every read of wishes used to run `lifecycle.expire_claims`, one query (and a transaction per
overdue claim) per request. A process now keeps when the next active claim falls due, with the
database's change mark (`store.changes.DataChanges`) read before it looked. While the mark has
not moved and that moment has not come, nothing can be due: a claim is made, extended or ended
only by a change, which moves the mark. Otherwise one indexed query finds the next deadline, and
only when it has passed does the expiry run (its writes, once per overdue claim, in whichever
process comes first; `expire_claims` is safe to run in several at once). Without a mark (an
in-memory database, no listener) the query runs each time, as before.

`gridsvc expire-claims` (cron) still expires claims where nobody reads.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime

from gridsvc.domain import clock
from gridsvc.domain.wishes import ClaimStatus
from gridsvc.store.wishes.lifecycle import expire_claims
from gridsvc.store.wishes.models import Claim


async def next_deadline() -> datetime | None:
    """The earliest deadline of an active claim (the index on status, deadline answers it)."""
    claim = await Claim.filter(status=ClaimStatus.ACTIVE.value).order_by("deadline").only("id", "deadline").first()
    return claim.deadline if claim is not None else None


class ClaimExpiry:
    """One per app (process): `settle(mark)` with the change mark read just before."""

    def __init__(self) -> None:
        self._mark: Hashable | None = None
        self._next_due: datetime | None = None
        self._known = False
        self.looks = 0  # how many times the database was asked (tests and benches read it)

    async def settle(self, mark: Hashable | None, now: datetime | None = None) -> None:
        now = now or clock.now()
        if (mark is not None and self._known and mark == self._mark
                and (self._next_due is None or now < self._next_due)):
            return
        self.looks += 1
        due = await next_deadline()
        if due is not None and due <= now:
            await expire_claims(now)
            due = await next_deadline()
        self._mark, self._next_due, self._known = mark, due, True
