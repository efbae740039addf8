"""Appointing, transferring and ending: each writes the term (Appointment) and the current
assignment (UserArea) in one transaction, with an audit entry.

One person holds a post at a time: appointing into a held post is refused with the holder's name
(end or transfer them first). The database holds the same rule (a unique index on the open term of
a post, core/0010_one_holder_per_post), so of two appointments racing past the check, one lands and
the other is refused with the same 409 `post_taken`. Dates are days in China; a term cannot start in the future, nor
before the post's previous term ended, nor end before it started.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from gridsvc.domain import clock
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import Conflict, NotFound, ValidationError
from gridsvc.domain.roles import ROLE_NAMES_ZH, TIER_LEVEL, check_assignment, is_staff, role_name_zh
from gridsvc.domain.rosters import REASON_MAX
from gridsvc.domain.scope import Principal
from gridsvc.domain.text import check_name
from gridsvc.store import audit
from gridsvc.store.accounts.models import User, UserArea
from gridsvc.store.areas.models import Area
from gridsvc.store.rosters.models import Appointment


def _actor_id(actor: Principal | None) -> int | None:
    return actor.user_id if actor is not None else None


def _reason(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > REASON_MAX:
        raise ValidationError(f"说明最多 {REASON_MAX} 字", f"a reason has at most {REASON_MAX} characters",
                              code=ErrorCode.BAD_REASON, details={"field": "reason"})
    return check_name(text, "reason")


def check_day(on: date | None, *, not_before: date | None = None,
              what: tuple[str, str] = ("任职", "start")) -> date:
    day = on or clock.today()
    if day > clock.today():
        raise ValidationError(f"{what[0]}日期 {day} 晚于今天", f"the {what[1]} date {day} is after today",
                              code=ErrorCode.BAD_TERM_DATE, details={"field": "on", "date": day.isoformat()})
    if not_before is not None and day < not_before:
        raise ValidationError(f"{what[0]}日期 {day} 早于 {not_before}",
                              f"the {what[1]} date {day} is before {not_before}", code=ErrorCode.BAD_TERM_DATE,
                              details={"field": "on", "date": day.isoformat(), "earliest": not_before.isoformat()})
    return day


async def find_term(term_id: int) -> Appointment:
    term = await Appointment.filter(id=term_id).select_related("user", "area").first()
    if term is None:
        raise NotFound("任职记录不存在", "no such appointment", code=ErrorCode.APPOINTMENT_NOT_FOUND,
                       details={"id": term_id})
    return term


def term_view(term: Appointment) -> dict[str, Any]:
    """A term as the API gives it (the person by name and work phone, public on contact boards)."""
    return {"id": term.id, "area": term.area.code, "area_name": term.area.name, "role": term.role,
            "role_zh": role_name_zh(term.role, term.area.code), "person": {
                "id": term.user_id, "name": term.user.display_name, "phone": term.user.phone},
            "started_on": term.started_on.isoformat(), "ended_on": term.ended_on.isoformat() if term.ended_on else None,
            "reason": term.reason, "end_reason": term.end_reason}


def held_by(area: Area, role: str, name: str) -> Conflict:
    """The refusal of a post `name` holds."""
    post = f"{area.name}{role_name_zh(role, area.code)}"
    return Conflict(f"{post}现由 {name} 担任,请先免职或调任", f"{name} holds the post {area.code} {role}",
                    code=ErrorCode.POST_TAKEN, details={"area": area.code, "role": role, "holder": name})


async def check_post_free(user: User, area: Area, on: date) -> None:
    """Refuse when `user` holds the post already, someone else holds it, or its last term ended after `on`."""
    if not is_staff(user.role):
        raise ValidationError(f"{user.display_name} 不是网格人员({ROLE_NAMES_ZH.get(user.role, user.role)})",
                              f"{user.username} is not grid staff ({user.role})", code=ErrorCode.NOT_STAFF,
                              details={"person": user.id, "role": user.role})
    check_assignment(user.role, area.level, area.code)
    # a deactivated account's terms have ended: its area stays (who manages it), not its post
    holders = await UserArea.filter(area_id=area.id, user__role=user.role, user__is_active=True).values_list(
        "user_id", "user__display_name")
    for uid, name in holders:
        post = f"{area.name}{role_name_zh(user.role, area.code)}"
        if uid == user.id:
            raise Conflict(f"{name} 已是{post}", f"{user.username} holds the post {area.code} {user.role} already",
                           code=ErrorCode.ALREADY_HOLDS, details={"area": area.code, "role": user.role})
        raise held_by(area, user.role, name)
    last = await Appointment.filter(area_id=area.id, role=user.role, ended_on__not_isnull=True) \
        .order_by("-ended_on").first()
    if last is not None and last.ended_on is not None and on < last.ended_on:
        check_day(on, not_before=last.ended_on)  # raises: the new term would overlap the last one


def taken_meanwhile(area: Area, role: str) -> Conflict:
    """The refusal when the database's one-holder index turns an open term away: someone was
    appointed to the post between the check and the write (the transaction is rolled back, so
    the holder cannot be read here; the roster shows them)."""
    post = f"{area.name}{role_name_zh(role, area.code)}"
    return Conflict(f"{post}刚由他人任职,请刷新后查看", f"someone was just appointed to the post {area.code} {role}",
                    code=ErrorCode.POST_TAKEN, details={"area": area.code, "role": role})


async def start_term(user: User, area: Area, *, on: date, reason: str, actor: Principal | None) -> Appointment:
    """Open the term (inside the caller's transaction, after `check_post_free`)."""
    try:
        term = await Appointment.create(user_id=user.id, area_id=area.id, role=user.role, started_on=on,
                                        reason=reason, appointed_by_id=_actor_id(actor))
    except IntegrityError as e:  # the open-term index: another appointment to this post landed first
        raise taken_meanwhile(area, user.role) from e
    await UserArea.get_or_create(user_id=user.id, area_id=area.id)
    term = await find_term(term.id)
    await audit.record(actor, "roster.appoint", "appointment", term.id, area_code=area.code, after=term_view(term))
    return term


def _still_open(term: Appointment) -> None:
    if term.ended_on is not None:
        raise Conflict("该任职已结束", "the appointment has ended already", code=ErrorCode.TERM_ENDED,
                       details={"id": term.id})


async def _end(term: Appointment, on: date, reason: str, actor: Principal | None, action: str) -> None:
    changed = await Appointment.filter(id=term.id, ended_on__isnull=True).update(
        ended_on=on, end_reason=reason, ended_by_id=_actor_id(actor))
    if not changed:  # a conditional update: of two people ending one term, one does
        raise Conflict("该任职已结束", "the appointment has ended already", code=ErrorCode.TERM_ENDED,
                       details={"id": term.id})
    await UserArea.filter(user_id=term.user_id, area_id=term.area_id).delete()
    await audit.record(actor, action, "appointment", term.id, area_code=term.area.code, before=term_view(term),
                       after={"ended_on": on.isoformat(), "end_reason": reason})


async def appoint(user: User, area: Area, *, on: date | None = None, reason: str = "",
                  actor: Principal | None) -> Appointment:
    """`user` takes the post of their tier in `area` from `on` (today)."""
    day, why = check_day(on), _reason(reason)
    async with in_transaction():
        await check_post_free(user, area, day)
        return await start_term(user, area, on=day, reason=why, actor=actor)


async def end_term(term: Appointment, *, on: date | None = None, reason: str = "",
                   actor: Principal | None) -> Appointment:
    """The term ends on `on` (today); the person leaves the post and, with it, that area's scope."""
    _still_open(term)
    day = check_day(on, not_before=term.started_on, what=("免职", "end"))
    async with in_transaction():
        await _end(term, day, _reason(reason), actor, "roster.end")
    return await find_term(term.id)


async def transfer(term: Appointment, to: Area, *, on: date | None = None, reason: str = "",
                   actor: Principal | None) -> Appointment:
    """End the term here and start one in `to` on the same day, all or nothing."""
    _still_open(term)
    day = check_day(on, not_before=term.started_on, what=("调任", "transfer"))
    why = _reason(reason)
    async with in_transaction():
        await check_post_free(term.user, to, day)
        await _end(term, day, why, actor, "roster.transfer")
        return await start_term(term.user, to, on=day, reason=why, actor=actor)


# ---- terms written alongside the account changes of store.accounts.users ------------------


async def open_terms(user: User, areas: Iterable[Area], *, actor: Principal | None, reason: str = "") -> None:
    """Open a term for each area a staff account is given outside the roster (create, edit); a
    post someone else holds is refused as on the roster."""
    if not is_staff(user.role):
        return
    for a in areas:
        # the caller has written the account's own assignment already: another holder is the refusal
        other = await UserArea.filter(area_id=a.id, user__role=user.role, user__is_active=True).exclude(
            user_id=user.id).values_list("user__display_name", flat=True)
        if other:
            raise held_by(a, user.role, str(other[0]))
        try:
            await Appointment.create(user_id=user.id, area_id=a.id, role=user.role, started_on=clock.today(),
                                     reason=reason, appointed_by_id=_actor_id(actor))
        except IntegrityError as e:
            raise taken_meanwhile(a, user.role) from e


async def close_terms(user_id: int, area_ids: Iterable[int], *, actor: Principal | None, reason: str = "") -> None:
    """End the open terms of `user_id` in `area_ids` today (areas taken away by an account edit)."""
    ids = list(area_ids)
    if ids:
        await Appointment.filter(user_id=user_id, area_id__in=ids, ended_on__isnull=True).update(
            ended_on=clock.today(), end_reason=reason, ended_by_id=_actor_id(actor))


async def open_missing_terms(*, on: date | None = None) -> int:
    """An open term for every staff assignment that has none (the demo loader, which writes its
    assignments in bulk); the upgrade's backfill (core/0008_appointments) does the same in SQL."""
    links = await UserArea.filter(user__role__in=list(TIER_LEVEL)).values_list("user_id", "area_id", "user__role")
    have = set(await Appointment.filter(ended_on__isnull=True).values_list("user_id", "area_id"))
    day = on or clock.today()
    new = [Appointment(user_id=u, area_id=a, role=r, started_on=day) for u, a, r in links if (u, a) not in have]
    await Appointment.bulk_create(new, batch_size=1000)
    return len(new)


# a deactivated account has left its posts; its areas stay, so the officials of those areas still
# manage it (and may reactivate it)
DEACTIVATED = "账号停用 (account deactivated)"
REACTIVATED = "账号重新启用 (account reactivated)"


async def end_for_deactivation(user: User, *, actor: Principal | None) -> int:
    """End every open term of `user` today: the post is vacant and can be given to someone else."""
    return await Appointment.filter(user_id=user.id, ended_on__isnull=True).update(
        ended_on=clock.today(), end_reason=DEACTIVATED, ended_by_id=_actor_id(actor))


async def reopen_for_reactivation(user: User, *, actor: Principal | None) -> None:
    """Open again the posts of the areas `user` still has; a post given to someone else meanwhile
    refuses the reactivation (409 `post_taken`, naming the holder) until the account's areas change."""
    serving = set(await Appointment.filter(user_id=user.id, ended_on__isnull=True).values_list("area_id", flat=True))
    areas = [a for a in await Area.filter(user_links__user_id=user.id) if a.id not in serving]
    await open_terms(user, areas, actor=actor, reason=REACTIVATED)
