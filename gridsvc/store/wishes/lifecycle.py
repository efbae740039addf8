"""The life of a micro-wish after it is posted: screening,
claims (gridsvc.store.wishes.claims), deadlines and expiry, fulfilment, confirmation and ratings, the
history of every step and the notifications it sends.

The rules are gridsvc.domain.wishes (the state machine, deadlines, content) and
gridsvc.domain.privacy (masking); who may act is decided by the web layer through
gridsvc.web.permissions and handed in as a `Standing`. Every change of status is one
conditional update (``UPDATE wish SET status=.. WHERE id=.. AND status=..``) whose row count
decides: of many concurrent claims exactly one wins, on SQLite and PostgreSQL alike. Inside a
transaction the wish row is always written first, then its claim, then the project, so that
two transactions never wait for each other in opposite orders.
"""

from __future__ import annotations

from datetime import datetime
from typing import Awaitable, Callable

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from gridsvc.domain import clock
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import Conflict, Forbidden, ValidationError
from gridsvc.domain.photos import without_metadata
from gridsvc.domain.wishes import (
    CLAIM_STATUS_AFTER,
    TRANSITIONS,
    WISH_STATUSES,
    Actor,
    ClaimStatus,
    WishAction,
    WishStatus,
    check_action,
    check_actor,
    check_fulfilment,
    check_photo,
    check_rating,
    check_reason,
    extend_deadline,
    transition,
)
from gridsvc.store.orgs.models import Project
from gridsvc.store.wishes import inbox
from gridsvc.store.wishes.access import Standing, can_view, current_claim, get_wish
from gridsvc.store.wishes.claims import already_claimed, changed_meanwhile, claim_action
from gridsvc.store.wishes.history import claimer_ids, record_event, tell
from gridsvc.store.wishes.models import Claim, Rating, Wish
from gridsvc.store.wishes.placement import value_cap, wish_content

# ---------------------------------------------------------------------------- actions

_PREFERENCE = (Actor.RESIDENT_OWNER, Actor.CLAIMER, Actor.ORG_MEMBER, Actor.VOLUNTEER, Actor.GRID_STAFF)


def acting_as(action: WishAction, st: Standing) -> Actor:
    """The actor kind that entitles the user to ``action`` (the owner before staff: a resident
    who is also staff acts for themself)."""
    allowed = TRANSITIONS[action].actors
    return next(a for a in _PREFERENCE if a in st.actors and a in allowed)


async def act(wish: Wish, action: str, st: Standing, data: dict, *, settings, now: datetime | None = None) -> Wish:
    """Apply ``action`` to ``wish`` for the user standing as ``st``.

    The order of the answers: 403 when the user may not see the wish, 409 when the wish's
    status does not allow the action (``bad_transition``; ``already_claimed`` naming the holder),
    403 ``wrong_actor`` when the status allows it but not for this user, 422 for bad fields,
    409 when someone else changed the wish meanwhile."""
    now = now or clock.now()
    act_ = check_action(action)
    claim = await current_claim(wish)
    may_claim = act_ is WishAction.CLAIM and (st.has(Actor.ORG_MEMBER) or st.has(Actor.VOLUNTEER))
    if not may_claim and not await can_view(wish, st):
        raise Forbidden("无权查看该心愿", "not allowed to see this wish", code=ErrorCode.FORBIDDEN,
                        details={"wish": wish.id})
    if act_ is WishAction.CLAIM and wish.status in (WishStatus.CLAIMED, WishStatus.FULFILLED):
        raise await already_claimed(wish)
    transition(wish.status, act_)
    check_actor(act_, st.actors)
    handler = _HANDLERS[act_]
    await handler(wish, claim, st, data, now=now, settings=settings)
    return await Wish.get(id=wish.id)


async def _move(wish: Wish, action: WishAction, st: Standing, *, now: datetime, reason: str = "", note: str = "",
                extra: dict | None = None, claim: Claim | None = None) -> WishStatus:
    """The conditional update of the wish's status, and its history entry (in the caller's
    transaction)."""
    target = transition(wish.status, action)
    n = await Wish.filter(id=wish.id, status=wish.status).update(
        status=target.value, version=F("version") + 1, updated_at=now, **(extra or {}))
    if n != 1:
        raise await changed_meanwhile(wish)
    kind = acting_as(action, st)
    on_behalf = kind is Actor.GRID_STAFF and Actor.RESIDENT_OWNER in TRANSITIONS[action].actors
    await record_event(wish, action.value, st.principal, kind, wish.status, target, reason=reason, note=note,
                       claim_id=claim.id if claim else None, on_behalf=on_behalf, now=now)
    return target


