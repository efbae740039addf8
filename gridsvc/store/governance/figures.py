"""Governance figures per area of one level, for the choropleth (gridsvc.maps.governance): each
figure is computed per community over the common subtree of the rows and summed by code prefix."""

from __future__ import annotations

import os
from collections import Counter

from ...domain.governance.coverage import REQUIRED
from ...domain.levels import code_prefix
from ..rosters.posts import vacant_posts
from .indicators import staffing_for
from .reports import communities, yearly_counts


def _prefixes(rows: list[dict]) -> tuple[dict[str, str], str]:
    own = {r["code"]: code_prefix(r["code"], r["level"]) for r in rows}
    return own, os.path.commonprefix(list(own.values()))


async def reports_by_area(rows: list[dict], year: int) -> dict[str, float | None]:
    """The information reports of the year (filed and imported) of the communities of each area."""
    if not rows:
        return {}
    own, common = _prefixes(rows)
    comms = await communities(prefixes=[common] if common else None)
    counts = await yearly_counts(year, [c["code"] for c in comms])
    n = len(next(iter(own.values())))
    total: Counter[str] = Counter()
    has: set[str] = set()
    for code, (reports, _pushed) in counts.items():
        total[code[:n]] += reports
        has.add(code[:n])
    return {code: float(total[p]) if p in has else None for code, p in own.items()}


async def posts_filled_by_area(rows: list[dict]) -> dict[str, float | None]:
    """The share of the required grid posts (coverage.REQUIRED) that have someone, per area."""
    if not rows:
        return {}
    own, common = _prefixes(rows)
    areas, staffed = await staffing_for([common])
    n = len(next(iter(own.values())))
    required: Counter[str] = Counter()
    vacant: Counter[str] = Counter()
    for code, level in areas.items():
        required[code[:n]] += len(REQUIRED[level])
    for code, _level, _role in vacant_posts(areas, staffed):
        vacant[code[:n]] += 1
    return {code: (required[p] - vacant[p]) / required[p] if required[p] else None for code, p in own.items()}
