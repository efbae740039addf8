"""The pure rules of governance items 5-7: who is held to which training hours, service space
at its edges, and the consultation state machine with every bad transition."""

from __future__ import annotations

from datetime import date

import pytest

from gridsvc.domain.errors import Conflict, ValidationError
from gridsvc.domain.governance import consultations as c
from gridsvc.domain.governance.space import check_space, m2_per_100, outdoor_met, rooms_met
from gridsvc.domain.governance.targets import Targets
from gridsvc.domain.governance.training import check_session, is_short, required_hours

T = Targets()


def test_committee_members_need_40_hours_other_staff_20_and_residents_none():
    assert required_hours("head", T) == 40 and required_hours("worker", T) == 20
    for role in ("instructor", "group_leader", "building_head", "resident", "official"):
        assert required_hours(role, T) is None
    assert is_short(39, 40) and not is_short(40, 40) and is_short(19, 20) and not is_short(20, 20)
    assert required_hours("head", Targets(training_hours_committee=48)) == 48


def test_a_session_is_dated_and_lasts_whole_class_hours():
    today = date(2026, 6, 1)
    check_session("政策培训", today, 1, today)
    check_session("政策培训", today, 200, today)
    for title, day, hours, code in [("", today, 4, "bad_title"), ("x", date(2026, 6, 2), 4, "bad_date"),
                                    ("x", today, 0, "bad_class_hours"), ("x", today, 201, "bad_class_hours")]:
        with pytest.raises(ValidationError) as e:
            check_session(title, day, hours, today)
        assert e.value.code == code


def test_rooms_per_100_households_at_the_edge():
    # 1,653 households need 495.9 m² (30 per 100); floats would put 495.9 × 100 a hair off
    assert rooms_met(495.9, 1653, 30) is True and rooms_met(495.8, 1653, 30) is False
    assert rooms_met(300, 1000, 30) is True and rooms_met(299.9, 1000, 30) is False
    assert rooms_met(300, None, 30) is None and rooms_met(300, 0, 30) is None
    assert m2_per_100(495.9, 1653) == 30.0 and m2_per_100(10, None) is None
    assert outdoor_met(1000, 1000) and not outdoor_met(999.9, 1000)
    for name, kind, m2 in [("", "room", 1), ("x", "roof", 1), ("x", "room", 0), ("x", "room", 1_000_001)]:
        with pytest.raises(ValidationError):
            check_space(name, kind, m2)


def test_the_five_steps_in_order():
    s = c.Status.RAISED
    assert c.allowed(s) == ["meet", "drop"]
    s = c.next_status(s, "meet")
    assert c.next_status(s, "meet") == c.Status.DISCUSSED  # a second meeting
    for action, target in [("decide", c.Status.DECIDED), ("carry_out", c.Status.CARRIED_OUT),
                           ("evaluate", c.Status.CONCLUDED)]:
        s = c.next_status(s, action)
        assert s == target
    assert c.allowed(s) == [] and c.is_public(s)
    assert not c.is_public(c.Status.RAISED) and not c.is_public(c.Status.DISCUSSED)
    assert not c.is_public(c.Status.DROPPED)


@pytest.mark.parametrize("status,action", [
    ("raised", "decide"), ("raised", "carry_out"), ("raised", "evaluate"),
    ("discussed", "carry_out"), ("discussed", "evaluate"),
    ("decided", "meet"), ("decided", "decide"), ("decided", "evaluate"), ("decided", "drop"),
    ("carried_out", "meet"), ("carried_out", "carry_out"), ("carried_out", "drop"),
    ("concluded", "meet"), ("concluded", "evaluate"), ("concluded", "drop"),
    ("dropped", "meet"), ("dropped", "drop"),
])
def test_bad_transitions_are_conflicts_naming_what_is_allowed(status, action):
    with pytest.raises(Conflict) as e:
        c.next_status(status, action)
    assert e.value.code == "bad_transition" and e.value.details["allowed"] == c.allowed(status)


def test_step_checks():
    with pytest.raises(ValidationError) as e:
        c.next_status("raised", "adjourn")
    assert e.value.code == "unknown_action"
    today = date(2026, 6, 1)
    c.check_date(today, today, today, "held_on")
    with pytest.raises(ValidationError):
        c.check_date(date(2026, 5, 31), today, today, "decided_on")  # before the step before
    with pytest.raises(ValidationError):
        c.check_date(date(2026, 6, 2), None, today, "held_on")  # in the future
    c.check_meeting(2, ["residents"], "纪要")
    for n, kinds in [(1, ["residents"]), (5, []), (5, ["王五"])]:
        with pytest.raises(ValidationError):
            c.check_meeting(n, kinds, "纪要")
    with pytest.raises(ValidationError):
        c.check_evaluation(0, 0, 0)
    assert c.satisfaction(3, 1, 0) == 1.0 and c.satisfaction(0, 0, 0) is None
    with pytest.raises(ValidationError):
        c.check_raise("x", "y", "mayor")
