"""The permission decision itself (pure), role by role."""

from __future__ import annotations

import pytest

from gridsvc.domain.errors import Forbidden, Unauthenticated
from gridsvc.domain.scope import (
    ANONYMOUS,
    Principal,
    allows,
    authorize,
    can_manage_tier,
    scope_prefixes,
)

DISTRICT = ("610202", "district")
COMMUNITY = ("610202001001", "community")
GRID = ("610202001001001", "grid")


def who(role, *areas):
    return Principal(user_id=1, username=role, role=role, areas=tuple(areas))


@pytest.mark.parametrize("principal, action, code, ok", [
    (who("admin"), "area.edit", "999999", True),
    (who("official", DISTRICT), "area.edit", "610202001001001", True),
    (who("official", DISTRICT), "area.edit", "610202", True),
    (who("official", DISTRICT), "area.edit", "610203001001", False),
    (who("official", DISTRICT), "area.delete", "610202", False),
    (who("official", DISTRICT), "area.delete", "610202001000", True),
    (who("head", COMMUNITY), "staff.manage", "610202001001002", True),
    (who("head", COMMUNITY), "staff.manage", "610202001002001", False),
    (who("worker", GRID), "area.edit", "610202001001001001", True),
    (who("worker", GRID), "area.edit", "610202001001002", False),
    (who("worker", GRID), "area.edit", "610202001001", False),
    (who("resident", ("610202001001001001001", "building")), "area.edit", "610202001001001001001", False),
    (who("org_member"), "area.edit", "610202", False),
    (who("volunteer", DISTRICT), "staff.manage", "610202001001", False),
    (ANONYMOUS, "area.read", "610202", True),
    (ANONYMOUS, "area.edit", "610202", False),
    (who("worker", GRID), "resident.pii", "610202001001001001001", True),
    (who("worker", GRID), "resident.pii", "610202001001002001001", False),
    (who("official", DISTRICT), "resident.pii", "610202001001001001001", False),
    (who("admin"), "resident.pii", "610202001001001001001", False),
])
def test_rules(principal, action, code, ok):
    assert allows(principal, action, code) is ok


def test_prefix_is_not_a_substring_trap():
    # 610202001001001 must not reach 6102020010010010 by accident of digits: codes have fixed widths per level
    worker = who("worker", GRID)
    assert not allows(worker, "area.edit", "610202001001011")


def test_authorize_says_401_for_anonymous_and_403_for_out_of_scope():
    with pytest.raises(Unauthenticated):
        authorize(ANONYMOUS, "area.edit", "610202")
    with pytest.raises(Forbidden) as e:
        authorize(who("worker", GRID), "area.edit", "610203")
    assert e.value.status == 403 and "610203" in e.value.message


def test_scope_prefixes_for_listings():
    assert scope_prefixes(who("admin"), "audit.read") is None
    assert scope_prefixes(who("official", DISTRICT), "audit.read") == ["610202"]
    assert scope_prefixes(who("worker", GRID), "audit.read") == []


def test_staff_manage_only_lower_tiers():
    head = who("head", COMMUNITY)
    assert can_manage_tier(head, "worker") and can_manage_tier(head, "building_head")
    assert not can_manage_tier(head, "instructor") and not can_manage_tier(head, "head")
    assert can_manage_tier(who("official", DISTRICT), "instructor")


def test_who_draws_grids():
    """The community (head) draws its grids; the grid worker keeps what lies inside (issue 14 §8)."""
    worker, head = who("worker", GRID), who("head", COMMUNITY)
    grid, group = GRID[0], GRID[0] + "001"
    for action in ("area.create", "area.edit", "area.delete"):
        assert not allows(worker, action, grid)
        assert allows(worker, action, group)
        assert allows(head, action, grid)
    assert not allows(worker, "staff.record_group_leader", group)
    assert allows(head, "staff.record_group_leader", group)
