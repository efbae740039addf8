"""Claiming a wish: ONE conditional update of the wish's status decides, so of many concurrent
claims exactly one wins, on SQLite and PostgreSQL alike; the loser learns who holds it. A volunteer's
active claims are counted inside the same transaction; a member's claim counts against a project.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from gridsvc.domain import clock
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import Conflict, Forbidden, NotFound, ValidationError
from gridsvc.domain.scope import Principal
from gridsvc.domain.wishes import (
    WISH_STATUSES,
    Actor,
    ClaimStatus,
    WishAction,
    WishStatus,
    check_claimable,
    claim_deadline,
)
from gridsvc.store.accounts.models import User
from gridsvc.store.orgs.models import Organisation, Project, VolunteerProfile
from gridsvc.store.orgs.organisations import claimer_kind_of
from gridsvc.store.records import record_id
from gridsvc.store.wishes import inbox
from gridsvc.store.wishes.access import (
    VOLUNTEER_MAX_ACTIVE_DEFAULT,
    current_claim,
    holder_of,
)
from gridsvc.store.wishes.history import record_event, tell
from gridsvc.store.wishes.matching import eligible_projects
from gridsvc.store.wishes.models import Claim, Wish


async def changed_meanwhile(wish: Wish) -> Conflict:
    fresh = await Wish.filter(id=wish.id).first()
    now_status = fresh.status if fresh else "deleted"
    return Conflict(f"心愿已被他人处理(当前状态「{WISH_STATUSES.get(now_status, now_status)}」),请刷新",
                    f"the wish was changed meanwhile (it is now {now_status}); reload",
                    code=ErrorCode.STALE, details={"status": now_status})


async def already_claimed(wish: Wish) -> Conflict:
    """The loser's 409, naming who holds the wish."""
    fresh = await Wish.filter(id=wish.id).first() or wish
    holder = await holder_of(fresh)
    if holder is None:
        return await changed_meanwhile(wish)
    claim = await current_claim(fresh)
    deadline = claim.deadline.astimezone(clock.CHINA).strftime("%Y-%m-%d %H:%M") if claim else ""
    who = holder["name"] or "他人"
    return Conflict(f"该心愿已被「{who}」认领(期限 {deadline}),不能重复认领",
                    f"this wish is already claimed by {who} (until {deadline})", code=ErrorCode.ALREADY_CLAIMED,
                    details={"status": fresh.status, "holder": holder,
                             "deadline": claim.deadline.isoformat() if claim else None})


async def _volunteer_limit(user_id: int | None) -> int:
    prof = await VolunteerProfile.filter(user_id=user_id).first()
    return prof.max_active if prof else VOLUNTEER_MAX_ACTIVE_DEFAULT


async def claim_action(wish, claim, st, data, *, now, settings):
    check_claimable(wish.wish_by, now)
    org_id = None
    project_id = None
    kind = Actor.ORG_MEMBER if st.has(Actor.ORG_MEMBER) else Actor.VOLUNTEER
    if kind is Actor.ORG_MEMBER:
        org_id = st.principal.org_id
        project_id = await _project_for_claim(wish, org_id, data.get("project"), now=now)
    await claim_wish(wish, st.principal, kind=kind, org_id=org_id, project_id=project_id, now=now,
                     volunteer_limited=kind is Actor.VOLUNTEER)


async def _check_volunteer_limit(user_id: int | None) -> None:
    """Inside the claim's transaction: the volunteer's claims are counted under a lock on their
    user row, so parallel claims by one volunteer are counted one after another. On PostgreSQL
    the no-op UPDATE takes the row lock and waits for a parallel claim to commit, and the count
    (a new snapshot under READ COMMITTED) then sees it; on SQLite the transaction already holds
    the database's one write lock. The lock comes after the wish row (the module's order)."""
    await User.filter(id=user_id).update(is_active=F("is_active"))
    active = await Claim.filter(claimer_id=user_id, org_id=None, status=ClaimStatus.ACTIVE.value).count()
    limit = await _volunteer_limit(user_id)
    if active >= limit:
        raise Conflict(f"您已有 {active} 个进行中的认领(上限 {limit}),请先完成",
                       f"you hold {active} active claims (limit {limit}); fulfil one first",
                       code=ErrorCode.TOO_MANY_CLAIMS, details={"active": active, "limit": limit})


