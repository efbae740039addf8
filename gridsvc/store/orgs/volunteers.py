"""Volunteers: who counts as one, their profile (categories, skills, how many claims at a time,
在职党员) and their record of service hours, star level, places held and wishes fulfilled.

Rules: gridsvc.domain.volunteers.
"""

from __future__ import annotations

from tortoise.expressions import Q

from gridsvc.domain import clock
from gridsvc.domain.volunteers import summarise_hours
from gridsvc.domain.wishes import ClaimStatus
from gridsvc.store.accounts.models import User
from gridsvc.store.orgs.models import (
    DemandTake,
    Organisation,
    ServiceHours,
    VolunteerProfile,
)
from gridsvc.store.wishes.models import Claim

VOLUNTEER_ROLES = ("volunteer", "org_member")


async def find_volunteer(user_id: int | None) -> User | None:
    """The volunteer (or organisation member) with `user_id`, if there is one."""
    return await User.filter(id=user_id, role__in=list(VOLUNTEER_ROLES)).first() if user_id is not None else None


async def save_profile(user_id: int | None, *, categories: list[str], skills: list[str], max_active: int,
                       party_member: bool, workplace: str) -> VolunteerProfile:
    """Create or replace a volunteer's profile (checked by the caller)."""
    prof, _ = await VolunteerProfile.update_or_create(defaults={
        "categories": categories, "skills": skills, "max_active": max_active, "party_member": party_member,
        "workplace": workplace}, user_id=user_id)
    return prof


async def volunteer_record(user: User, *, thresholds) -> dict:
    """A volunteer's record: each demand served with its hours, the total and the star level,
    the places they hold, and the wishes they fulfilled themselves."""
    rows = await ServiceHours.filter(volunteer_id=user.id).order_by("demand__starts_at").values(
        "demand_id", "demand__title", "demand__starts_at", "demand__area_code", "hours", "org_id", "note")
    orgs = dict(await Organisation.filter(id__in={r["org_id"] for r in rows if r["org_id"]}).values_list("id", "name"))
    summary = summarise_hours([float(r["hours"]) for r in rows], thresholds)
    takes = await DemandTake.filter(Q(user_id=user.id, kind="volunteer") | Q(org_id=user.org_id or -1, kind="org"),
                                    status="active").values("demand_id", "demand__title", "demand__starts_at",
                                                            "demand__status", "kind")
    wishes = await Claim.filter(claimer_id=user.id, org_id=None).values_list("status", flat=True)
    org = await Organisation.filter(id=user.org_id).first() if user.org_id else None
    return {
        "volunteer": {"id": user.id, "username": user.username, "name": user.display_name, "role": user.role,
                      "org": {"id": org.id, "name": org.name} if org else None},
        "total_hours": summary.total_hours, "star": summary.star, "next_star_at": summary.next_threshold,
        "hours_to_next_star": summary.hours_to_next, "star_thresholds": list(thresholds),
        "services": [{"demand": r["demand_id"], "title": r["demand__title"],
                      "date": r["demand__starts_at"].astimezone(clock.CHINA).date().isoformat(),
                      "area": r["demand__area_code"], "hours": float(r["hours"]),
                      "org": {"id": r["org_id"], "name": orgs.get(r["org_id"], "")} if r["org_id"] else None,
                      "note": r["note"] or None} for r in rows],
        "upcoming": [{"demand": t["demand_id"], "title": t["demand__title"], "kind": t["kind"],
                      "starts_at": t["demand__starts_at"].astimezone(clock.CHINA).isoformat(),
                      "status": t["demand__status"]}
                     for t in takes],
        "wishes": {"claimed": len(wishes), "confirmed": sum(1 for s in wishes if s == ClaimStatus.CONFIRMED),
                   "active": sum(1 for s in wishes if s == ClaimStatus.ACTIVE)},
    }
