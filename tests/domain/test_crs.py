"""WGS-84 / GCJ-02 / BD-09 transforms (gridsvc.domain.crs)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, Polygon, shape

from gridsvc.domain import crs
from gridsvc.domain.crs import (
    CRS_NAMES,
    bd09_to_gcj02,
    bd09_to_wgs84,
    check_crs,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    out_of_china,
    transform_geometry,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from gridsvc.domain.errors import ValidationError
from tests.kit.boundaries import boundary_file

# The reference vectors of the widely used coordtransform / eviltransform implementations
# (wandergis/coordtransform README) for Tian'anmen, 116.404 39.915.
BJ = (116.404, 39.915)


def _china_points(n: int, seed: int = 20240601) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(73.5, 134.5, n), rng.uniform(18.5, 53.0, n)


def test_names_and_check_crs():
    assert CRS_NAMES == ("wgs84", "cgcs2000", "gcj02", "bd09")
    for name in CRS_NAMES:
        assert check_crs(name) == name
    assert check_crs(" WGS84 ") == "wgs84"
    assert check_crs("GCJ-02") == "gcj02"
    assert check_crs("BD-09") == "bd09"
    assert check_crs("EPSG:4326") == "wgs84"
    assert check_crs("EPSG:4490") == "cgcs2000"
    for bad in ("mercator", "", "epsg:3857", None):
        with pytest.raises(ValidationError) as ei:
            check_crs(bad)
        assert ei.value.code == "unknown_crs"
        assert ei.value.details["allowed"] == list(CRS_NAMES)


def test_wgs84_to_gcj02_reference():
    lon, lat = wgs84_to_gcj02(*BJ)
    assert isinstance(lon, float) and isinstance(lat, float)
    assert lon == pytest.approx(116.41024449916938, abs=1e-10)
    assert lat == pytest.approx(39.91640428150164, abs=1e-10)
    # the familiar size of the shift near Beijing: ~ +0.006 lon, ~ +0.0014 lat
    assert 0.005 < lon - BJ[0] < 0.007
    assert 0.001 < lat - BJ[1] < 0.002


def test_gcj02_bd09_reference():
    lon, lat = gcj02_to_bd09(*BJ)
    assert lon == pytest.approx(116.41036949371029, abs=1e-10)
    assert lat == pytest.approx(39.92133699351021, abs=1e-10)
    lon, lat = wgs84_to_bd09(*BJ)
    assert lon == pytest.approx(116.41662724378733, abs=1e-10)
    assert lat == pytest.approx(39.922699552216216, abs=1e-10)
    # the published one-step inverse; ours refines it by < ~1 m
    lon, lat = bd09_to_gcj02(*BJ)
    assert lon == pytest.approx(116.39762729119315, abs=1e-5)
    assert lat == pytest.approx(39.90865673957631, abs=1e-5)


def test_gcj02_to_wgs84_is_exact_inverse_not_one_step():
    lon, lat = gcj02_to_wgs84(*BJ)
    # near the one-step approximation (116.39775550083061, 39.91359571849836) ...
    assert lon == pytest.approx(116.39775550083061, abs=2e-5)
    assert lat == pytest.approx(39.91359571849836, abs=2e-5)
    # ... but its forward image is the input to < 1e-7 degrees (~1 cm); the one-step is not
    fx, fy = wgs84_to_gcj02(lon, lat)
    assert abs(fx - BJ[0]) < 1e-7 and abs(fy - BJ[1]) < 1e-7
    ox, oy = wgs84_to_gcj02(116.39775550083061, 39.91359571849836)
    assert max(abs(ox - BJ[0]), abs(oy - BJ[1])) > 1e-7


def test_round_trips_across_china():
    x, y = _china_points(1000)
    assert not out_of_china(x, y).any()
    gx, gy = wgs84_to_gcj02(x, y)
    # GCJ-02 shifts everywhere by tens to hundreds of metres
    shift = np.hypot(gx - x, gy - y)
    assert shift.min() > 1e-4 and shift.max() < 1e-2
    wx, wy = gcj02_to_wgs84(gx, gy)
    assert np.max(np.abs(wx - x)) < 1e-7 and np.max(np.abs(wy - y)) < 1e-7
    # and the other way: GCJ input back to GCJ
    wx, wy = gcj02_to_wgs84(x, y)
    gx, gy = wgs84_to_gcj02(wx, wy)
    assert np.max(np.abs(gx - x)) < 1e-7 and np.max(np.abs(gy - y)) < 1e-7
    # BD-09
    bx, by = gcj02_to_bd09(x, y)
    gx, gy = bd09_to_gcj02(bx, by)
    assert np.max(np.abs(gx - x)) < 1e-7 and np.max(np.abs(gy - y)) < 1e-7
    bx, by = wgs84_to_bd09(x, y)
    wx, wy = bd09_to_wgs84(bx, by)
    assert np.max(np.abs(wx - x)) < 1e-6 and np.max(np.abs(wy - y)) < 1e-6


def test_arrays_and_scalars_agree():
    x, y = _china_points(50, seed=7)
    for func in (wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02, wgs84_to_bd09, bd09_to_wgs84):
        ax, ay = func(x, y)
        assert isinstance(ax, np.ndarray) and ax.shape == x.shape
        for i in range(len(x)):
            sx, sy = func(float(x[i]), float(y[i]))
            assert isinstance(sx, float)
            assert sx == pytest.approx(ax[i], abs=1e-9) and sy == pytest.approx(ay[i], abs=1e-9)
        # 2-D arrays keep their shape; lists are accepted
        bx, by = func(x.reshape(5, 10), y.reshape(5, 10))
        assert bx.shape == (5, 10)
        np.testing.assert_allclose(bx.ravel(), ax, atol=1e-9)
        lx, _ = func(list(x[:3]), list(y[:3]))
        np.testing.assert_allclose(lx, ax[:3], atol=1e-9)


def test_outside_china_untouched():
    assert out_of_china(0.0, 0.0) is True
    assert out_of_china(116.404, 39.915) is False
    outside = [(-122.4194, 37.7749), (139.7671, 35.6812), (2.3522, 48.8566), (151.2, -33.87)]
    for lon, lat in outside:
        assert out_of_china(lon, lat)
        for func in (wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02, wgs84_to_bd09, bd09_to_wgs84):
            assert func(lon, lat) == (lon, lat)
    # mixed arrays: only the points inside move
    x = np.array([116.404, -122.4194, 108.95])
    y = np.array([39.915, 37.7749, 34.9])
    np.testing.assert_array_equal(out_of_china(x, y), [False, True, False])
    gx, gy = wgs84_to_gcj02(x, y)
    assert gx[1] == x[1] and gy[1] == y[1]
    assert gx[0] != x[0] and gx[2] != x[2]


def test_transform_geometry_basics():
    p = Point(116.404, 39.915)
    assert transform_geometry(p, "wgs84", "wgs84") is p
    assert transform_geometry(p, "cgcs2000", "wgs84") is p  # aliased: centimetres apart
    assert transform_geometry(p, "WGS84", "cgcs2000") is p
    q = transform_geometry(p, "wgs84", "gcj02")
    assert (q.x, q.y) == pytest.approx(wgs84_to_gcj02(p.x, p.y), abs=1e-12)
    b = transform_geometry(p, "cgcs2000", "bd09")
    assert (b.x, b.y) == pytest.approx(wgs84_to_bd09(p.x, p.y), abs=1e-12)
    back = transform_geometry(b, "bd09", "wgs84")
    assert back.distance(p) < 1e-7
    # Z is kept, 2-D stays 2-D
    pz = transform_geometry(Point(116.404, 39.915, 42.0), "wgs84", "gcj02")
    assert pz.has_z and pz.z == 42.0
    assert not q.has_z
    # arrays of geometries
    arr = np.array([p, Point(108.95, 34.9), None])
    out = transform_geometry(arr, "wgs84", "gcj02")
    assert out[0].equals_exact(q, 1e-12) and out[2] is None
    for src, dst in (("wgs84", "utm"), ("lol", "wgs84")):
        with pytest.raises(ValidationError) as ei:
            transform_geometry(p, src, dst)
        assert ei.value.code == "unknown_crs"


def test_transform_geometry_polygon_with_hole():
    outer = [(108.9, 34.9), (109.0, 34.9), (109.0, 35.0), (108.9, 35.0)]
    hole = [(108.93, 34.93), (108.96, 34.93), (108.96, 34.96), (108.93, 34.96)]
    poly = Polygon(outer, [hole])
    g = transform_geometry(poly, "gcj02", "wgs84")
    assert g.is_valid and len(g.interiors) == 1
    assert g.area == pytest.approx(poly.area, rel=1e-2)  # GCJ-02 stretches a little
    back = transform_geometry(g, "wgs84", "gcj02")
    assert shapely.hausdorff_distance(back, poly) < 1e-7


def _districts():
    data = json.loads(boundary_file("610200.json").read_text(encoding="utf-8"))
    return [(f["properties"]["name"], shape(f["geometry"])) for f in data["features"]]


def test_transform_keeps_real_districts_valid():
    districts = _districts()
    assert len(districts) == 4
    for name, gcj in districts:
        assert gcj.is_valid, name
        wgs = transform_geometry(gcj, "gcj02", "wgs84")
        assert wgs.is_valid, name
        assert shapely.get_num_coordinates(wgs) == shapely.get_num_coordinates(gcj)
        # Tongchuan's GCJ-02 shift is a few hundred metres, mostly west-east
        shift = np.asarray(gcj.centroid.coords[0]) - np.asarray(wgs.centroid.coords[0])
        assert 1e-3 < np.hypot(*shift) < 1e-2, name
        assert wgs.area == pytest.approx(gcj.area, rel=1e-2)
        back = transform_geometry(wgs, "wgs84", "gcj02")
        assert back.is_valid
        diff = np.abs(shapely.get_coordinates(back) - shapely.get_coordinates(gcj)).max()
        assert diff < 1e-7, name
        bd = transform_geometry(wgs, "wgs84", "bd09")
        assert bd.is_valid
    # districts that shared borders still do not overlap after the transform
    wgs_all = [transform_geometry(g, "gcj02", "wgs84") for _, g in districts]
    for i in range(len(wgs_all)):
        for j in range(i + 1, len(wgs_all)):
            assert wgs_all[i].intersection(wgs_all[j]).area < 1e-12


def test_iteration_converges_at_the_edges_of_china():
    # corners of the box and a few far places still invert to < 1e-7 degrees
    x = np.array([73.6, 134.7, 80.0, 124.0, 110.0, 87.6])
    y = np.array([39.0, 48.3, 30.0, 52.9, 18.3, 43.8])
    wx, wy = gcj02_to_wgs84(x, y)
    gx, gy = wgs84_to_gcj02(wx, wy)
    assert np.max(np.abs(gx - x)) < 1e-7 and np.max(np.abs(gy - y)) < 1e-7
    assert crs.transform_coords(116.404, 39.915, "wgs84", "gcj02") == wgs84_to_gcj02(*BJ)
