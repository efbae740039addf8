"""The principal carries everything a permission decision needs, computed once at
authentication: an organisation member's areas are their organisation's service areas; the
store never acts without an actor (the system passes SYSTEM)."""

from __future__ import annotations

import pytest

from gridsvc.domain.errors import Forbidden
from gridsvc.domain.scope import SYSTEM, acts_for_org, allows, can_manage_tier, entitled
from gridsvc.store import catalog as store
from gridsvc.store.accounts.models import User
from gridsvc.store.accounts.users import principal_for
from tests.kit.catalog import DIBAO
from tests.wishkit import Kit


async def test_org_member_reaches_the_service_areas(client, people):
    await Kit(client, people).org("川口爱心社", areas=[people.community])
    member = await principal_for(await User.get(username="orgmember"))
    assert acts_for_org(member) and member.areas == ((people.community, "community"),)
    assert allows(member, "wish.claim", people.grid) and not allows(member, "wish.claim", people.other_grid)
    volunteer = await principal_for(await User.get(username="volunteer"))
    assert not acts_for_org(volunteer) and entitled(volunteer, "volunteer.act")
    assert volunteer.areas == ((people.district, "district"),)


async def test_tiers_from_the_table(people):
    head = await principal_for(await User.get(username="head"))
    official = await principal_for(await User.get(username="official"))
    assert can_manage_tier(head, "worker") and not can_manage_tier(head, "head")
    assert can_manage_tier(official, "instructor")


async def test_the_catalog_store_never_runs_unchecked(people):
    """No actor, no change; a worker is refused by the table; the system (CLI) passes SYSTEM."""
    for actor in (None, await principal_for(await User.get(username="worker"))):
        with pytest.raises(Forbidden):
            await store.create_item(dict(DIBAO), actor=actor)
    assert (await store.create_item(dict(DIBAO), actor=SYSTEM))["code"] == DIBAO["code"]
