"""Organisation targets (issue 12 item 4) on the demo city: registered and filed community
organisations per community against 10-15, by kind, at the edge values 9, 10, 15 and 16; an
organisation serving the whole street, or one that is not a social organisation, is not counted;
a street official sees only their street's communities."""

from __future__ import annotations

from tests.web.test_governance_reports import DEMO_PASSWORD, demo  # noqa: F401  (the fixture)

STREET = "610202004000"
CHUANKOU = "610202004002"


async def _orgs(demo, h) -> tuple[dict, dict]:  # noqa: F811
    board = (await demo.get(f"/api/v1/indicators?under={STREET}&year=2016", headers=h)).json()
    community = next(c for c in board["communities"] if c["code"] == CHUANKOU)
    area = next(a for a in board["areas"] if a["code"] == CHUANKOU)
    return community["orgs"], next(f for f in area["figures"] if f["key"] == "orgs")


async def _file(demo, h, n: int, *, areas=(CHUANKOU,), **over) -> None:  # noqa: F811
    body = {"name": f"川口社区兴趣小组{n}", "kind": "culture_sports", "status": "filed", "areas": list(areas)} | over
    r = await demo.post("/api/v1/orgs", headers=h, json=body)
    assert r.status_code == 201, r.text


async def test_organisations_per_community_against_10_to_15(demo):  # noqa: F811
    admin = await demo.token_for("admin", DEMO_PASSWORD)
    street = await demo.token_for("street", DEMO_PASSWORD)
    orgs, figure = await _orgs(demo, street)
    start = orgs["count"]
    assert start <= 9, orgs
    n = 0
    while start + n < 9:
        n += 1
        await _file(demo, admin, n)
    # not counted: a street-wide organisation and a caring enterprise in the community
    await _file(demo, admin, 100, areas=(STREET,))
    await _file(demo, admin, 101, org_type="caring_enterprise")
    orgs, figure = await _orgs(demo, street)
    assert (orgs["count"], orgs["verdict"], figure["value"], figure["met"]) == (9, "short", 0, False)
    assert orgs["registered"] + orgs["filed"] == 9 and orgs["by_kind"]["culture_sports"] >= n
    for count, verdict, met in [(10, "ok", True), (15, "ok", True), (16, "above", True)]:
        while start + n < count:
            n += 1
            await _file(demo, admin, n)
        orgs, figure = await _orgs(demo, street)
        assert (orgs["count"], orgs["verdict"], figure["value"] == 1, figure["met"]) == (count, verdict, met, met)

    # the rows behind the figure, and the scope: a street official sees their street's communities only
    await demo.login("street", DEMO_PASSWORD)
    r = await demo.get(f"/governance/rows?year=2016&under={STREET}&figure=orgs")
    assert r.status_code == 200 and "川口社区" in r.text and "文体" in r.text
    r = await demo.get("/api/v1/indicators?under=610204&year=2016", headers=street)
    assert r.status_code == 403
    board = (await demo.get("/api/v1/indicators?year=2016", headers=street)).json()
    assert board["communities"] and all(c["code"].startswith(STREET[:9]) for c in board["communities"])
