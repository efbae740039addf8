"""Counts for the workbench (工作台) that no list endpoint gives as a number: claims about to
fall due and staff vacancies under the caller's areas. Scopes arrive as area-code prefixes
decided by the web layer (None: everywhere, the admin)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from tortoise.expressions import Q

from ..domain.governance.coverage import REQUIRED, vacancies
from ..domain.wishes import ClaimStatus
from .accounts.models import UserArea
from .areas.models import Area
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
    """Required staff tiers without an active person (domain.governance.coverage) in the areas
    under ``prefixes``."""
    if prefixes is not None and not prefixes:
        return 0
    where = Q(level__in=tuple(REQUIRED))
    if prefixes is not None:
        where &= under_any("code", prefixes)
    areas = dict(await Area.filter(where).values_list("code", "level"))
    staffed: dict[str, set[str]] = defaultdict(set)
    held = UserArea.filter(user__is_active=True, area__level__in=tuple(REQUIRED))
    if prefixes is not None:
        held = held.filter(under_any("area__code", prefixes))
    for code, role in await held.values_list("area__code", "user__role"):
        staffed[code].add(role)
    return sum(len(vacancies(level, staffed[code])) for code, level in areas.items())
