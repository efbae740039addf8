"""Community sizing (seed 003) with the neighbours a merge could go to, and grid sizes inside a
community. The bands are `gridsvc.domain.sizing` (settings); this adds the neighbours: the
communities of the same street that share a stretch of boundary with it, found from the
geometry (two communities touching at one corner, or only sharing a name, are not neighbours).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shapely import STRtree
from shapely.geometry.base import BaseGeometry

from ..sizing import SizeBand

# degrees: snapping tolerance between drawn boundaries (about 0.1 m), and the shortest shared
# stretch that counts as a common boundary (about 1 m), so a shared corner does not
SNAP = 1e-6
MIN_SHARED = 1e-5


@dataclass(frozen=True)
class Community:
    code: str
    name: str
    street: str  # the parent's code
    households: int | None
    geometry: BaseGeometry | None


def neighbours(communities: list[Community], only: set[str] | None = None) -> dict[str, list[str]]:
    """code -> codes of the communities of the same street sharing a boundary with it (for the
    codes in `only`, when given: the rest get an empty list)."""
    shaped = [c for c in communities if c.geometry is not None and not c.geometry.is_empty]
    tree = STRtree([c.geometry for c in shaped])
    out: dict[str, list[str]] = {c.code: [] for c in communities}
    for c in shaped:
        if only is not None and c.code not in only:
            continue
        assert c.geometry is not None
        edge = c.geometry.boundary
        for j in tree.query(c.geometry.buffer(SNAP)):
            other = shaped[int(j)]
            if other.code == c.code or other.street != c.street or other.geometry is None:
                continue
            if edge.intersection(other.geometry.buffer(SNAP)).length > MIN_SHARED:
                out[c.code].append(other.code)
    return {k: sorted(v) for k, v in out.items()}


def community_flags(communities: list[Community], band: SizeBand) -> list[dict]:
    """Each community's verdict (ok, merge, large, split; none without a count) and, for a
    merge, the neighbours to merge with."""
    verdicts = {c.code: band.verdict(c.households) if c.households is not None else "unknown" for c in communities}
    # only a merge needs its neighbours, and the boundary test is the costly part
    near = neighbours(communities, only={code for code, v in verdicts.items() if v == "merge"})
    names = {c.code: c.name for c in communities}
    rows = []
    for c in communities:
        verdict = verdicts[c.code]
        rows.append({"code": c.code, "name": c.name, "households": c.households, "verdict": verdict,
                     "neighbours": [{"code": n, "name": names[n]} for n in near[c.code]] if verdict == "merge" else []})
    return rows


def grid_spread(households: Iterable[int | None], band: SizeBand) -> dict:
    """Households per grid inside one community against the grid band, and their spread."""
    counts = [h for h in households if h is not None]
    out: dict = {"grids": 0, "min": None, "max": None, "mean": None, "stdev": None, "below": 0, "above": 0}
    if not counts:
        return out
    n = len(counts)
    mean = sum(counts) / n
    # the population standard deviation by hand: statistics.pstdev's exact fractions cost a
    # city's dashboard (2,400 communities) a sixth of its time
    stdev = (sum((h - mean) ** 2 for h in counts) / n) ** 0.5
    out.update(grids=n, min=min(counts), max=max(counts), mean=round(mean, 1), stdev=round(stdev, 1),
               below=sum(1 for h in counts if h < band.low),
               above=sum(1 for h in counts if h > band.high))
    return out
