"""Boundary edits as pure geometry (gridsvc.domain.geometry.edits): split along a line, merge
neighbours, carry a redrawn shared edge to the neighbours; each keeps a tiling a tiling."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import LineString, Polygon, box

from gridsvc.domain.errors import ValidationError
from gridsvc.domain.geometry import edits, round_coords
from gridsvc.domain.levels import next_free_code

L, R = box(109.0, 35.0, 109.01, 35.01), box(109.01, 35.0, 109.02, 35.01)  # two grids sharing x=109.01


def _tiles(parts, whole) -> None:
    """No overlap between the parts, and together exactly the whole."""
    for i, a in enumerate(parts):
        for b in parts[i + 1:]:
            assert shapely.intersection(a, b).area < 1e-15  # floating noise of collinear points
    assert shapely.union_all(parts).symmetric_difference(whole).area < 1e-15


def test_split_halves_tile_the_area_and_the_larger_comes_first():
    a, b = edits.split_by_line(L, LineString([(109.004, 34.99), (109.004, 35.02)]))
    assert a.area > b.area
    _tiles([a, b], L)


def test_split_of_a_concave_area_along_a_bent_line():
    u = Polygon([(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3)])
    u = shapely.affinity.translate(shapely.affinity.scale(u, 0.001, 0.001, origin=(0, 0)), 109, 35)
    a, b = edits.split_by_line(u, LineString([(108.9995, 35.0005), (109.0015, 35.0004), (109.0035, 35.0005)]))
    _tiles([a, b], u)


@pytest.mark.parametrize("line, pieces", [
    ([(109.002, 35.002), (109.004, 35.004)], None),           # inside: cuts nothing
    ([(108.9, 35.1), (108.95, 35.2)], None),                    # far away
    ([(109.002, 34.99), (109.002, 35.02), (109.006, 35.02), (109.006, 34.99)], 3),  # a zigzag: three pieces
])
def test_a_line_that_does_not_cut_in_two_is_refused_with_the_place(line, pieces):
    with pytest.raises(ValidationError) as e:
        edits.split_by_line(L, LineString(line))
    assert e.value.code == "bad_split_line"
    drawn = e.value.details["shapes"]["features"]
    assert len(drawn) == (pieces or 1)


def test_divide_keeps_the_total():
    assert edits.divide(200, 0.7) == (140, 60)
    assert edits.divide(7, 0.5) == (4, 3) or edits.divide(7, 0.5) == (3, 4)
    assert edits.divide(None, 0.5) == (None, None)


def test_merge_of_neighbours_is_their_union_without_the_shared_edge():
    m = edits.merge_geometries([("l", L), ("r", R)])
    assert m.equals(box(109.0, 35.0, 109.02, 35.01))


def test_merge_fills_the_hair_gap_of_boundaries_digitised_apart():
    r = box(109.0100004, 35.0, 109.02, 35.01)  # 4 cm off the shared edge
    m = edits.merge_geometries([("l", L), ("r", r)])
    assert m.geom_type == "Polygon" and not list(m.interiors)


def test_merge_refuses_areas_that_only_touch_at_a_corner_or_not_at_all():
    corner = box(109.01, 35.01, 109.02, 35.02)
    with pytest.raises(ValidationError) as e:
        edits.merge_geometries([("l", L), ("c", corner)])
    assert e.value.code == "not_neighbours" and e.value.details["apart"] == ["c"]
    with pytest.raises(ValidationError):
        edits.merge_geometries([("l", L)])


def test_moving_a_shared_corner_moves_it_in_the_neighbour():
    new = Polygon([(109.0, 35.0), (109.012, 35.0), (109.01, 35.01), (109.0, 35.01)])
    out = edits.carry_shared_edits(L, new, [("r", R)])
    _tiles([new, out["r"]], box(109.0, 35.0, 109.02, 35.01))


def test_a_vertex_added_on_a_shared_edge_is_added_to_the_neighbour():
    new = Polygon([(109.0, 35.0), (109.01, 35.0), (109.013, 35.005), (109.01, 35.01), (109.0, 35.01)])
    out = edits.carry_shared_edits(L, new, [("r", R)])
    _tiles([new, out["r"]], box(109.0, 35.0, 109.02, 35.01))


def test_a_stretch_of_shared_edge_redrawn_is_redrawn_in_the_neighbour():
    r = Polygon([(109.01, 35.0), (109.02, 35.0), (109.02, 35.01), (109.01, 35.01), (109.01, 35.005)])
    l_ = Polygon([(109.0, 35.0), (109.01, 35.0), (109.01, 35.005), (109.01, 35.01), (109.0, 35.01)])
    # the middle vertex removed and two others put in its place
    new = Polygon([(109.0, 35.0), (109.01, 35.0), (109.012, 35.003), (109.008, 35.007), (109.01, 35.01),
                   (109.0, 35.01)])
    out = edits.carry_shared_edits(l_, new, [("r", r)])
    _tiles([new, out["r"]], box(109.0, 35.0, 109.02, 35.01))


def test_a_grid_among_four_moves_the_corner_they_share_in_all():
    grids = {f"g{i}{j}": box(109 + i * 0.01, 35 + j * 0.01, 109.01 + i * 0.01, 35.01 + j * 0.01)
             for i in range(2) for j in range(2)}
    old = grids.pop("g00")
    new = Polygon([(109.0, 35.0), (109.01, 35.0), (109.013, 35.012), (109.0, 35.01)])
    out = edits.carry_shared_edits(old, new, list(grids.items()))
    assert set(out) == {"g10", "g01", "g11"}
    _tiles([new, *out.values()], box(109.0, 35.0, 109.02, 35.02))


def test_unshared_edits_and_far_areas_leave_neighbours_alone():
    far = box(110, 36, 110.01, 36.01)
    new = Polygon([(109.0, 35.0), (109.01, 35.0), (109.01, 35.01), (108.995, 35.012)])
    assert edits.carry_shared_edits(L, new, [("r", R), ("far", far)]) == {}


def test_cut_ends_rounded_become_the_neighbours_vertices():
    # the cut crosses a slanted shared edge between the 6-decimal grid: rounded, its end leaves
    # the edge by a hair, and the neighbour takes the same vertex so no sliver opens
    grid = Polygon([(109.0, 35.0), (109.01, 35.0), (109.012, 35.01), (109.0, 35.01)])
    r = Polygon([(109.01, 35.0), (109.02, 35.0), (109.02, 35.01), (109.012, 35.01)])
    a, b = (round_coords(g) for g in edits.split_by_line(grid, LineString([(108.99, 35.0031234),
                                                                          (109.03, 35.0071234)])))
    cut_end = [p for p in edits.vertices(a) if 109.0105 < p[0] < 109.0115]
    assert cut_end and shapely.Point(cut_end[0]).distance(LineString([(109.01, 35.0), (109.012, 35.01)])) > 0
    outline = edits.with_vertices(grid, edits.vertices(a) + edits.vertices(b), 1e-5)
    out = edits.carry_shared_edits(grid, outline, [("r", r)])
    assert cut_end[0] in edits.vertices(out["r"])
    _tiles([a, b, out["r"]], shapely.union(grid, r))


def test_problem_shape_is_the_overlap_or_the_part_outside():
    grid = box(109.0, 35.0, 109.015, 35.01)
    overlap = edits.problem_shape({"rule": "overlaps_sibling", "details": {"sibling": "r"}, "location": None},
                                  grid, siblings={"r": R})
    assert overlap.equals(box(109.01, 35.0, 109.015, 35.01))
    outside = edits.problem_shape({"rule": "outside_parent", "details": {}, "location": None}, grid,
                                  parent=box(109.0, 35.0, 109.012, 35.01))
    assert outside.equals(box(109.012, 35.0, 109.015, 35.01))
    point = edits.problem_shape({"rule": "invalid", "details": {}, "location": [109.005, 35.005]}, grid)
    assert point.geom_type == "Point"


def test_next_free_code_numbers_after_the_last_and_keeps_the_kind():
    assert next_free_code("610202001001", "community", "grid", {"610202001001001", "610202001001002"}) \
        == "610202001001003"
    assert next_free_code("610202001000", "street", "community", {"610202001201"}, like="610202001201") \
        == "610202001202"
    assert next_free_code("610202001000", "street", "community", {"610202001201"}, like="610202001001") \
        == "610202001001"
    full = {f"610202001001{n:03d}" for n in range(1, 1000)}
    assert next_free_code("610202001001", "community", "grid", full) is None


def test_a_neighbours_vertex_on_a_moved_edge_keeps_its_place_along_it():
    r = Polygon([(109.01, 35.0), (109.02, 35.0), (109.02, 35.01), (109.01, 35.01), (109.01, 35.005)])
    new = Polygon([(109.0, 35.0), (109.01, 35.0), (109.014, 35.01), (109.0, 35.01)])
    out = edits.carry_shared_edits(L, new, [("r", r)])
    assert (109.012, 35.005) in edits.vertices(out["r"])
    _tiles([new, out["r"]], box(109.0, 35.0, 109.02, 35.01))
    # 3 m beside the edge is not on it: that vertex stays (and the two would overlap)
    apart = Polygon([(109.01, 35.0), (109.02, 35.0), (109.02, 35.01), (109.01, 35.01), (109.01003, 35.005)])
    assert (109.01003, 35.005) in edits.vertices(edits.carry_shared_edits(L, new, [("r", apart)])["r"])
