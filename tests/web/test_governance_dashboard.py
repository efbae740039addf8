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
