"""Information reports (issue 12 item 1) on the demo city: seed 000's table fed as Excel through
`gridsvc import-reports`, the ratings on screen, in the API and in the export agree with the
table; offices are counted, not rated; 新区 groups its communities; a street official sees only
their street; a bad row rejects the whole file."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook, load_workbook

from gridsvc.app import create_app
from gridsvc.config import Settings
from gridsvc.store import db
from tests.conftest import Client
from tests.kit.commands import gridsvc, gridsvc_async

SEED = next((Path(__file__).resolve().parents[3] / "shared" / "seeds").glob("000_*.txt"), None) \
    if (Path(__file__).resolve().parents[3] / "shared" / "seeds").is_dir() else None
DEMO_PASSWORD = "gridsvc-demo"
pytestmark = pytest.mark.skipif(SEED is None, reason="seed 000 (../shared/seeds) is not beside the worktree")


def seed_table() -> list[list]:
    """The attachment of seed 000 as rows of cells: the group's name only on its first row."""
    text = SEED.read_text(encoding="utf-8")  # type: ignore[union-attr]
    body = text[text.index("辖区名称 社区名称"):text.index("铜川市民政局 2016年12月13日印发")]
    lines = body.strip().splitlines()
    rows = [["辖区名称", "社区名称", "上报信息数(篇)", "推送到微信平台信息数(篇)", lines[0].split()[-1]]]
    for line in lines[1:]:
        parts = line.split()
        if len(parts) == 5 and not parts[2].isdigit() is False and parts[0] in ("市局",):
            rows.append(parts[:2] + [int(parts[2]), int(parts[3]), parts[4]])
        elif re.match(r".+\(\d+\)$", parts[0]) or parts[0] == "市局":
            rows.append([parts[0], parts[1], int(parts[2]), int(parts[3]), parts[4] if len(parts) > 4 else None])
        else:
            rows.append([None, parts[0], int(parts[1]), int(parts[2]), parts[3]])
    return rows


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["铜川市社区建设微信平台信息上报及上传情况统计表"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def expected() -> dict[tuple[str, str], tuple[int, int, str | None]]:
    out, group = {}, None
    for r in seed_table()[1:]:
        if r[0]:
            group = re.sub(r"\(\d+\)$", "", r[0])
        out[(group, r[1])] = (r[2], r[3], r[4])
    return out


@pytest.fixture
async def demo(demo_db_url, tmp_path):
    path = tmp_path / "seed000.xlsx"
    path.write_bytes(xlsx(seed_table()))
    r = await gridsvc_async("import-reports", str(path), "--year", "2016", db=demo_db_url)
    assert r.returncode == 0, r.stdout + r.stderr
    await db.connect(demo_db_url)
    app = create_app(Settings(db_url=demo_db_url, secret_key="test-secret"), manage_db=False)
    await app.state.index.start()
    try:
        async with Client(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
            c.db_url = demo_db_url  # type: ignore[attr-defined]
            yield c
    finally:
        await app.state.index.close()
        await db.close()


async def test_seed_000_imported_ratings_agree_with_the_table(demo):
    table = expected()
    h = await demo.token_for("admin", DEMO_PASSWORD)
    r = await demo.get("/api/v1/reports/ratings?year=2016", headers=h)
    assert r.status_code == 200, r.text
    rows = {(x["group"], x["name"]): x for x in r.json()}
    communities = {k: v for k, v in table.items() if v[2] is not None and k[0] != "市局"}
    assert len(communities) == 74
    for (group, name), (reports, pushed, rating) in communities.items():
        row = rows[(group, name)]
        assert (row["reports"], row["pushed"], row["rating"]) == (reports, pushed, rating), (group, name)
    # 新区's communities lie in 耀州区 in the tree and are grouped under the zone
    assert rows[("新区", "秦岭社区")]["district"] == "耀州区" and rows[("新区", "秦岭社区")]["zone"] == "新区"
    assert rows[("耀州区", "孝义社区")]["rating"] == "优" and rows[("耀州区", "孝义社区")]["reports"] == 20
    # offices are not rows of the ratings
    assert not any(x["name"] in ("社区办", "基政科") for x in r.json())


async def test_export_has_the_seed_layout_and_agrees(demo, tmp_path):
    out = tmp_path / "out.xlsx"
    await db.close()  # the command in this process opens its own connection
    r = await gridsvc_async("export-reports", str(out), "--year", "2016", db=demo.db_url)
    await db.connect(demo.db_url)
    assert r.returncode == 0, r.stderr
    ws = load_workbook(out).active
    cells = [list(row) for row in ws.iter_rows(values_only=True)]
    assert cells[1][:4] == ["辖区名称", "社区名称", "上报信息数(篇)", "推送到微信平台信息数(篇)"]
    assert cells[1][4] == "上报信息0—9篇为差;10—19为良;20篇以上为优"
    groups = [c[0] for c in cells[2:] if c[0]]
    assert groups == ["市局", "王益区(20)", "印台区(24)", "耀州区(12)", "宜君县(2)", "新区(16)"]
    got, group = {}, None
    for c in cells[2:]:
        if c[0]:
            group = re.sub(r"\(\d+\)$", "", c[0])
        got[(group, c[1])] = (c[2], c[3], c[4])
    assert got == {k: (v[0], v[1], v[2] if k[0] != "市局" else None) for k, v in expected().items()}
    # the district and office rows: counted, not rated
    assert got[("耀州区", "社区办")] == (4, 3, None) and got[("新区", "新区社区办")] == (1, 1, None)
    # the API's workbook is the same table
    h = await demo.token_for("admin", DEMO_PASSWORD)
    x = await demo.get("/api/v1/reports/table.xlsx?year=2016", headers=h)
    assert x.status_code == 200
    again = [list(row) for row in load_workbook(io.BytesIO(x.content)).active.iter_rows(values_only=True)]
    assert again[1:] == cells[1:]


async def test_a_street_official_sees_only_their_street(demo):
    h = await demo.token_for("street", DEMO_PASSWORD)
    r = await demo.get("/api/v1/reports/ratings?year=2016", headers=h)
    assert r.status_code == 200
    assert {x["code"][:9] for x in r.json()} == {"610202004"}
    assert {x["name"] for x in r.json()} == {"青年路社区", "川口社区", "建工路社区", "小街社区"}
    r = await demo.get("/api/v1/reports/ratings?year=2016&under=610204", headers=h)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = await demo.get("/api/v1/reports/ratings?year=2016")
    assert r.status_code == 401
    r = await demo.get("/api/v1/reports/ratings?year=20x6", headers=h)
    assert r.status_code == 400 and r.json()["error"]["details"] == {"parameter": "year"}


async def test_filing_reports_moves_the_rating_at_10_19_20(demo):
    """川口社区 had 8 in 2016: filed reports add to the imported count (edges 10, 19, 20)."""
    h = await demo.token_for("head", DEMO_PASSWORD)

    async def rating() -> tuple[int, str]:
        r = await demo.get("/api/v1/reports/ratings?year=2016&under=610202004002", headers=h)
        row = r.json()[0]
        return row["reports"], row["rating"]

    assert await rating() == (8, "差")
    for n in range(12):
        r = await demo.post("/api/v1/reports", headers=h, json={
            "community": "610202004002", "title": f"第{n}条", "filed_on": str(date(2016, 3, 1 + n)),
            "pushed": True, "pushed_on": str(date(2016, 3, 2 + n))})
        assert r.status_code == 201, r.text
        if 8 + n + 1 in (9, 10, 19, 20):
            assert await rating() == {9: (9, "差"), 10: (10, "良"), 19: (19, "良"), 20: (20, "优")}[8 + n + 1]
    # a head may not file for another community; a bad body is a 4xx naming the field, nothing stored
    r = await demo.post("/api/v1/reports", headers=h, json={"community": "610202004001", "title": "x"})
    assert r.status_code == 403
    r = await demo.post("/api/v1/reports", headers=h, json={"community": "610202004002", "title": "x",
                                                            "filed_on": "2016-05-02", "pushed_on": "2016-05-01",
                                                            "pushed": True})
    assert r.status_code == 422 and r.json()["error"]["details"] == {"field": "pushed_on"}
    r = await demo.post("/api/v1/reports", headers=h, json={"community": "610202004002", "title": "   "})
    assert r.status_code == 422 and r.json()["error"]["details"] == {"field": "title"}
    assert await rating() == (20, "优")


def test_a_bad_row_rejects_the_whole_file(demo_db_url, tmp_path):
    rows = seed_table()
    rows.insert(5, [None, "不存在社区", 3, 1, "差"])
    rows.insert(7, [None, "解放社区", 5, 9, None])  # more pushed than reported
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx(rows))
    r = gridsvc("import-reports", str(path), "--year", "2016", db=demo_db_url)
    assert r.returncode == 1
    assert "不存在社区" in r.stderr and "第 7 行" in r.stderr and "第 9 行" in r.stderr
    assert "耀州区 标明 12 个社区,下列 14 个" in r.stderr  # the group header declares 12
    out = tmp_path / "out.xlsx"
    assert gridsvc("export-reports", str(out), "--year", "2016", db=demo_db_url).returncode == 0
    cells = list(load_workbook(out).active.iter_rows(values_only=True))
    assert all(c[2] == 0 for c in cells[2:] if c[1] and c[1] != "社区办"), "nothing was stored"


async def test_indicators_per_area_in_scope(demo):
    h = await demo.token_for("street", DEMO_PASSWORD)
    r = await demo.get("/api/v1/indicators?under=610202004000&year=2016", headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    names = {a["name"] for a in body["areas"]}
    assert names == {"青年路社区", "川口社区", "建工路社区", "小街社区"}
    chuankou = next(a for a in body["areas"] if a["name"] == "川口社区")
    assert chuankou["reports"]["total"] == 8 and chuankou["reports"]["ratings"] == {"优": 0, "良": 0, "差": 1}
    assert chuankou["staff"]["required"] > 0 and 0 <= chuankou["staff"]["coverage"] <= 1
    assert {c["code"][:9] for c in body["communities"]} == {"610202004"}
    r = await demo.get("/api/v1/indicators?under=610204&year=2016", headers=h)
    assert r.status_code == 403
    # the district view rolls up: 新区's communities counted in 耀州区's streets
    h = await demo.token_for("admin", DEMO_PASSWORD)
    r = await demo.get("/api/v1/indicators?under=610204&year=2016", headers=h)
    streets = {a["name"]: a for a in r.json()["areas"]}
    assert streets["锦阳路街道"]["reports"]["total"] == 17 + 24 + 28 + 32 + 11 + 14


async def test_the_table_on_screen_agrees_with_the_seed(demo):
    await demo.login("admin", DEMO_PASSWORD)
    r = await demo.get("/governance/reports?year=2016")
    assert r.status_code == 200 and "上报信息0—9篇为差;10—19为良;20篇以上为优" in r.text
    html = r.text
    for (group, name), (reports, pushed, rating) in expected().items():
        if group == "市局" or rating is None:
            continue
        assert re.search(rf"<td>{name}</td><td>{reports}</td><td>{pushed}</td><td class=\"r-{rating}\">{rating}</td>",
                         html), name
    assert '>新区(16)</td>' in html and ">耀州区(12)</td>" in html
    # a street official's page holds their street only
    demo.cookies.clear()
    await demo.login("street", DEMO_PASSWORD)
    html = (await demo.get("/governance/reports?year=2016")).text
    assert "川口社区" in html and "邻德社区" not in html and "王益区(4)" in html
