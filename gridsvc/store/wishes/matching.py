"""Matching in the store: the projects and volunteers able to take a wish or a demand, ranked
with their reasons (gridsvc.domain.matching).

A need's date is the day its claimer would have to deliver by: the wish-by date, or sooner when
a claim made today would fall due first (14 days), so a project whose period ends before the
work could be done is not offered. A demand's date is the day it starts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import cast

from tortoise.expressions import F, Q

from gridsvc.domain.levels import code_prefix
from gridsvc.domain.matching import Need, Provider, ProviderIndex, rank
from gridsvc.domain.wishes import CLAIM_DAYS_DEFAULT, WISH_CATEGORIES, ClaimStatus
from gridsvc.store.accounts.models import User, UserArea
from gridsvc.store.orgs.models import (
    Organisation,
    Project,
    ProjectArea,
    VolunteerProfile,
)
from gridsvc.store.wishes.models import Claim, Rating, Wish


def wish_need(wish: Wish, today: date) -> Need:
    day = min(wish.wish_by, today + timedelta(days=CLAIM_DAYS_DEFAULT))
    return Need(id=wish.id, category=wish.category, lon=wish.lon, lat=wish.lat, area_code=wish.grid_code,
                date=max(day, today), value_yuan=float(wish.value_yuan))


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def area_prefixes(code: str) -> list[str]:
    """Every significant prefix an ancestor of ``code`` (or the area itself) can have: a
    provider serves the area when one of its prefixes is among them (domain.levels)."""
    return sorted({code[:n] for n in (2, 4, 6, 9, 12, 15, 18, 21) if n <= len(code)})


async def project_providers(*, org_id: int | None = None, need: Need | None = None,
                            id_of=lambda p: p.id) -> tuple[list[Provider], dict]:
    """Active projects as providers (capacity left = capacity - taken), with their mean past
    rating and their number of active claims. With ``need``, only the projects that may serve
    its area and date with a place left are read (an indexed lookup of the area's prefixes):
    ranking one wish then reads dozens of rows, not every project of the city."""
    qs = Project.filter(status="active")
    if org_id is not None:
        qs = qs.filter(org_id=org_id)
    if need is not None:
        # two indexed lookups beat one join with DISTINCT here (SQLite and PostgreSQL alike)
        near = await ProjectArea.filter(prefix__in=area_prefixes(need.area_code)).values_list("project_id", flat=True)
        qs = qs.filter(id__in=sorted(set(near)), taken__lt=F("capacity"), period_start__lte=need.date).filter(
            Q(period_end=None) | Q(period_end__gte=need.date))
    projects = await qs.order_by("id")
    if not projects:
        return [], {}
    ids = [p.id for p in projects]
    stars: dict[int, list[int]] = defaultdict(list)
    for pid, s in await Rating.filter(project_id__in=ids).values_list("project_id", "stars"):
        stars[pid].append(s)
    load = Counter(cast(list[int], await Claim.filter(  # flat=True: bare ids, not the tuples Tortoise's stubs say
        project_id__in=ids, status=ClaimStatus.ACTIVE.value).values_list("project_id", flat=True)))
    out, by_id = [], {}
    for p in projects:
        if not p.categories or not p.prefixes:
            continue
        pid = id_of(p)
        out.append(Provider(id=pid, kind="project", categories=frozenset(p.categories),
                            service_prefixes=tuple(p.prefixes),
                            lon=p.lon, lat=p.lat, capacity_left=max(0, p.capacity - p.taken),
                            period_start=p.period_start,
                            period_end=p.period_end, rating=_mean(stars[p.id]), load=load[p.id]))
        by_id[pid] = p
    return out, by_id


async def volunteer_providers(*, need: Need | None = None, id_of=lambda u: u.id) -> tuple[list[Provider], dict]:
    """Active volunteers as providers: their areas, the categories of their profile (all when
    they have none), places = how many more wishes they may hold. With ``need``, only the
    volunteers whose areas contain its area are read."""
    qs = User.filter(role="volunteer", is_active=True)
    if need is not None:
        qs = qs.filter(area_links__area__code__in=_ancestor_codes(need.area_code)).distinct()
    users = await qs.order_by("id")
    ids = [u.id for u in users]
    links = await UserArea.filter(user_id__in=ids).values_list("user_id", "area__code", "area__level", "area__minx",
                                                               "area__miny", "area__maxx", "area__maxy")
    areas: dict[int, list] = defaultdict(list)
    for uid, code, level, *bbox in links:
        areas[uid].append((code, level, bbox))
    profiles = {p.user_id: p for p in await VolunteerProfile.filter(user_id__in=ids)}
    active = Counter(cast(list[int], await Claim.filter(  # flat=True: bare ids, not the tuples Tortoise's stubs say
        claimer_id__in=ids, org_id=None, status=ClaimStatus.ACTIVE.value).values_list("claimer_id", flat=True)))
    stars: dict[int, list[int]] = defaultdict(list)
    for uid, s in await Rating.filter(claimer_id__in=ids).values_list("claimer_id", "stars"):
        stars[uid].append(s)
    out, by_id = [], {}
    for u in users:
        if not areas[u.id]:
            continue
        prof = profiles.get(u.id)
        cats = frozenset(prof.categories) if prof and prof.categories else frozenset(WISH_CATEGORIES)
        limit = prof.max_active if prof else 3
        _, _, (minx, miny, maxx, maxy) = areas[u.id][0]
        vid = id_of(u)
        out.append(Provider(id=vid, kind="volunteer", categories=cats,
                            service_prefixes=tuple(code_prefix(c, lv) for c, lv, _ in areas[u.id]),
                            lon=(minx + maxx) / 2, lat=(miny + maxy) / 2, capacity_left=max(0, limit - active[u.id]),
                            rating=_mean(stars[u.id]), load=active[u.id]))
        by_id[vid] = u
    return out, by_id


def _ancestor_codes(code: str) -> list[str]:
    """The codes of the areas that may contain ``code`` (city, district, street, community,
    grid, group), by the code scheme of domain.levels."""
    out = {code[:4] + "00", code[:6]}
    if len(code) >= 12:
        out |= {code[:9] + "000", code[:12]}
    for n in (15, 18, 21):
        if len(code) >= n:
            out.add(code[:n])
    return sorted(out)


async def eligible_projects(wish: Wish, *, org_id: int, today: date) -> list[int]:
    """The organisation's projects that can take ``wish`` now, best first."""
    need = wish_need(wish, today)
    providers, _ = await project_providers(org_id=org_id, need=need)
    if not providers:
        return []
    ranked = rank(need, ProviderIndex(providers), limit=1000)
    return [cast(int, m.provider_id) for m in ranked]  # project_providers' default id_of: the project's id


def _reason(r) -> dict:
    return {"code": r.code, "zh": r.zh, "en": r.en, "points": round(r.points, 2)}


async def matches_for(need: Need, *, limit: int = 20, kind: str | None = None) -> list[dict]:
    """Projects and volunteers able to take ``need``, best first, with the reasons."""
    projects, p_by = await project_providers(need=need, id_of=lambda p: f"p{p.id:09d}")
    volunteers, v_by = await volunteer_providers(need=need, id_of=lambda u: f"v{u.id:09d}")
    index = ProviderIndex(projects + volunteers)
    orgs = dict(await Organisation.filter(id__in={p.org_id for p in p_by.values()}).values_list("id", "name"))
    out = []
    for m in rank(need, index, limit=limit, kind=kind):
        if m.provider_id in p_by:
            p = p_by[m.provider_id]
            who = {"kind": "project", "id": p.id, "name": p.name,
                   "org": {"id": p.org_id, "name": orgs.get(p.org_id, "")},
                   "capacity_left": max(0, p.capacity - p.taken)}
        else:
            u = v_by[m.provider_id]
            who = {"kind": "volunteer", "id": u.id, "name": u.display_name or u.username, "org": None}
        out.append({"provider": who, "score": round(m.score, 2), "distance_km": round(m.distance_km, 2),
                    "reasons": [_reason(r) for r in m.reasons]})
    return out
