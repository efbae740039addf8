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


@dataclass(frozen=True)
class GridSums:
    """The households of a community's grids summed, as a database groups them: how many grids
    have a count, the least and most, the sum and the sum of squares, and how many fall below
    and above the grid band."""

    grids: int = 0
    least: int | None = None
    most: int | None = None
    total: int = 0
    squares: int = 0
    below: int = 0
    above: int = 0


def grid_sums(households: Iterable[int | None], band: SizeBand) -> GridSums:
    counts = [h for h in households if h is not None]
    if not counts:
        return GridSums()
    return GridSums(len(counts), min(counts), max(counts), sum(counts), sum(h * h for h in counts),
                    sum(1 for h in counts if h < band.low), sum(1 for h in counts if h > band.high))


def spread(sums: GridSums) -> dict:
    """Households per grid inside one community against the grid band, and their spread."""
    out: dict = {"grids": sums.grids, "min": None, "max": None, "mean": None, "stdev": None,
                 "below": sums.below, "above": sums.above}
    n = sums.grids
    if not n:
        return out
    # the population standard deviation from the sums, in whole numbers until the one division
    # (exact, unlike a float pass over the deviations; statistics.pstdev's fractions cost a
    # city's dashboard, 2,400 communities, a sixth of its time)
    stdev = ((n * sums.squares - sums.total * sums.total) / (n * n)) ** 0.5
    out.update(min=sums.least, max=sums.most, mean=round(sums.total / n, 1), stdev=round(stdev, 1))
    return out


def grid_spread(households: Iterable[int | None], band: SizeBand) -> dict:
    """Households per grid inside one community against the grid band, and their spread."""
    return spread(grid_sums(households, band))
