"""The members an organisation names when it claims a demand (its crew for that event).

A named member belongs to the claiming organisation, is active, and is not already committed
at an overlapping time: named in another active claim, or signed up in person, for a demand
whose window overlaps this one. The count of the claim is the number of names
(gridsvc.domain.volunteers.named_members)."""

from __future__ import annotations

from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import Conflict, ValidationError
from gridsvc.store.accounts.models import User
from gridsvc.store.orgs.models import Demand, DemandTake, DemandTakeMember

# roles that belong to an organisation (store.orgs.organisations.add_member)
MEMBER_ROLES = ("org_member", "volunteer")


async def org_members(org_id: int) -> list[dict]:
    """The organisation's active members, for the claim's checklist: id and name."""
    rows = await User.filter(org_id=org_id, is_active=True, role__in=MEMBER_ROLES).order_by("id")
    return [{"id": u.id, "name": u.display_name or u.username} for u in rows]


async def check_crew(d: Demand, org_id: int, member_ids: list[int]) -> list[int]:
    """The ids, checked: members of the organisation, active, free at the demand's time."""
    found = {u.id: u for u in await User.filter(id__in=member_ids)}
    strangers = [m for m in member_ids if m not in found or found[m].org_id != org_id
                 or not found[m].is_active or found[m].role not in MEMBER_ROLES]
    if strangers:
        raise ValidationError(f"编号 {strangers[0]} 不是本组织的在册成员",
                              f"{strangers[0]} is not an active member of your organisation",
                              code=ErrorCode.NOT_ORG_MEMBER, details={"field": "members", "members": strangers})
    overlapping = Demand.filter(starts_at__lt=d.ends_at, ends_at__gt=d.starts_at).exclude(id=d.id)
    ids = await overlapping.values_list("id", flat=True)
    busy_named = await DemandTakeMember.filter(user_id__in=member_ids, take__status="active",
                                               take__demand_id__in=ids).values_list("user_id", flat=True)
    busy_self = await DemandTake.filter(user_id__in=member_ids, kind="volunteer", status="active",
                                        demand_id__in=[*ids, d.id]).values_list("user_id", flat=True)
    taken = set(busy_named) | set(busy_self)
    busy = [m for m in member_ids if m in taken]
    if busy:
        name = found[busy[0]].display_name or found[busy[0]].username
        raise Conflict(f"{name} 在该时段已承诺参加其他志愿服务", f"{name} is committed elsewhere at that time",
                       code=ErrorCode.MEMBER_BUSY, details={"field": "members", "members": busy})
    return member_ids


async def commit_crew(take: DemandTake, member_ids: list[int]) -> None:
    await DemandTakeMember.bulk_create([DemandTakeMember(take_id=take.id, user_id=m) for m in member_ids])


async def crews_of(take_ids: list[int]) -> dict[int, list[dict]]:
    """take id → its named members (id, name), in the order they were named."""
    rows = await DemandTakeMember.filter(take_id__in=take_ids).order_by("id").values(
        "take_id", "user_id", "user__display_name", "user__username")
    out: dict[int, list[dict]] = {}
    for r in rows:
        out.setdefault(r["take_id"], []).append({"id": r["user_id"],
                                                 "name": r["user__display_name"] or r["user__username"]})
    return out