async def _end_claim(claim: Claim, action: WishAction, *, now: datetime, from_status: str = "active",
                     fields: dict | None = None) -> None:
    new = CLAIM_STATUS_AFTER[action]
    done = new in (ClaimStatus.RELEASED, ClaimStatus.EXPIRED, ClaimStatus.REJECTED, ClaimStatus.CONFIRMED)
    n = await Claim.filter(id=claim.id, status=from_status).update(
        status=new.value, **({"ended_at": now} if done else {}), **(fields or {}))
    if n != 1:
        raise Conflict("认领已被他人处理,请刷新", "the claim was changed meanwhile; reload", code=ErrorCode.STALE)
    if claim.project_id and new in (ClaimStatus.RELEASED, ClaimStatus.EXPIRED, ClaimStatus.REJECTED):
        await Project.filter(id=claim.project_id, taken__gt=0).update(taken=F("taken") - 1)


async def _publish(wish, claim, st, data, *, now, settings):
    async with in_transaction():
        await _move(wish, WishAction.PUBLISH, st, now=now, note=_note(data), extra={"published_at": now})
        await tell("wish.published", [wish.resident_id], wish, skip=st.user_id)


async def _return(wish, claim, st, data, *, now, settings):
    reason = check_reason(data.get("reason"))
    async with in_transaction():
        await _move(wish, WishAction.RETURN, st, now=now, reason=reason)
        await tell("wish.returned", [wish.resident_id], wish, reason=reason, skip=st.user_id)


async def _resubmit(wish, claim, st, data, *, now, settings):
    edits = {k: v for k, v in data.items() if k in ("title", "category", "value_yuan", "wish_by", "beneficiary",
                                                    "description")}
    content = {}
    if edits:
        content = wish_content(edits, today=clock.china(now).date(), cap=await value_cap(wish.grid_code, settings),
                               base=wish)
    async with in_transaction():
        await _move(wish, WishAction.RESUBMIT, st, now=now, note=_note(data), extra=content)
        await tell("wish.resubmitted", await inbox.grid_staff_ids(wish.grid_code), wish,
                   wish=content.get("title", wish.title), skip=st.user_id)


async def _withdraw(wish, claim, st, data, *, now, settings):
    reason = (data.get("reason") or "").strip() if isinstance(data.get("reason"), str) else ""
    async with in_transaction():
        await _move(wish, WishAction.WITHDRAW, st, now=now, reason=reason[:200])
        if acting_as(WishAction.WITHDRAW, st) is Actor.GRID_STAFF:
            await tell("wish.withdrawn_for_you", [wish.resident_id], wish, note=reason, skip=st.user_id)
        else:
            await tell("wish.withdrawn", await inbox.grid_staff_ids(wish.grid_code), wish, skip=st.user_id)


async def _merge(wish, claim, st, data, *, now, settings):
    into_id = data.get("into")
    if into_id in (None, ""):
        raise ValidationError("请指定合并到的心愿 into", "into (the wish to merge into) is required",
                              code=ErrorCode.REQUIRED, details={"field": "into"})
    into = await get_wish(into_id)
    if into.id == wish.id:
        raise ValidationError("不能合并到自身", "a wish cannot be merged into itself", code=ErrorCode.BAD_MERGE,
                              details={"into": into.id})
    if into.status in (WishStatus.WITHDRAWN, WishStatus.MERGED):
        raise Conflict(f"心愿 {into.id} 已{WISH_STATUSES[into.status]},不能作为合并目标",
                       f"wish {into.id} is {into.status} and cannot take a merge", code=ErrorCode.BAD_TRANSITION,
                       details={"into": into.id, "status": into.status})
    if into.grid_code[:12] != wish.grid_code[:12]:
        raise ValidationError("只能合并同一社区的重复心愿", "duplicates are merged within one community",
                              code=ErrorCode.MERGE_ELSEWHERE, details={"into": into.id, "grid": into.grid_code})
    async with in_transaction():
        await _move(wish, WishAction.MERGE, st, now=now, note=f"→ #{into.id}", reason=_note(data),
                    extra={"merged_into_id": into.id})
        await tell("wish.merged", [wish.resident_id], wish, into=into.id, skip=st.user_id)


def _note(data: dict) -> str:
    v = data.get("note")
    return v.strip()[:500] if isinstance(v, str) else ""


