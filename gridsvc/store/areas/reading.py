"""Reading the area tree: an area, its shape and summary, its ancestors and children, the areas of a
level or under an area, coverage by children, names by code, and the level a parent must have.
"""

from __future__ import annotations

from typing import cast

import shapely
from shapely.geometry.base import BaseGeometry
from tortoise.expressions import Q

from gridsvc.domain import geometry as geo
from gridsvc.domain.errors import NotFound
from gridsvc.domain.levels import (
    area_kind,
    area_level_name_zh,
    check_level,
    code_prefix,
    parent_level,
)
from gridsvc.store import subtree
from gridsvc.store.areas.models import Area


def geom_of(area: Area) -> BaseGeometry:
    return shapely.from_wkb(area.geometry)


def area_summary(area: Area, parent_code: str | None = None) -> dict:
    return {
        "code": area.code,
        "name": area.name,
        "level": area.level,
        # 街道/镇/乡 and 社区/村 are read from the code; a village's groups are 村民小组
        "kind": area_kind(area.level, area.code),
        "level_name": area_level_name_zh(area.level, area.code),
        "parent": parent_code,
        "households": area.households,
        "population": area.population,
        "area_m2": round(area.area_m2, 1),
        "version": area.version,
    }


async def get_area(code: str) -> Area:
    area = await Area.filter(code=code).select_related("parent").first()
    if area is None:
        raise NotFound(f"区域 {code} 不存在", f"area {code} not found", details={"code": code})
    return area


async def coverage_of(code: str) -> dict:
    """How much of an area its children cover (reported, not required)."""
    area = await get_area(code)
    kids = await Area.filter(parent_id=area.id).values_list("geometry", "level")
    polys = [shapely.from_wkb(w) for w, lv in kids]
    polys = [g for g in polys if g.geom_type in ("Polygon", "MultiPolygon")]
    frac = geo.coverage(geom_of(area), polys) if polys else 0.0
    return {"code": area.code, "name": area.name, "children": len(kids), "coverage": round(frac, 4)}


async def children_stats(area: Area) -> dict:
    kids = await Area.filter(parent_id=area.id).values("level", "households", "population")
    return {
        "count": len(kids),
        "households": sum(k["households"] or 0 for k in kids),
        "population": sum(k["population"] or 0 for k in kids),
    }


def subtree_filter(code: str, level: str) -> Q:
    """The area at `code` (of `level`) and every area below it."""
    return subtree.under("code", code_prefix(code, level))


async def find_area(code: str) -> Area | None:
    return await Area.filter(code=code).first()


async def area_exists(code: str) -> bool:
    return await Area.exists(code=code)


async def ancestors(area: Area) -> list[Area]:
    """The areas above `area`, top down."""
    chain = []
    node: Area | None = area
    while node is not None and node.parent_id:
        node = await Area.filter(id=node.parent_id).first()
        if node is not None:
            chain.append(node)
    return chain[::-1]


async def chain_to(code: str) -> list[Area]:
    """The area at `code` and its ancestors, top down; empty when there is no such area."""
    area = await find_area(code)
    return [*await ancestors(area), area] if area is not None else []


async def top_areas() -> list[Area]:
    """The areas without a parent (a city, or the districts of a deployment without one)."""
    return await Area.filter(parent_id=None).order_by("code")


async def children_of(area: Area, *, levels: tuple[str, ...] | None = None) -> list[Area]:
    qs = Area.filter(parent_id=area.id)
    if levels:
        qs = qs.filter(level__in=levels)
    return await qs.order_by("code")


async def area_names(codes) -> dict[str, str]:
    """code -> name of the areas among `codes` (empty codes ignored)."""
    codes = sorted({c for c in codes if c})
    return dict(await Area.filter(code__in=codes).values_list("code", "name")) if codes else {}


async def areas_to_pick(pick: str | None) -> list[Area]:
    """The areas offered to choose from: the districts, streets and communities under `pick`;
    without one, the top of the tree (a city's districts when the tree has one city)."""
    parent = await find_area(pick) if pick else None
    if parent is not None:
        return await children_of(parent, levels=("district", "street", "community"))
    tops = await top_areas()
    if len(tops) == 1 and tops[0].level == "city":
        return await children_of(tops[0])
    return tops


