"""The committed demo city (gridsvc/fixtures/demo): shape, nesting, counts and people.

The geometric checks use shapely directly (not gridsvc.domain.geometry) so that the fixture
is checked independently of the code that will later import it.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, shape

import gridsvc
from gridsvc.domain.crs import transform_geometry
from gridsvc.domain.levels import LEVEL_INDEX, LEVELS, check_code, community_kind, parent_level, street_kind
from gridsvc.domain.roles import ROLES, STAFF_TIERS, TIER_LEVEL, check_assignment, supervisor_role

DEMO = Path(gridsvc.__file__).resolve().parent / "fixtures" / "demo"
SOURCE_CANDIDATES = [
    Path(gridsvc.__file__).resolve().parents[1] / "data" / "boundaries" / "610200.json",
    Path("/work/shared/data/boundaries/610200.json"),
]
SLIVER_M2 = 1.0  # tolerance for rounding slivers (the generator achieves 0)

# The community names of seed 000's 2016 table (新区's communities lie in 耀州区).
SEED_COMMUNITIES = {
    "610202": "翠溪 育才 红旗 川口 建乐 云梦堤 大同路 史家河 青年路 五一 柿树沟 小街 东风 新兴 光明 新川 建工路 南寺 新乐 新城",
    "610203": "南苑 北街 鑫光 芳草 延安路 新建 崔家沟矿 金锁关 石头坡 新街 窑洞 上街 咀头 金华山矿 红土街道 西山 街北 街南 "
    "李家塔 一五三厂 鸭口矿 徐家沟矿 东坡矿 顺金",
    "610204": "邻德 解放 崇德 南泉 东站 水泥厂 陈家山煤矿 下石节矿 孝义 塔坡 天宝滩 华原 "
    "阳光 华阳 秦岭 朝阳 沮河 世纪花园 枫林 天籁 安盛元 铁诺 春明园 下高埝 裕丰园 长丰 锦园 锦华",
    "610222": "宜阳 宜园",
}
XINQU_STREETS = {"锦阳路街道", "咸丰路街道", "坡头街道"}
XINQU = "阳光 华阳 秦岭 朝阳 沮河 世纪花园 枫林 天籁 安盛元 铁诺 春明园 下高埝 裕丰园 长丰 锦园 锦华".split()
REAL_STREETS = {
    "610202": "七一路街道 红旗街街道 桃园街道 青年路街道 王家河街道 王益街道 黄堡镇",
    "610203": "城关街道 三里洞街道 王石凹街道 印台街道 陈炉镇 红土镇 广阳镇 金锁关镇 阿庄镇",
    "610204": "永安路街道 天宝路街道 锦阳路街道 咸丰路街道 坡头街道 董家河镇 庙湾镇 瑶曲镇 照金镇 小丘镇 孙塬镇 关庄镇 石柱镇",
    "610222": "宜阳街道 彭镇 五里镇 太安镇 棋盘镇 尧生镇 哭泉镇 云梦乡",
}
DEMO_ACCOUNTS = {
    "admin": "admin",
    "official": "official",
    "street": "official",
    "head": "head",
    "worker": "worker",
    "resident": "resident",
    "volunteer": "volunteer",
    "orgmember": "org_member",
}


def m2(geom) -> float:
    """Area in square metres (local equirectangular scale; Tongchuan is ~35°N)."""
    if geom.is_empty:
        return 0.0
    lat = geom.centroid.y
    return geom.area * 111_320.0 * math.cos(math.radians(lat)) * 110_574.0


@lru_cache(maxsize=1)
def _areas():
    text = (DEMO / "areas.geojson").read_text(encoding="utf-8")
    fc = json.loads(text)
    props = {}
    geoms = {}
    order = []
    for f in fc["features"]:
        p = f["properties"]
        props[p["code"]] = p
        geoms[p["code"]] = shape(f["geometry"])
        order.append(p["code"])
    return fc, props, geoms, order, len(text.encode("utf-8"))


@lru_cache(maxsize=1)
def _people():
    return json.loads((DEMO / "people.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def areas():
    return _areas()


@pytest.fixture(scope="module")
def props(areas):
    return areas[1]


@pytest.fixture(scope="module")
def geoms(areas):
    return areas[2]


@pytest.fixture(scope="module")
def children(props):
    kids = defaultdict(list)
    for code, p in props.items():
        if p["parent"] is not None:
            kids[p["parent"]].append(code)
    return kids


@pytest.fixture(scope="module")
def people():
    return _people()


def by_level(props, level):
    return [c for c, p in props.items() if p["level"] == level]


def residents_committees(props):
    """Communities (居委会, last segment 001-199); the villages (村委会) are checked on their own."""
    return [c for c in by_level(props, "community") if community_kind(c) == "community"]


# --------------------------------------------------------------------------- areas


def test_feature_collection_shape(areas):
    fc, props, geoms, order, size = areas
    assert fc["type"] == "FeatureCollection"
    assert "crs" not in fc  # RFC 7946: WGS-84 implied
    assert size < 6_000_000
    assert len(props) == len(order)  # codes unique
    for f in fc["features"]:
        assert f["type"] == "Feature"
        assert set(f["properties"]) == {"code", "name", "level", "parent", "households", "population"}
    # ordered top-down by level
    idx = [LEVEL_INDEX[props[c]["level"]] for c in order]
    assert idx == sorted(idx)
    assert props[order[0]]["level"] == "city"


def test_counts_per_level(props, children):
    count = Counter(p["level"] for p in props.values())
    assert count["city"] == 1
    assert count["district"] == 4
    assert count["street"] == 37
    assert len(residents_committees(props)) == 74
    assert count["community"] == 74 + 3  # and three villages (issue 14)
    # every community has grids, every grid 2-4 groups, every group buildings
    for code in by_level(props, "community"):
        assert children[code]
    for code in by_level(props, "grid"):
        assert 2 <= len(children[code]) <= 4, code
        n_buildings = sum(len(children[q]) for q in children[code])
        assert 6 <= n_buildings <= 16, code
    for code in by_level(props, "group"):
        assert children[code], code
    assert 500 <= count["grid"] <= 1100
    assert 2 * count["grid"] <= count["group"] <= 4 * count["grid"]
    assert 8 * count["grid"] <= count["building"] <= 13 * count["grid"]


def test_codes_extend_parents(props):
    for code, p in props.items():
        lv = p["level"]
        assert lv in LEVELS
        if lv == "city":
            assert p["parent"] is None
            check_code(code, lv)
            continue
        parent = props[p["parent"]]
        assert parent["level"] == parent_level(lv), code
        check_code(code, lv, parent["code"], parent["level"])
    assert [c for c in props if props[c]["level"] == "city"] == ["610200"]


def test_real_names(props):
    names = {code: p["name"] for code, p in props.items()}
    assert names["610200"] == "铜川市"
    assert {names[c] for c in by_level(props, "district")} == {"王益区", "印台区", "耀州区", "宜君县"}
    for dcode, streets in REAL_STREETS.items():
        got = {names[c] for c in by_level(props, "street") if c.startswith(dcode)}
        assert got == set(streets.split()), dcode
    for code in by_level(props, "street"):
        kind = street_kind(code)
        want = {"street": "街道", "town": "镇", "township": "乡"}[kind]
        assert names[code].endswith(want), (code, names[code])
    for dcode, comms in SEED_COMMUNITIES.items():
        got = sorted(names[c] for c in residents_committees(props) if c.startswith(dcode))
        assert got == sorted(f"{n}社区" for n in comms.split()), dcode
    for must in ("川口社区", "大同路社区", "五一社区"):
        assert must in names.values()
    # 新区's communities sit in 锦阳路/咸丰路/坡头街道 of 耀州区
    for code in residents_committees(props):
        if names[code][:-2] in XINQU:
            assert names[props[code]["parent"]] in XINQU_STREETS, names[code]
    # communities sit in streets (街道), not towns
    for code in residents_committees(props):
        assert street_kind(code) == "street"


def test_villages_under_a_town_have_villager_groups(props, children):
    """Issue 14: the demo has villages (村委会, 200-399) under a town (镇) with 村民小组."""
    villages = [c for c in by_level(props, "community") if community_kind(c) == "village"]
    assert len(villages) >= 3
    for code in villages:
        assert street_kind(props[code]["parent"]) == "town" and props[code]["name"].endswith("村")
        groups = [q for g in children[code] for q in children[g]]
        assert groups and all(re.fullmatch(r"第\d+村民小组", props[q]["name"]) for q in groups)
    for code in residents_committees(props):
        for g in children[code]:
            assert all(props[q]["name"].endswith("居民小组") for q in children[g])


def test_coordinates_wgs84_six_decimals(areas):
    fc = areas[0]
    minx, miny, maxx, maxy = 180.0, 90.0, -180.0, -90.0
    for f in fc["features"]:
        coords = shapely.get_coordinates(shape(f["geometry"]))
        assert np.all(np.round(coords, 6) == coords)
        minx, miny = min(minx, coords[:, 0].min()), min(miny, coords[:, 1].min())
        maxx, maxy = max(maxx, coords[:, 0].max()), max(maxy, coords[:, 1].max())
    # Tongchuan: ~108.3-109.5 E, 34.7-35.6 N
    assert 108.0 < minx < maxx < 109.8 and 34.5 < miny < maxy < 35.8


def test_polygons_valid_and_rfc7946_oriented(props, geoms):
    for code, g in geoms.items():
        if props[code]["level"] == "building":
            assert g.geom_type == "Point", code
            continue
        assert g.geom_type in ("Polygon", "MultiPolygon"), code
        assert g.is_valid, (code, shapely.is_valid_reason(g))
        assert not g.is_empty
        for poly in getattr(g, "geoms", [g]):
            assert poly.exterior.is_ccw, code
            assert all(not r.is_ccw for r in poly.interiors), code


def test_children_inside_parents_and_siblings_disjoint(props, geoms, children):
    worst_out = worst_overlap = 0.0
    for parent, kids in children.items():
        pg = geoms[parent]
        shapely.prepare(pg)
        kg = [geoms[k] for k in kids]
        if props[kids[0]]["level"] == "building":
            assert shapely.contains(pg, kg).all(), parent
            continue
        covered = shapely.covered_by(kg, pg)
        for k, g, ok in zip(kids, kg, covered):
            if not ok:
                out = m2(g.difference(pg))
                worst_out = max(worst_out, out)
                assert out < SLIVER_M2, (k, out)
        tree = shapely.STRtree(kg)
        left, right = tree.query(kg, predicate="intersects")
        for i, j in zip(left, right):
            if i < j:
                ov = m2(kg[i].intersection(kg[j]))
                worst_overlap = max(worst_overlap, ov)
                assert ov < SLIVER_M2, (kids[i], kids[j], ov)
    assert worst_out < SLIVER_M2 and worst_overlap < SLIVER_M2


def test_streets_partition_districts_and_city_is_union(props, geoms, children):
    for d in by_level(props, "district"):
        union = shapely.union_all([geoms[s] for s in children[d]])
        assert union.area / geoms[d].area > 0.9999, d
        assert m2(geoms[d].difference(union)) < 1000.0, d  # only rounding slivers along the border
    districts = shapely.union_all([geoms[d] for d in by_level(props, "district")])
    assert m2(shapely.symmetric_difference(districts, geoms["610200"])) < SLIVER_M2


def test_districts_are_the_real_boundaries(props, geoms):
    for path in SOURCE_CANDIDATES:
        if path.exists():
            break
    else:
        pytest.skip("610200.json not available")
    data = json.loads(path.read_text(encoding="utf-8"))
    for f in data["features"]:
        code = str(f["properties"]["adcode"])
        want = transform_geometry(shape(f["geometry"]), "gcj02", "wgs84")
        got = geoms[code]
        assert props[code]["name"] == f["properties"]["name"]
        # converted from GCJ-02 (not copied): a few hundred metres from the source ...
        assert shape(f["geometry"]).centroid.distance(got.centroid) > 1e-3
        # ... and within rounding of the converted source
        assert shapely.hausdorff_distance(got, want) < 2e-6, code


def test_community_sizes(props, geoms):
    for code in residents_committees(props):
        km2 = m2(geoms[code]) / 1e6
        assert 0.3 <= km2 <= 1.5, (code, km2)
        hh = props[code]["households"]
        assert 800 <= hh <= 4500, code
    hh = [props[c]["households"] for c in residents_committees(props)]
    outside = [h for h in hh if not 1000 <= h <= 3000]
    assert 1 <= len(outside) <= 6  # a few, so the size rules have something to report
    assert any(h < 1000 for h in outside) and any(h > 3000 for h in outside)


def test_grid_households_and_sums(props, children):
    for code in by_level(props, "grid"):
        assert 160 <= props[code]["households"] <= 255, code
    for code in by_level(props, "building"):
        assert props[code]["households"] > 0 and props[code]["population"] > 0
    for parent, kids in children.items():
        assert sum(props[k]["households"] for k in kids) == props[parent]["households"], parent
        assert sum(props[k]["population"] for k in kids) == props[parent]["population"], parent
    for code in by_level(props, "community"):
        ratio = props[code]["population"] / props[code]["households"]
        assert 2.4 <= ratio <= 2.8, (code, ratio)
    city = props["610200"]
    assert city["households"] == sum(props[c]["households"] for c in by_level(props, "community"))


def _reading_order_ok(geoms, kids) -> bool:
    """Numbered west to east, north to south: each piece's centroid is not north of an
    earlier piece's row, and within a row runs west to east."""
    cents = [geoms[k].centroid for k in kids]
    for a, b in zip(cents, cents[1:]):
        same_row = abs(a.y - b.y) < 1e-9 or (b.x > a.x and b.y <= a.y + 0.003)
        if not (same_row or b.y < a.y):
            return False
    return True


