"""Residential compounds (小区/院落): stored per community, an overlay on the grids.

See gridsvc.domain.compounds for the rules. The grids a compound spans are computed from the
geometries when read, so a redrawn grid never leaves a stale list behind.
"""

from __future__ import annotations

from typing import Any, Callable

import shapely
import shapely.geometry
from shapely.geometry.base import BaseGeometry
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from gridsvc.domain import geometry as geo
from gridsvc.domain.compounds import (
    COMPOUND_KINDS,
    check_compound,
    compound_geometry_problems,
    grids_spanned,
)
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import Conflict, NotFound, ValidationError
from gridsvc.domain.levels import code_prefix
from gridsvc.domain.scope import Principal
from gridsvc.store import audit, subtree
from gridsvc.store.areas.models import Area, Compound, CompoundBuilding

Authorize = Callable[[str, str], object]


async def _community(code: str) -> Area:
    area = await Area.filter(code=code).first()
    if area is None or area.level != "community":
        raise NotFound(f"社区 {code} 不存在", f"community {code} not found", code=ErrorCode.NOT_FOUND,
                       details={"field": "community"})
    return area


def _geometry_problems(problems: list[geo.GeometryProblem]) -> ValidationError:
    first = problems[0]
    return ValidationError(first.message_zh, first.message_en, code=ErrorCode.COMPOUND_REJECTED,
                           details={"field": "geometry", "problems": [p.to_dict() for p in problems]})


async def create_compound(data: Any, geometry: BaseGeometry | None, *, actor: Principal | None,
                          authorize: Authorize | None = None) -> dict[str, Any]:
    c = check_compound(data)
    community = await _community(c.community)
    if authorize is not None:
        authorize("compound.manage", community.code)
    if geometry is not None:
        others = [(f"compound:{r.id}", shapely.from_wkb(r.geometry))
                  for r in await Compound.filter(community_id=community.id).exclude(geometry=None)]
        problems = compound_geometry_problems(geometry, shapely.from_wkb(community.geometry),
                                              community=community.code, others=others)
        if problems:
            raise _geometry_problems(problems)
    row = await Compound.create(
        community_id=community.id, name=c.name, kind=c.kind, property_company=c.property_company,
        owners_committee=c.owners_committee, party_branch=c.party_branch, households=c.households,
        geometry=shapely.to_wkb(geo.round_coords(geometry)) if geometry is not None else None)
    await audit.record(actor, "compound.create", "compound", row.id, area_code=community.code,
                       after={"name": c.name, "property_company": c.property_company})
    return await compound_view(row, community)


async def get_compound(compound_id: int) -> Compound:
    row = await Compound.filter(id=compound_id).select_related("community").first()
    if row is None:
        raise NotFound(f"小区 {compound_id} 不存在", f"compound {compound_id} not found",
                       code=ErrorCode.COMPOUND_NOT_FOUND,
                       details={"id": compound_id})
    return row


async def compound_view(row: Compound, community: Area | None = None) -> dict[str, Any]:
    community = community or await Area.get(id=row.community_id)
    geom = shapely.from_wkb(row.geometry) if row.geometry else None
    grids: list[str] = []
    if geom is not None:
        rows = await Area.filter(subtree.under("code", code_prefix(community.code, "community")), level="grid",
                                 minx__lte=geom.bounds[2], maxx__gte=geom.bounds[0], miny__lte=geom.bounds[3],
                                 maxy__gte=geom.bounds[1]).values_list("code", "geometry")
        grids = grids_spanned(geom, [(code, shapely.from_wkb(wkb)) for code, wkb in rows])
    buildings = await CompoundBuilding.filter(compound_id=row.id).order_by("building__code").values_list(
        "building__code", flat=True)
    return {"id": row.id, "community": community.code, "community_name": community.name, "name": row.name,
            "kind": row.kind, "kind_zh": COMPOUND_KINDS[row.kind], "property_company": row.property_company,
            "owners_committee": row.owners_committee, "party_branch": row.party_branch,
            "households": row.households, "grids": grids, "buildings": list(buildings),
            "geometry": shapely.geometry.mapping(geom) if geom is not None else None}


