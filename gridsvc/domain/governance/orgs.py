"""Organisation targets (issue 12 item 4, seed 002 §11): each community should have 10-15
registered (登记) or filed (备案) community organisations (GRIDSVC_GOV_ORGS); a community below
the band is short, one above it is counted as meeting the target but shown as above."""

from __future__ import annotations


def org_verdict(count: int, band: tuple[int, int]) -> str:
    """`short`, `ok` or `above` for a community's count of organisations against (low, high)."""
    low, high = band
    if count < low:
        return "short"
    return "above" if count > high else "ok"
