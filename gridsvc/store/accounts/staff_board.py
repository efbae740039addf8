"""The staff contact board: pages of staff cards in a fixed number of queries; the staff serving an
area, and what a staff member looks after ("my area"). Who holds which post is store.rosters.posts.

`users.user_card` reads one person (two queries each); a board of hundreds of people built from
it cost two queries a row. Here one page costs three: the people, their areas, their
supervisors, whatever the page size.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tortoise.expressions import Subquery

from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import NotFound, ValidationError
from gridsvc.domain.levels import code_prefix
from gridsvc.domain.roles import ROLE_NAMES_ZH, STAFF_TIERS, TIER_NUMBER
from gridsvc.domain.scope import Principal
from gridsvc.store import subtree
from gridsvc.store.accounts import users
from gridsvc.store.accounts.models import User, UserArea
from gridsvc.store.areas.models import Area
from gridsvc.store.areas.reading import areas_below, find_area
from gridsvc.store.paging import Page, PageRequest, keyset_page

# What a public contact board shows (the card on a community's notice board). Login names and
# the chain of supervisors are for people who manage staff.
PUBLIC_FIELDS = ("id", "name", "role", "role_zh", "tier", "phone", "areas")


async def cards(people: list[User], *, public: bool) -> list[dict[str, Any]]:
    """Contact cards of `people`, in their order."""
    ids = [u.id for u in people]
    areas: dict[int, list[dict[str, str]]] = defaultdict(list)
    for uid, code, name in await UserArea.filter(user_id__in=ids).order_by("id").values_list(
            "user_id", "area__code", "area__name"):
        areas[uid].append({"code": code, "name": name})
    sups: dict[int, dict[str, Any]] = {}
    sup_ids = {u.supervisor_id for u in people if u.supervisor_id} if not public else set()
    if sup_ids:
        supervisors = await User.filter(id__in=list(sup_ids)).values_list("id", "username", "display_name")
        for sid, username, name in supervisors:
            sups[sid] = {"id": sid, "username": username, "name": name}
    out = []
    for u in people:
        card: dict[str, Any] = {
            "id": u.id, "name": u.display_name, "role": u.role, "role_zh": ROLE_NAMES_ZH.get(u.role, u.role),
            "tier": TIER_NUMBER.get(u.role), "phone": u.phone if u.role in TIER_NUMBER else None,
            "areas": areas.get(u.id, []),
        }
        if not public:
            card["username"] = u.username
            if u.supervisor_id:
                card["supervisor"] = sups.get(u.supervisor_id)
        out.append(card)
    return out


async def board(*, role: str | None, under: str | None, page: PageRequest, public: bool) -> Page:
    """A page of the staff active in `under` (an area code, with everything below it), by id."""
    qs = User.filter(role__in=list(STAFF_TIERS), is_active=True)
    if role:
        if role not in TIER_NUMBER:
            raise ValidationError(f"{role} 不是网格人员角色", f"{role} is not a staff tier",
                                  code=ErrorCode.UNKNOWN_ROLE,
                                  details={"roles": list(STAFF_TIERS)})
        qs = qs.filter(role=role)
    if under:
        area = await Area.filter(code=under).first().values("code", "level")
        if area is None:
            raise NotFound(f"区域 {under} 不存在", f"area {under} not found")
        # a subquery, not a join: no DISTINCT over wide rows, and the id order stays an index walk
        qs = qs.filter(id__in=Subquery(UserArea.filter(
            area_id__in=Subquery(Area.filter(subtree.under("code",
                                                           code_prefix(area["code"], area["level"]))).values("id"))
        ).values("user_id")))
    result = await keyset_page(qs, "staff", ("id",), page)
    result.rows = await cards(result.rows, public=public)
    return result


async def serving(codes: list[str], *, public: bool) -> list[dict[str, Any]]:
    """Cards of the active staff assigned to any of `codes` (an area and those above it)."""
    ids = await UserArea.filter(area__code__in=codes).values_list("user_id", flat=True)
    people = await User.filter(id__in=list(set(ids)), is_active=True, role__in=list(STAFF_TIERS)).order_by("id")
    out = await cards(list(people), public=public)
    out.sort(key=lambda c: (c["tier"] or 9, c["name"]))
    return out


async def serving_area(area: Area, *, public: bool) -> list[dict[str, Any]]:
    """Contact cards of the staff serving `area`: its own staff and, inside a community, those of
    the areas above it (the community's instructor and head, the grid's worker), as posted on
    notice boards."""
    prefixes = [area.code[:n] for n in (12, 15, 18, 21) if n <= len(area.code)]
    codes = prefixes if area.level in ("community", "grid", "group", "building") else [area.code]
    return await serving(codes, public=public)


async def looked_after(principal: Principal) -> dict[str, Any]:
    """What a staff member (or official) looks after: their areas, everything below them,
    and the people above and below them."""
    me = await users.get_user(principal.user_id)
    areas = []
    for code, level in principal.areas:
        area = await find_area(code)
        if area is None:
            continue
        sub = await areas_below(area, fields=("code", "name", "level", "households", "population"))
        if level not in ("community", "grid", "group", "building"):
            sub = [s for s in sub if s["level"] in ("street", "community")]
        areas.append({"code": area.code, "name": area.name, "level": area.level, "households": area.households,
                      "population": area.population, "below": sub})
    above = [await users.user_card(u) for u in await users.supervisors_of(me)]
    below = [await users.user_card(u) for u in await users.reports_of(me)]
    return {"user": await users.user_card(me), "areas": areas, "above": above, "below": below}
