"""`gridsvc import-boundaries --clip-to-parent`: published boundaries of two levels that disagree a
little (issue 11 item 3), with the shipped DataV files on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pytest
import shapely
from shapely.geometry import box, mapping, shape

from gridsvc.domain import geometry as geo
from tests.kit.boundaries import boundary_file
from tests.kit.commands import gridsvc

TONGCHUAN_DISTRICTS = ("王益区", "印台区", "耀州区", "宜君县")


def _export(db: str, level: str) -> dict[str, dict]:
    r = gridsvc("export-geojson", "--level", level, db=db)
    assert r.returncode == 0, r.stderr
    return {f["properties"]["code"]: f for f in json.loads(r.stdout)["features"]}


def _assert_clean_tree(db: str, parent: str, children: int) -> None:
    """Every child inside its parent, and the children a valid coverage (no overlap, shared edges equal)."""
    outline = shape(_export(db, "city")[parent]["geometry"])
    kids = [shape(f["geometry"]) for c, f in _export(db, "district").items() if f["properties"]["parent"] == parent]
    assert len(kids) == children
    arr = np.empty(len(kids), dtype=object)
    arr[:] = kids
    assert shapely.coverage_is_valid(arr)
    assert all(geo.check_within_parent(k, outline, tolerance_m=0.5) is None for k in kids)


def test_tongchuan_districts_build_one_tree_under_the_city(scratch_db):
    cities, districts = str(boundary_file("610000.json")), str(boundary_file("610200.json"))
    r = gridsvc("import-boundaries", cities, "--level", "city", "--repair", db=scratch_db)
    assert r.returncode == 0, r.stderr

    # without the option: refused whole, each district naming the option and how much it would cut
    r = gridsvc("import-boundaries", districts, "--level", "district", "--parent", "610200", db=scratch_db)
    assert r.returncode == 1
    assert all(f"✗ #{n} " in r.stderr and name in r.stderr for n, name in enumerate(TONGCHUAN_DISTRICTS))
    hints = re.findall(r"可使用 --clip-to-parent 裁到上级边界内,将裁去 ([\d,.]+) m² \(([\d.]+)%\),在容差 2% 内",
                       r.stderr)
    assert len(hints) == 4
    cut = sorted(float(m2.replace(",", "")) for m2, _ in hints)
    assert cut[-1] == pytest.approx(11.5e6, rel=0.01)  # 耀州区: the 11.5 km² of the issue
    assert all(0.4 <= float(pct) <= 0.8 for _, pct in hints)
    assert _export(scratch_db, "district") == {}

    r = gridsvc("import-boundaries", districts, "--level", "district", "--parent", "610200", "--clip-to-parent",
                db=scratch_db)
    assert r.returncode == 0, r.stderr
    for name in TONGCHUAN_DISTRICTS:
        assert re.search(rf"已裁剪 #\d 6102\d\d {name}:移动 [\d,.]+ m² \(0\.\d\d%\),其中超出上级 [\d,.]+ m²", r.stdout)
    assert "已导入 imported 4" in r.stdout and "610200 铜川市 by its 4 children: 99.3%" in r.stdout

    r = gridsvc("locate", "109.07", "35.07", db=scratch_db)  # 王益区's centre
    assert r.returncode == 0, r.stderr
    chain = [(a["code"], a["name"]) for a in json.loads(r.stdout)["areas"]]
    assert chain == [("610200", "铜川市"), ("610202", "王益区")]
    _assert_clean_tree(scratch_db, "610200", 4)


def test_tolerance_caps_what_may_be_clipped_in_english(tmp_path, sqlite_template):
    db = tmp_path / "t.sqlite3"
    shutil.copy(sqlite_template, db)
    url = f"sqlite://{db}"
    assert gridsvc("import-boundaries", str(boundary_file("610000.json")), "--level", "city", "--repair",
                   db=url).returncode == 0
    en = {"LANG": "en_US.UTF-8"}
    r = gridsvc("import-boundaries", str(boundary_file("610200.json")), "--level", "district", "--parent", "610200",
                "--clip-to-parent", "--tolerance", "0.5", db=url, env=en)
    assert r.returncode == 1
    # 宜君县 moves 0.43% and passes; the three others move more and are refused, with the amount
    assert "3 of 4 areas were rejected; nothing was stored" in r.stderr
    assert "宜君县" not in r.stderr
    assert len(re.findall(r"\[clip_beyond_tolerance\] clipping to the parent 610200 would move [\d,.]+ m² "
                          r"\(0\.\d\d%\), beyond the tolerance of 0\.5% \(see --tolerance\) @", r.stderr)) == 3
    assert _export(url, "district") == {}
    r = gridsvc("import-boundaries", str(boundary_file("610200.json")), "--level", "district", "--parent", "610200",
                "--clip-to-parent", "--tolerance", "0", db=url, env=en)
    assert r.returncode == 1 and "percentage above 0 and at most 100" in r.stderr
    r = gridsvc("import-boundaries", str(boundary_file("610200.json")), "--level", "district", "--parent", "610200",
                "--clip-to-parent", db=url, env={**en, "GRIDSVC_CLIP_TOLERANCE": "0.45"})
    assert r.returncode == 1 and "beyond the tolerance of 0.45%" in r.stderr


def _beijing_outline(path) -> dict:
    """A Beijing city boundary published apart from its districts: their union, drawn coarser
    (simplified by ~200 m), in the file's own GCJ-02, as DataV would give it."""
    fc = json.loads(path.read_text(encoding="utf-8"))
    parts = [geo.repair(shape(f["geometry"]))[0] for f in fc["features"]]
    outline = shapely.simplify(shapely.union_all(parts), 0.002)
    return {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": mapping(outline),
            "properties": {"adcode": 110000, "name": "北京市", "level": "city"}}]}


