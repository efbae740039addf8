"""Geometry rules on hand-made shapes around Beijing and on real DataV boundaries."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box, shape

from gridsvc.domain import geometry as G
from gridsvc.domain.errors import ValidationError
from gridsvc.domain.geometry.checks import _STRTREE_MIN
from gridsvc.domain.geometry.measure import _m_per_deg_lat
from tests.kit.boundaries import boundary_file

# ~85 m east-west x 111 m north-south at 39.9°N
LON, LAT = 116.40, 39.90
D = 0.001


def cell(i: int = 0, j: int = 0, size: float = D) -> Polygon:
    return box(LON + i * size, LAT + j * size, LON + (i + 1) * size, LAT + (j + 1) * size)


def rules(problems) -> list[str]:
    return [p.rule for p in problems]


def load(name: str) -> dict[str, object]:
    data = json.loads(boundary_file(name).read_text(encoding="utf-8-sig"))
    return {str(f["properties"]["adcode"]): shape(f["geometry"]) for f in data["features"]}


# --------------------------------------------------------------------------- check_shape


def test_valid_grid_has_no_problems():
    assert G.check_shape(cell(), "grid") == []
    assert G.check_shape(MultiPolygon([cell(0), cell(2)]), "community") == []


def test_empty_geometry():
    for geom in (None, Polygon(), MultiPolygon(), shapely.from_wkt("GEOMETRYCOLLECTION EMPTY")):
        assert rules(G.check_shape(geom, "grid")) == ["empty"]


def test_wrong_type():
    (p,) = G.check_shape(LineString([(LON, LAT), (LON + D, LAT)]), "grid")
    assert p.rule == "type" and "LineString" in p.message_en and "网格" in p.message_zh
    assert rules(G.check_shape(Point(LON, LAT), "grid")) == ["type"]
    assert rules(G.check_shape({"type": "Polygon"}, "grid")) == ["type"]
    assert rules(G.check_shape(shapely.GeometryCollection([cell()]), "grid")) == ["type"]


def test_building_may_be_a_point():
    assert G.check_shape(Point(LON, LAT), "building") == []
    assert G.check_shape(cell(size=0.0001), "building") == []


def test_unknown_level_raises():
    with pytest.raises(ValidationError) as e:
        G.check_shape(cell(), "province")
    assert e.value.code == "unknown_level"


def test_nan_coordinates():
    with np.errstate(invalid="ignore"):  # shapely warns while building it
        geom = shapely.from_wkt(f"POLYGON(({LON} {LAT}, NaN {LAT}, {LON + D} {LAT + D}, {LON} {LAT}))")
    (p,) = G.check_shape(geom, "grid")
    assert p.rule == "not_finite" and p.details == {"count": 1}


def test_swapped_lonlat():
    geom = Polygon([(39.90, 116.40), (39.90, 116.41), (39.91, 116.41), (39.91, 116.40)])
    (p,) = G.check_shape(geom, "grid")
    assert p.rule == "swapped_lonlat"
    assert "经纬度可能写反了" in p.message_zh and "swapped" in p.message_en
    assert p.location == (39.90, 116.40)


def test_out_of_china():
    paris = box(2.35, 48.85, 2.36, 48.86)  # swapping does not help either
    (p,) = G.check_shape(paris, "grid")
    assert p.rule == "out_of_china" and p.details["count"] == 4
    metres = box(450_000, 4_400_000, 450_500, 4_400_500)  # projected coordinates by mistake
    assert rules(G.check_shape(metres, "grid")) == ["out_of_china"]
    straddling = box(135.99, 40.0, 136.01, 40.01)
    (p,) = G.check_shape(straddling, "grid")
    assert p.rule == "out_of_china" and p.details["count"] == 2 and p.location[0] == 136.01


def test_bowtie_is_invalid_with_location():
    bowtie = Polygon([(LON, LAT), (LON + D, LAT + D), (LON + D, LAT), (LON, LAT + D)])
    (p,) = G.check_shape(bowtie, "grid")
    assert p.rule == "invalid"
    assert p.location == pytest.approx((LON + D / 2, LAT + D / 2))
    assert "自相交" in p.message_zh and "Self-intersection" in p.message_en
    assert p.details["reason"].startswith("Self-intersection[")


def test_hole_outside_shell_is_invalid():
    geom = Polygon(cell().exterior.coords, [list(cell(3).exterior.coords)])
    (p,) = G.check_shape(geom, "grid")
    assert p.rule == "invalid" and "Hole lies outside shell" in p.message_en and "洞" in p.message_zh


def test_too_small():
    tiny = box(LON, LAT, LON + 5e-6, LAT + 5e-6)  # ~0.24 m²
    (p,) = G.check_shape(tiny, "grid")
    assert p.rule == "too_small" and p.details["area_m2"] < 1
    assert G.check_shape(tiny, "grid", min_area_m2=0.1) == []
    assert rules(G.check_shape(cell(size=0.0002), "community")) == ["too_small"]  # ~380 m²


def test_problem_to_dict():
    (p,) = G.check_shape(Polygon([(LON, LAT), (LON + D, LAT + D), (LON + D, LAT), (LON, LAT + D)]), "grid")
    d = p.to_dict()
    assert set(d) == {"rule", "message", "location", "details"}
    assert d["message"] == p.message_zh  # one language: Chinese unless the context asks for English
    assert d["location"] == [pytest.approx(LON + D / 2), pytest.approx(LAT + D / 2)]
    json.dumps(d)


# --------------------------------------------------------------------------- within parent


def test_within_parent():
    parent = box(LON, LAT, LON + 10 * D, LAT + 10 * D)
    assert G.check_within_parent(cell(2, 2), parent) is None
    assert G.check_within_parent(box(LON, LAT, LON + 10 * D, LAT + 10 * D), parent) is None


def test_within_parent_tolerance_is_metres_both_ways():
    parent = box(LON, LAT, LON + 10 * D, LAT + 10 * D)
    east = G.meters_to_degrees(15, LAT)  # 15 m past the east edge
    north = 15 / 111_000  # 15 m past the north edge
    sticks_east = box(LON + 9 * D, LAT, LON + 10 * D + east, LAT + D)
    sticks_north = box(LON, LAT + 9 * D, LON + D, LAT + 10 * D + north)
    for child in (sticks_east, sticks_north):
        assert G.check_within_parent(child, parent, tolerance_m=20) is None
        p = G.check_within_parent(child, parent, parent_code="110101001001", tolerance_m=10)
        assert p is not None and p.rule == "outside_parent"
        assert p.details["parent"] == "110101001001"
        assert 0.1 < p.details["outside_ratio"] < 0.2
        assert "110101001001" in p.message_zh and "10 m" in p.message_en


def test_outside_parent_beyond_tolerance_has_location():
    parent = box(LON, LAT, LON + 10 * D, LAT + 10 * D)
    child = box(LON + 8 * D, LAT, LON + 12 * D, LAT + 2 * D)  # half of it ~170 m out east
    p = G.check_within_parent(child, parent, parent_code="P")
    assert p.rule == "outside_parent"
    assert p.details["outside_ratio"] == pytest.approx(0.5, rel=1e-6)
    assert p.details["outside_m2"] == pytest.approx(G.area_m2(child) / 2, rel=1e-3)
    lon, lat = p.location
    assert LON + 10 * D < lon < LON + 12 * D and LAT < lat < LAT + 2 * D


def test_outside_noise_is_ignored():
    parent = box(LON, LAT, LON + 10 * D, LAT + 10 * D)
    crumb = box(LON + 20 * D, LAT, LON + 20 * D + 1e-5, LAT + 1e-5)  # ~1 m², far away: 0.01%
    child = MultiPolygon([box(LON, LAT, LON + 10 * D, LAT + 10 * D), crumb])
    assert G.check_within_parent(child, parent, tolerance_m=0) is None


def test_building_point_outside_parent():
    parent = box(LON, LAT, LON + 10 * D, LAT + 10 * D)
    assert G.check_within_parent(Point(LON + D, LAT + D), parent) is None
    assert G.check_within_parent(Point(LON - G.meters_to_degrees(5, LAT), LAT + D), parent) is None
    p = G.check_within_parent(Point(LON - 5 * D, LAT + D), parent)
    assert p.rule == "outside_parent" and p.location == pytest.approx((LON - 5 * D, LAT + D))


def test_invalid_parent_does_not_crash():
    bowtie_parent = Polygon([(LON, LAT), (LON + 10 * D, LAT + 10 * D), (LON + 10 * D, LAT), (LON, LAT + 10 * D)])
    # the bowtie covers a west and an east triangle; the north wedge between them is outside
    assert G.check_within_parent(box(LON, LAT + 2 * D, LON + D, LAT + 8 * D), bowtie_parent) is None
    p = G.check_within_parent(box(LON + 4 * D, LAT + 8 * D, LON + 6 * D, LAT + 9 * D), bowtie_parent)
    assert p is not None and p.rule == "outside_parent"


# --------------------------------------------------------------------------- siblings


def test_sibling_overlap():
    a = cell(0)
    b = box(LON + D * 0.9, LAT, LON + D * 1.9, LAT + D)  # overlaps a by a tenth
    (p,) = G.check_siblings(a, [("B", b)], own_code="A")
    assert p.rule == "overlaps_sibling" and p.details["sibling"] == "B"
    assert p.details["overlap_m2"] == pytest.approx(G.area_m2(a) / 10, rel=1e-3)
    assert LON + 0.9 * D < p.location[0] < LON + D
    assert "B" in p.message_zh and "重叠" in p.message_zh


def test_shared_edge_is_not_an_overlap():
    siblings = [(f"g{i}{j}", cell(i, j)) for i in range(3) for j in range(3)]
    assert G.check_siblings(cell(1, 1), siblings, own_code="g11") == []


def test_rounding_sliver_is_not_an_overlap():
    # two 500 m cells whose shared edge differs by 1e-7° (~1 cm), as 6/7-decimal rounding leaves
    a = box(LON, LAT, LON + 0.006, LAT + 0.0045)
    b = box(LON + 0.006 - 1e-7, LAT, LON + 0.012, LAT + 0.0045)
    overlap = G.area_m2(a.intersection(b))
    assert 1.0 < overlap < 1e-4 * G.area_m2(a)  # above the m² floor, below the ratio
    assert G.check_siblings(a, [("b", b)]) == []
    # the same 1 cm along a 10 km edge of equally large cells is over 0.01% of them: reported
    long_a = box(LON, LAT, LON + 0.0003, LAT + 0.09)
    long_b = box(LON + 0.0003 - 1e-7, LAT, LON + 0.0006, LAT + 0.09)
    assert rules(G.check_siblings(long_a, [("b", long_b)])) == ["overlaps_sibling"]


def test_own_code_is_skipped_and_contained_sibling_found():
    a = cell(0, size=10 * D)
    inner = cell(2, 2)
    assert G.check_siblings(a, [("A", a)], own_code="A") == []
    (p,) = G.check_siblings(a, [("A", a), ("inner", inner), ("far", cell(50, 50))], own_code="A")
    assert p.details["sibling"] == "inner" and p.details["overlap_ratio"] == pytest.approx(1.0)


def test_many_siblings_use_the_tree():
    n = 40
    siblings = [(f"{i}-{j}", cell(i, j)) for i in range(n) for j in range(n)]
    assert len(siblings) >= _STRTREE_MIN
    geom = box(LON + 10.5 * D, LAT + 10.5 * D, LON + 11.5 * D, LAT + 11.5 * D)  # straddles four cells
    found = G.check_siblings(geom, siblings)
    assert sorted(p.details["sibling"] for p in found) == ["10-10", "10-11", "11-10", "11-11"]
    assert all(p.details["overlap_ratio"] == pytest.approx(0.25, rel=1e-3) for p in found)


def test_check_overlaps_reports_both_sides():
    items = [(f"g{i}", cell(i)) for i in range(5)] + [("x", box(LON + 1.5 * D, LAT, LON + 2.5 * D, LAT + D))]
    out = G.check_overlaps(items)
    assert sorted(p.details["sibling"] for p in out["x"]) == ["g1", "g2"]
    assert [p.details["sibling"] for p in out["g1"]] == ["x"]
    assert out["g0"] == [] and out["g4"] == []
    for code, geom in items:
        assert sorted(p.details["sibling"] for p in G.check_siblings(geom, items, own_code=code)) == sorted(
            p.details["sibling"] for p in out[code]
        )


# --------------------------------------------------------------------------- repair


def test_repair_bowtie_reports_what_changed():
    bowtie = Polygon([(LON, LAT), (LON + D, LAT + D), (LON + D, LAT), (LON, LAT + D)])
    fixed, report = G.repair(bowtie)
    assert fixed.is_valid and fixed.geom_type == "MultiPolygon" and len(fixed.geoms) == 2
    assert G.area_m2(fixed) == pytest.approx(G.area_m2(cell()) / 2, rel=1e-6)
    assert "自相交" in report and "Self-intersection" in report
    assert "1 → 2" in report and "1 -> 2" in report
    assert f"{G.area_m2(fixed):,.1f} m²" in report


def test_repair_drops_collapsed_spike():
    spike = Polygon([(LON, LAT), (LON + D, LAT), (LON + D, LAT + D), (LON + D / 2, LAT + D), (LON + D / 2, LAT + 2 * D),
                     (LON + D / 2, LAT + D), (LON, LAT + D)])
    assert not spike.is_valid
    fixed, report = G.repair(spike)
    assert fixed.is_valid and fixed.geom_type == "Polygon"
    assert fixed.equals(cell())
    assert "dropped 1 line/point part" in report and "丢弃 1 个线/点部分" in report


def test_repair_leaves_valid_geometry_alone():
    g = cell()
    fixed, report = G.repair(g)
    assert fixed is g and report is None


# --------------------------------------------------------------------------- area


def test_area_of_one_degree_cell_at_equator():
    assert G.area_m2(box(0, 0, 1, 1)) / 1e6 == pytest.approx(12_308, rel=1e-3)
    # the same cell in the other hemisphere and clockwise
    assert G.area_m2(Polygon([(0, 0), (0, -1), (1, -1), (1, 0)])) == pytest.approx(G.area_m2(box(0, 0, 1, 1)))


def test_area_of_a_cell_matches_the_ellipsoid_formula():
    # zone area between two latitudes on WGS-84, written out independently
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    e = math.sqrt(e2)

    def zone(phi):
        s = math.sin(math.radians(phi))
        return a * a * (1 - e2) / 2 * (s / (1 - e2 * s * s) + math.log((1 + e * s) / (1 - e * s)) / (2 * e))

    expected = math.radians(0.01) * (zone(40.01) - zone(40.0))
    assert G.area_m2(box(116.0, 40.0, 116.01, 40.01)) == pytest.approx(expected, rel=1e-9)


def test_area_holes_multipolygons_points_and_lines():
    outer = cell(0, size=3 * D)
    with_hole = Polygon(outer.exterior.coords, [list(cell(1, 1).exterior.coords)])
    assert G.area_m2(with_hole) == pytest.approx(G.area_m2(outer) - G.area_m2(cell(1, 1)), rel=1e-9)
    assert G.area_m2(MultiPolygon([cell(0), cell(5)])) == pytest.approx(G.area_m2(cell(0)) + G.area_m2(cell(5)))
    assert G.area_m2(Point(LON, LAT)) == 0 and G.area_m2(LineString([(LON, LAT), (LON + D, LAT)])) == 0
    assert G.area_m2(None) == 0 and G.area_m2(Polygon()) == 0
    mixed = shapely.GeometryCollection([cell(0), Point(LON, LAT), MultiPolygon([cell(4)])])
    assert G.area_m2(mixed) == pytest.approx(2 * G.area_m2(cell(0)), rel=1e-6)
    arr = G.areas_m2([cell(0), None, Point(0, 0), MultiPolygon([cell(0), cell(2)])])
    assert arr.tolist() == pytest.approx([G.area_m2(cell(0)), 0, 0, 2 * G.area_m2(cell(0))], rel=1e-6)


def test_area_of_small_building_is_precise():
    # 10 m x 10 m
    g = box(LON, LAT, LON + G.meters_to_degrees(10, LAT), LAT + 10 / _m_per_deg_lat(LAT))
    assert G.area_m2(g) == pytest.approx(100, rel=1e-3)


# --------------------------------------------------------------------------- coverage, rounding, simplify


def test_coverage():
    parent = box(LON, LAT, LON + 10 * D, LAT + 10 * D)
    west = box(LON, LAT, LON + 5 * D, LAT + 10 * D)
    assert G.coverage(parent, [west]) == pytest.approx(0.5, abs=1e-9)
    # overlapping children are not counted twice; what sticks out is clipped
    overlapping = [west, west, box(LON - 5 * D, LAT, LON + D, LAT + 10 * D)]
    assert G.coverage(parent, overlapping) == pytest.approx(0.5, abs=1e-9)
    assert G.coverage(parent, [box(LON - D, LAT - D, LON + 11 * D, LAT + 11 * D)]) == 1.0
    assert G.coverage(parent, []) == 0.0
    assert G.coverage(parent, [cell(50, 50)]) == 0.0


def test_round_coords():
    g = box(116.123456789, 39.987654321, 116.2, 40.0)
    r = G.round_coords(g)
    assert set(shapely.get_coordinates(r).ravel().tolist()) == {116.123457, 39.987654, 116.2, 40.0}
    assert G.round_coords(Point(1.23456789, 2.0), 3).equals(Point(1.235, 2.0))


def test_round_coords_repairs_what_rounding_breaks():
    # two cells joined by a neck 2e-7° wide: rounding to 6 decimals folds the neck flat
    y = LAT + D / 2
    g = Polygon([
        (LON, LAT), (LON + D, LAT), (LON + D, y - 1e-7), (LON + 2 * D, y - 1e-7), (LON + 2 * D, LAT),
        (LON + 3 * D, LAT),
        (LON + 3 * D, LAT + D), (LON + 2 * D, LAT + D), (LON + 2 * D, y + 1e-7), (LON + D, y + 1e-7),
        (LON + D, LAT + D), (LON, LAT + D),
    ])
    assert g.is_valid
    plain = shapely.transform(g, lambda c: np.round(c, 6))
    assert not plain.is_valid
    r = G.round_coords(g)
    assert r.is_valid and r.geom_type in ("Polygon", "MultiPolygon")
    assert G.area_m2(r) == pytest.approx(2 * G.area_m2(cell()), rel=1e-3)
    assert np.all(np.round(shapely.get_coordinates(r), 6) == shapely.get_coordinates(r))


def test_round_coords_leaves_invalid_input_invalid():
    bowtie = Polygon([(LON, LAT), (LON + D, LAT + D), (LON + D, LAT), (LON, LAT + D)])
    assert not G.round_coords(bowtie).is_valid


def test_meters_to_degrees():
    assert G.meters_to_degrees(111_319.49, 0) == pytest.approx(1.0, rel=1e-4)
    assert G.meters_to_degrees(1000, 60) == pytest.approx(2 * G.meters_to_degrees(1000, 0), rel=5e-3)
    assert G.meters_to_degrees(20, LAT) == pytest.approx(20 / (111_319.49 * math.cos(math.radians(LAT))), rel=5e-3)


def test_simplify_for_zoom():
    circle = Point(LON, LAT).buffer(0.01, quad_segs=64)
    far = G.simplify_for_zoom(circle, 8)
    near = G.simplify_for_zoom(circle, 16)
    n = lambda g: len(shapely.get_coordinates(g))  # noqa: E731
    assert n(far) < n(near) <= n(circle)
    assert far.is_valid and not far.is_empty
    assert circle.symmetric_difference(near).area < 1e-3 * circle.area
    tiny = cell(size=1e-6)  # far below a pixel at zoom 0
    for zoom in (0, 5):
        g = G.simplify_for_zoom(tiny, zoom)
        assert g.geom_type == "Polygon" and not g.is_empty and g.is_valid
    assert G.simplify_for_zoom(Point(LON, LAT), 3).equals(Point(LON, LAT))


# --------------------------------------------------------------------------- real data


def test_beijing_districts():
    districts = load("110000.json")
    assert len(districts) == 16
    found = {code: G.check_shape(g, "district") for code, g in districts.items()}
    assert {code for code, ps in found.items() if ps} == {"110113"}  # 顺义区
    (p,) = found["110113"]
    assert p.rule == "invalid" and "Self-intersection" in p.message_en
    assert p.location == pytest.approx((116.610061, 40.031214))

    fixed, report = G.repair(districts["110113"])
    assert fixed.is_valid and G.check_shape(fixed, "district") == []
    before, after = G.area_m2(districts["110113"]), G.area_m2(fixed)
    assert after == pytest.approx(before, rel=1e-4) and "Self-intersection" in report
    districts["110113"] = fixed

    assert all(not ps for ps in G.check_overlaps(list(districts.items())).values())
    beijing = shapely.union_all(list(districts.values()))
    assert G.area_m2(beijing) / 1e6 == pytest.approx(16_410.54, rel=5e-3)  # official area
    assert G.area_m2(districts["110101"]) / 1e6 == pytest.approx(41.84, rel=1e-2)  # 东城区
    for code, g in districts.items():
        assert G.check_within_parent(g, beijing, parent_code="110000") is None
        assert G.check_siblings(g, list(districts.items()), own_code=code) == []
        assert G.simplify_for_zoom(g, 10).is_valid
    assert G.coverage(beijing, list(districts.values())) == pytest.approx(1.0)


def test_tongchuan_districts():
    districts = load("610200.json")
    assert len(districts) == 4
    for code, g in districts.items():
        assert G.check_shape(g, "district") == [], code
    assert all(not ps for ps in G.check_overlaps(list(districts.items())).values())
    assert G.area_m2(shapely.union_all(list(districts.values()))) / 1e6 == pytest.approx(3_882, rel=1e-2)


def test_tongchuan_city_outline_against_its_districts():
    city = load("610000.json")["610200"]
    districts = load("610200.json")
    # two generalisations of one line: the districts cover the city outline to within 1%
    assert G.coverage(city, list(districts.values())) > 0.99
    # ... and stick out of it by up to ~1%: more than noise, so reported, each with a place
    for g in districts.values():
        p = G.check_within_parent(g, city, parent_code="610200")
        assert p is not None and p.details["outside_ratio"] < 0.01
        assert G.check_within_parent(g, city, parent_code="610200", tolerance_m=2_000) is None


def test_ten_thousand_voronoi_grids_pass_every_rule():
    # a partition: every cell valid, inside the union, no overlaps (timing lives in bench/)
    rng = np.random.default_rng(7)
    ext = box(116.0, 39.8, 116.5, 40.2)
    seeds = shapely.multipoints(rng.uniform([116.0, 39.8], [116.5, 40.2], size=(10_000, 2)))
    grids = shapely.intersection(shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=ext)), ext)
    codes = [f"g{i}" for i in range(len(grids))]
    community = shapely.union_all(grids)
    assert not any(G.check_shape(g, "grid") for g in grids)
    assert all(G.check_within_parent(g, community) is None for g in grids)
    assert not any(G.check_overlaps(list(zip(codes, grids, strict=True))).values())
