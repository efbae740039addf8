"""Volunteers: star levels, service hours, demands, and taking places until a demand is full."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from gridsvc.domain.errors import Conflict, ValidationError
from gridsvc.domain.volunteers import (
    STAR_THRESHOLDS_DEFAULT,
    DemandAction,
    DemandStatus,
    check_demand,
    check_hours,
    check_take,
    check_thresholds,
    demand_transition,
    normalise_skills,
    org_claim_count,
    remaining_places,
    star_level,
    status_for_places,
    summarise_hours,
)

START = datetime(2026, 2, 1, 9, 0)
END = datetime(2026, 2, 1, 12, 0)


# ---------------------------------------------------------------------------- stars and hours


def test_default_thresholds() -> None:
    assert STAR_THRESHOLDS_DEFAULT == (100, 300, 600, 1000, 1500)


@pytest.mark.parametrize(("hours", "stars"), [
    (0, 0), (99.99, 0), (100, 1), (299.5, 1), (300, 2), (599.99, 2), (600, 3), (999, 3), (1000, 4), (1499.99, 4),
    (1500, 5), (12000, 5), (Decimal("100.00"), 1),
])
def test_star_level_at_thresholds(hours: float, stars: int) -> None:
    assert star_level(hours) == stars


def test_local_thresholds() -> None:
    local = (50, 150, 400)
    assert [star_level(h, local) for h in (49, 50, 150, 399, 400, 5000)] == [0, 1, 2, 2, 3, 3]


@pytest.mark.parametrize("bad", [(), (0, 100), (100, 100), (300, 100), (-1,), ("100",), (True, 2)])
def test_bad_thresholds(bad: tuple) -> None:
    with pytest.raises(ValidationError) as exc:
        check_thresholds(bad)
    assert exc.value.code == "bad_thresholds"


def test_summary() -> None:
    s = summarise_hours([2.5, 3, 94.5])
    assert (s.total_hours, s.star, s.next_threshold, s.hours_to_next) == (100.0, 1, 300, 200.0)
    s = summarise_hours([0.1] * 3)
    assert s.total_hours == 0.3 and s.star == 0 and s.hours_to_next == 99.7
    top = summarise_hours([24] * 70)
    assert top.star == 5 and top.next_threshold is None and top.hours_to_next is None
    assert summarise_hours([]).total_hours == 0


@pytest.mark.parametrize("hours", [0.5, 1, 2.25, 24, Decimal("3.5")])
def test_valid_hours(hours: object) -> None:
    assert check_hours(hours) == float(hours)  # type: ignore[arg-type]


@pytest.mark.parametrize("hours", [0, -1, 24.01, 25, 1.234, float("nan"), float("inf"), True, "3", None])
def test_bad_hours(hours: object) -> None:
    with pytest.raises(ValidationError) as exc:
        check_hours(hours)
    assert exc.value.code == "bad_hours"


def test_hours_within_the_demand_window() -> None:
    assert check_hours(3, starts_at=START, ends_at=END) == 3
    with pytest.raises(ValidationError) as exc:
        check_hours(3.5, starts_at=START, ends_at=END)
    assert exc.value.code == "hours_exceed_window" and exc.value.details["window_hours"] == 3


# ---------------------------------------------------------------------------- demands


def test_valid_demand_is_normalised() -> None:
    d = check_demand("  春节前 入户送温暖 ", START, END, 5, [" 驾驶 ", "医护", "驾驶", "", "医护 "],
                     now=START - timedelta(days=1))
    assert d.title == "春节前 入户送温暖" and d.volunteers_needed == 5 and d.skills == ("驾驶", "医护")
    assert check_demand("清扫楼道", START, END, 1).skills == ()
    assert check_demand("清扫楼道", START, END, 1, None).skills == ()


def test_demand_window() -> None:
    for ends in (START, START - timedelta(hours=1)):
        with pytest.raises(ValidationError) as exc:
            check_demand("清扫楼道", START, ends, 3)
        assert exc.value.code == "bad_window"
    with pytest.raises(ValidationError) as exc:
        check_demand("常态化助老", START, START + timedelta(days=367), 3)
    assert exc.value.code == "window_too_long"
    check_demand("常态化助老", START, START + timedelta(days=366), 3)
    with pytest.raises(ValidationError) as exc:
        check_demand("清扫楼道", START, END, 3, now=START + timedelta(minutes=1))
    assert exc.value.code == "starts_in_past"
    with pytest.raises(ValidationError) as exc:
        check_demand("清扫楼道", "2026-02-01", END, 3)  # type: ignore[arg-type]
    assert exc.value.code == "bad_window"


@pytest.mark.parametrize(("needed", "ok"), [(1, True), (1000, True), (0, False), (1001, False), (-2, False),
                                            (2.5, False), (True, False), ("3", False)])
def test_volunteers_needed(needed: object, ok: bool) -> None:
    if ok:
        assert check_demand("清扫楼道", START, END, needed).volunteers_needed == needed  # type: ignore[arg-type]
    else:
        with pytest.raises(ValidationError) as exc:
            check_demand("清扫楼道", START, END, needed)  # type: ignore[arg-type]
        assert exc.value.code == "bad_volunteers_needed"


def test_skills_rules() -> None:
    assert normalise_skills("急救") == ("急救",)
    assert normalise_skills(["First aid", "first  AID", "Driving"]) == ("First aid", "Driving")
    with pytest.raises(ValidationError):
        normalise_skills([f"技能{i}" for i in range(11)])
    with pytest.raises(ValidationError):
        normalise_skills(["x" * 21])
    with pytest.raises(ValidationError):
        normalise_skills([3])  # type: ignore[list-item]


@pytest.mark.parametrize("title", ["扫", "x" * 51, "", None])
def test_demand_title(title: object) -> None:
    with pytest.raises(ValidationError) as exc:
        check_demand(title, START, END, 3)  # type: ignore[arg-type]
    assert exc.value.code == "bad_title"


# ---------------------------------------------------------------------------- demand status

DEMAND_ALLOWED = {
    ("published", "take"), ("published", "release"), ("published", "close"), ("published", "cancel"),
    ("published", "complete"),
    ("full", "release"), ("full", "close"), ("full", "cancel"), ("full", "complete"),
    ("closed", "reopen"), ("closed", "cancel"), ("closed", "complete"),
}


@pytest.mark.parametrize(("status", "action"), sorted(itertools.product([s.value for s in DemandStatus],
                                                                        [a.value for a in DemandAction])))
def test_demand_transitions(status: str, action: str) -> None:
    if (status, action) in DEMAND_ALLOWED:
        got = demand_transition(status, action, needed=5, taken_after=3)
        expected = {"close": "closed", "cancel": "cancelled", "complete": "done"}.get(action, "published")
        assert got == expected
    else:
        with pytest.raises(Conflict) as exc:
            demand_transition(status, action, needed=5, taken_after=3)
        assert exc.value.code == "bad_transition" and exc.value.details == {"status": status, "action": action}


def test_demand_fills_and_frees_places() -> None:
    assert demand_transition("published", "take", needed=5, taken_after=5) == "full"
    assert demand_transition("full", "release", needed=5, taken_after=4) == "published"
    assert demand_transition("closed", "reopen", needed=5, taken_after=5) == "full"
    with pytest.raises(ValidationError):
        demand_transition("published", "explode", needed=5, taken_after=3)


def test_places() -> None:
    assert remaining_places(5, 2) == 3 and remaining_places(5, 7) == 0
    assert status_for_places(5, 5) is DemandStatus.FULL and status_for_places(5, 4) is DemandStatus.PUBLISHED


def test_signups_until_full() -> None:
    taken = 0
    for _ in range(3):
        left = check_take("published", 3, taken)
        taken += 1
        assert left == 3 - taken
    with pytest.raises(Conflict) as exc:
        check_take("published", 3, taken)
    assert exc.value.code == "demand_full" and exc.value.details["remaining"] == 0
    with pytest.raises(Conflict) as exc:
        check_take("full", 3, 3)
    assert exc.value.code == "demand_full"


def test_org_claims_the_whole_task_or_commits_some() -> None:
    assert org_claim_count(10, 4) == 6
    assert check_take("published", 10, 4, org_claim_count(10, 4)) == 0
    assert check_take("published", 10, 4, 2) == 4
    with pytest.raises(Conflict) as exc:
        check_take("published", 10, 4, 7)
    assert exc.value.code == "demand_full" and exc.value.details["remaining"] == 6 and exc.value.details["asked"] == 7
    assert "6" in exc.value.message_zh


@pytest.mark.parametrize("status", ["closed", "cancelled", "done"])
def test_no_taking_once_recruiting_stopped(status: str) -> None:
    with pytest.raises(Conflict) as exc:
        check_take(status, 10, 0)
    assert exc.value.code == "demand_not_open"


def test_take_twice_and_bad_counts() -> None:
    with pytest.raises(Conflict) as exc:
        check_take("published", 10, 1, already_taken_by_me=True)
    assert exc.value.code == "already_signed_up"
    for bad in (0, -1, True, 1.5):
        with pytest.raises(ValidationError):
            check_take("published", 10, 1, bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as exc:
        check_take("recruiting", 10, 1)
    assert exc.value.code == "unknown_status"
