"""Counts for the workbench (工作台) that no list endpoint gives as a number: claims about to
fall due and staff vacancies under the caller's areas. Scopes arrive as area-code prefixes
decided by the web layer (None: everywhere, the admin)."""

from __future__ import annotations

from datetime import datetime

from ..domain.wishes import ClaimStatus
from .rosters import posts
from .subtree import under_any
from .wishes.models import Claim


async def claims_due(*, read: list[str] | None, org_id: int | None, until: datetime) -> int:
    """Active claims whose deadline is before ``until``: of wishes under ``read`` (staff), or
    held by the organisation ``org_id``."""
    qs = Claim.filter(status=ClaimStatus.ACTIVE.value, deadline__lte=until)
    if org_id is not None:
        return await qs.filter(org_id=org_id).count()
    if read is None:
        return await qs.count()
    if not read:
        return 0
    return await qs.filter(under_any("wish__grid_code", read)).count()


async def vacancy_count(prefixes: list[str] | None) -> int:
    """Required staff posts nobody holds under ``prefixes`` (the one count: store.rosters.posts)."""
    return await posts.vacancy_count(prefixes)
