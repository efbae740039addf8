"""How a wish is shown: its card and detail, masked for the viewer (gridsvc.domain.privacy), the
actions the viewer may take, and its photo.
"""

from __future__ import annotations

from datetime import date, datetime

from gridsvc.domain.errors import Forbidden, NotFound
from gridsvc.domain.orgs import CLAIMER_KINDS
from gridsvc.domain.privacy import (
    Contact,
    FullViewReason,
    contact_view,
    full_view_reason,
    mask_name,
    mask_position,
)
from gridsvc.domain.wishes import (
    BENEFICIARIES,
    FINAL_STATUSES,
    MAX_EXTENSIONS,
    TRANSITIONS,
    WISH_CATEGORIES,
    WISH_STATUSES,
    Actor,
    ClaimStatus,
    WishAction,
    allowed_actions,
)
from gridsvc.store import audit
from gridsvc.store.areas.reading import area_names
from gridsvc.store.wishes.access import (
    Standing,
    StandingOf,
    can_view,
    current_claim,
    holder_of,
    holds,
)
from gridsvc.store.wishes.models import Claim, Rating, Wish, WishEvent

# ---------------------------------------------------------------------------- reading


def _iso(v: datetime | date | None) -> str | None:
    return v.isoformat() if v is not None else None


def claim_block(claim: Claim | None, holder: dict | None, st: Standing) -> dict | None:
    if claim is None:
        return None
    return {
        "id": claim.id, "status": claim.status, "status_zh": ClaimStatus(claim.status).zh,
        "holder": holder, "via": claim.via,
        "claimer_kind": claim.claimer_kind, "claimer_kind_zh": CLAIMER_KINDS.get(claim.claimer_kind, ""),
        "claimed_at": _iso(claim.claimed_at), "deadline": _iso(claim.deadline), "extensions": claim.extensions,
        "can_extend": (claim.status == ClaimStatus.ACTIVE and claim.extensions < MAX_EXTENSIONS
                       and st.has(Actor.CLAIMER)),
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
        "created_at": _iso(wish.created_at), "published_at": _iso(wish.published_at),
        "updated_at": _iso(wish.updated_at),
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
    out["rating"] = {"stars": r.stars, "comment": r.comment or None, "at": _iso(r.at),
                     "on_behalf": r.on_behalf} if r else None
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

# a claim's columns a card shows (not the photo, which may be large and is served apart)
CARD_CLAIM_FIELDS = ("id", "wish_id", "claimer_id", "org_id", "project_id", "via", "claimer_kind", "status",
                     "claimed_at", "deadline", "extensions", "fulfilled_note", "fulfilled_on", "photo_type", "ended_at")


async def cards(wishes: list[Wish], standing_of: StandingOf) -> list[dict]:
    """Cards of a listing (contact always masked: full data only on a wish's own page): the
    claims with their organisations' names in one query, the areas' names in another."""
    claim_ids = [w.current_claim_id for w in wishes if w.current_claim_id]
    claims: dict[int, Claim] = {}
    orgs: dict[int, str] = {}
    if claim_ids:
        for row in await Claim.filter(id__in=claim_ids).values(*CARD_CLAIM_FIELDS, org_name="org__name"):
            org_name = row.pop("org_name")
            claims[row["id"]] = Claim(**row)
            if row["org_id"]:
                orgs[row["org_id"]] = org_name or ""
    names = await area_names([c for w in wishes for c in (w.grid_code, w.grid_code[:12])])
    out = []
    for w in wishes:
        claim = claims.get(w.current_claim_id) if w.current_claim_id else None
        holder = None
        if claim is not None:
            holder = ({"kind": "org", "org": {"id": claim.org_id, "name": orgs.get(claim.org_id, "")},
                       "name": orgs.get(claim.org_id, "")} if claim.org_id else {"kind": "volunteer", "name": None})
        out.append(await card(w, standing_of(w, claim), claim=claim, names=names, holder=holder))
    return out
