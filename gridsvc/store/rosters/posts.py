"""Which staff posts are held: the one source of every staffing count.

A post is an area of a level that must be staffed (domain.governance.coverage.REQUIRED) and a
tier; it is held when an active person of that tier is assigned to the area (UserArea, the
current assignment behind every open appointment). The workbench's vacancy tile, the governance
dashboards and map colours, the floor plan's names and the roster page all read `holdings`, so
they cannot disagree about who counts (issue 11 item 4: three copies of this query were kept in
step by hand).

`staffing` is the bulk form for a whole subtree (a city of 60,000 grids): the required posts
counted per group of areas in the database (a group: the areas whose codes share their first
`length` digits, e.g. a community's 12), the held ones from `holdings`, and only the first few
hundred vacant posts listed, so its cost follows the staff and the groups, not the areas."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count

from gridsvc.domain.governance.coverage import REQUIRED, vacancies
from gridsvc.domain.roles import STAFF_TIERS, TIER_LEVEL
from gridsvc.store.accounts.models import UserArea
from gridsvc.store.areas.models import Area
from gridsvc.store.subtree import code_group, under_any

STAFFED_LEVELS = tuple(REQUIRED)


async def holdings(prefixes: list[str] | None, *, levels: Iterable[str] = STAFFED_LEVELS,
                   roles: Iterable[str] = STAFF_TIERS, fields: tuple[str, ...] = (),
                   codes: Iterable[str] | None = None) -> list[tuple[Any, ...]]:
    """The current holders of posts under `prefixes` (None: everywhere; []: nowhere), as rows of
    (area code, tier, *fields): active people of a staff tier assigned to an area of the level
    that tier serves (a worker on a grid; a resident's home building is no post). `codes`: only
    the posts of those areas (exact codes, one IN list)."""
    if prefixes is not None and not prefixes:
        return []
    qs = UserArea.filter(user__is_active=True, area__level__in=tuple(levels),
                         user__role__in=[r for r in roles if r in TIER_LEVEL])
    if codes is not None:
        wanted = list(codes)
        if not wanted:
            return []
        qs = qs.filter(area__code__in=wanted)
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


@dataclass
class Staffing:
    """The posts under some prefixes: required and vacant per group (codes cut to `length`
    digits), the total vacant, and the first vacant posts by code."""

    length: int
    required: Counter[str] = field(default_factory=Counter)
    vacant: Counter[str] = field(default_factory=Counter)
    first_vacancies: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def vacancy_count(self) -> int:
        return sum(self.vacant.values())

    def under(self, prefix: str) -> tuple[int, int]:
        """(required, vacant) of the areas whose code starts with `prefix` (at most `length` digits)."""
        n = len(prefix)
        if n == self.length:
            return self.required.get(prefix, 0), self.vacant.get(prefix, 0)
        keys = [k for k in self.required if k[:n] == prefix]
        return sum(self.required[k] for k in keys), sum(self.vacant[k] for k in keys)

    def by_prefix(self, n: int) -> tuple[Counter[str], Counter[str]]:
        """Required and vacant summed for every prefix of `n` digits (n <= length), in one pass."""
        required: Counter[str] = Counter()
        vacant: Counter[str] = Counter()
        for k, v in self.required.items():
            required[k[:n]] += v
            vacant[k[:n]] += self.vacant[k]
        return required, vacant


async def staffing(prefixes: list[str] | None, *, length: int = 12, limit: int = 500) -> Staffing:
    """The posts under `prefixes` (None: everywhere; []: nowhere) grouped by the first `length`
    digits of their areas' codes, with the first `limit` vacant posts (area code, level, tier)
    in code order. The posts are the areas of STAFFED_LEVELS, the holders `held_roles`'s."""
    out = Staffing(length)
    if prefixes is not None and not prefixes:
        return out
    where = Q(level__in=STAFFED_LEVELS)
    if prefixes is not None:
        where &= under_any("code", prefixes)
    groups = await Area.filter(where).annotate(group=code_group("code", length), n=Count("id")) \
        .group_by("group", "level").values("group", "level", "n")
    for g in groups:
        out.required[g["group"]] += g["n"] * len(REQUIRED[g["level"]])
    out.vacant.update(out.required)
    held = await held_roles(prefixes)
    full = 0
    for code, roles in held.items():
        out.vacant[code[:length]] -= len(roles)  # holdings keeps only the tiers an area of its level needs
        full += len(roles) == len(REQUIRED[TIER_LEVEL[next(iter(roles))]])
    if limit > 0:
        # every area not fully held has a vacancy, so the first `limit` of them lie among the
        # first `limit + full` areas by code
        areas = await Area.filter(where).order_by("code").limit(limit + full).values_list("code", "level")
        none: set[str] = set()
        out.first_vacancies = [(code, level, role) for code, level in areas
                               for role in vacancies(level, held.get(code, none))][:limit]
    return out


async def vacancy_count(prefixes: list[str] | None) -> int:
    """Posts nobody holds under `prefixes` (None: everywhere; []: nowhere)."""
    return (await staffing(prefixes, limit=0)).vacancy_count


async def staffed_grids(prefix: str) -> set[str]:
    """Codes of the grids under `prefix` whose grid worker (网格员) post is held."""
    return {code for code, _role in await holdings([prefix], levels=("grid",), roles=("worker",))}


async def post_holders(codes: Iterable[str], role: str) -> dict[str, str]:
    """Area code -> the name of who holds the `role` post there, for the areas among `codes`
    whose post of that tier is held (one query; an empty dict for a role that holds no post)."""
    if role not in TIER_LEVEL:
        return {}
    rows = await holdings(None, levels=(TIER_LEVEL[role],), roles=(role,), fields=("user__display_name",),
                          codes=codes)
    return {code: name for code, _role, name in rows}


async def holders_under(code: str, *, levels: list[str], roles: list[str]) -> list[dict[str, Any]]:
    """One row a held post under `code` (the area's code, the person's name, login, phone and tier), by tier."""
    names = ("area__code", "user__role", "user__display_name", "user__username", "user__phone", "user_id")
    rows = await holdings([code], levels=levels, roles=roles,
                          fields=("user__display_name", "user__username", "user__phone", "user_id"))
    return [dict(zip(names, r, strict=True)) for r in rows]