def test_beijing_districts_under_a_beijing_city_boundary(tmp_path, sqlite_template):
    db = tmp_path / "bj.sqlite3"
    shutil.copy(sqlite_template, db)
    url = f"sqlite://{db}"
    districts = boundary_file("110000.json")
    city = tmp_path / "beijing_city.json"
    city.write_text(json.dumps(_beijing_outline(districts), ensure_ascii=False), encoding="utf-8")
    r = gridsvc("import-boundaries", str(city), "--level", "city", db=url)
    assert r.returncode == 0, r.stderr

    r = gridsvc("import-boundaries", str(districts), "--level", "district", "--parent", "110000", "--repair", db=url)
    assert r.returncode == 1 and "--clip-to-parent" in r.stderr and "[outside_parent]" in r.stderr
    r = gridsvc("import-boundaries", str(districts), "--level", "district", "--parent", "110000", "--repair",
                "--clip-to-parent", db=url)
    assert r.returncode == 0, r.stderr
    assert "已导入 imported 16" in r.stdout and r.stdout.count("已裁剪") == 16 and "已修复" in r.stdout
    r = gridsvc("locate", "116.4074", "39.9042", db=url)  # Tiananmen
    chain = [a["name"] for a in json.loads(r.stdout)["areas"]]
    assert chain == ["北京市", "东城区"]
    _assert_clean_tree(url, "110000", 16)


def test_a_child_far_beyond_its_parent_is_still_refused(tmp_path, sqlite_template):
    db = tmp_path / "s.sqlite3"
    shutil.copy(sqlite_template, db)
    url = f"sqlite://{db}"

    def write(name, features):
        p = tmp_path / name
        p.write_text(json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": mapping(g), "properties": {"code": c, "name": n}}
            for c, n, g in features]}, ensure_ascii=False), encoding="utf-8")
        return str(p)

    city = write("city.json", [("610200", "铜川市", box(109.0, 35.0, 109.2, 35.1))])
    assert gridsvc("import-boundaries", city, "--level", "city", db=url).returncode == 0
    # the west district sticks out 1% to the north; the east one 5% to the east
    kids = write("kids.json", [("610202", "王益区", box(109.0, 35.0, 109.1, 35.101)),
                               ("610203", "印台区", box(109.1, 35.0, 109.205, 35.1))])
    r = gridsvc("import-boundaries", kids, "--level", "district", "--parent", "610200", "--clip-to-parent", db=url)
    assert r.returncode == 1
    assert "1 个区域未通过检查" in r.stderr and "印台区" in r.stderr and "王益区" not in r.stderr
    assert re.search(r"\[clip_beyond_tolerance\] 裁剪到上级区域 610200 的边界内需移动 [\d,.]+ m² \(4\.\d\d%\),"
                     r"超过容差 2%.可用 --tolerance 放宽. @ 109\.2", r.stderr)
    assert _export(url, "district") == {}
    r = gridsvc("import-boundaries", kids, "--level", "district", "--parent", "610200", "--clip-to-parent",
                "--tolerance", "5", db=url)
    assert r.returncode == 0, r.stderr
    assert re.search(r"王益区:移动 [\d,.]+ m² \(0\.99%\)", r.stdout)
    _assert_clean_tree(url, "610200", 2)
