"""Training sessions and attendance (issue 12 item 5): recording a session with the staff who
attended, and each community's staff against their yearly class hours."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from tortoise.transactions import in_transaction

from gridsvc.store.accounts.models import User, UserArea
from gridsvc.store.areas.models import Area

from ...domain.error_codes import ErrorCode
from ...domain.errors import NotFound, ValidationError
from ...domain.governance.targets import Targets
from ...domain.governance.training import TRAINED_ROLES, check_session, is_short, required_hours
from ...domain.levels import code_prefix
from ...domain.roles import TIER_NUMBER
from ..subtree import under, under_any
from .models import TrainingAttendance, TrainingSession

COMMUNITY = 12  # digits of a community's code: a staff member's community is their area's first 12


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


async def record_session(area: Area, *, title: str, organiser: str, held_on: date, class_hours: int,
                         attendees: list[str], today: date) -> dict:
    """A session with its attendees (login names of staff inside `area`), all or nothing: every
    attendee who is no staff member there is named."""
    check_session(title, held_on, class_hours, today)
    names = list(dict.fromkeys(a.strip() for a in attendees if a.strip()))
    if not names:
        raise ValidationError("至少登记一名参训人员", "a session needs at least one attendee",
                              code=ErrorCode.BAD_ATTENDEE, details={"field": "attendees"})
    users = {u.username: u for u in await User.filter(username__in=names)}
    prefix = code_prefix(area.code, area.level)
    inside = set(await UserArea.filter(under("area__code", prefix), user__username__in=names)
                 .values_list("user__username", flat=True))
    problems = []
    for n in names:
        u = users.get(n)
        if u is None or not u.is_active:
            problems.append({"attendee": n, "message": f"没有账号 {n} (no such account)"})
        elif u.role not in TIER_NUMBER:
            problems.append({"attendee": n, "message": f"{u.display_name or n} 不是网格工作人员 (not staff)"})
        elif n not in inside:
            problems.append({"attendee": n,
                             "message": f"{u.display_name or n} 不在 {area.name} 工作 (works elsewhere)"})
    if problems:
        raise ValidationError("参训人员有误,未保存", "attendees are wrong; nothing was saved",
                              code=ErrorCode.BAD_ATTENDEE, details={"problems": problems})
    async with in_transaction():
        s = await TrainingSession.create(area_id=area.id, title=title.strip(), organiser=organiser.strip(),
                                         held_on=held_on, class_hours=class_hours)
        await TrainingAttendance.bulk_create([TrainingAttendance(session_id=s.id, user_id=users[n].id) for n in names])
    return await session_view(s)


async def get_session(session_id: int) -> TrainingSession:
    s = await TrainingSession.get_or_none(id=session_id).prefetch_related("area")
    if s is None:
        raise NotFound("培训记录不存在", "no such training session", code=ErrorCode.TRAINING_NOT_FOUND,
                       details={"session": session_id})
    return s


async def delete_session(s: TrainingSession) -> None:
    await TrainingSession.filter(id=s.id).delete()


async def session_view(s: TrainingSession) -> dict:
    area = await Area.get(id=s.area_id)
    people = await TrainingAttendance.filter(session_id=s.id).order_by("user__display_name") \
        .values("user__username", "user__display_name", "user__role")
    return {"id": s.id, "area": area.code, "area_name": area.name, "title": s.title, "organiser": s.organiser,
            "held_on": s.held_on.isoformat(), "class_hours": s.class_hours,
            "attendees": [{"username": p["user__username"], "name": p["user__display_name"] or p["user__username"],
                           "role": p["user__role"]} for p in people]}


async def sessions_under(prefixes: list[str], year: int) -> list[dict]:
    """The year's sessions recorded in the subtrees, newest first."""
    if not prefixes:
        return []
    first, last = _year(year)
    rows = await TrainingSession.filter(under_any("area__code", prefixes), held_on__gte=first, held_on__lte=last) \
        .order_by("-held_on", "-id")
    return [await session_view(s) for s in rows]


async def hours_per_community(scope_prefixes: list[str], year: int, targets: Targets) -> dict[str, list[dict]]:
    """community code -> its staff held to training hours (domain.governance.training), each with
    the year's class hours, what they need and whether they are short. A person with areas in
    several communities is listed under the first."""
    first, last = _year(year)
    staff: dict[int, dict] = {}
    for uid, name, username, role, code in await UserArea.filter(
            under_any("area__code", scope_prefixes), user__is_active=True, user__role__in=TRAINED_ROLES) \
            .order_by("area__code").values_list("user_id", "user__display_name", "user__username", "user__role",
                                                "area__code"):
        if len(code) >= COMMUNITY and uid not in staff:
            staff[uid] = {"id": uid, "name": name or username, "username": username, "role": role,
                          "community": code[:COMMUNITY],
                          "hours": 0, "required": required_hours(role, targets)}
    if staff:
        for uid, hours in await TrainingAttendance.filter(user_id__in=list(staff), session__held_on__gte=first,
                                                          session__held_on__lte=last) \
                .values_list("user_id", "session__class_hours"):
            staff[uid]["hours"] += hours
    out: dict[str, list[dict]] = defaultdict(list)
    for s in staff.values():
        s["short"] = is_short(s["hours"], s["required"])
        out[s["community"]].append(s)
    return out
