"""Volunteer demands (志愿服务需求项目), sign-ups, service hours and star levels.

Staff publish a demand: a place, a time window, how many volunteers and which skills. Places
are taken either by an organisation claiming the task (it commits a number of its volunteers,
by default all remaining places) or by individual volunteers signing up (one place each), until
the demand is full. After the event staff record each volunteer's hours; the totals give the
star level (星级志愿者), whose thresholds are a setting (100/300/600/1,000/1,500 hours by the
2012 national record rules; local rules differ).

Demand statuses and actions:

    action     from                     to                    who
    take       published                published or full     org_member (claim), volunteer (sign-up)
    release    published, full          published             the taker, grid_staff
    close      published, full          closed                grid_staff (recruiting stops)
    reopen     closed                   published or full     grid_staff
    cancel     published, full, closed  cancelled             grid_staff
    complete   published, full, closed  done                  grid_staff (the event took place)

``take``/``release``/``reopen`` land on ``full`` when no place is left (`status_for_places`). The
store takes places with a conditional update (``SET taken = taken + n WHERE taken + n <=
needed AND status = 'published'``) so that concurrent sign-ups never overfill a demand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Any, Iterable, Sequence

from .error_codes import ErrorCode
from .errors import Conflict, FieldProblems, ValidationError

# ---------------------------------------------------------------------------- stars and hours

STAR_THRESHOLDS_DEFAULT: tuple[int, ...] = (100, 300, 600, 1000, 1500)
HOURS_MAX_PER_RECORD = 24


def check_thresholds(thresholds: Sequence[float]) -> tuple[float, ...]:
    """Star thresholds are positive and strictly increasing (``bad_thresholds``)."""
    t = tuple(thresholds)
    if not t or any(isinstance(x, bool) or not isinstance(x, (int, float, Decimal)) for x in t) or t[0] <= 0 or any(
        b <= a for a, b in pairwise(t)
    ):
        raise ValidationError(
            "星级时长门槛应为递增的正数", "star thresholds are positive and strictly increasing",
            code=ErrorCode.BAD_THRESHOLDS, details={"thresholds": [str(x) for x in t]},
        )
    return t


def star_level(hours: float, thresholds: Sequence[float] = STAR_THRESHOLDS_DEFAULT) -> int:
    """The number of thresholds reached: 0 (no star) up to ``len(thresholds)`` (5 by default).
    A threshold is reached at exactly its value (100 h -> one star)."""
    t = check_thresholds(thresholds)
    return sum(1 for x in t if hours >= x)


@dataclass(frozen=True)
class VolunteerSummary:
    total_hours: float
    star: int
    next_threshold: float | None  # None at the top level
    hours_to_next: float | None


def summarise_hours(hours: Iterable[float], thresholds: Sequence[float] = STAR_THRESHOLDS_DEFAULT) -> VolunteerSummary:
    """A volunteer's record: total hours, star level and how far the next star is."""
    t = check_thresholds(thresholds)
    total = float(sum(Decimal(str(h)) for h in hours))
    star = star_level(total, t)
    nxt = t[star] if star < len(t) else None
    return VolunteerSummary(total, star, nxt, None if nxt is None else float(Decimal(str(nxt)) - Decimal(str(total))))