def test_numbering_reading_order(props, geoms, children):
    for code in by_level(props, "community"):
        kids = sorted(children[code])
        assert [k[-3:] for k in kids] == [f"{i:03d}" for i in range(1, len(kids) + 1)]
        assert _reading_order_ok(geoms, kids), code
        # the first grid is in the northern row, the last in the southern one
        assert geoms[kids[0]].centroid.y > geoms[kids[-1]].centroid.y, code
    for code in by_level(props, "community"):
        names = [props[b]["name"] for g in children[code] for q in children[g] for b in children[q]]
        assert all(re.fullmatch(r"\d+号楼", n) for n in names)
        assert len(set(names)) == len(names)


# --------------------------------------------------------------------------- people


def _everyone(people):
    return people["accounts"] + people["staff"]


def test_people_file_shape(people, props):
    assert people["password"] == "gridsvc-demo"
    everyone = _everyone(people)
    usernames = [p["username"] for p in everyone]
    assert len(usernames) == len(set(usernames))
    phones = [p["phone"] for p in everyone]
    assert len(phones) == len(set(phones))
    for p in everyone:
        assert {"username", "name", "role", "phone", "areas", "supervisor"} <= set(p)
        assert p["role"] in ROLES
        assert re.fullmatch(r"1(3\d|5[0-35-9]|8\d)\d{8}", p["phone"]), p
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}", p["name"]), p
        for code in p["areas"]:
            assert code in props, p
            check_assignment(p["role"], props[code]["level"], code)
    for p in people["staff"]:
        assert p["role"] in STAFF_TIERS
        assert "password" not in p
        assert len(p["areas"]) == 1


