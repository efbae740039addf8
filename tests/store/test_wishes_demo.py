"""The demo city's resident services: organisations of every kind with valid credit codes,
projects, volunteers, wishes in every state, demands; the demo member belongs to an
organisation serving the demo resident's community and sees its published wishes."""

from __future__ import annotations

import shutil

import httpx

from gridsvc.app import create_app
from gridsvc.config import Settings
from gridsvc.domain.orgs import ORG_KINDS, check_credit_code
from gridsvc.domain.wishes import WISH_STATUSES
from gridsvc.store import db
from gridsvc.store.accounts.models import User
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
        assert await ServiceHours.all().count() == 4
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