async def claim_wish(wish: Wish, actor: Principal, *, kind: Actor, org_id: int | None, project_id: int | None,
                     now: datetime, via: str = "claim", volunteer_limited: bool = False) -> Claim:
    """The claim itself: ONE conditional update of the wish (published -> claimed), then the
    claim row, the project's place (conditional too), the history and the news; all or nothing.
    The loser of a race gets 409 ``already_claimed`` naming the holder; a volunteer at their
    limit of active claims (counted inside the same transaction) gets 409 ``too_many_claims``."""
    deadline = claim_deadline(now, wish.wish_by)

    class _Lost(Exception):
        pass

    try:
        async with in_transaction():
            n = await Wish.filter(id=wish.id, status=WishStatus.PUBLISHED.value).update(
                status=WishStatus.CLAIMED.value, version=F("version") + 1, updated_at=now)
            if n != 1:
                raise _Lost
            if volunteer_limited:
                await _check_volunteer_limit(actor.user_id)
            claim = await Claim.create(wish_id=wish.id, claimer_id=actor.user_id, org_id=org_id, project_id=project_id,
                                       via=via, status=ClaimStatus.ACTIVE.value, claimed_at=now, deadline=deadline,
                                       claimer_kind=await claimer_kind_of(actor.user_id, org_id))
            await Wish.filter(id=wish.id).update(current_claim_id=claim.id)
            if project_id is not None:
                took = await Project.filter(id=project_id, status="active", taken__lt=F("capacity")).update(
                    taken=F("taken") + 1)
                if took != 1:
                    raise Conflict("该项目已无剩余承接能力", "the project has no capacity left",
                                   code=ErrorCode.PROJECT_FULL,
                                   details={"project": project_id})
            await record_event(wish, WishAction.CLAIM.value, actor, kind, WishStatus.PUBLISHED, WishStatus.CLAIMED,
                               claim_id=claim.id, note="分配方案 allocation plan" if via == "allocation" else "",
                               now=now)
            holder = cast(dict, await holder_of(wish, claim, full=True))  # the claim just made holds the wish
            due = deadline.astimezone(clock.CHINA).strftime("%Y-%m-%d %H:%M")
            await tell("wish.claimed", [wish.resident_id, *await inbox.grid_staff_ids(wish.grid_code)], wish,
                       by=holder["name"], due=due, skip=actor.user_id)
            if via == "allocation" and org_id is not None:
                await tell("wish.allocated", await inbox.org_member_ids(org_id), wish, due=due, skip=actor.user_id)
    except _Lost:
        raise await already_claimed(wish) from None
    return claim


async def _project_for_claim(wish: Wish, org_id: int | None, project: Any, *, now: datetime) -> int | None:
    """The project a member's claim counts against: the one named (it must belong to the
    organisation and pass the hard filters of matching), else the organisation's best
    eligible project, else none (a claim of the organisation as such)."""
    if org_id is None or not await Organisation.exists(id=org_id):
        raise Forbidden("您尚未加入社会组织,不能代表组织认领", "you belong to no organisation", code=ErrorCode.NO_ORG)
    candidates = await eligible_projects(wish, org_id=org_id, today=clock.china(now).date())
    if project in (None, ""):
        return candidates[0] if candidates else None
    pid = record_id(project)
    if pid is None:
        raise ValidationError("project 应为项目编号", "project must be a project id", code=ErrorCode.BAD_FIELD,
                              details={"field": "project"})
    p = await Project.filter(id=pid).first()
    if p is None or p.org_id != org_id:
        raise NotFound(f"贵组织没有编号为 {project} 的项目", f"your organisation has no project {project}",
                       details={"project": project})
    if pid not in candidates:
        raise Conflict(f"项目「{p.name}」不能承接该心愿(服务区域、类别、服务期或承接能力不符)",
                       f"project {p.name} cannot take this wish (area, category, period or capacity)",
                       code=ErrorCode.PROJECT_NOT_ELIGIBLE, details={"project": pid})
    return pid
