"""The governance dashboard (issue 12 item 8) on the demo city with seed 000's 2016 table: each
indicator of each area against its target, every figure linking to the rows behind it, the
choropleth indicators, and the scope (a street official sees only their street)."""

from __future__ import annotations

import re

from tests.web.test_governance_reports import DEMO_PASSWORD, demo  # noqa: F401  (the fixture)

STREET = "610202004000"  # the street of the demo official "street"
CHUANKOU = "610202004002"  # 川口社区: 8 reports in seed 000


async def test_the_street_dashboard_shows_each_figure_against_its_target(demo):  # noqa: F811
    h = await demo.token_for("street", DEMO_PASSWORD)
    r = await demo.get(f"/api/v1/indicators?under={STREET}&year=2016", headers=h)
    chuankou = next(a for a in r.json()["areas"] if a["code"] == CHUANKOU)
    reports = next(f for f in chuankou["figures"] if f["key"] == "reports")
    assert (reports["value"], reports["target"], reports["met"]) == (0, 1, False)  # 8 < 10
    staff = next(f for f in chuankou["figures"] if f["key"] == "staff")
    assert staff["target"] == chuankou["staff"]["required"] and staff["value"] <= staff["target"]

    await demo.login("street", DEMO_PASSWORD)
    r = await demo.get("/governance?year=2016")
    assert r.status_code == 200
    html = r.text
    assert "川口社区" in html and "邻德社区" not in html
    links = set(re.findall(r'href="(/governance/rows\?[^"]+)"', html))
    assert f"/governance/rows?year=2016&under={CHUANKOU}&figure=reports" in links
    # the rows behind the figure: the community with its count, marked below target
    r = await demo.get(f"/governance/rows?year=2016&under={CHUANKOU}&figure=reports")
    assert r.status_code == 200
    assert re.search(r'<td>川口社区</td><td class="bad">8</td>', r.text)
    r = await demo.get(f"/governance/rows?year=2016&under={STREET}&figure=sizing")
    assert r.status_code == 200 and "青年路社区" in r.text
    r = await demo.get(f"/governance/rows?year=2016&under={STREET}&figure=staff")
    assert r.status_code == 200 and "空缺" in r.text


async def test_the_dashboard_is_scoped_and_checks_its_parameters(demo):  # noqa: F811
    await demo.login("street", DEMO_PASSWORD)
    r = await demo.get("/governance?under=610204&year=2016")
    assert r.status_code == 403
    r = await demo.get(f"/governance/rows?under={STREET}&figure=nothing")
    assert r.status_code == 400
    r = await demo.get(f"/governance/rows?under={STREET}&figure=reports&year=20x6")
    assert r.status_code == 400
    demo.cookies.clear()
    await demo.login("admin", DEMO_PASSWORD)
    html = (await demo.get("/governance?year=2016")).text
    # the city level: a card per district, linking down
    assert "/governance?year=2016&under=610204" in html and "耀州区" in html
    html = (await demo.get("/governance?year=2016&under=610204")).text
    assert "锦阳路街道" in html and "川口社区" not in html


async def test_the_governance_indicators_colour_the_map(demo):  # noqa: F811
    h = await demo.token_for("street", DEMO_PASSWORD)
    names = [i["name"] for i in (await demo.get("/api/v1/maps/indicators", headers=h)).json()["indicators"]]
    assert {"gov_reports", "gov_posts"} <= set(names)
    r = await demo.get("/api/v1/maps/choropleth", headers=h,
                       params={"by": "gov_reports", "level": "community", "under": STREET})
    assert r.status_code == 200, r.text
    # the map shows this year's count, the same as the ratings of this year
    values = {f["properties"]["code"]: f["properties"].get("value") for f in r.json()["features"]}
    rated = (await demo.get(f"/api/v1/reports/ratings?under={STREET}", headers=h)).json()
    assert values == {x["code"]: float(x["reports"]) for x in rated} and CHUANKOU in values
    r = await demo.get("/api/v1/maps/choropleth", headers=h,
                       params={"by": "gov_posts", "level": "community", "under": STREET})
    assert r.status_code == 200
    assert all(v is None or 0 <= v <= 1 for v in (f["properties"].get("value") for f in r.json()["features"]))
    r = await demo.get("/api/v1/maps/choropleth", headers=h,
                       params={"by": "gov_reports", "level": "community", "under": "610204"})
    assert r.status_code == 403
    r = await demo.get("/api/v1/maps/choropleth", headers=await demo.token_for("resident", DEMO_PASSWORD),
                       params={"by": "gov_reports", "level": "community", "under": STREET})
    assert r.status_code == 403


