"""Training hours (issue 12 item 5, seed 002 §19): community staff keep a continuing-education
record; committee members need 40 class hours (学时) a year and other staff 20 (settings,
`Targets.training_hours_committee`, `Targets.training_hours_staff`).

Who is a committee member: of the five tiers (DOMAIN.md), the grid head (网格长) is "usually the
community's party secretary or director", a member of the two committees (两委), so `head`
counts as a committee member; the grid worker (网格员) is the community's other full-time staff.
Instructors (网格指导员) are street or town cadres whose training the street keeps, and group
leaders and building heads are residents chosen by their neighbours, not staff: none of them is
held to the hours.
"""

from __future__ import annotations

from datetime import date

from ..error_codes import ErrorCode
from ..errors import ValidationError
from .targets import Targets

COMMITTEE_ROLES = ("head",)
STAFF_ROLES = ("worker",)
TRAINED_ROLES = COMMITTEE_ROLES + STAFF_ROLES
TITLE_MAX = 200
MAX_CLASS_HOURS = 200  # one session: a week-long course of 8 a day is 40; more is a typing slip


def required_hours(role: str, targets: Targets) -> int | None:
    """The class hours a year a person of `role` needs (None: not held to any)."""
    if role in COMMITTEE_ROLES:
        return targets.training_hours_committee
    if role in STAFF_ROLES:
        return targets.training_hours_staff
    return None


def is_short(hours: int, required: int) -> bool:
    return hours < required


def check_session(title: str, held_on: date, class_hours: int, today: date) -> None:
    """A session names what it was, has happened, and lasted 1-200 class hours."""
    if not title.strip() or len(title) > TITLE_MAX:
        raise ValidationError(f"培训名称应为 1-{TITLE_MAX} 个字", f"the title must be 1-{TITLE_MAX} characters",
                              code=ErrorCode.BAD_TITLE, details={"field": "title"})
    if held_on > today:
        raise ValidationError("培训日期不能晚于今天:学时在培训之后登记", "a session is recorded after it was held",
                              code=ErrorCode.BAD_DATE, details={"field": "held_on"})
    if not 1 <= class_hours <= MAX_CLASS_HOURS:
        raise ValidationError(f"学时应为 1-{MAX_CLASS_HOURS} 的整数", f"class hours must be 1-{MAX_CLASS_HOURS}",
                              code=ErrorCode.BAD_CLASS_HOURS, details={"field": "class_hours"})