async def areas_below(area: Area, *, fields: tuple[str, ...], levels: tuple[str, ...] | None = None) -> list[dict]:
    """Every area below `area` in code order, as rows of `fields`."""
    qs = Area.filter(subtree_filter(area.code, area.level)).exclude(id=area.id)
    if levels:
        qs = qs.filter(level__in=levels)
    return await qs.order_by("code").values(*fields)


_DRAWN_FIELDS = ("id", "code", "name", "level", "parent_id", "households", "population", "geometry",
                 "minx", "miny", "maxx", "maxy", "area_m2", "version")


async def list_areas(*, level: str | None = None, under: str | None = None,
                     bbox: tuple[float, float, float, float] | None = None, limit: int | None = None,
                     with_parent: bool = True) -> list[Area]:
    """Areas in code order. `with_parent=False` skips loading each row's parent (a join that
    copies the parent's whole geometry for every row: megabytes for the streets of a city);
    `parent_codes` then names the parents in one small query."""
    qs = Area.all()
    if level:
        check_level(level)
        qs = qs.filter(level=level)
    if under:
        anc = await get_area(under)
        qs = qs.filter(subtree_filter(anc.code, anc.level)).exclude(id=anc.id)
    if bbox:
        minx, miny, maxx, maxy = bbox
        qs = qs.filter(minx__lte=maxx, maxx__gte=minx, miny__lte=maxy, maxy__gte=miny)
    qs = qs.order_by("code")
    if with_parent:
        qs = qs.select_related("parent")
    else:  # what a map draws: reading the timestamps (parsed one by one) cost more than the query
        qs = qs.only(*_DRAWN_FIELDS)
    if limit:
        qs = qs.limit(limit)
    return await qs


async def parent_codes(rows: list[Area]) -> dict[int, str]:
    """id -> code of the parents of `rows`, without loading the parents' geometries."""
    ids = list({a.parent_id for a in rows if a.parent_id})
    return dict(await Area.filter(id__in=ids).values_list("id", "code")) if ids else {}


def expected_parent_level(level: str) -> str | None:
    return parent_level(level)


async def areas_by_code(codes: list[str]) -> list[Area]:
    return await Area.filter(code__in=codes).order_by("code") if codes else []


async def area_rows(codes: list[str], *, fields: tuple[str, ...]) -> list[dict]:
    """The areas among `codes` in code order, as rows of `fields`."""
    return await Area.filter(code__in=codes).order_by("code").values(*fields)


async def child_rows(area: Area, *, level: str, fields: tuple[str, ...]) -> list[dict]:
    return await Area.filter(parent_id=area.id, level=level).order_by("code").values(*fields)


async def areas_of_level(level: str, *, prefix: str = "", bbox: tuple[float, float, float, float] | None = None,
                         limit: int | None = None, fields: tuple[str, ...]) -> list[dict]:
    """The areas of `level` whose code starts with `prefix` (and whose box meets `bbox`), in code
    order, as rows of `fields`; at most `limit`."""
    qs = Area.filter(level=level)
    if prefix:
        qs = qs.filter(subtree.under("code", prefix))
    if bbox:
        qs = qs.filter(minx__lte=bbox[2], maxx__gte=bbox[0], miny__lte=bbox[3], maxy__gte=bbox[1])
    qs = qs.order_by("code")
    if limit is not None:
        qs = qs.limit(limit)
    return await qs.values(*fields)


async def codes_of_level(level: str, prefix: str = "") -> list[str]:
    codes = await Area.filter(subtree.under("code", prefix), level=level).values_list("code", flat=True)
    return cast(list[str], codes)  # flat: one column, not tuples


async def buildings_under(prefixes: list[str], *, limit: int) -> list[dict]:
    """Code, name and grid name of the buildings under any of `prefixes`, in code order; at most
    `limit`."""
    qs = Area.filter(subtree.under_any("code", prefixes), level="building").order_by("code").limit(limit)
    return await qs.values("code", "name", "parent__name")


async def top_area_extents(levels: tuple[str, ...]) -> list[dict]:
    """Code, name, level and bounding box of the areas of `levels` without a parent, by code."""
    # sorted here, because ORDER BY code makes SQLite walk the code index through every grid and
    # building row instead of using the level index
    rows = await Area.filter(level__in=list(levels), parent_id=None).values(
        "code", "name", "level", "minx", "miny", "maxx", "maxy")
    return sorted(rows, key=lambda t: t["code"])

