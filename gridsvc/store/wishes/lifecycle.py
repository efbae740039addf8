"""Micro-wishes in the store: posting (placed in a grid by the point lookup), screening,
claims without double claims, deadlines and expiry, fulfilment, confirmation and ratings, the
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

import math
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Awaitable, Callable

import shapely
from tortoise.expressions import F, Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import Conflict, Forbidden, NotFound, ValidationError
from gridsvc.domain.levels import code_prefix
from gridsvc.domain.orgs import CLAIMER_KINDS
from gridsvc.domain.privacy import (
    Contact,
    FullViewReason,
    contact_view,
    full_view_reason,
    mask_name,
    mask_position,
)
from gridsvc.domain.scope import Principal, acts_for_org
from gridsvc.domain.wishes import (
    BENEFICIARIES,
    CITY_TZ,
    CLAIM_STATUS_AFTER,
    FINAL_STATUSES,
    MAX_EXTENSIONS,
    TRANSITIONS,
    WISH_CATEGORIES,
    WISH_STATUSES,
    Actor,
    ClaimStatus,
    WishAction,
    WishStatus,
    allowed_actions,
    check_action,
    check_actor,
    check_claimable,
    check_description,
    check_fulfilment,
    check_photo,
    check_rating,
    check_reason,
    check_status,
    check_wish,
    claim_deadline,
    extend_deadline,
    transition,
)
from gridsvc.store import subtree
from gridsvc.store.accounts import audit
from gridsvc.store.accounts.models import User, UserArea
from gridsvc.store.accounts.users import check_phone
from gridsvc.store.areas.models import Area
from gridsvc.store.orgs.models import Organisation, Project, VolunteerProfile
from gridsvc.store.orgs.organisations import claimer_kind_of
from gridsvc.store.paging import Page, PageRequest, keyset_page
from gridsvc.store.records import get_or_404, record_id
from gridsvc.store.wishes import inbox
from gridsvc.store.wishes.models import Claim, Rating, Wish, WishEvent

UTC = timezone.utc
VOLUNTEER_MAX_ACTIVE_DEFAULT = 3
LIVE_CLAIM = (ClaimStatus.ACTIVE.value, ClaimStatus.FULFILLED.value)  # the claim holds the wish


def utcnow() -> datetime:
    return datetime.now(UTC)


def city_today(now: datetime) -> date:
    return now.astimezone(CITY_TZ).date()


# ---------------------------------------------------------------------------- who is asking


@dataclass(frozen=True)
class Standing:
    """How the asking user stands to one wish, as the web layer decided it.

    ``actors`` are the domain's actor kinds (owner, grid staff, org member, volunteer, claimer);
    ``can_read`` is scope action ``wish.read`` on the grid (staff, officials: every status),
    ``can_browse`` is ``wish.browse`` (published wishes in a service area), ``pii`` is
    ``resident.pii`` (the grid's staff see contact data in full)."""

    principal: Principal
    actors: frozenset[Actor] = frozenset()
    can_read: bool = False
    can_browse: bool = False
    pii: bool = False

    @property
    def user_id(self) -> int | None:
        return self.principal.user_id

    def has(self, actor: Actor) -> bool:
        return actor in self.actors


StandingOf = Callable[[Wish, "Claim | None"], Standing]


def holds(claim: Claim | None, principal: Principal) -> bool:
    """The principal is the claimer of ``claim``: the volunteer who made it, or any member of
    the organisation it was made for."""
    if claim is None or claim.status not in LIVE_CLAIM or not principal.is_authenticated:
        return False
    if claim.org_id is not None:
        return acts_for_org(principal) and principal.org_id == claim.org_id
    return claim.claimer_id == principal.user_id


async def ever_claimed(wish: Wish, principal: Principal) -> bool:
    """The principal (or their organisation) held a claim of this wish once: they still see it."""
    if not principal.is_authenticated:
        return False
    q = Q(claimer_id=principal.user_id, org_id=None)
    if acts_for_org(principal):
        q |= Q(org_id=principal.org_id)
    return await Claim.filter(q, wish_id=wish.id).exists()


async def can_view(wish: Wish, st: Standing) -> bool:
    if st.has(Actor.RESIDENT_OWNER) or st.can_read or st.has(Actor.CLAIMER):
        return True
    if wish.status == WishStatus.PUBLISHED and st.can_browse:
        return True
    return await ever_claimed(wish, st.principal)


# ---------------------------------------------------------------------------- loading


async def get_wish(wish_id: Any) -> Wish:
    return await get_or_404(Wish, wish_id, "心愿", "wish")


async def current_claim(wish: Wish) -> Claim | None:
    if wish.current_claim_id is None:
        return None
    return await Claim.filter(id=wish.current_claim_id).first()


async def holder_of(wish: Wish, claim: Claim | None = None, *, full: bool = False) -> dict | None:
    """Who holds the wish: the organisation by name (a public body), a volunteer by masked
    name unless ``full``."""
    claim = claim if claim is not None else await current_claim(wish)
    if claim is None:
        return None
    if claim.org_id is not None:
        org = await Organisation.filter(id=claim.org_id).first()
        project = await Project.filter(id=claim.project_id).first() if claim.project_id else None
        return {"kind": "org", "org": {"id": claim.org_id, "name": org.name if org else ""},
                "project": {"id": project.id, "name": project.name} if project else None,
                "name": org.name if org else ""}
    user = await User.filter(id=claim.claimer_id).first() if claim.claimer_id else None
    name = (user.display_name or user.username) if user else ""
    return {"kind": "volunteer", "org": None, "project": None, "name": name if full else mask_name(name),
            "user_id": claim.claimer_id if full else None}


# ---------------------------------------------------------------------------- placing a wish


@dataclass(frozen=True)
class Placement:
    lon: float
    lat: float
    grid_code: str
    building_code: str | None
    chain: tuple[dict, ...]
    building_name: str = ""

    def place_name(self) -> str:
        """The community and the building, as an address when the account has none."""
        community = next((a["name"] for a in self.chain if a["level"] == "community"), "")
        building = self.building_name or next((a["name"] for a in self.chain if a["level"] == "building"), "")
        return community + building


def _number(v: Any, name: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise ValidationError(f"{name} 应为数字", f"{name} must be a number",
                              code=ErrorCode.BAD_POSITION, details={"field": name})
    try:
        f = float(v)
    except ValueError:
        raise ValidationError(f"{name} 应为数字", f"{name} must be a number", code=ErrorCode.BAD_POSITION,
                              details={"field": name}) from None
    if not math.isfinite(f):
        raise ValidationError(f"{name} 应为有限数字", f"{name} must be finite",
                              code=ErrorCode.BAD_POSITION, details={"field": name})
    return f


async def place(index, data: dict, *, home_building: str | None = None) -> Placement:
    """Where a wish is: the building picked (``building``), else the position (``lon`` +
    ``lat``, WGS-84), else the resident's home building. The grid comes from the point lookup
    of that position (``not_in_grid`` when no grid holds it)."""
    building = data.get("building")
    if building in ("", None) and data.get("lon") in (None, "") and data.get("lat") in (None, ""):
        building = home_building
    building_code, building_name = None, ""
    if building not in ("", None):
        if not isinstance(building, str):
            raise ValidationError("building 应为楼栋代码", "building must be a building code", code=ErrorCode.BAD_BUILDING,
                                  details={"field": "building"})
        area = await Area.filter(code=building.strip()).first()
        if area is None:
            raise NotFound(f"楼栋 {building} 不存在", f"building {building} not found",
                           details={"field": "building", "code": building})
        if area.level != "building":
            raise ValidationError(f"{building} 是{area.level},不是楼栋", f"{building} is a {area.level}, not a building",
                                  code=ErrorCode.BAD_BUILDING, details={"field": "building", "level": area.level})
        pt = shapely.from_wkb(area.geometry).representative_point()
        lon, lat, building_code, building_name = pt.x, pt.y, area.code, area.name
    elif data.get("lon") not in (None, "") or data.get("lat") not in (None, ""):
        lon, lat = _number(data.get("lon"), "lon"), _number(data.get("lat"), "lat")
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationError("经纬度超出范围", "lon/lat out of range", code=ErrorCode.BAD_POSITION,
                                  details={"lon": lon, "lat": lat})
    else:
        raise ValidationError("请选择楼栋(building)或给出位置(lon、lat)", "give a building or a position (lon, lat)",
                              code=ErrorCode.PLACE_MISSING, details={"fields": ["building", "lon", "lat"]})
    chain = (await index.get()).locate(lon, lat)
    grid = next((a["code"] for a in chain if a["level"] == "grid"), None)
    if grid is None and building_code:
        # a building drawn as a point on its group's edge: its code names the grid (domain.levels)
        if await Area.exists(code=building_code[:15], level="grid"):
            grid = building_code[:15]
    if grid is None:
        raise ValidationError(f"位置 {lon:.6f},{lat:.6f} 不在任何网格内", f"no grid holds the position {lon:.6f},{lat:.6f}",
                              code=ErrorCode.NOT_IN_GRID, details={"lon": lon, "lat": lat})
    if building_code is None:
        building_code = next((a["code"] for a in chain if a["level"] == "building"), None)
    return Placement(round(lon, 6), round(lat, 6), grid, building_code, tuple(chain), building_name)


async def home_building(user_id: int) -> str | None:
    return await UserArea.filter(user_id=user_id, area__level="building").order_by("id").first().values_list(
        "area__code", flat=True)


async def value_cap(grid_code: str, settings) -> Decimal:
    """The district's cap on a wish's value: ``wish_value_cap`` in the district's properties
    (PATCH /api/v1/areas/{district}), else the setting (GRIDSVC_WISH_VALUE_CAP, 500)."""
    default = Decimal(str(getattr(settings, "wish_value_cap", 500) if settings else 500))
    district = await Area.filter(code=grid_code[:6], level="district").first()
    raw = (district.properties or {}).get("wish_value_cap") if district else None
    if isinstance(raw, (int, float, str)) and not isinstance(raw, bool):
        try:
            cap = Decimal(str(raw))
            if cap.is_finite() and cap > 0:
                return cap
        except ArithmeticError:
            pass
    return default


def _content(data: dict, *, today: date, cap: Decimal, base: Wish | None = None) -> dict:
    """The checked content fields of a new wish, or of an edit of ``base`` (fields not sent
    keep their value)."""
    def pick(key: str, current: Any) -> Any:
        return data[key] if key in data else current

    for key in ("title", "category", "value_yuan", "wish_by"):
        if base is None and data.get(key) in (None, ""):
            raise ValidationError(f"缺少 {key}", f"{key} is required", code=ErrorCode.REQUIRED, details={"field": key})
    ben = pick("beneficiary", base.beneficiary if base else None)
    w = check_wish(pick("title", base.title if base else None), pick("category", base.category if base else None),
                   pick("value_yuan", base.value_yuan if base else None), pick("wish_by", base.wish_by if base else None),
                   today, cap, beneficiary=ben if ben not in ("", None) else None)
    return {"title": w.title, "category": w.category.value, "value_yuan": w.value_yuan, "wish_by": w.wish_by,
            "beneficiary": w.beneficiary.value if w.beneficiary else None,
            "description": check_description(pick("description", base.description if base else None))}


async def create_wish(data: dict, placement: Placement, *, resident: User, actor: Principal, settings,
                      now: datetime | None = None) -> Wish:
    """A new wish, ``submitted`` for screening; grid staff posting for a resident (代办) is
    recorded as such. The contact data is a snapshot of the resident's account (or what the
    request gives for this wish)."""
    now = now or utcnow()
    cap = await value_cap(placement.grid_code, settings)
    content = _content(data, today=city_today(now), cap=cap)
    phone = check_phone(str(data["contact_phone"])) if data.get("contact_phone") else resident.phone
    address = data.get("address")
    if address is not None and (not isinstance(address, str) or len(address.strip()) > 200):
        raise ValidationError("地址最多 200 个字", "the address has at most 200 characters", code=ErrorCode.BAD_FIELD,
                              details={"field": "address"})
    address = (address or "").strip() or resident.address or placement.place_name()
    on_behalf = actor.user_id != resident.id
    async with in_transaction():
        wish = await Wish.create(
            resident_id=resident.id, posted_by_id=actor.user_id, **content, building_code=placement.building_code,
            lon=placement.lon, lat=placement.lat, grid_code=placement.grid_code, status=WishStatus.SUBMITTED.value,
            contact_name=resident.display_name or resident.username, contact_phone=phone or "", contact_address=address,
        )
        await _event(wish, "submit", actor, Actor.GRID_STAFF if on_behalf else Actor.RESIDENT_OWNER, "",
                     WishStatus.SUBMITTED, on_behalf=on_behalf, now=now)
        await _tell("submitted", await inbox.grid_staff_ids(wish.grid_code), wish, "新心愿待审核", "a new wish to screen",
                    skip=actor.user_id)
    return wish


# ---------------------------------------------------------------------------- history and news


async def _event(wish: Wish, action: str, actor: Principal | None, actor_kind: Actor | None, from_status: str,
                 to_status: str, *, reason: str = "", note: str = "", claim_id: int | None = None,
                 on_behalf: bool = False, now: datetime | None = None) -> None:
    await WishEvent.create(
        wish_id=wish.id, actor_id=actor.user_id if actor else None,
        actor_name=(actor.display_name or actor.username) if actor else "系统 system",
        actor_kind=actor_kind.value if actor_kind else Actor.SYSTEM.value, on_behalf=on_behalf, action=action,
        from_status=str(from_status), to_status=str(to_status), reason=reason, note=note, claim_id=claim_id,
        **({"at": now} if now else {}),
    )


async def _tell(kind: str, user_ids, wish: Wish, zh: str, en: str, *, detail_zh: str = "", detail_en: str = "",
                skip: int | None = None) -> None:
    title = f"{zh}:「{wish.title}」"
    body = " ".join(x for x in (detail_zh, f"({en}{': ' + detail_en if detail_en else ''})") if x)
    await inbox.notify(user_ids, kind, title, body, link=f"/wishes/{wish.id}", wish_id=wish.id, skip=skip)


async def _claimer_ids(claim: Claim | None) -> list[int]:
    if claim is None:
        return []
    if claim.org_id is not None:
        return await inbox.org_member_ids(claim.org_id)
    return [claim.claimer_id] if claim.claimer_id else []


# ---------------------------------------------------------------------------- actions

_PREFERENCE = (Actor.RESIDENT_OWNER, Actor.CLAIMER, Actor.ORG_MEMBER, Actor.VOLUNTEER, Actor.GRID_STAFF)


def acting_as(action: WishAction, st: Standing) -> Actor:
    """The actor kind that entitles the user to ``action`` (the owner before staff: a resident
    who is also staff acts for themself)."""
    allowed = TRANSITIONS[action].actors
    return next(a for a in _PREFERENCE if a in st.actors and a in allowed)


async def _changed_meanwhile(wish: Wish) -> Conflict:
    fresh = await Wish.filter(id=wish.id).first()
    now_status = fresh.status if fresh else "deleted"
    return Conflict(f"心愿已被他人处理(当前状态「{WISH_STATUSES.get(now_status, now_status)}」),请刷新",
                    f"the wish was changed meanwhile (it is now {now_status}); reload",
                    code=ErrorCode.STALE, details={"status": now_status})


async def _already_claimed(wish: Wish) -> Conflict:
    """The loser's 409, naming who holds the wish."""
    fresh = await Wish.filter(id=wish.id).first() or wish
    holder = await holder_of(fresh)
    if holder is None:
        return await _changed_meanwhile(wish)
    claim = await current_claim(fresh)
    deadline = claim.deadline.astimezone(CITY_TZ).strftime("%Y-%m-%d %H:%M") if claim else ""
    who = holder["name"] or "他人"
    return Conflict(f"该心愿已被「{who}」认领(期限 {deadline}),不能重复认领",
                    f"this wish is already claimed by {who} (until {deadline})", code=ErrorCode.ALREADY_CLAIMED,
                    details={"status": fresh.status, "holder": holder, "deadline": claim.deadline.isoformat() if claim else None})


async def act(wish: Wish, action: str, st: Standing, data: dict, *, settings, now: datetime | None = None) -> Wish:
    """Apply ``action`` to ``wish`` for the user standing as ``st``.

    The order of the answers: 403 when the user may not see the wish, 409 when the wish's
    status does not allow the action (``bad_transition``; ``already_claimed`` naming the holder),
    403 ``wrong_actor`` when the status allows it but not for this user, 422 for bad fields,
    409 when someone else changed the wish meanwhile."""
    now = now or utcnow()
    act_ = check_action(action)
    claim = await current_claim(wish)
    may_claim = act_ is WishAction.CLAIM and (st.has(Actor.ORG_MEMBER) or st.has(Actor.VOLUNTEER))
    if not may_claim and not await can_view(wish, st):
        raise Forbidden("无权查看该心愿", "not allowed to see this wish", code=ErrorCode.FORBIDDEN, details={"wish": wish.id})
    if act_ is WishAction.CLAIM and wish.status in (WishStatus.CLAIMED, WishStatus.FULFILLED):
        raise await _already_claimed(wish)
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
        raise await _changed_meanwhile(wish)
    kind = acting_as(action, st)
    on_behalf = kind is Actor.GRID_STAFF and Actor.RESIDENT_OWNER in TRANSITIONS[action].actors
    await _event(wish, action.value, st.principal, kind, wish.status, target, reason=reason, note=note,
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
        await _tell("published", [wish.resident_id], wish, "您的心愿已审核发布", "your wish is published",
                    skip=st.user_id)


async def _return(wish, claim, st, data, *, now, settings):
    reason = check_reason(data.get("reason"))
    async with in_transaction():
        await _move(wish, WishAction.RETURN, st, now=now, reason=reason)
        await _tell("returned", [wish.resident_id], wish, "您的心愿被退回,请修改后重新提交",
                    "your wish was returned; edit and resubmit it", detail_zh=f"原因:{reason}", skip=st.user_id)


async def _resubmit(wish, claim, st, data, *, now, settings):
    edits = {k: v for k, v in data.items() if k in ("title", "category", "value_yuan", "wish_by", "beneficiary",
                                                    "description")}
    content = _content(edits, today=city_today(now), cap=await value_cap(wish.grid_code, settings), base=wish) if edits else {}
    async with in_transaction():
        await _move(wish, WishAction.RESUBMIT, st, now=now, note=_note(data), extra=content)
        await _tell("resubmitted", await inbox.grid_staff_ids(wish.grid_code), wish, "心愿已修改并重新提交",
                    "a returned wish was resubmitted", skip=st.user_id)


async def _withdraw(wish, claim, st, data, *, now, settings):
    reason = (data.get("reason") or "").strip() if isinstance(data.get("reason"), str) else ""
    async with in_transaction():
        await _move(wish, WishAction.WITHDRAW, st, now=now, reason=reason[:200])
        if acting_as(WishAction.WITHDRAW, st) is Actor.GRID_STAFF:
            await _tell("withdrawn", [wish.resident_id], wish, "网格员已代您撤回心愿", "staff withdrew your wish for you",
                        detail_zh=reason, skip=st.user_id)
        else:
            await _tell("withdrawn", await inbox.grid_staff_ids(wish.grid_code), wish, "居民撤回了心愿",
                        "the resident withdrew the wish", skip=st.user_id)


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
        await _tell("merged", [wish.resident_id], wish, f"您的心愿与重复心愿 #{into.id} 合并办理",
                    f"your wish was merged into wish #{into.id}", skip=st.user_id)


def _note(data: dict) -> str:
    v = data.get("note")
    return v.strip()[:500] if isinstance(v, str) else ""


async def _volunteer_limit(user_id: int | None) -> int:
    prof = await VolunteerProfile.filter(user_id=user_id).first()
    return prof.max_active if prof else VOLUNTEER_MAX_ACTIVE_DEFAULT


async def _claim(wish, claim, st, data, *, now, settings):
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
                    raise Conflict("该项目已无剩余承接能力", "the project has no capacity left", code=ErrorCode.PROJECT_FULL,
                                   details={"project": project_id})
            await _event(wish, WishAction.CLAIM.value, actor, kind, WishStatus.PUBLISHED, WishStatus.CLAIMED,
                         claim_id=claim.id, note="分配方案 allocation plan" if via == "allocation" else "", now=now)
            holder = await holder_of(wish, claim, full=True)
            due = deadline.astimezone(CITY_TZ).strftime("%Y-%m-%d %H:%M")
            await _tell("claimed", [wish.resident_id, *await inbox.grid_staff_ids(wish.grid_code)], wish,
                        "心愿已被认领", "the wish was claimed", detail_zh=f"认领方:{holder['name']},完成期限 {due}",
                        detail_en=f"by {holder['name']}, due {due}", skip=actor.user_id)
            if via == "allocation" and org_id is not None:
                await _tell("allocated", await inbox.org_member_ids(org_id), wish, "分配方案将该心愿指派给贵组织",
                            "an allocation plan assigned this wish to your organisation",
                            detail_zh=f"完成期限 {due}", skip=actor.user_id)
    except _Lost:
        raise await _already_claimed(wish) from None
    return claim


async def _project_for_claim(wish: Wish, org_id: int | None, project: Any, *, now: datetime) -> int | None:
    """The project a member's claim counts against: the one named (it must belong to the
    organisation and pass the hard filters of matching), else the organisation's best
    eligible project, else none (a claim of the organisation as such)."""
    from gridsvc.store.wishes.allocations import (
        eligible_projects,
    )  # matching lives beside the allocation plans

    if org_id is None or not await Organisation.exists(id=org_id):
        raise Forbidden("您尚未加入社会组织,不能代表组织认领", "you belong to no organisation", code=ErrorCode.NO_ORG)
    candidates = await eligible_projects(wish, org_id=org_id, today=city_today(now))
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


async def _extend(wish, claim, st, data, *, now, settings):
    new = extend_deadline(claim.deadline, now, claim.extensions)
    async with in_transaction():
        n = await Claim.filter(id=claim.id, status=ClaimStatus.ACTIVE.value, extensions=claim.extensions).update(
            deadline=new, extensions=claim.extensions + 1)
        if n != 1:
            raise Conflict("认领已被他人处理,请刷新", "the claim was changed meanwhile; reload", code=ErrorCode.STALE)
        await Wish.filter(id=wish.id).update(version=F("version") + 1, updated_at=now)
        due = new.astimezone(CITY_TZ).strftime("%Y-%m-%d %H:%M")
        await _event(wish, WishAction.EXTEND.value, st.principal, Actor.CLAIMER, wish.status, wish.status,
                     note=f"新期限 new deadline {due}", claim_id=claim.id, now=now)
        await _tell("extended", [wish.resident_id], wish, "认领方申请延期", "the claimer extended the deadline",
                    detail_zh=f"新的完成期限 {due}", detail_en=f"new deadline {due}", skip=st.user_id)


async def _release(wish, claim, st, data, *, now, settings):
    reason = check_reason(data.get("reason")) if data.get("reason") or not st.has(Actor.CLAIMER) else ""
    async with in_transaction():
        await _move(wish, WishAction.RELEASE, st, now=now, reason=reason, claim=claim, extra={"current_claim_id": None})
        await _end_claim(claim, WishAction.RELEASE, now=now)
        await _tell("released", [wish.resident_id, *await inbox.grid_staff_ids(wish.grid_code), *await _claimer_ids(claim)],
                    wish, "认领已取消,心愿重新发布", "the claim was given up; the wish is published again",
                    detail_zh=reason, skip=st.user_id)


async def _fulfil(wish, claim, st, data, *, now, settings):
    f = check_fulfilment(data.get("note"), data.get("fulfilled_on") or city_today(now), claim.claimed_at, city_today(now))
    photo = data.get("photo")
    fields: dict = {"fulfilled_note": f.note, "fulfilled_on": f.fulfilled_on}
    if photo is not None:
        if not isinstance(photo, (bytes, bytearray)):
            raise ValidationError("照片应为图片数据", "photo must be image bytes", code=ErrorCode.BAD_PHOTO)
        fields.update(photo=bytes(photo), photo_type=check_photo(photo))
    async with in_transaction():
        await _move(wish, WishAction.FULFIL, st, now=now, note=f.note, claim=claim)
        await _end_claim(claim, WishAction.FULFIL, now=now, fields=fields)
        await _tell("fulfilled", [wish.resident_id, *await inbox.grid_staff_ids(wish.grid_code)], wish,
                    "心愿已完成,请确认并评价", "the wish was fulfilled; please confirm and rate it",
                    detail_zh=f"{f.fulfilled_on}:{f.note}", skip=st.user_id)


async def _confirm(wish, claim, st, data, *, now, settings):
    rating = check_rating(data["stars"], data.get("comment")) if data.get("stars") not in (None, "") else None
    async with in_transaction():
        await _move(wish, WishAction.CONFIRM, st, now=now, note=_note(data), claim=claim)
        await _end_claim(claim, WishAction.CONFIRM, now=now, from_status=ClaimStatus.FULFILLED.value)
        await _tell("confirmed", [*await _claimer_ids(claim), *await inbox.grid_staff_ids(wish.grid_code)], wish,
                    "居民已确认心愿完成", "the resident confirmed the wish is fulfilled", skip=st.user_id)
        if rating:
            await _store_rating(wish, claim, st, rating, now=now)


async def _reopen(wish, claim, st, data, *, now, settings):
    reason = check_reason(data.get("reason"))
    async with in_transaction():
        await _move(wish, WishAction.REOPEN, st, now=now, reason=reason, claim=claim,
                    extra={"current_claim_id": None, "published_at": now})
        await _end_claim(claim, WishAction.REOPEN, now=now, from_status=ClaimStatus.FULFILLED.value)
        # the claimer learns it was not accepted; the grid's staff follow it up
        await _tell("reopened", [*await _claimer_ids(claim), *await inbox.grid_staff_ids(wish.grid_code)], wish,
                    "居民反映心愿未完成,已重新发布", "the resident says the wish was not fulfilled; it is published again",
                    detail_zh=f"原因:{reason}", skip=st.user_id)
        if st.user_id != wish.resident_id:
            await _tell("reopened", [wish.resident_id], wish, "网格员已代您反映未完成,心愿重新发布",
                        "staff reopened your wish for you", detail_zh=reason)


_HANDLERS: dict[WishAction, Callable[..., Awaitable[None]]] = {
    WishAction.PUBLISH: _publish, WishAction.RETURN: _return, WishAction.RESUBMIT: _resubmit,
    WishAction.WITHDRAW: _withdraw, WishAction.MERGE: _merge, WishAction.CLAIM: _claim, WishAction.EXTEND: _extend,
    WishAction.RELEASE: _release, WishAction.FULFIL: _fulfil, WishAction.CONFIRM: _confirm, WishAction.REOPEN: _reopen,
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
    await _event(wish, "rate", st.principal, Actor.RESIDENT_OWNER if st.has(Actor.RESIDENT_OWNER) else Actor.GRID_STAFF,
                 wish.status, wish.status, note=f"{rating.stars} 星 stars" + (f":{rating.comment}" if rating.comment else ""),
                 on_behalf=not st.has(Actor.RESIDENT_OWNER), claim_id=claim.id if claim else None, now=now)
    if claim is not None:
        await _tell("rated", await _claimer_ids(claim), wish, f"居民评价 {rating.stars} 星", f"rated {rating.stars} stars",
                    detail_zh=rating.comment or "")
    return row


async def rate(wish: Wish, st: Standing, data: dict, *, now: datetime | None = None) -> Rating:
    """Rate a confirmed wish once (1-5 stars and a comment), by its resident or staff for them."""
    now = now or utcnow()
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
    now = now or utcnow()
    due = await Claim.filter(status=ClaimStatus.ACTIVE.value, deadline__lte=now).order_by("id")
    done = 0
    for claim in due:
        try:
            async with in_transaction():
                n = await Wish.filter(id=claim.wish_id, status=WishStatus.CLAIMED.value, current_claim_id=claim.id).update(
                    status=WishStatus.PUBLISHED.value, current_claim_id=None, version=F("version") + 1, updated_at=now)
                m = await Claim.filter(id=claim.id, status=ClaimStatus.ACTIVE.value, deadline__lte=now).update(
                    status=ClaimStatus.EXPIRED.value, ended_at=now)
                if n != 1 or m != 1:
                    raise _Skip
                if claim.project_id:
                    await Project.filter(id=claim.project_id, taken__gt=0).update(taken=F("taken") - 1)
                wish = await Wish.get(id=claim.wish_id)
                due_at = claim.deadline.astimezone(CITY_TZ).strftime("%Y-%m-%d %H:%M")
                await _event(wish, WishAction.EXPIRE.value, None, Actor.SYSTEM, WishStatus.CLAIMED, WishStatus.PUBLISHED,
                             note=f"期限 deadline {due_at}", claim_id=claim.id, now=now)
                await _tell("expired", [wish.resident_id, *await inbox.grid_staff_ids(wish.grid_code),
                                        *await _claimer_ids(claim)], wish,
                            "认领超期未完成,心愿重新发布", "the claim expired; the wish is published again",
                            detail_zh=f"原期限 {due_at}", detail_en=f"deadline was {due_at}")
            done += 1
        except _Skip:
            continue  # fulfilled, released or expired by someone else meanwhile
    return done


class _Skip(Exception):
    pass


async def claims_due() -> bool:
    return await Claim.filter(status=ClaimStatus.ACTIVE.value, deadline__lte=utcnow()).exists()


# ---------------------------------------------------------------------------- reading


def _iso(v: datetime | date | None) -> str | None:
    return v.isoformat() if v is not None else None


async def area_names(codes) -> dict[str, str]:
    codes = sorted({c for c in codes if c})
    return dict(await Area.filter(code__in=codes).values_list("code", "name")) if codes else {}


def claim_block(claim: Claim | None, holder: dict | None, st: Standing) -> dict | None:
    if claim is None:
        return None
    return {
        "id": claim.id, "status": claim.status, "status_zh": ClaimStatus(claim.status).zh,
        "holder": holder, "via": claim.via,
        "claimer_kind": claim.claimer_kind, "claimer_kind_zh": CLAIMER_KINDS.get(claim.claimer_kind, ""),
        "claimed_at": _iso(claim.claimed_at), "deadline": _iso(claim.deadline), "extensions": claim.extensions,
        "can_extend": claim.status == ClaimStatus.ACTIVE and claim.extensions < MAX_EXTENSIONS and st.has(Actor.CLAIMER),
        "fulfilled_on": _iso(claim.fulfilled_on), "fulfilled_note": claim.fulfilled_note or None,
        "has_photo": claim.photo_type != "",
    }


def actions_for(wish: Wish, claim: Claim | None, st: Standing) -> list[str]:
    out = [a.value for a in allowed_actions(wish.status, [a.value for a in st.actors]) if a is not WishAction.EXPIRE]
    if WishAction.EXTEND.value in out and (claim is None or claim.extensions >= MAX_EXTENSIONS):
        out.remove(WishAction.EXTEND.value)
    return out


async def card(wish: Wish, st: Standing, *, claim: Claim | None = None, names: dict[str, str] | None = None,
               full: FullViewReason | None = None, holder: dict | None = None) -> dict:
    """The card of a wish: what it is, where (grid, community), its status, the claim, and
    the contact block, masked unless ``full`` names why this viewer sees it whole (the caller
    audits that view). Positions are rounded unless the contact is shown in full."""
    names = names if names is not None else await area_names([wish.grid_code, wish.grid_code[:12], wish.building_code])
    lon, lat = (wish.lon, wish.lat) if full else mask_position(wish.lon, wish.lat)
    contact = Contact(wish.contact_name, wish.contact_phone, wish.contact_address)
    return {
        "id": wish.id, "title": wish.title, "description": wish.description, "category": wish.category,
        "category_zh": WISH_CATEGORIES.get(wish.category, wish.category),
        "value_yuan": float(wish.value_yuan), "beneficiary": wish.beneficiary,
        "beneficiary_zh": BENEFICIARIES.get(wish.beneficiary or "", None), "wish_by": _iso(wish.wish_by),
        "status": wish.status, "status_zh": WISH_STATUSES.get(wish.status, wish.status),
        "final": wish.status in FINAL_STATUSES,
        "grid": wish.grid_code, "grid_name": names.get(wish.grid_code, ""),
        "community": wish.grid_code[:12], "community_name": names.get(wish.grid_code[:12], ""),
        "building": ({"code": wish.building_code, "name": names.get(wish.building_code, "")}
                     if wish.building_code and full else None),
        "location": {"lon": lon, "lat": lat, "exact": bool(full)},
        "contact": contact_view(contact, full),
        "merged_into": wish.merged_into_id,
        "claim": claim_block(claim, holder, st),
        "actions": actions_for(wish, claim, st),
        "mine": st.has(Actor.RESIDENT_OWNER),
        "created_at": _iso(wish.created_at), "published_at": _iso(wish.published_at), "updated_at": _iso(wish.updated_at),
        "version": wish.version,
    }


async def detail(wish: Wish, st: Standing) -> dict:
    """The full view of one wish: the card, its history and rating; the contact in full when
    the viewer is the resident, the grid's staff or the accepted claimer, written to the audit
    log each time."""
    if not await can_view(wish, st):
        raise Forbidden("无权查看该心愿", "not allowed to see this wish", details={"wish": wish.id})
    claim = await current_claim(wish)
    reason = full_view_reason(is_owner=st.has(Actor.RESIDENT_OWNER), is_grid_staff=st.pii,
                              is_claimer=holds(claim, st.principal))
    see_people = reason is not None or st.can_read
    holder = await holder_of(wish, claim, full=see_people)
    out = await card(wish, st, claim=claim, full=reason, holder=holder)
    if reason is not None:
        await audit.record(st.principal, "pii.view", "wish", wish.id, area_code=wish.grid_code,
                           after={"reason": reason.value, "fields": ["name", "phone", "address"]})
    events = await WishEvent.filter(wish_id=wish.id).order_by("id")
    out["events"] = [{
        "at": _iso(e.at), "action": e.action,
        "action_zh": _action_zh(e.action),
        "from": e.from_status or None, "to": e.to_status or None,
        "actor": e.actor_name if _actor_shown(e.actor_kind, reason, see_people) else mask_name(e.actor_name),
        "actor_kind": e.actor_kind, "on_behalf": e.on_behalf, "reason": e.reason or None, "note": e.note or None,
        "claim": e.claim_id,
    } for e in events]
    r = await Rating.filter(wish_id=wish.id).first()
    out["rating"] = {"stars": r.stars, "comment": r.comment or None, "at": _iso(r.at), "on_behalf": r.on_behalf} if r else None
    past = await Claim.filter(wish_id=wish.id).exclude(id=claim.id if claim else -1).order_by("id")
    out["past_claims"] = [{"id": c.id, "status": c.status, "status_zh": ClaimStatus(c.status).zh,
                           "claimed_at": _iso(c.claimed_at), "ended_at": _iso(c.ended_at),
                           "holder": await holder_of(wish, c, full=see_people)} for c in past]
    return out


def _actor_shown(kind: str, reason: FullViewReason | None, see_people: bool) -> bool:
    """Staff and the system act under their names; the resident is named to those who see
    the contact in full; volunteers and members to those who see the claimer."""
    if kind in (Actor.GRID_STAFF, Actor.SYSTEM):
        return True
    if kind == Actor.RESIDENT_OWNER:
        return reason is not None
    return see_people


def _action_zh(action: str) -> str:
    try:
        return TRANSITIONS[WishAction(action)].zh
    except ValueError:
        return {"submit": "提交", "rate": "评价"}.get(action, action)


async def photo_of(wish: Wish, st: Standing) -> tuple[bytes, str]:
    if not await can_view(wish, st):
        raise Forbidden("无权查看该心愿", "not allowed to see this wish")
    claim = await Claim.filter(wish_id=wish.id).exclude(photo_type="").order_by("-id").first()
    if claim is None or claim.photo is None:
        raise NotFound("该心愿没有完成照片", "this wish has no fulfilment photo")
    return bytes(claim.photo), claim.photo_type


@dataclass(frozen=True)
class ListScope:
    """What a listing may show, decided by the web layer: every status under ``read``
    prefixes, published ones under ``browse`` prefixes, the user's own and their claims'.
    None means everywhere (the admin)."""

    read: list[str] | None
    browse: list[str] | None
    user_id: int | None
    org_id: int | None


def _prefix_q(prefixes: list[str] | None) -> Q | None:
    """A condition on the grid code for the prefixes; None for none (and for None, everywhere,
    which the caller handles)."""
    if not prefixes:
        return None
    return subtree.under_any("grid_code", prefixes)


async def _query(scope: ListScope, *, view: str = "all", status: str | None = None, under: str | None = None,
                 category: str | None = None, bbox: tuple[float, float, float, float] | None = None):
    """The wishes a user may see, filtered (None: nothing). ``view``: ``all`` (what they may
    see), ``mine`` (posted for them), ``claims`` (held or once held by them or their
    organisation)."""
    parts: list[Q] = []
    if view in ("all", "mine") and scope.user_id:
        parts.append(Q(resident_id=scope.user_id))
    if view in ("all", "claims") and scope.user_id:
        claim_q = Q(claimer_id=scope.user_id, org_id=None)
        if scope.org_id:
            claim_q |= Q(org_id=scope.org_id)
        ids = await Claim.filter(claim_q).values_list("wish_id", flat=True)
        if ids:
            parts.append(Q(id__in=sorted(set(ids))))
    if view == "all":
        read = _prefix_q(scope.read)
        if read is not None:
            parts.append(read)
        browse = _prefix_q(scope.browse)
        if browse is not None:
            parts.append(browse & Q(status=WishStatus.PUBLISHED.value))
    if view == "all" and scope.read is None:
        qs = Wish.all()  # the admin: everything
    elif not parts:
        return None
    else:
        where = parts[0]
        for p in parts[1:]:
            where |= p
        qs = Wish.filter(where)
    if status:
        statuses = [check_status(s.strip()).value for s in status.split(",") if s.strip()]
        qs = qs.filter(status__in=statuses)
    if under:
        area = await Area.filter(code=under).first()
        if area is None:
            raise NotFound(f"区域 {under} 不存在", f"area {under} not found", details={"under": under})
        qs = qs.filter(subtree.under("grid_code", code_prefix(area.code, area.level)))
    if category:
        qs = qs.filter(category=category)
    if bbox:
        minx, miny, maxx, maxy = bbox
        qs = qs.filter(lon__gte=minx, lon__lte=maxx, lat__gte=miny, lat__lte=maxy)
    return qs


async def listing(scope: ListScope, *, page: PageRequest, **filters: Any) -> Page:
    """A page of the wishes in scope, newest first; `extra` carries the total over all pages."""
    qs = await _query(scope, **filters)
    if qs is None:
        return Page([], None, page.limit, {"total": 0})
    total = await qs.count()
    result = await keyset_page(qs, "wishes", ("-id",), page)
    result.extra["total"] = total
    return result


async def counts_by_status(scope: ListScope, **filters: Any) -> dict[str, int]:
    out = {s: 0 for s in WISH_STATUSES}
    qs = await _query(scope, **filters)
    if qs is not None:
        for row in await qs.group_by("status").annotate(n=Count("id")).values("status", "n"):
            out[row["status"]] = row["n"]
    return out


async def cards(wishes: list[Wish], standing_of: StandingOf) -> list[dict]:
    """Cards of a listing (contact always masked: full data only on a wish's own page)."""
    claims = {c.id: c for c in await Claim.filter(id__in=[w.current_claim_id for w in wishes if w.current_claim_id])}
    names = await area_names([c for w in wishes for c in (w.grid_code, w.grid_code[:12])])
    orgs = dict(await Organisation.filter(id__in=[c.org_id for c in claims.values() if c.org_id]).values_list("id", "name"))
    out = []
    for w in wishes:
        claim = claims.get(w.current_claim_id) if w.current_claim_id else None
        holder = None
        if claim is not None:
            holder = ({"kind": "org", "org": {"id": claim.org_id, "name": orgs.get(claim.org_id, "")},
                       "name": orgs.get(claim.org_id, "")} if claim.org_id else {"kind": "volunteer", "name": None})
        out.append(await card(w, standing_of(w, claim), claim=claim, names=names, holder=holder))
    return out