async def compounds_of(community_code: str) -> list[dict[str, Any]]:
    community = await _community(community_code)
    return [await compound_view(r, community)
            for r in await Compound.filter(community_id=community.id).order_by("id")]


async def compounds_in(bbox: tuple[float, float, float, float], *, limit: int = 500) -> list[dict[str, Any]]:
    """Compounds drawn within a box (for the map layer): their communities' boxes narrow the
    search, the geometry decides."""
    box = shapely.box(*bbox)
    rows = await Compound.filter(community__minx__lte=bbox[2], community__maxx__gte=bbox[0],
                                 community__miny__lte=bbox[3], community__maxy__gte=bbox[1]).exclude(
        geometry=None).select_related("community").order_by("id").limit(limit * 4)
    views = []
    for r in rows:
        if shapely.from_wkb(r.geometry).intersects(box):
            views.append(await compound_view(r, r.community))
            if len(views) == limit:
                break
    return views


def compound_feature(view: dict[str, Any]) -> dict[str, Any]:
    """A compound as a GeoJSON feature for maps (geometry null when none was drawn)."""
    return {"type": "Feature", "geometry": view["geometry"],
            "properties": {k: v for k, v in view.items() if k != "geometry"}}


async def add_buildings(row: Compound, codes: Any, *, actor: Principal | None) -> dict[str, Any]:
    """Put buildings of the community into the compound (inside it, when it has a geometry).
    A building already in another compound is refused: it belongs to one."""
    if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
        raise ValidationError("buildings 应为楼栋代码列表", "buildings must be a list of building codes",
                              code=ErrorCode.BAD_BUILDINGS, details={"field": "buildings"})
    community = await Area.get(id=row.community_id)
    prefix = code_prefix(community.code, "community")
    found = {a.code: a for a in await Area.filter(code__in=codes, level="building")}
    geom = shapely.from_wkb(row.geometry) if row.geometry else None
    for i, code in enumerate(codes):
        b = found.get(code)
        if b is None or not code.startswith(prefix):
            raise ValidationError(f"楼栋 {code} 不在社区 {community.code} 内",
                                  f"building {code} is not in {community.code}",
                                  code=ErrorCode.BUILDING_NOT_IN_COMMUNITY, details={"field": f"buildings[{i}]"})
        if geom is not None:
            p = geo.check_within_parent(shapely.from_wkb(b.geometry), geom, parent_code=f"compound:{row.id}")
            if p is not None:
                raise ValidationError(f"楼栋 {code} 不在小区「{row.name}」范围内",
                                      f"building {code} lies outside the compound",
                                      code=ErrorCode.BUILDING_OUTSIDE_COMPOUND,
                                      details={"field": f"buildings[{i}]", "location": p.location})
    taken = [str(c) for c in await CompoundBuilding.filter(building_id__in=[found[c].id for c in codes]).exclude(
        compound_id=row.id).values_list("building__code", flat=True)]
    if taken:
        raise Conflict(f"楼栋 {'、'.join(taken)} 已属于其他小区",
                       f"buildings {', '.join(taken)} belong to another compound",
                       code=ErrorCode.BUILDING_IN_OTHER_COMPOUND, details={"buildings": list(taken)})
    try:
        async with in_transaction():
            have = set(await CompoundBuilding.filter(compound_id=row.id).values_list("building_id", flat=True))
            await CompoundBuilding.bulk_create([CompoundBuilding(compound_id=row.id, building_id=found[c].id)
                                                for c in dict.fromkeys(codes) if found[c].id not in have])
            await audit.record(actor, "compound.buildings", "compound", row.id, area_code=community.code,
                               after={"buildings": codes})
    except IntegrityError:  # another compound took one of them meanwhile: the unique building decides
        raise Conflict("楼栋已被其他小区登记,请刷新", "a building was put into another compound meanwhile",
                       code=ErrorCode.BUILDING_IN_OTHER_COMPOUND, details={"buildings": codes}) from None
    return await compound_view(row, community)
