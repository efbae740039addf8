"""Reading rosters: the posts of an area and the two levels of areas below it, who holds each
(open terms), the vacancies, and each post's past terms; and the community's contact board
(公示牌). Staff names and work phones are public contact cards (DESIGN.md, "Privacy"); nothing
here reads a resident."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from gridsvc.domain import clock
from gridsvc.domain.levels import LEVELS, code_prefix
from gridsvc.domain.roles import role_name_zh
from gridsvc.domain.rosters import POST_TIERS
from gridsvc.store.accounts.models import User
from gridsvc.store.areas.models import Area
from gridsvc.store.rosters import posts
from gridsvc.store.rosters.models import Appointment
from gridsvc.store.subtree import under

DEPTH = 2  # levels below the area on one roster: a community's grids and groups (buildings: each grid's roster)


def _levels_of(area: Area) -> tuple[str, ...]:
    i = LEVELS.index(area.level)
    return tuple(lv for lv in LEVELS[i:i + DEPTH + 1] if lv in POST_TIERS)


def _person(user_id: int | None, names: dict[int, str]) -> str | None:
    return names.get(user_id) if user_id is not None else None


async def roster(area: Area, *, history: bool = True) -> dict[str, Any]:
    """The posts of `area` and of the areas down to two levels below it, in code order, each with
    its holders (open terms) and, with `history`, its past terms newest first."""
    levels = _levels_of(area)
    rows = await Area.filter(under("code", code_prefix(area.code, area.level)), level__in=levels) \
        .order_by("code").values("id", "code", "name", "level") if levels else []
    ids = [r["id"] for r in rows]
    terms = await Appointment.filter(area_id__in=ids).select_related("user") \
        .order_by("-started_on", "-id") if ids else []
    people = {t.appointed_by_id for t in terms} | {t.ended_by_id for t in terms}
    names = dict(await User.filter(id__in=[p for p in people if p]).values_list("id", "display_name")) if people else {}
    by_post: dict[tuple[int, str], list[Appointment]] = defaultdict(list)
    for t in terms:
        by_post[(t.area_id, t.role)].append(t)
    out = []
    vacant = 0
    for r in rows:
        for role in POST_TIERS[r["level"]]:
            mine = by_post.get((r["id"], role), [])
            holders = [_term(t, names) for t in mine if t.ended_on is None]
            serving = [h for h in holders if h["active"]]
            vacant += not serving
            out.append({"area": {"code": r["code"], "name": r["name"], "level": r["level"]}, "role": role,
                        "role_zh": role_name_zh(role, r["code"]), "holders": holders, "vacant": not serving,
                        "history": [_term(t, names) for t in mine if t.ended_on is not None] if history else []})
    return {"area": {"code": area.code, "name": area.name, "level": area.level}, "posts": out,
            "vacant": vacant, "vacant_below": await posts.vacancy_count([code_prefix(area.code, area.level)])}


def _term(t: Appointment, names: dict[int, str]) -> dict[str, Any]:
    return {"id": t.id, "person": {"id": t.user_id, "name": t.user.display_name, "phone": t.user.phone},
            "active": t.user.is_active, "started_on": t.started_on.isoformat(),
            "ended_on": t.ended_on.isoformat() if t.ended_on else None, "reason": t.reason,
            "end_reason": t.end_reason, "appointed_by": _person(t.appointed_by_id, names),
            "ended_by": _person(t.ended_by_id, names)}


async def sheet_rows(prefix: str) -> list[dict[str, Any]]:
    """Every open term under `prefix`, by area code and tier: the rows of the exported roster sheet."""
    terms = await Appointment.filter(under("area__code", prefix), ended_on__isnull=True, user__is_active=True) \
        .select_related("user", "area").order_by("area__code", "role", "id")
    return [{"area": t.area.code, "area_name": t.area.name, "role": t.role,
             "role_zh": role_name_zh(t.role, t.area.code), "name": t.user.display_name,
             "username": t.user.username, "phone": t.user.phone,
             "started_on": t.started_on, "reason": t.reason} for t in terms]


async def board(community: Area) -> dict[str, Any]:
    """The contact board of a community: its instructor and grid head, each grid with its worker,
    names and work phones only."""
    held = await posts.holders_under(community.code, levels=["community", "grid"],
                                     roles=list(POST_TIERS["community"] + POST_TIERS["grid"]))
    grids = await Area.filter(parent_id=community.id, level="grid").order_by("code").values("code", "name",
                                                                                                "households")
    by_area: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for h in held:
        by_area[h["area__code"]].append({"name": h["user__display_name"], "phone": h["user__phone"],
                                         "role": h["user__role"], "role_zh": role_name_zh(h["user__role"],
                                                                                          h["area__code"])})
    leaders = sorted(by_area.get(community.code, []), key=lambda p: POST_TIERS["community"].index(p["role"]))
    return {"community": {"code": community.code, "name": community.name}, "leaders": leaders,
            "grids": [{**g, "workers": by_area.get(g["code"], [])} for g in grids], "on": clock.today()}