async def _extend(wish, claim, st, data, *, now, settings):
    new = extend_deadline(claim.deadline, now, claim.extensions)
    async with in_transaction():
        n = await Claim.filter(id=claim.id, status=ClaimStatus.ACTIVE.value, extensions=claim.extensions).update(
            deadline=new, extensions=claim.extensions + 1)
        if n != 1:
            raise Conflict("认领已被他人处理,请刷新", "the claim was changed meanwhile; reload", code=ErrorCode.STALE)
        await Wish.filter(id=wish.id).update(version=F("version") + 1, updated_at=now)
        due = new.astimezone(clock.CHINA).strftime("%Y-%m-%d %H:%M")
        await record_event(wish, WishAction.EXTEND.value, st.principal, Actor.CLAIMER, wish.status, wish.status,
                           note=f"新期限 new deadline {due}", claim_id=claim.id, now=now)
        await tell("wish.extended", [wish.resident_id], wish, due=due, skip=st.user_id)


async def _release(wish, claim, st, data, *, now, settings):
    reason = check_reason(data.get("reason")) if data.get("reason") or not st.has(Actor.CLAIMER) else ""
    async with in_transaction():
        await _move(wish, WishAction.RELEASE, st, now=now, reason=reason, claim=claim, extra={"current_claim_id": None})
        await _end_claim(claim, WishAction.RELEASE, now=now)
        told = [wish.resident_id, *await inbox.grid_staff_ids(wish.grid_code), *await claimer_ids(claim)]
        await tell("wish.released", told, wish, note=reason, skip=st.user_id)


async def _fulfil(wish, claim, st, data, *, now, settings):
    f = check_fulfilment(data.get("note"), data.get("fulfilled_on") or clock.china(now).date(), claim.claimed_at,
                         clock.china(now).date())
    photo = data.get("photo")
    fields: dict = {"fulfilled_note": f.note, "fulfilled_on": f.fulfilled_on}
    if photo is not None:
        if not isinstance(photo, (bytes, bytearray)):
            raise ValidationError("照片应为图片数据", "photo must be image bytes", code=ErrorCode.BAD_PHOTO)
        media = check_photo(bytes(photo))
        # kept without EXIF/XMP: a phone writes the resident's exact position into the file
        fields.update(photo=without_metadata(bytes(photo), media), photo_type=media)
    async with in_transaction():
        await _move(wish, WishAction.FULFIL, st, now=now, note=f.note, claim=claim)
        await _end_claim(claim, WishAction.FULFIL, now=now, fields=fields)
        await tell("wish.fulfilled", [wish.resident_id, *await inbox.grid_staff_ids(wish.grid_code)], wish,
                   day=f.fulfilled_on, note=f.note, skip=st.user_id)


async def _confirm(wish, claim, st, data, *, now, settings):
    rating = check_rating(data["stars"], data.get("comment")) if data.get("stars") not in (None, "") else None
    async with in_transaction():
        await _move(wish, WishAction.CONFIRM, st, now=now, note=_note(data), claim=claim)
        await _end_claim(claim, WishAction.CONFIRM, now=now, from_status=ClaimStatus.FULFILLED.value)
        await tell("wish.confirmed", [*await claimer_ids(claim), *await inbox.grid_staff_ids(wish.grid_code)], wish,
                   skip=st.user_id)
        if rating:
            await _store_rating(wish, claim, st, rating, now=now)


async def _reopen(wish, claim, st, data, *, now, settings):
    reason = check_reason(data.get("reason"))
    async with in_transaction():
        await _move(wish, WishAction.REOPEN, st, now=now, reason=reason, claim=claim,
                    extra={"current_claim_id": None, "published_at": now})
        await _end_claim(claim, WishAction.REOPEN, now=now, from_status=ClaimStatus.FULFILLED.value)
        # the claimer learns it was not accepted; the grid's staff follow it up
        await tell("wish.reopened", [*await claimer_ids(claim), *await inbox.grid_staff_ids(wish.grid_code)], wish,
                   reason=reason, skip=st.user_id)
        if st.user_id != wish.resident_id:
            await tell("wish.reopened_for_you", [wish.resident_id], wish, note=reason)


_HANDLERS: dict[WishAction, Callable[..., Awaitable[None]]] = {
    WishAction.PUBLISH: _publish, WishAction.RETURN: _return, WishAction.RESUBMIT: _resubmit,
    WishAction.WITHDRAW: _withdraw, WishAction.MERGE: _merge, WishAction.CLAIM: claim_action,
    WishAction.EXTEND: _extend, WishAction.RELEASE: _release, WishAction.FULFIL: _fulfil, WishAction.CONFIRM: _confirm,
    WishAction.REOPEN: _reopen,
}

# ``expire`` has no handler: only the system may expire a claim (check_actor refuses everyone
# else before a handler is looked up); `expire_claims` does it.


