"""Every `gridsvc` command once as a real process, the installed console script as a user runs it:
the entry point, the registration of every feature's commands, exit codes and output streams.
What each command does in detail is tested in process (tests/kit/commands.py); `serve` runs as
a process in tests/servers.py and `expire-claims` in the wishes tests."""

from __future__ import annotations

import json

from shapely.geometry import box, mapping

from tests.kit.commands import gridsvc_process

DISTRICT = {"type": "FeatureCollection", "features": [{
    "type": "Feature", "geometry": mapping(box(109.0, 35.0, 109.2, 35.2)),
    "properties": {"code": "610202", "name": "王益区", "level": "district"}}]}
CATALOG_CSV = ("代码,名称,类别,清单,设定依据,所需材料,收费\r\n"
               "GS-SB-002,临时救助申请,社会保障,公共服务事项,《社会救助暂行办法》,居民身份证(1份),不收费\r\n")


def test_each_command_as_a_process(tmp_path, demo_sqlite_template):
    db = f"sqlite://{tmp_path / 'smoke.sqlite3'}"

    def ok(*args: str, stdin: str = "") -> str:
        r = gridsvc_process(*args, db=db, stdin=stdin, cwd=tmp_path)
        assert r.returncode == 0, f"gridsvc {' '.join(args)}: {r.stdout}{r.stderr}"
        return r.stdout

    assert "database ready" in ok("init-db")
    assert "created: alice (admin)" in ok("create-user", "alice", "--role", "admin", stdin="s3cret-pass\n")
    (tmp_path / "district.geojson").write_text(json.dumps(DISTRICT), encoding="utf-8")
    assert "imported 1" in ok("import-boundaries", "district.geojson", "--level", "district")
    assert [a["code"] for a in json.loads(ok("locate", "109.1", "35.1"))["areas"]] == ["610202"]
    assert len(json.loads(ok("export-geojson"))["features"]) == 1
    (tmp_path / "catalog.csv").write_text(CATALOG_CSV, encoding="utf-8-sig")
    assert "created 1" in ok("import-catalog", "catalog.csv")
    ok("export-catalog", "out.csv")
    assert "GS-SB-002" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "expired claims: 0" in ok("expire-claims")
    assert "roster.xlsx" in ok("export-roster", "--under", "610202", "-o", "roster.xlsx")
    r = gridsvc_process("import-roster", "roster.xlsx", db=db, cwd=tmp_path)  # nobody serves yet: an empty sheet
    assert r.returncode == 1 and "没有任职人员" in r.stderr, r.stdout + r.stderr
    # the database holds areas now: load-demo refuses, on stderr, with exit 1
    r = gridsvc_process("load-demo", db=db, cwd=tmp_path)
    assert r.returncode == 1 and "already holds areas" in r.stderr, r.stdout + r.stderr
    # a floor plan of the demo city (the session's demo database, only read)
    r = gridsvc_process("render-map", "610202004002", "-o", "plan.html", db=f"sqlite://{demo_sqlite_template.location}",
                        cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "川口社区 网格化平面图" in (tmp_path / "plan.html").read_text(encoding="utf-8")
