"""One count of held and vacant posts (store.rosters.posts): the workbench tile, the governance
dashboard, the map colours and the roster agree, and follow appointments, ends and deactivation."""

from __future__ import annotations

from gridsvc.config import DEFAULTS
from gridsvc.domain.governance.targets import Targets
from gridsvc.domain.scope import SYSTEM
from gridsvc.store import workbench
from gridsvc.store.accounts.models import User
from gridsvc.store.areas import get_area
from gridsvc.store.governance import figures, indicators
from gridsvc.store.rosters import appointments, posts
from gridsvc.store.rosters.models import Appointment
from gridsvc.store.rosters.roster import roster


async def _counts(t) -> tuple[int, int, int]:
    district = await get_area(t.district)
    board = await indicators.dashboard(2026, Targets(), DEFAULTS, within=district)
    return (await workbench.vacancy_count([t.district]), board["vacancy_count"],
            (await roster(district))["vacant_below"])


async def test_every_count_agrees_and_follows_the_roster(people):
    t = people
    # 610202: community2 lacks its instructor, other_grid its worker; 610203's chain has nobody
    assert await _counts(t) == (2, 2, 2)
    term = await Appointment.filter(user__username="worker2").first()
    await appointments.end_term(await appointments.find_term(term.id), actor=SYSTEM)
    assert await _counts(t) == (3, 3, 3)
    assert t.grid2 not in await posts.staffed_grids(t.community)
    # a deactivated holder leaves the post vacant in every count
    await User.filter(username="worker").update(is_active=False)
    assert await _counts(t) == (4, 4, 4)
    shares = await figures.posts_filled_by_area([{"code": t.community, "level": "community"}])
    held = await posts.held_roles([t.community])
    assert held[t.community] == {"instructor", "head"} and t.grid not in held
    assert shares[t.community] == 4 / 6  # instructor, head, group leader, building head; both grids vacant


async def test_a_resident_of_a_building_holds_no_post(people):
    t = people
    rows = await posts.holdings([t.building[:12]], levels=("building",))
    assert [(code, role) for code, role in rows] == [(t.building, "building_head")]
