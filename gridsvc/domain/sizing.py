"""How big a community or grid should be, by household count.

Seed 003 sets a community (社区居委会) at about 1,000-3,000 resident households: above 4,000 it
should be split, below 1,000 merged with a neighbour. Between 3,000 and 4,000 nothing is due
yet, but it is worth a warning before it grows further. Grid sizes are set locally (DOMAIN.md:
one published community has grids of 160-255 households), so the grid band is a setting with
no split/merge rule of its own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SizeBand:
    low: int  # below: merge
    high: int  # the upper end of the normal range
    split_above: int | None = None  # above: split; between high and this: a warning

    def verdict(self, households: int) -> str:
        """ok, merge, split, large (the warning band), or above (outside a band with no split rule)."""
        if households < self.low:
            return "merge"
        if households <= self.high:
            return "ok"
        if self.split_above is None:
            return "above"
        return "split" if households > self.split_above else "large"


COMMUNITY_BAND = SizeBand(1000, 3000, 4000)  # seed 003
GRID_BAND = SizeBand(160, 255)  # one community's published figures (DOMAIN.md)

_ADVICE = {
    "merge": ("少于 {low} 户,宜与相邻{what}合并", "fewer than {low} households: merge with a neighbour"),
    "split": ("超过 {split} 户,宜拆分", "more than {split} households: split it"),
    "large": ("在 {high}-{split} 户之间,接近拆分标准", "{high}-{split} households: close to the split threshold"),
    "above": ("多于 {high} 户,超出设定范围", "more than {high} households: above the set band"),
}


def size_warning(level: str, households: int, band: SizeBand) -> tuple[str, str, str] | None:
    """(verdict, message_zh, message_en) when the count calls for attention, else None."""
    verdict = band.verdict(households)
    if verdict == "ok":
        return None
    what = {"community": "社区", "grid": "网格"}.get(level, "区域")
    zh, en = _ADVICE[verdict]
    fmt = {"low": band.low, "high": band.high, "split": band.split_above, "what": what}
    return verdict, f"户数 {households}:" + zh.format(**fmt), f"{households} households: " + en.format(**fmt)
