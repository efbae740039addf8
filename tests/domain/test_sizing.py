"""Community sizing as seed 003 sets it (issue 14 §2)."""

from __future__ import annotations

import pytest

from gridsvc.config import Settings
from gridsvc.domain.sizing import COMMUNITY_BAND, GRID_BAND, size_warning


@pytest.mark.parametrize("households, verdict", [
    (999, "merge"), (1000, "ok"), (3000, "ok"), (3001, "large"), (3500, "large"), (4000, "large"), (4001, "split"),
])
def test_community_band(households, verdict):
    assert COMMUNITY_BAND.verdict(households) == verdict
    found = size_warning("community", households, COMMUNITY_BAND)
    assert (found is None) == (verdict == "ok")
    if found:
        assert found[0] == verdict


def test_grid_band_has_no_split_rule():
    assert GRID_BAND.verdict(300) == "above" and GRID_BAND.verdict(100) == "merge"


def test_settings_defaults_follow_seed_003():
    s = Settings.from_env({})
    assert s.community_households == (1000, 3000) and s.community_split_households == 4000
    assert s.grid_households == (160, 255)
