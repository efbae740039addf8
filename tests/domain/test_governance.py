"""Pure rules of governance (issue 12): the rating's edges, the settings, sizing edges and
neighbours by shared boundary (not by name), the seed-000 table parser."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from gridsvc.domain.governance.report_table import parse_table
from gridsvc.domain.governance.reports import rate
from gridsvc.domain.governance.sizing import Community, community_flags, neighbours
from gridsvc.domain.governance.targets import Targets
from gridsvc.domain.sizing import COMMUNITY_BAND

T = Targets()


@pytest.mark.parametrize("count,rating", [(0, "差"), (9, "差"), (10, "良"), (19, "良"), (20, "优"), (85, "优")])
def test_rating_edges(count, rating):
    assert rate(count, T) == rating


def test_rating_thresholds_are_a_setting():
    t = Targets.from_env({"GRIDSVC_GOV_REPORT_RATING": "12,24"})
    assert [rate(n, t) for n in (11, 12, 23, 24)] == ["差", "良", "良", "优"]
    with pytest.raises(ValueError, match="GRIDSVC_GOV_REPORT_RATING"):
        Targets.from_env({"GRIDSVC_GOV_REPORT_RATING": "20,10"})


@pytest.mark.parametrize("households,verdict", [(999, "merge"), (1000, "ok"), (3000, "ok"), (4000, "large"),
                                                (4001, "split")])
def test_community_size_edges(households, verdict):
    flags = community_flags([Community("610202001001", "甲社区", "610202001000", households, box(0, 0, 1, 1))],
                            COMMUNITY_BAND)
    assert flags[0]["verdict"] == verdict


def test_neighbours_share_a_boundary_in_the_same_street():
    street, other = "610202001000", "610202002000"
    cs = [
        Community("610202001001", "川口社区", street, 900, box(0, 0, 1, 1)),
        Community("610202001002", "东邻社区", street, 2000, box(1, 0, 2, 1)),  # shares the edge x=1
        Community("610202001003", "角邻社区", street, 2000, box(1, 1, 2, 2)),  # touches at one corner only
        Community("610202001004", "川口社区", street, 2000, box(5, 5, 6, 6)),  # same name, far away
        Community("610202002001", "北邻社区", other, 2000, box(0, 1, 1, 2)),  # shares an edge, other street
    ]
    assert neighbours(cs)["610202001001"] == ["610202001002"]
    flags = {f["code"]: f for f in community_flags(cs, COMMUNITY_BAND)}
    assert flags["610202001001"]["neighbours"] == [{"code": "610202001002", "name": "东邻社区"}]
    assert flags["610202001002"]["neighbours"] == []  # no merge due, none offered


def test_table_parser_names_bad_rows():
    cells = [["title"], ["辖区名称", "社区名称", "上报信息数(篇)", "推送到微信平台信息数(篇)", "评级"],
             ["耀州区(2)", "社区办", 4, 3, None], [None, "邻德社区", 24, 14, "优"], [None, "解放社区", "x", 1, None]]
    parsed = parse_table(cells)
    assert [(r.name, r.is_office) for r in parsed.rows] == [("社区办", True), ("邻德社区", False)]
    assert [(p.row, p.column) for p in parsed.problems] == [(5, "上报信息数(篇)")]


def test_grid_sizes_from_the_sums_the_database_groups():
    """The dashboard gets each community's grid sizes as sums (store/governance/indicators.grid_sizes);
    the spread from them is the population spread of the counts, at the band's edges."""
    import statistics

    from gridsvc.domain.governance.sizing import GridSums, grid_spread, spread
    from gridsvc.domain.sizing import SizeBand

    households = [160, 255, 256, 159, None, 201]
    counts = [h for h in households if h is not None]
    assert grid_spread(households, SizeBand(160, 255)) == {
        "grids": 5, "min": 159, "max": 256, "mean": round(statistics.fmean(counts), 1),
        "stdev": round(statistics.pstdev(counts), 1), "below": 1, "above": 1}
    assert spread(GridSums()) == {"grids": 0, "min": None, "max": None, "mean": None, "stdev": None,
                                  "below": 0, "above": 0}