# ---------------------------------------------------------------------------- ratings


async def _store_rating(wish: Wish, claim: Claim | None, st: Standing, rating, *, now: datetime) -> Rating:
    if await Rating.exists(wish_id=wish.id):
        raise Conflict("该心愿已评价", "this wish has been rated already", code=ErrorCode.ALREADY_RATED)
    row = await Rating.create(
        wish_id=wish.id, claim_id=claim.id if claim else None, org_id=claim.org_id if claim else None,
        project_id=claim.project_id if claim else None,
        claimer_id=claim.claimer_id if claim and claim.org_id is None else None, stars=rating.stars,
        comment=rating.comment or "", by_id=st.user_id, on_behalf=not st.has(Actor.RESIDENT_OWNER))
    kind = Actor.RESIDENT_OWNER if st.has(Actor.RESIDENT_OWNER) else Actor.GRID_STAFF
    note = f"{rating.stars} 星 stars" + (f":{rating.comment}" if rating.comment else "")
    await record_event(wish, "rate", st.principal, kind, wish.status, wish.status, note=note,
                       on_behalf=not st.has(Actor.RESIDENT_OWNER), claim_id=claim.id if claim else None, now=now)
    if claim is not None:
        await tell("wish.rated", await claimer_ids(claim), wish, stars=rating.stars, note=rating.comment or "")
    return row


async def rate(wish: Wish, st: Standing, data: dict, *, now: datetime | None = None) -> Rating:
    """Rate a confirmed wish once (1-5 stars and a comment), by its resident or staff for them."""
    now = now or clock.now()
    if not (st.has(Actor.RESIDENT_OWNER) or st.has(Actor.GRID_STAFF)):
        raise Forbidden("只有居民本人或网格员可以评价", "only the resident (or staff for them) rates a wish",
                        code=ErrorCode.WRONG_ACTOR)
    if wish.status != WishStatus.CONFIRMED:
        raise Conflict(f"心愿当前「{WISH_STATUSES[wish.status]}」,确认完成后才能评价",
                       f"a wish is rated once confirmed; it is {wish.status}", code=ErrorCode.BAD_TRANSITION,
                       details={"status": wish.status})
    rating = check_rating(data.get("stars"), data.get("comment"))
    claim = await Claim.filter(wish_id=wish.id, status=ClaimStatus.CONFIRMED.value).order_by("-id").first()
    async with in_transaction():
        return await _store_rating(wish, claim, st, rating, now=now)


# ---------------------------------------------------------------------------- expiry


async def expire_claims(now: datetime | None = None) -> int:
    """Move every claim past its deadline to ``expired`` and its wish back to ``published``,
    with the history kept and everyone concerned told. Cheap when nothing is due (one
    indexed query), so reads of wishes call it; `gridsvc expire-claims` runs it from cron.
    Safe to run in several processes at once: each claim expires in one conditional update."""
    now = now or clock.now()
    due = await Claim.filter(status=ClaimStatus.ACTIVE.value, deadline__lte=now).order_by("id")
    done = 0
    for claim in due:
        try:
            async with in_transaction():
                n = await Wish.filter(id=claim.wish_id, status=WishStatus.CLAIMED.value,
                                      current_claim_id=claim.id).update(
                    status=WishStatus.PUBLISHED.value, current_claim_id=None, version=F("version") + 1, updated_at=now)
                m = await Claim.filter(id=claim.id, status=ClaimStatus.ACTIVE.value, deadline__lte=now).update(
                    status=ClaimStatus.EXPIRED.value, ended_at=now)
                if n != 1 or m != 1:
                    raise _Skip
                if claim.project_id:
                    await Project.filter(id=claim.project_id, taken__gt=0).update(taken=F("taken") - 1)
                wish = await Wish.get(id=claim.wish_id)
                due_at = claim.deadline.astimezone(clock.CHINA).strftime("%Y-%m-%d %H:%M")
                await record_event(wish, WishAction.EXPIRE.value, None, Actor.SYSTEM, WishStatus.CLAIMED,
                                   WishStatus.PUBLISHED, note=f"期限 deadline {due_at}", claim_id=claim.id, now=now)
                await tell("wish.expired", [wish.resident_id, *await inbox.grid_staff_ids(wish.grid_code),
                                            *await claimer_ids(claim)], wish, due=due_at)
            done += 1
        except _Skip:
            continue  # fulfilled, released or expired by someone else meanwhile
    return done


class _Skip(Exception):
    pass


async def claims_due() -> bool:
    return await Claim.filter(status=ClaimStatus.ACTIVE.value, deadline__lte=clock.now()).exists()
