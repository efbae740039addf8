"""Community service space (issue 12 item 6): service rooms and outdoor activity spaces in m²."""

from __future__ import annotations

from collections import defaultdict

from gridsvc.store.areas.models import Area

from ...domain.error_codes import ErrorCode
from ...domain.errors import NotFound, ValidationError
from ...domain.governance.space import check_space, m2_per_100, outdoor_met, rooms_met
from ...domain.governance.targets import Targets
from ..subtree import under_any
from .models import ServiceSpace


def _community(area: Area) -> None:
    if area.level != "community":
        raise ValidationError(f"{area.name} 不是社区:服务用房按社区登记", f"{area.name} is not a community",
                              code=ErrorCode.NOT_A_COMMUNITY, details={"field": "community"})


async def add_space(community: Area, *, name: str, kind: str, m2: float) -> dict:
    _community(community)
    check_space(name, kind, m2)
    s = await ServiceSpace.create(community_id=community.id, name=name.strip(), kind=kind, m2=round(m2, 1))
    return space_view(s, community)


async def get_space(space_id: int) -> tuple[ServiceSpace, Area]:
    s = await ServiceSpace.get_or_none(id=space_id)
    if s is None:
        raise NotFound("场地不存在", "no such space", code=ErrorCode.SPACE_NOT_FOUND, details={"space": space_id})
    return s, await Area.get(id=s.community_id)


async def update_space(s: ServiceSpace, community: Area, *, name: str, kind: str, m2: float) -> dict:
    check_space(name, kind, m2)
    await ServiceSpace.filter(id=s.id).update(name=name.strip(), kind=kind, m2=round(m2, 1))
    s.name, s.kind, s.m2 = name.strip(), kind, round(m2, 1)
    return space_view(s, community)


async def delete_space(s: ServiceSpace) -> None:
    await ServiceSpace.filter(id=s.id).delete()


def space_view(s: ServiceSpace, community: Area) -> dict:
    return {"id": s.id, "community": community.code, "community_name": community.name, "name": s.name,
            "kind": s.kind, "m2": s.m2}


async def spaces_of(community: Area, targets: Targets) -> dict:
    """A community's rooms and outdoor spaces with its two figures against their targets."""
    rows = await ServiceSpace.filter(community_id=community.id).order_by("kind", "name", "id")
    totals = summary([(s.kind, s.m2) for s in rows], community.households, targets)
    return {"community": community.code, "community_name": community.name, "households": community.households,
            "spaces": [space_view(s, community) for s in rows], **totals}


def summary(spaces: list[tuple[str, float]], households: int | None, targets: Targets) -> dict:
    room = round(sum(m2 for kind, m2 in spaces if kind == "room"), 1)
    outdoor = round(sum(m2 for kind, m2 in spaces if kind == "outdoor"), 1)
    return {"room_m2": room, "outdoor_m2": outdoor, "room_m2_per_100": m2_per_100(room, households),
            "rooms_met": rooms_met(room, households, targets.service_m2_per_100_households),
            "outdoor_met": outdoor_met(outdoor, targets.outdoor_m2)}


async def space_per_community(scope_prefixes: list[str]) -> dict[str, list[tuple[str, float]]]:
    """community code -> (kind, m²) of each of its spaces, over the subtrees."""
    out: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for code, kind, m2 in await ServiceSpace.filter(under_any("community__code", scope_prefixes)) \
            .values_list("community__code", "kind", "m2"):
        out[code].append((kind, m2))
    return out
