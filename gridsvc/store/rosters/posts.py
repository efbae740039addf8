"""Which staff posts are held: the one source of every staffing count.

A post is an area of a level that must be staffed (domain.governance.coverage.REQUIRED) and a
tier; it is held when an active person of that tier is assigned to the area (UserArea, the
current assignment behind every open appointment). The workbench's vacancy tile, the governance
dashboards and map colours, the floor plan's names and the roster page all read `holdings`, so
they cannot disagree about who counts (issue 11 item 4: three copies of this query were kept in
step by hand)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from tortoise.expressions import Q

from gridsvc.domain.governance.coverage import REQUIRED, vacancies
from gridsvc.domain.roles import STAFF_TIERS, TIER_LEVEL
from gridsvc.store.accounts.models import UserArea
from gridsvc.store.areas.models import Area
from gridsvc.store.subtree import under_any

STAFFED_LEVELS = tuple(REQUIRED)


async def holdings(prefixes: list[str] | None, *, levels: Iterable[str] = STAFFED_LEVELS,
                   roles: Iterable[str] = STAFF_TIERS, fields: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    """The current holders of posts under `prefixes` (None: everywhere; []: nowhere), as rows of
    (area code, tier, *fields): active people of a staff tier assigned to an area of the level
    that tier serves (a worker on a grid; a resident's home building is no post)."""
    if prefixes is not None and not prefixes:
        return []
    qs = UserArea.filter(user__is_active=True, area__level__in=tuple(levels),
                         user__role__in=[r for r in roles if r in TIER_LEVEL])
    if prefixes is not None:
        qs = qs.filter(under_any("area__code", prefixes))
    rows = await qs.order_by("user__role", "user_id").values_list("area__code", "area__level", "user__role", *fields)
    return [(r[0], r[2], *r[3:]) for r in rows if TIER_LEVEL[r[2]] == r[1]]


async def held_roles(prefixes: list[str] | None) -> dict[str, set[str]]:
    """Area code -> the tiers held there, under `prefixes`."""
    held: dict[str, set[str]] = defaultdict(set)
    for code, role in await holdings(prefixes):
        held[code].add(role)
    return held


async def required_posts(prefixes: list[str] | None) -> dict[str, str]:
    """Area code -> level of every area under `prefixes` that must be staffed."""
    if prefixes is not None and not prefixes:
        return {}
    where = Q(level__in=STAFFED_LEVELS)
    if prefixes is not None:
        where &= under_any("code", prefixes)
    return dict(await Area.filter(where).values_list("code", "level"))


def vacant_posts(areas: dict[str, str], held: dict[str, set[str]]) -> list[tuple[str, str, str]]:
    """(area code, level, tier) of every post nobody holds, by code; tuples, since a city without
    staff has one per grid and only the first few hundred are shown."""
    none: set[str] = set()
    return [(code, areas[code], role) for code in sorted(areas)
            for role in vacancies(areas[code], held.get(code, none))]


async def vacancy_count(prefixes: list[str] | None) -> int:
    """Posts nobody holds under `prefixes` (None: everywhere; []: nowhere)."""
    areas = await required_posts(prefixes)
    held = await held_roles(prefixes)
    return sum(len(vacancies(level, held.get(code, set()))) for code, level in areas.items())


async def staffed_grids(prefix: str) -> set[str]:
    """Codes of the grids under `prefix` whose grid worker (网格员) post is held."""
    return {code for code, _role in await holdings([prefix], levels=("grid",), roles=("worker",))}


async def holders_under(code: str, *, levels: list[str], roles: list[str]) -> list[dict[str, Any]]:
    """One row a held post under `code` (the area's code, the person's name, login, phone and tier), by tier."""
    names = ("area__code", "user__role", "user__display_name", "user__username", "user__phone", "user_id")
    rows = await holdings([code], levels=levels, roles=roles,
                          fields=("user__display_name", "user__username", "user__phone", "user_id"))
    return [dict(zip(names, r, strict=True)) for r in rows]
