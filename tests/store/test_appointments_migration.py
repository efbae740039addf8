"""Migration core 0008_appointments opens a term for every staff assignment a database already
holds (and none for a resident's home building), so the rosters of an upgraded city are whole.
The backfill runs here on a migrated database holding assignments written the old way (UserArea
rows without terms), on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from types import SimpleNamespace

from tortoise import connections

from gridsvc.store.accounts.models import User, UserArea
from gridsvc.store.areas import get_area
from gridsvc.store.rosters.models import Appointment
from gridsvc.store.rosters.roster import roster

backfill = importlib.import_module("gridsvc.store.migrations.core.0008_appointments").open_current_terms


async def test_the_backfill_opens_a_term_per_staff_assignment(tree):
    t = tree
    old = await User.create(username="w", role="worker", display_name="老网格员")
    await User.filter(id=old.id).update(created_at=datetime(2024, 1, 1, tzinfo=UTC))
    resident = await User.create(username="r", role="resident", display_name="居民")
    for user, code in ((old, t.grid), (resident, t.building)):
        await UserArea.create(user_id=user.id, area_id=(await get_area(code)).id)
    assert not await Appointment.exists()

    await backfill(None, SimpleNamespace(client=connections.get("default")))

    terms = await Appointment.all().values("user_id", "role", "started_on", "ended_on")
    assert [(x["user_id"], x["role"], x["started_on"].isoformat(), x["ended_on"]) for x in terms] == [
        (old.id, "worker", "2024-01-01", None)]
    post = next(p for p in (await roster(await get_area(t.community)))["posts"] if p["area"]["code"] == t.grid)
    assert post["holders"][0]["person"]["name"] == "老网格员" and not post["vacant"]
