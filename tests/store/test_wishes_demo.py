"""The demo city's resident services: organisations of every kind with valid credit codes,
projects, volunteers, wishes in every state, demands; the demo member belongs to an
organisation serving the demo resident's community and sees its published wishes."""

from __future__ import annotations

import shutil

import httpx
import shapely

from gridsvc.app import create_app
from gridsvc.config import Settings
from gridsvc.domain.orgs import ORG_KINDS, check_credit_code
from gridsvc.domain.wishes import WISH_STATUSES
from gridsvc.store import db
from gridsvc.store.accounts.models import User
from gridsvc.store.areas.models import Area
from gridsvc.store.demo import load_demo
from gridsvc.store.orgs.models import Demand, Organisation, Project, ServiceHours
from gridsvc.store.wishes.models import Wish


async def test_demo_resident_services(tmp_path, demo_sqlite_template):
    shutil.copy(demo_sqlite_template.location, tmp_path / "demo.sqlite3")  # loaded once per session
    url = f"sqlite://{tmp_path / 'demo.sqlite3'}"
    result = demo_sqlite_template.loaded  # what load_demo answered
    await db.connect(url)
    try:
        assert result["organisations"] == 8 and result["wishes"] == 18 and result["demands"] == 5
        orgs = await Organisation.all()
        assert {o.kind for o in orgs} == set(ORG_KINDS)
        assert {o.status for o in orgs} == {"registered", "filed"}
        for o in orgs:
            if o.credit_code:
                assert check_credit_code(o.credit_code) == o.credit_code
        assert await Project.all().count() == result["projects"] >= len(orgs)
        assert set(await Wish.all().values_list("status", flat=True)) == set(WISH_STATUSES)
        assert set(await Demand.all().values_list("status", flat=True)) >= {"published", "full", "closed", "done"}
        # issue 10 item 8 adds the volunteering demo's hours; the spring-festival event keeps its four
        assert await ServiceHours.filter(demand__title="春节写春联送福").count() == 4
        member = await User.get(username="orgmember")
        assert member.org_id is not None

        app = create_app(Settings(db_url=url, secret_key="t"), manage_db=False)
        await app.state.index.start()
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
                async def token(name):
                    r = await c.post("/api/v1/auth/token", json={"username": name, "password": result["password"]})
                    return {"Authorization": f"Bearer {r.json()['access_token']}"}

                wall = (await c.get("/api/v1/wishes", params={"status": "published"},
                                    headers=await token("orgmember"))).json()
                assert wall["total"] >= 5 and all(w["contact"]["masked"] for w in wall["wishes"])
                queue = (await c.get("/api/v1/wishes/stats", headers=await token("worker"))).json()
                assert queue["by_status"]["submitted"] >= 1
                rec = (await c.get("/api/v1/volunteers/me/record", headers=await token("volunteer"))).json()
                assert rec["total_hours"] == 4
        finally:
            await app.state.index.close()
    finally:
        await db.close()


async def test_demo_has_units_party_members_and_compounds(tmp_path, sqlite_template):
    """Issue 14: party members and units claim wishes in the demo; compounds have property
    companies and span grids."""
    import shutil

    from gridsvc.store.areas.compounds import compounds_of
    from gridsvc.store.wishes.models import Claim

    shutil.copy(sqlite_template, tmp_path / "demo.sqlite3")
    await db.connect(f"sqlite://{tmp_path / 'demo.sqlite3'}")
    try:
        result = await load_demo()
        assert result["units"] == 2 and result["compounds"] == 2
        kinds = set(await Claim.all().values_list("claimer_kind", flat=True))
        assert {"party_member", "resident_unit", "caring_enterprise", "social_organisation", "volunteer"} <= kinds
        compounds = await compounds_of("610202004002")
        estate = next(c for c in compounds if c["kind"] == "estate")
        assert estate["property_company"] and len(estate["grids"]) >= 2 and estate["buildings"]
    finally:
        await db.close()


async def test_demo_volunteering_fills_every_page(tmp_path, demo_sqlite_template):
    """Issue 10 item 8: demands in every state, an organisation with members and claims,
    volunteers at several star levels, an event waiting for its hours and a draft allocation
    plan, as the pages (through the API the pages share) show them."""
    from gridsvc.domain.volunteers import DEMAND_STATUSES
    from gridsvc.store.orgs.models import DemandTake
    from gridsvc.store.wishes.models import AllocationPlan

    shutil.copy(demo_sqlite_template.location, tmp_path / "demo.sqlite3")
    url = f"sqlite://{tmp_path / 'demo.sqlite3'}"
    result = demo_sqlite_template.loaded
    await db.connect(url)
    try:
        assert set(await Demand.all().values_list("status", flat=True)) == set(DEMAND_STATUSES)
        home = await User.get(username="orgmember")
        assert await User.filter(org_id=home.org_id).count() >= 4
        org_takes = await DemandTake.filter(kind="org", status="active").values_list("org_id", flat=True)
        assert home.org_id in org_takes and len(set(org_takes)) >= 2
        plan = await AllocationPlan.get(id=result["allocation_plan"])
        assert plan.status == "draft" and plan.wishes >= 3 and plan.area_code == "610202004000"
        waiting = await Demand.get(id=result["awaiting_hours"])
        assert waiting.status == "closed" and waiting.taken == 4
        # every demand is drawn where it is: its place lies inside its area (the stairs once sat outside)
        for d in await Demand.exclude(lon=None):
            area = shapely.from_wkb((await Area.get(code=d.area_code)).geometry)
            assert area.covers(shapely.Point(d.lon, d.lat)), (d.title, d.area_code)

        app = create_app(Settings(db_url=url, secret_key="t"), manage_db=False)
        await app.state.index.start()
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
                async def token(name):
                    r = await c.post("/api/v1/auth/token", json={"username": name, "password": result["password"]})
                    return {"Authorization": f"Bearer {r.json()['access_token']}"}

                staff = await token("head")
                stars = {}
                for name in ("v_zhangqiang", "v_liuyan", "v_sunjing", "v_wufang"):
                    uid = (await User.get(username=name)).id
                    r = await c.get(f"/api/v1/volunteers/{uid}/record", headers=staff)
                    assert r.status_code == 200, r.text
                    stars[name] = (r.json()["star"], r.json()["total_hours"])
                assert stars == {"v_zhangqiang": (0, 24), "v_liuyan": (1, 128), "v_sunjing": (2, 323.5),
                                 "v_wufang": (3, 652)}  # with the spring festival event
                record = (await c.get(f"/api/v1/orgs/{home.org_id}/record", headers=staff)).json()
                assert record, record
                r = await c.get(f"/api/v1/allocations/{plan.id}", headers=await token("street"))
                assert r.status_code == 200 and r.json()["status"] == "draft"
        finally:
            await app.state.index.close()
    finally:
        await db.close()
