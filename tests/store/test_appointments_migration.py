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


one_holder = importlib.import_module("gridsvc.store.migrations.core.0010_one_holder_per_post")


async def test_the_upgrade_to_one_holder_per_post_keeps_the_first_holder(tree):
    """core/0010: a post given a second holder before the index existed (an account edit, a merge)
    keeps the one appointed first; the later term ends with its reason and that person leaves the
    post. The unique index can then be made, and refuses a second open term."""
    from datetime import date

    import pytest
    from tortoise.exceptions import IntegrityError

    t = tree
    client = connections.get("default")
    await client.execute_script('DROP INDEX "uidx_appointment_open_post"')  # as before the upgrade
    grid = await get_area(t.grid)
    first = await User.create(username="w1", role="worker", display_name="先任")
    second = await User.create(username="w2", role="worker", display_name="后任")
    for user, day in ((first, date(2024, 1, 1)), (second, date(2025, 6, 1))):
        await UserArea.create(user_id=user.id, area_id=grid.id)
        await Appointment.create(user_id=user.id, area_id=grid.id, role="worker", started_on=day)
    # the first holder's own term twice (an account saved twice with the area): one stays, and so do they
    await Appointment.create(user_id=first.id, area_id=grid.id, role="worker", started_on=date(2024, 3, 1))

    await one_holder.end_second_holders(None, SimpleNamespace(client=client))
    await client.execute_script(one_holder.Migration.operations[1].sql)

    open_terms = await Appointment.filter(area_id=grid.id, ended_on__isnull=True).values_list("user_id", "started_on")
    assert open_terms == [(first.id, date(2024, 1, 1))]
    ended = await Appointment.filter(area_id=grid.id, ended_on__not_isnull=True).values_list("user_id", "end_reason")
    assert sorted(u for u, _ in ended) == sorted([first.id, second.id])
    assert all("core/0010" in why for _, why in ended)
    assert await UserArea.filter(area_id=grid.id).values_list("user_id", flat=True) == [first.id]
    post = next(p for p in (await roster(await get_area(t.community)))["posts"] if p["area"]["code"] == t.grid)
    assert [h["person"]["name"] for h in post["holders"]] == ["先任"]
    with pytest.raises(IntegrityError):
        await Appointment.create(user_id=second.id, area_id=grid.id, role="worker", started_on=date(2025, 7, 1))
