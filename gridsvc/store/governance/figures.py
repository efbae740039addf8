"""Governance figures per area of one level, for the choropleth (gridsvc.maps.governance): each
figure is computed per community over the common subtree of the rows and summed by code prefix."""

from __future__ import annotations

import os
from collections import Counter, defaultdict

from ...domain.governance.targets import Targets
from ...domain.levels import code_prefix
from ..rosters import posts
from .consultations import concluded_per_community
from .reports import communities, yearly_counts
from .space import space_per_community
from .training import hours_per_community


def _prefixes(rows: list[dict]) -> tuple[dict[str, str], str]:
    own = {r["code"]: code_prefix(r["code"], r["level"]) for r in rows}
    return own, os.path.commonprefix(list(own.values()))


async def reports_by_area(rows: list[dict], year: int) -> dict[str, float | None]:
    """The information reports of the year (filed and imported) of the communities of each area."""
    if not rows:
        return {}
    own, common = _prefixes(rows)
    comms = await communities(prefixes=[common] if common else None)
    counts = await yearly_counts(year, [c["code"] for c in comms], [common] if common else None)
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
    n = len(next(iter(own.values())))
    staffing = await posts.staffing([common], length=n, limit=0)
    out: dict[str, float | None] = {}
    for code, p in own.items():
        required, vacant = staffing.under(p)
        out[code] = (required - vacant) / required if required else None
    return out


async def training_met_by_area(rows: list[dict], year: int, targets: Targets) -> dict[str, float | None]:
    """The share of the staff held to training hours who have their hours this year, per area."""
    if not rows:
        return {}
    own, common = _prefixes(rows)
    n = len(next(iter(own.values())))
    staff: Counter[str] = Counter()
    met: Counter[str] = Counter()
    for code, people in (await hours_per_community([common], year, targets)).items():
        staff[code[:n]] += len(people)
        met[code[:n]] += sum(1 for p in people if not p["short"])
    return {code: met[p] / staff[p] if staff[p] else None for code, p in own.items()}


async def room_m2_per_100_by_area(rows: list[dict]) -> dict[str, float | None]:
    """Service rooms in m² per 100 households of the communities of each area (those with a count)."""
    if not rows:
        return {}
    own, common = _prefixes(rows)
    n = len(next(iter(own.values())))
    comms = await communities(prefixes=[common] if common else None)
    spaces = await space_per_community([common])
    m2: dict[str, float] = defaultdict(float)
    households: Counter[str] = Counter()
    for c in comms:
        if c["households"]:
            households[c["code"][:n]] += c["households"]
            m2[c["code"][:n]] += sum(v for kind, v in spaces.get(c["code"], []) if kind == "room")
    return {code: round(m2[p] * 100 / households[p], 1) if households[p] else None for code, p in own.items()}


async def consultations_by_area(rows: list[dict], year: int) -> dict[str, float | None]:
    """Consultations concluded this year in the communities of each area."""
    if not rows:
        return {}
    own, common = _prefixes(rows)
    n = len(next(iter(own.values())))
    total: Counter[str] = Counter()
    for code, k in (await concluded_per_community([common], year)).items():
        total[code[:n]] += k
    return {code: float(total[p]) for code, p in own.items()}