async def _add_communities(t, n: int) -> list[str]:
    """`n` more communities in the canned street, each with two grids, a head and two workers,
    a report, a service room, a training session and a consultation: every figure has rows."""
    from datetime import date

    from shapely.geometry import box

    from gridsvc.store.accounts.users import create_user
    from gridsvc.store.areas import AreaInput, get_area, store_batch
    from gridsvc.store.governance.consultations import raise_matter
    from gridsvc.store.governance.reports import file_report
    from gridsvc.store.governance.space import add_space
    from gridsvc.store.governance.training import record_session
    from tests.conftest import PASSWORD

    codes = []
    items = []
    for i in range(n):
        code = f"{t.street[:9]}{i + 3:03d}"
        x = 109.0 + 0.1 * i
        items.append(AreaInput(code, f"新建{i + 1}社区", "community", box(x, 35.25, x + 0.1, 35.35), t.street,
                               households=1200 + 100 * i))
        items += [AreaInput(f"{code}{g:03d}", f"新建{i + 1}社区{g}网格", "grid",
                            box(x + 0.05 * (g - 1), 35.25, x + 0.05 * g, 35.3), code, households=150 + 20 * g)
                  for g in (1, 2)]
        codes.append(code)
    await store_batch(items, actor=None)
    day = date(2026, 3, 1)
    for i, code in enumerate(codes):
        community = await get_area(code)
        await create_user(f"head{code}", role="head", password=PASSWORD, areas=[code])
        for g in (1, 2):
            await create_user(f"worker{code}{g}", role="worker", password=PASSWORD, areas=[f"{code}{g:03d}"])
        await file_report(community, title="简报", filed_on=day, body="", attachment="", pushed=True, pushed_on=day,
                          today=day, filed_by=None)
        await add_space(community, name="活动室", kind="room", m2=100.0 + i)
        await record_session(community, title="培训", organiser="民政局", held_on=day, class_hours=8,
                             attendees=[f"head{code}", f"worker{code}1"], today=day)
        await raise_matter(community, title="加装电梯", matter="居民提议", raised_by="resident", raised_on=day,
                           today=day, recorded_by=None)
    return codes


async def test_the_dashboard_statements_do_not_grow_with_the_communities(client, people):
    """Each figure is one statement over the subtree, however many communities it holds: the
    same count for the canned street's 2 communities as for 6."""
    from tests.web.test_paging import counting_statements

    t = people
    h = await client.token_for("admin")
    urls = [f"/governance?year=2026&under={t.district}", f"/governance?year=2026&under={t.street}",
            f"/api/v1/indicators?year=2026&under={t.district}", "/api/v1/indicators?year=2026",
            f"/governance/rows?year=2026&under={t.street}&figure=staff"]

    async def statements() -> dict[str, int]:
        # the first request after a boundary change also refreshes the point index: not counted
        assert (await client.get(urls[0], headers=h)).status_code == 200
        counts = {}
        for url in urls:
            with counting_statements() as counted:
                r = await client.get(url, headers=h)
            assert r.status_code == 200, (url, r.text[:300])
            counts[url] = counted["n"]
        return counts

    two = await statements()
    codes = await _add_communities(t, 4)
    board = (await client.get(f"/api/v1/indicators?year=2026&under={t.street}", headers=h)).json()
    assert len(board["communities"]) == 6
    added = [c for c in board["communities"] if c["name"].startswith("新建")]
    assert all(c["reports"] == 1 and c["space"]["room_m2"] >= 100 and c["grid_sizes"]["grids"] == 2
               and c["training"]["staff"] == 3 for c in added)
    # each new community: a head, an instructor and two grid workers required, the instructor missing
    staff = [(a["staff"]["required"], a["staff"]["vacant"]) for a in board["areas"] if a["code"] in codes]
    assert staff == [(4, 1)] * 4
    six = await statements()
    assert six == two, (two, six)


async def test_the_training_colours_follow_the_settings_of_the_app(demo_db_url):
    """gov_training's share is against the training hours of the settings the map is drawn with
    (GRIDSVC_GOV_TRAINING_HOURS), read when the map is drawn: the demo's 川口社区 has its head
    and one worker at 24 hours this year."""
    import httpx

    from gridsvc.app import create_app
    from gridsvc.config import Settings
    from gridsvc.store import db
    from tests.conftest import Client

    async def training_of_chuankou(environ: dict) -> tuple[float, str, list]:
        app = create_app(Settings.from_env(environ, db_url=demo_db_url, secret_key="test-secret"), manage_db=False)
        await app.state.index.start()
        try:
            async with Client(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
                h = await c.token_for("street", DEMO_PASSWORD)
                r = await c.get("/api/v1/maps/choropleth", headers=h,
                                params={"by": "gov_training", "level": "community", "under": STREET})
                assert r.status_code == 200, r.text
                props = next(f["properties"] for f in r.json()["features"] if f["properties"]["code"] == CHUANKOU)
                return props["value"], props["color"], r.json()["legend"]["classes"]
        finally:
            await app.state.index.close()

    await db.connect(demo_db_url)
    try:
        default = await training_of_chuankou({})
        # other staff 20 hours, committee members 24: the head's 24 hours now meet the target
        lowered = await training_of_chuankou({"GRIDSVC_GOV_TRAINING_HOURS": "20,24"})
        again = await training_of_chuankou({})
    finally:
        await db.close()
    assert default[0] == 1 / 9 and lowered[0] == 2 / 9 and again == default
    # the share crosses the legend's first break (20%): another class, another colour
    classes = default[2]
    assert classes[0]["max"] == 0.2 and lowered[1] == classes[1]["color"] != default[1] == classes[0]["color"]
