"""Reading GeoJSON / DataV files and writing RFC 7946 features."""

from __future__ import annotations

import json

import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, box

from gridsvc.domain import geometry as G
from gridsvc.domain.errors import ValidationError, message_language
from gridsvc.domain.geojson import (
    ParsedFeature,
    feature_collection,
    read_features,
    to_feature,
)
from tests.kit.boundaries import boundary_file


def square(x=116.4, y=39.9, d=0.001):
    return [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]


def fc(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def feat(props=None, coords=None, kind="Polygon") -> dict:
    return {"type": "Feature", "properties": props, "geometry": {"type": kind, "coordinates": coords or [square()]}}


def bad(data) -> ValidationError:
    with pytest.raises(ValidationError) as e:
        read_features(data)
    assert e.value.code == "bad_geojson" and e.value.status == 422
    return e.value


# --------------------------------------------------------------------------- real DataV files


def test_reads_datav_beijing():
    features = read_features(boundary_file("110000.json").read_bytes())
    assert len(features) == 16
    shunyi = next(f for f in features if f.code == "110113")
    assert shunyi.index == 9 and shunyi.name == "顺义区" and shunyi.label == "#9 110113 顺义区"
    assert shunyi.level == "district" and shunyi.parent_code == "110000"
    assert shunyi.properties["acroutes"] == [100000, 110000]
    assert shunyi.geometry.geom_type == "MultiPolygon"
    assert shunyi.problems == []  # readable; that it is invalid is check_shape's business
    assert [p.rule for p in G.check_shape(shunyi.geometry, "district")] == ["invalid"]
    assert all(f.problems == [] and f.households is None for f in features)


def test_reads_datav_tongchuan_and_round_trips():
    features = read_features(boundary_file("610200.json").read_text(encoding="utf-8"))
    assert [f.code for f in features] == ["610202", "610203", "610204", "610222"]
    assert {f.parent_code for f in features} == {"610200"}
    out = feature_collection(to_feature(f.geometry, {"code": f.code, "name": f.name}) for f in features)
    again = read_features(json.dumps(out, ensure_ascii=False).encode())
    for before, after in zip(features, again, strict=True):
        assert (after.code, after.name) == (before.code, before.name)
        assert after.geometry.is_valid
        assert G.area_m2(after.geometry) == pytest.approx(G.area_m2(before.geometry), rel=1e-5)
        assert shapely.hausdorff_distance(after.geometry, before.geometry) < 1e-6


# --------------------------------------------------------------------------- input forms


def test_utf8_bom_bytes_and_str():
    text = json.dumps(fc(feat({"code": "110101001001001", "name": "一网格"})), ensure_ascii=False)
    for data in ("\ufeff" + text).encode("utf-8"), "\ufeff" + text, text.encode("utf-8"):
        (f,) = read_features(data)
        assert f.code == "110101001001001" and f.name == "一网格"


def test_single_feature_and_bare_geometry():
    (f,) = read_features(feat({"code": 610202, "name": "王益区"}))
    assert f.code == "610202" and f.index == 0 and f.geometry.geom_type == "Polygon"
    (g,) = read_features({"type": "MultiPolygon", "coordinates": [[square()], [square(116.5)]]})
    assert g.geometry.geom_type == "MultiPolygon" and g.problems == [] and g.code is None and g.properties == {}
    (p,) = read_features('{"type": "Point", "coordinates": [116.4, 39.9]}')
    assert p.geometry.equals(Point(116.4, 39.9))


def test_properties_code_name_level_parent_counts():
    features = read_features(
        fc(
            feat({"code": "610202001001001", "adcode": 1, "name": " 一网格 ", "level": "grid", "parent": "610202001001",
                  "acroutes": [1, 2], "households": "1,234", "population": 3000.0}),
            feat({"adcode": 110101, "name": "东城区", "level": "province", "acroutes": [100000, 110000]}),
            feat({"code": 610202001001002, "name": "二网格", "parent_code": 610202001001}),
        )
    )
    a, b, c = features
    assert (a.code, a.name, a.level, a.parent_code, a.households, a.population) == (
        "610202001001001", "一网格", "grid", "610202001001", 1234, 3000
    )
    assert (b.code, b.level, b.parent_code) == ("110101", None, "110000")
    assert (c.code, c.parent_code) == ("610202001001002", "610202001001")
    assert all(f.problems == [] for f in features)


def test_3d_coordinates_become_2d():
    coords = [[[x, y, 50.0] for x, y in square()]]
    (f,) = read_features(fc(feat({"code": "1", "name": "a"}, coords)))
    assert not shapely.has_z(f.geometry) and f.geometry.equals(Polygon(square()))


# --------------------------------------------------------------------------- whole-file errors


def test_json_syntax_error_names_line_and_column():
    text = '{"type": "FeatureCollection",\n "features": [\n  {"type": "Feature" "properties": {}}\n ]}'
    e = bad(text)
    assert e.details["line"] == 3 and e.details["column"] == 22
    assert "第 3 行第 22 列" in e.message_zh and "line 3, column 22" in e.message_en
    assert bad(b"").details["line"] == 1


def test_not_utf8():
    e = bad(json.dumps(fc(feat({"name": "顺义区"})), ensure_ascii=False).encode("gbk"))
    assert "UTF-8" in e.message_zh and "UTF-8" in e.message_en and isinstance(e.details["offset"], int)


def test_not_geojson():
    assert bad("[1, 2]").details["place"] == "(top level)"
    assert bad({"type": "Topology", "objects": {}}).details["type"] == "Topology"
    assert bad({"type": "FeatureCollection"}).details["place"] == "features"
    assert bad({"type": "FeatureCollection", "features": {}}).details["place"] == "features"
    with pytest.raises(ValidationError):
        read_features(42)  # type: ignore[arg-type]


def test_missing_geometry_member_names_the_feature():
    broken = {"type": "Feature", "properties": {"code": "1", "name": "x"}}
    e = bad(fc(feat({"code": "0", "name": "ok"}), feat({"code": "0", "name": "ok"}), feat({"code": "0", "name": "ok"}),
               broken))
    assert e.details["place"] == "features[3].geometry"
    assert "features[3].geometry" in e.message_zh and "missing" in e.message_en


def test_all_structural_errors_are_listed():
    e = bad(fc("not a feature", {"type": "Feature", "geometry": 5},
               {"type": "Feat", "geometry": None, "properties": []}))
    places = [x["place"] for x in e.details["errors"]]
    assert places == ["features[0]", "features[1].geometry", "features[2].type", "features[2].properties"]
    assert e.details["count"] == 4 and "共 4 处" in e.message_zh and "4 places" in e.message_en


# --------------------------------------------------------------------------- per-feature problems


def test_per_feature_problems_do_not_raise():
    token = message_language.set("en")  # the English wording is asserted below
    features = read_features(
        fc(
            feat({"code": "1", "name": "ok"}),
            feat({"code": "2", "name": "three points"}, [[[116.4, 39.9], [116.5, 39.9], [116.4, 39.9]]]),
            feat({"code": "3", "name": "flat"}, [[116.4, 39.9], [116.5, 39.9], [116.5, 40.0], [116.4, 39.9]]),
            feat({"households": "abc", "population": -5}),
            {"type": "Feature", "properties": {"code": "5", "name": "nothing"}, "geometry": None},
            feat({"code": "6", "name": "short line"}, [[116.4, 39.9]], kind="LineString"),
            feat({"code": "7", "name": "weird"}, [[116.4, 39.9]], kind="Circle"),
            {"type": "Feature", "properties": {"code": "8", "name": "no coords"}, "geometry": {"type": "Polygon"}},
            feat({"code": "9", "name": "strings"}, [[["116.4", "39.9"], [116.5, 39.9], [116.5, 40.0], [116.4, 39.9]]]),
            feat({"code": True, "name": "bool households", "households": True}),
        )
    )
    message_language.reset(token)
    ok, few, flat, props, null, line, weird, nocoords, strings, boolean = features
    assert ok.problems == [] and ok.geometry is not None
    (p,) = few.problems
    assert few.geometry is None and "features[1].geometry.coordinates[0]" in p and "4" in p and "ring" in p
    (p,) = flat.problems
    assert flat.geometry is None and "features[2].geometry.coordinates[0][0]" in p and "[lon, lat]" in p
    assert props.code is None and props.name is None and props.households is None and props.population is None
    assert len(props.problems) == 4
    assert any("code" in p and "adcode" in p for p in props.problems)
    assert any("households" in p and '"abc"' in p for p in props.problems)
    assert any("population" in p and "-5" in p for p in props.problems)
    assert props.geometry is not None and props.label == "#3"
    assert null.geometry is None and "features[4].geometry" in null.problems[0] and "null" in null.problems[0]
    assert line.geometry is None and "needs 2" in line.problems[0]
    assert weird.geometry is None and "'Circle'" in weird.problems[0]
    assert nocoords.geometry is None and "features[7].geometry.coordinates" in nocoords.problems[0]
    assert strings.geometry is None and "coordinates[0][0]" in strings.problems[0]
    assert boolean.code is None and boolean.households is None
    assert len(boolean.problems) == 2 and "properties.code" in boolean.problems[0] and "true" in boolean.problems[0]
    for f in features:
        for p in f.problems:
            assert not any("\u4e00" <= ch <= "\u9fff" for ch in p), p  # one language, not "zh (en)"


def test_open_ring_and_empty_geometry_are_readable():
    open_ring = [square()[:-1]]  # shapely closes it
    (f,) = read_features(fc(feat({"code": "1", "name": "a"}, open_ring)))
    assert f.problems == [] and f.geometry.equals(Polygon(square()))
    empty = {"type": "Feature", "properties": {"code": "1", "name": "a"},
             "geometry": {"type": "Polygon", "coordinates": []}}
    (e,) = read_features(fc(empty))
    assert e.problems == [] and e.geometry.is_empty
    assert [p.rule for p in G.check_shape(e.geometry, "grid")] == ["empty"]


def test_nan_coordinates_are_read_for_check_shape_to_report():
    (f,) = read_features('{"type": "Polygon", '
                         '"coordinates": [[[116.4, 39.9], [NaN, 39.9], [116.5, 40.0], [116.4, 39.9]]]}')
    assert f.problems == []
    assert [p.rule for p in G.check_shape(f.geometry, "grid")] == ["not_finite"]


def test_label():
    f = ParsedFeature(3, "110113", "顺义区", "district", "110000", None, None, {}, None)
    assert f.label == "#3 110113 顺义区" and f.problems == []
    assert ParsedFeature(0, None, "无代码", None, None, None, None, {}, None).label == "#0 无代码"


# --------------------------------------------------------------------------- writing


def test_to_feature_rounds_and_orients():
    shell = [(116.1234567, 39.1), (116.1234567, 39.2), (116.2, 39.2), (116.2, 39.1)]  # clockwise
    hole = [(116.15, 39.15), (116.16, 39.15), (116.16, 39.16), (116.15, 39.16)]  # counter-clockwise
    g = Polygon(shell, [hole])
    f = to_feature(g, {"code": "1"})
    assert set(f) == {"type", "properties", "geometry"} and "crs" not in f
    assert f["type"] == "Feature" and f["properties"] == {"code": "1"}
    assert f["geometry"]["type"] == "Polygon"
    ext, inner = f["geometry"]["coordinates"]
    assert ext[0] == [116.123457, 39.1] and isinstance(ext, list) and isinstance(ext[0], list)
    assert shapely.is_ccw(shapely.LinearRing(ext)) and not shapely.is_ccw(shapely.LinearRing(inner))
    assert json.loads(json.dumps(f)) == f


def test_to_feature_multipolygon_properties_copied_and_null_geometry():
    props = {"name": "两块"}
    f = to_feature(MultiPolygon([box(116.4, 39.9, 116.41, 39.91), box(116.5, 39.9, 116.51, 39.91)]), props)
    assert f["geometry"]["type"] == "MultiPolygon" and len(f["geometry"]["coordinates"]) == 2
    for poly in f["geometry"]["coordinates"]:
        assert shapely.is_ccw(shapely.LinearRing(poly[0]))
    f["properties"]["name"] = "changed"
    assert props == {"name": "两块"}
    assert to_feature(None, {})["geometry"] is None
    assert to_feature(Point(116.12345678, 39.9), {}, ndigits=3)["geometry"] == {"type": "Point",
                                                                                "coordinates": [116.123, 39.9]}


def test_feature_collection_bbox():
    out = feature_collection(
        [to_feature(box(116.4, 39.9, 116.41, 39.91), {}), to_feature(Point(117, 40.5), {}), to_feature(None, {})]
    )
    assert out["type"] == "FeatureCollection" and len(out["features"]) == 3
    assert out["bbox"] == [116.4, 39.9, 117.0, 40.5]
    assert "bbox" not in feature_collection([to_feature(box(0, 0, 1, 1), {})], bbox=False)
    assert feature_collection([]) == {"type": "FeatureCollection", "features": []}
    assert "bbox" not in feature_collection(iter([to_feature(None, {})]))


def test_feature_collection_bbox_of_every_kind_of_geometry():
    """The box is read from the coordinates (not from shapes built again): every geometry type,
    holes, multi-parts and collections count, empty geometries do not."""
    shapes = [
        MultiPolygon([box(1, 1, 2, 2), box(5, -3, 6, -2)]),
        Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], [[(1, 1), (2, 1), (2, 2)]]),
        shapely.LineString([(-7, 0), (0, 9)]),
        shapely.MultiPoint([(3, 3), (8, 1)]),
        shapely.GeometryCollection([Point(2, -5)]),
        Polygon(),
    ]
    feats = [to_feature(g, {}) for g in shapes]
    assert feature_collection(feats)["bbox"] == list(shapely.total_bounds([g for g in shapes if not g.is_empty]))
    assert feature_collection(feats)["bbox"] == [-7.0, -5.0, 8.0, 9.0]
    assert "bbox" not in feature_collection([to_feature(Polygon(), {}), to_feature(Point(), {})])
    assert "bbox" not in feature_collection([{"type": "Feature", "geometry": {"type": "Point", "coordinates": []}}])


def test_round_trip():
    g = Polygon(square(116.4000001234, 39.9000005678), [square(116.4002, 39.9002, 0.0002)[::-1]])
    props = {"code": "110101001001001", "name": "一网格", "households": 200, "parent": "110101001001", "level": "grid"}
    text = json.dumps(feature_collection([to_feature(g, props)]), ensure_ascii=False)
    (f,) = read_features(text.encode("utf-8"))
    assert (f.code, f.name, f.households, f.parent_code, f.level) == ("110101001001001", "一网格", 200, "110101001001",
                                                                      "grid")
    assert f.problems == [] and f.geometry.is_valid
    assert f.geometry.equals_exact(g, tolerance=1e-6)
    assert G.area_m2(f.geometry) == pytest.approx(G.area_m2(g), rel=1e-3)
