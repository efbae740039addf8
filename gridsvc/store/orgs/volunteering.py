"""What the volunteering pages need beyond the API's store functions: a volunteer's skills,
who took part in a demand (for the one-table hours form), and the service certificate's
number (志愿服务证明编号) that an official verifies.

The certificate number is the volunteer's id and an HMAC of it under the deployment's secret:
no table to keep, it cannot be guessed for another volunteer, and verifying it shows the
record as it stands today (hours recorded later are on it too).
"""

from __future__ import annotations

import hashlib
import hmac

from tortoise.expressions import Q

from gridsvc.store.accounts.models import User
from gridsvc.store.orgs.models import Demand, DemandTake, DemandTakeMember, ServiceHours, VolunteerProfile

CERTIFICATE_PREFIX = "ZYFW"


async def volunteer_account(user_id: int | None) -> User | None:
    """The account of a volunteer or organisation member (who keep a service record)."""
    return await User.filter(id=user_id or -1, role__in=["volunteer", "org_member"]).first()


async def volunteer_skills(user_id: int | None) -> list[str]:
    if user_id is None:
        return []
    prof = await VolunteerProfile.filter(user_id=user_id).first()
    return list(prof.skills) if prof else []


async def place_held(d: Demand, user_id: int | None, org_id: int | None, role: str | None) -> dict | None:
    """The caller's active take of ``d``: their sign-up, or (for a member) their organisation's claim."""
    q = Q(user_id=user_id or -1, kind="volunteer")
    if role == "org_member" and org_id:
        q |= Q(org_id=org_id, kind="org")
    t = await DemandTake.filter(q, demand_id=d.id, status="active").first()
    return {"id": t.id, "kind": t.kind, "count": t.count} if t else None


async def participants(d: Demand) -> list[dict]:
    """Everyone who may be given hours at ``d``: volunteers signed up, and for each organisation
    holding a claim the members it named (every member when it named none), with the hours
    already recorded (None when not yet)."""
    takes = await DemandTake.filter(demand_id=d.id, status="active").values("id", "kind", "user_id", "org_id")
    user_ids = [t["user_id"] for t in takes if t["kind"] == "volunteer" and t["user_id"]]
    named = await DemandTakeMember.filter(take_id__in=[t["id"] for t in takes]).values_list("take_id", "user_id")
    crewed = {take_id for take_id, _ in named}
    org_ids = [t["org_id"] for t in takes if t["kind"] == "org" and t["org_id"] and t["id"] not in crewed]
    q = Q(id__in=user_ids + [u for _, u in named] or [-1])
    if org_ids:
        q |= Q(org_id__in=org_ids, role__in=["org_member", "volunteer"])
    users = await User.filter(q).order_by("id")
    recorded = {r["volunteer_id"]: r for r in await ServiceHours.filter(demand_id=d.id).values(
        "volunteer_id", "hours", "note")}
    return [{"id": u.id, "username": u.username, "name": u.display_name or u.username,
             "via_org": u.id not in user_ids,
             "hours": float(recorded[u.id]["hours"]) if u.id in recorded else None,
             "note": recorded[u.id]["note"] if u.id in recorded else ""} for u in users]


def _mac(user_id: int, secret: str) -> str:
    return hmac.new(secret.encode(), f"certificate:{user_id}".encode(), hashlib.sha256).hexdigest()[:10].upper()


def certificate_number(user_id: int, secret: str) -> str:
    return f"{CERTIFICATE_PREFIX}-{user_id:06d}-{_mac(user_id, secret)}"


async def certificate_holder(number: str, secret: str) -> User | None:
    """The volunteer a certificate number was issued to, or None when the number is not ours."""
    parts = number.strip().upper().split("-")
    if len(parts) != 3 or parts[0] != CERTIFICATE_PREFIX or not parts[1].isdigit() or len(parts[1]) > 9:
        return None
    uid = int(parts[1])
    if not hmac.compare_digest(parts[2], _mac(uid, secret)):
        return None
    return await User.filter(id=uid, role__in=["volunteer", "org_member"]).first()
