"""Clipping children to a parent that disagrees a little (gridsvc.domain.geometry.clipping)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import box

from gridsvc.domain import geometry as geo
from gridsvc.domain.errors import BadRequest

PARENT = box(109.0, 35.0, 109.2, 35.1)


def _coverage(clips) -> np.ndarray:
    arr = np.empty(len(clips), dtype=object)
    arr[:] = [c.geometry for c in clips]
    return arr


def test_children_sticking_out_are_cut_and_the_move_measured():
    # two halves that share x=109.1, both 0.002° too far north; the east one also 0.002° too far east
    west, east = box(109.0, 35.0, 109.1, 35.102), box(109.1, 35.0, 109.202, 35.102)
    clips = geo.clip_to_parent([("w", west), ("e", east)], PARENT)
    assert [c.code for c in clips] == ["w", "e"]
    for c, before in zip(clips, (west, east), strict=True):
        assert PARENT.covers(c.geometry)
        assert c.removed_m2 == pytest.approx(geo.area_m2(before.difference(PARENT)), rel=1e-6)
        assert c.moved_m2 == pytest.approx(c.removed_m2, rel=1e-3)
        assert c.ratio == pytest.approx(c.moved_m2 / geo.area_m2(before))
        assert PARENT.buffer(0.003).contains(shapely.Point(c.location)) and not PARENT.contains(
            shapely.Point(c.location))
    assert clips[0].ratio == pytest.approx(0.002 / 0.102, rel=1e-2)
    assert clips[1].ratio > clips[0].ratio
    assert shapely.coverage_is_valid(_coverage(clips))
    assert geo.coverage(PARENT, [c.geometry for c in clips]) == pytest.approx(1.0)


def test_siblings_that_overlap_a_little_are_snapped_apart():
    # the published edge between them disagrees by 0.00002° (about 2 m): an overlap of both
    west, east = box(109.0, 35.0, 109.10002, 35.1), box(109.09998, 35.0, 109.2, 35.1)
    assert geo.check_overlaps([("w", west), ("e", east)])["w"]
    clips = geo.clip_to_parent([("w", west), ("e", east)], PARENT)
    assert shapely.coverage_is_valid(_coverage(clips))
    assert not geo.check_overlaps([(c.code, c.geometry) for c in clips])["w"]
    # the overlap goes to one side: that side keeps its shape, the other gives up the strip
    assert all(c.removed_m2 == 0 and c.ratio < 1e-3 for c in clips) and max(c.moved_m2 for c in clips) > 1e4


def test_a_sliver_between_siblings_is_closed_and_a_real_gap_kept():
    sliver = [("w", box(109.0, 35.0, 109.099995, 35.1)), ("e", box(109.1, 35.0, 109.2, 35.1))]  # ~0.5 m
    clips = geo.clip_to_parent(sliver, PARENT)
    assert shapely.union_all(_coverage(clips)).area == pytest.approx(PARENT.area, rel=1e-9)
    gap = [("w", box(109.0, 35.0, 109.09, 35.1)), ("e", box(109.1, 35.0, 109.2, 35.1))]  # ~900 m
    clips = geo.clip_to_parent(gap, PARENT)
    assert geo.coverage(PARENT, [c.geometry for c in clips]) == pytest.approx(0.95, abs=1e-3)


def test_beyond_the_tolerance_is_refused_with_the_amount_and_where():
    out = box(109.15, 35.05, 109.25, 35.1)  # half of it outside
    (clip,) = geo.clip_to_parent([("x", out)], PARENT)
    assert clip.ratio == pytest.approx(0.5, rel=1e-3)
    problem = geo.clip_refusal(clip, "610200", 0.02)
    assert problem is not None and problem.rule == "clip_beyond_tolerance"
    assert "50.00%" in problem.message_en and "2%" in problem.message_en and "--tolerance" in problem.message_en
    assert problem.details["parent"] == "610200" and problem.details["tolerance"] == 0.02
    assert problem.location[0] > 109.2
    assert geo.clip_refusal(clip, "610200", 0.6) is None
    (gone,) = geo.clip_to_parent([("y", box(110.0, 35.0, 110.1, 35.1))], PARENT)
    assert gone.geometry.is_empty and gone.ratio == pytest.approx(1.0)
    assert geo.clip_refusal(gone, "610200", 1.0) is not None  # nothing left is never a clip


def test_hint_quotes_what_would_be_cut_and_the_tolerance():
    zh, en = geo.clip_hint({"outside_m2": 852983.5, "outside_ratio": 0.0055})
    assert "--clip-to-parent" in zh and "852,983.5 m² (0.55%)" in zh and "2%" in zh
    assert "within the tolerance of 2%" in en
    _, en = geo.clip_hint({"outside_m2": 10.0, "outside_ratio": 0.05}, 0.01)
    assert "beyond the tolerance of 1%" in en
    assert geo.clip_hint({}) == ("", "")


@pytest.mark.parametrize("percent", [0, -1, 100.5, float("nan")])
def test_tolerance_is_a_percentage(percent):
    with pytest.raises(BadRequest) as e:
        geo.ClipRule.from_percent(True, percent)
    assert e.value.code == "bad_parameter"
    assert geo.ClipRule.from_percent(True, 2.5).tolerance == 0.025