def check_hours(
    hours: object,
    *,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> float:
    """Hours of service in one record: 0 < h <= 24, at most two decimals (``bad_hours``); when
    the demand's window is given, no more than its length (``hours_exceed_window``)."""
    h = float(hours) if isinstance(hours, (int, float, Decimal)) and not isinstance(hours, bool) else math.nan
    if not math.isfinite(h) or not 0 < h <= HOURS_MAX_PER_RECORD or round(h, 2) != h:
        raise ValidationError(
            f"服务时长应大于 0 且不超过 {HOURS_MAX_PER_RECORD} 小时(最多两位小数)",
            f"service hours are more than 0 and at most {HOURS_MAX_PER_RECORD} (two decimals at most)",
            code=ErrorCode.BAD_HOURS, details={"hours": str(hours), "max": HOURS_MAX_PER_RECORD},
        )
    if starts_at is not None and ends_at is not None:
        window = (ends_at - starts_at).total_seconds() / 3600
        if h > window + 1e-9:
            raise ValidationError(
                f"服务时长 {h:g} 小时超过活动时长 {window:g} 小时",
                f"{h:g} hours exceed the demand's window of {window:g} hours",
                code=ErrorCode.HOURS_EXCEED_WINDOW, details={"hours": h, "window_hours": window},
            )
    return h


# ---------------------------------------------------------------------------- demands

TITLE_MIN, TITLE_MAX = 2, 50
VOLUNTEERS_MAX = 1000
SKILLS_MAX, SKILL_LEN_MAX = 10, 20
WINDOW_MAX = timedelta(days=366)  # 常态化招募: an ongoing demand may run for up to a year


@dataclass(frozen=True)
class DemandInput:
    title: str
    starts_at: datetime
    ends_at: datetime
    volunteers_needed: int
    skills: tuple[str, ...]


def normalise_skills(skills: Iterable[str] | None) -> tuple[str, ...]:
    """Strip, drop blanks and duplicates (keeping the first spelling and the order); at most 10
    skills of 1-20 characters (``bad_skills``)."""
    if skills is None:
        return ()
    if isinstance(skills, str):
        skills = [skills]
    out: list[str] = []
    seen: set[str] = set()
    for s in skills:
        if not isinstance(s, str):
            raise ValidationError("技能应为文本", "skills are text", code=ErrorCode.BAD_SKILLS,
                                  details={"skill": repr(s)})
        s = " ".join(s.split())
        if not s or s.casefold() in seen:
            continue
        if len(s) > SKILL_LEN_MAX:
            raise ValidationError(
                f"技能 {s!r} 超过 {SKILL_LEN_MAX} 个字", f"skill {s!r} is longer than {SKILL_LEN_MAX} characters",
                code=ErrorCode.BAD_SKILLS, details={"skill": s, "max_length": SKILL_LEN_MAX},
            )
        seen.add(s.casefold())
        out.append(s)
    if len(out) > SKILLS_MAX:
        raise ValidationError(
            f"技能最多 {SKILLS_MAX} 项", f"at most {SKILLS_MAX} skills", code=ErrorCode.BAD_SKILLS,
            details={"count": len(out), "max": SKILLS_MAX},
        )
    return tuple(out)


def check_demand(
    title: object,  # as posted: anything but a string is a bad title
    starts_at: datetime | None,
    ends_at: datetime | None,
    volunteers_needed: object,  # as posted: checked to be a whole number below
    skills: Iterable[str] | None = (),
    *,
    now: datetime | None = None,
) -> DemandInput:
    """Check a volunteer demand; return it normalised. Every problem is found, not the first:
    one error names them all (`FieldProblems`: the first on top, each in ``details.problems``
    with its field).

    - title 2-50 characters (``bad_title``)
    - ends_at after starts_at (``bad_window``), the window at most 366 days (``window_too_long``),
      and when ``now`` is given, not starting in the past (``starts_in_past``); None for a time
      the caller could not read (and reports itself): the window is then not checked
    - 1-1,000 volunteers (``bad_volunteers_needed``)
    - skills: see `normalise_skills`
    Compare aware with aware or naive with naive datetimes.
    """
    problems = FieldProblems()
    norm = problems.check("title", check_demand_title, title)
    problems.check("ends_at", check_window, starts_at, ends_at, now=now)
    needed = problems.check("volunteers_needed", check_volunteers_needed, volunteers_needed)
    found_skills = problems.check("skills", normalise_skills, skills)
    for field, when in (("starts_at", starts_at), ("ends_at", ends_at)):
        if when is None:  # a caller that could not read it has named the problem first (kept, not this)
            problems.add(field, ValidationError("开始和结束时间应为日期时间", "starts_at and ends_at must be datetimes",
                                                code=ErrorCode.BAD_WINDOW, details={"field": field}))
    problems.raise_any()
    assert starts_at is not None and ends_at is not None  # raised above when not
    return DemandInput(norm, starts_at, ends_at, needed, found_skills)


def check_demand_title(title: object) -> str:
    """2-50 characters once whitespace is collapsed (``bad_title``)."""
    norm = " ".join(title.split()) if isinstance(title, str) else ""
    if not TITLE_MIN <= len(norm) <= TITLE_MAX:
        raise ValidationError(
            f"标题应为 {TITLE_MIN}-{TITLE_MAX} 个字,现为 {len(norm)} 个",
            f"the title has {TITLE_MIN}-{TITLE_MAX} characters, got {len(norm)}",
            code=ErrorCode.BAD_TITLE,
            details={"field": "title", "length": len(norm), "min": TITLE_MIN, "max": TITLE_MAX},
        )
    return norm


def check_window(starts_at: datetime | None, ends_at: datetime | None, *, now: datetime | None = None) -> None:
    """The demand's time window (see `check_demand`); nothing to check while a time is None."""
    if starts_at is None or ends_at is None:
        return
    if not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        raise ValidationError(
            "开始和结束时间应为日期时间", "starts_at and ends_at must be datetimes", code=ErrorCode.BAD_WINDOW,
            details={"field": "ends_at", "starts_at": str(starts_at), "ends_at": str(ends_at)},
        )
    if ends_at <= starts_at:
        raise ValidationError(
            f"结束时间 {ends_at:%Y-%m-%d %H:%M} 应晚于开始时间 {starts_at:%Y-%m-%d %H:%M}",
            f"ends_at {ends_at.isoformat()} must be after starts_at {starts_at.isoformat()}",
            code=ErrorCode.BAD_WINDOW,
            details={"field": "ends_at", "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
        )
    if ends_at - starts_at > WINDOW_MAX:
        raise ValidationError(
            f"活动时间跨度不能超过 {WINDOW_MAX.days} 天", f"a demand spans at most {WINDOW_MAX.days} days",
            code=ErrorCode.WINDOW_TOO_LONG,
            details={"field": "ends_at", "days": (ends_at - starts_at).days, "max_days": WINDOW_MAX.days},
        )
    if now is not None and starts_at < now:
        raise ValidationError(
            "开始时间不能早于现在", "a demand cannot start in the past", code=ErrorCode.STARTS_IN_PAST,
            details={"field": "starts_at", "starts_at": starts_at.isoformat(), "now": now.isoformat()},
        )


def check_volunteers_needed(volunteers_needed: object) -> int:
    """A whole number from 1 to 1,000 (``bad_volunteers_needed``)."""
    if isinstance(volunteers_needed, bool) or not isinstance(volunteers_needed, int) or not (
        1 <= volunteers_needed <= VOLUNTEERS_MAX
    ):
        raise ValidationError(
            f"所需志愿者人数应为 1-{VOLUNTEERS_MAX} 的整数",
            f"volunteers_needed is a whole number from 1 to {VOLUNTEERS_MAX}",
            code=ErrorCode.BAD_VOLUNTEERS_NEEDED,
            details={"field": "volunteers_needed", "volunteers_needed": str(volunteers_needed)},
        )
    return volunteers_needed


class DemandStatus(StrEnum):
    PUBLISHED = "published"
    FULL = "full"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    DONE = "done"

    @property
    def zh(self) -> str:
        return {"published": "招募中", "full": "已满员", "closed": "已截止", "cancelled": "已取消",
                "done": "已完成"}[self.value]


DEMAND_STATUSES: dict[str, str] = {s.value: s.zh for s in DemandStatus}


class DemandAction(StrEnum):
    TAKE = "take"
    RELEASE = "release"
    CLOSE = "close"
    REOPEN = "reopen"
    CANCEL = "cancel"
    COMPLETE = "complete"


_D = DemandStatus
DEMAND_TRANSITIONS: dict[DemandAction, frozenset[DemandStatus]] = {
    DemandAction.TAKE: frozenset({_D.PUBLISHED}),
    DemandAction.RELEASE: frozenset({_D.PUBLISHED, _D.FULL}),
    DemandAction.CLOSE: frozenset({_D.PUBLISHED, _D.FULL}),
    DemandAction.REOPEN: frozenset({_D.CLOSED}),
    DemandAction.CANCEL: frozenset({_D.PUBLISHED, _D.FULL, _D.CLOSED}),
    DemandAction.COMPLETE: frozenset({_D.PUBLISHED, _D.FULL, _D.CLOSED}),
}
_FIXED_TARGET = {DemandAction.CLOSE: _D.CLOSED, DemandAction.CANCEL: _D.CANCELLED, DemandAction.COMPLETE: _D.DONE}
del _D


def remaining_places(needed: int, taken: int) -> int:
    """Places still open (never negative)."""
    return max(0, needed - taken)


def status_for_places(needed: int, taken: int) -> DemandStatus:
    """An open demand is ``full`` when no place is left, else ``published``."""
    return DemandStatus.FULL if remaining_places(needed, taken) == 0 else DemandStatus.PUBLISHED


def demand_transition(status: str, action: str, *, needed: int, taken_after: int) -> DemandStatus:
    """The demand's status after ``action``; ``taken_after`` is the number of places taken once
    the action is done (it decides published vs full). Raises `Conflict` ``bad_transition``."""
    try:
        st, act = DemandStatus(status), DemandAction(action)
    except ValueError:
        raise ValidationError(
            f"未知的需求状态或操作 {status!r}/{action!r}", f"unknown demand status or action {status!r}/{action!r}",
            code=ErrorCode.UNKNOWN_ACTION, details={"status": status, "action": action},
        ) from None
    if st not in DEMAND_TRANSITIONS[act]:
        raise Conflict(
            f"需求当前状态为「{st.zh}」,不能执行 {act.value}", f"cannot {act.value} a demand that is {st.value}",
            code=ErrorCode.BAD_TRANSITION, details={"status": st.value, "action": act.value},
        )
    return _FIXED_TARGET.get(act) or status_for_places(needed, taken_after)


def check_take(
    status: str,
    needed: int,
    taken: int,
    count: int = 1,
    *,
    already_taken_by_me: bool = False,
) -> int:
    """Check that ``count`` places can be taken now; return the places left afterwards.

    A volunteer signs up for one place (``count=1``); an organisation claiming the task commits
    ``count`` of its volunteers, 1 up to the remaining places (call `org_claim_count` for the
    default, all of them). Errors (409): ``demand_not_open`` (not published: full, closed,
    cancelled, done), ``demand_full`` (fewer places left than asked, naming how many),
    ``already_signed_up``.
    """
    try:
        st = DemandStatus(status)
    except ValueError:
        raise ValidationError(
            f"未知的需求状态 {status!r}", f"unknown demand status {status!r}", code=ErrorCode.UNKNOWN_STATUS,
            details={"status": status, "statuses": list(DEMAND_STATUSES)},
        ) from None
    left = remaining_places(needed, taken)
    if st is DemandStatus.FULL or (st is DemandStatus.PUBLISHED and left == 0):
        raise Conflict(
            "该需求已满员", "this demand is full", code=ErrorCode.DEMAND_FULL,
            details={"needed": needed, "taken": taken, "remaining": 0},
        )
    if st is not DemandStatus.PUBLISHED:
        raise Conflict(
            f"该需求当前「{st.zh}」,不再招募", f"this demand is {st.value} and no longer recruiting",
            code=ErrorCode.DEMAND_NOT_OPEN, details={"status": st.value},
        )
    if already_taken_by_me:
        raise Conflict("您已报名或认领该需求", "you have already signed up for or claimed this demand",
                       code=ErrorCode.ALREADY_SIGNED_UP)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValidationError("人数应为正整数", "the number of volunteers is a positive whole number",
                              code=ErrorCode.BAD_COUNT, details={"count": str(count)})
    if count > left:
        raise Conflict(
            f"剩余名额只有 {left} 个,不能认领 {count} 个", f"only {left} place(s) left, cannot take {count}",
            code=ErrorCode.DEMAND_FULL, details={"needed": needed, "taken": taken, "remaining": left, "asked": count},
        )
    return left - count


def org_claim_count(needed: int, taken: int, committed: int | None = None) -> int:
    """How many places an organisation's claim takes: what it commits, by default all the
    remaining places (the whole task)."""
    return remaining_places(needed, taken) if committed is None else committed


def named_members(committed: Any, members: Any) -> tuple[int | None, list[int] | None]:
    """The places and the people of an organisation's claim. Naming members makes the count
    their number; a count given beside the names must agree with it."""
    if members is None:
        return committed, None
    if not isinstance(members, list) or not members or not all(
            isinstance(m, int) and not isinstance(m, bool) and m > 0 for m in members):
        raise ValidationError("members 应为成员编号的列表", "members must be a list of member ids",
                              code=ErrorCode.BAD_MEMBERS, details={"field": "members"})
    if len(set(members)) != len(members):
        raise ValidationError("成员名单有重复", "a member is named twice", code=ErrorCode.BAD_MEMBERS,
                              details={"field": "members"})
    if committed is not None and committed != len(members):
        raise ValidationError(f"承诺人数 {committed} 与所列成员 {len(members)} 人不一致",
                              f"the count ({committed}) differs from the members named ({len(members)})",
                              code=ErrorCode.BAD_MEMBERS, details={"field": "count", "members": len(members)})
    return len(members), list(members)