def test_demo_accounts(people, props, children):
    acc = {a["username"]: a for a in people["accounts"]}
    assert {u: a["role"] for u, a in acc.items()} == DEMO_ACCOUNTS
    for a in acc.values():
        assert a["display"]
    staff_names = {s["username"] for s in people["staff"]}
    assert not staff_names & set(acc)
    assert acc["admin"]["areas"] == []
    assert acc["official"]["areas"] == ["610202"]
    street = acc["street"]["areas"][0]
    assert props[street]["level"] == "street" and props[street]["parent"] == "610202"
    head_comm = acc["head"]["areas"][0]
    assert props[head_comm]["name"] == "川口社区" and head_comm.startswith("610202")
    assert props[head_comm]["parent"] == street  # the street official is the head's street
    grid = acc["worker"]["areas"][0]
    assert grid == sorted(children[head_comm])[0]
    assert acc["worker"]["supervisor"] == "head"
    building = acc["resident"]["areas"][0]
    assert props[building]["level"] == "building" and building.startswith(grid)
    assert acc["volunteer"]["areas"] == ["610202"]
    assert acc["orgmember"]["areas"] == [] and acc["orgmember"]["org"] is None
    # the generated head and worker of 川口社区 were replaced, not doubled
    heads = [p for p in _everyone(people) if p["role"] == "head" and p["areas"] == [head_comm]]
    assert [p["username"] for p in heads] == ["head"]
    workers = [p for p in _everyone(people) if p["role"] == "worker" and p["areas"] == [grid]]
    assert [p["username"] for p in workers] == ["worker"]


def test_every_staff_tier_everywhere(people, props):
    held = defaultdict(list)
    for p in _everyone(people):
        if p["role"] in TIER_LEVEL:
            for code in p["areas"]:
                assert props[code]["level"] == TIER_LEVEL[p["role"]], p
                held[(p["role"], code)].append(p["username"])
    for role, level in TIER_LEVEL.items():
        for code in by_level(props, level):
            assert len(held[(role, code)]) == 1, (role, code)


def test_supervisors_one_tier_up_in_same_community(people, props):
    users = {p["username"]: p for p in _everyone(people)}
    for p in users.values():
        want = supervisor_role(p["role"])
        if want is None:  # instructors and the non-staff roles
            assert p["supervisor"] is None, p
            continue
        boss = users[p["supervisor"]]
        assert boss["role"] == want, p
        mine, theirs = p["areas"][0], boss["areas"][0]
        assert mine[:12] == theirs[:12], p  # same community
        if p["role"] != "head":
            assert props[mine]["parent"] == theirs, p  # the area directly above
        else:
            assert mine == theirs
