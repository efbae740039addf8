"""Functional zones (新区): declared by name over streets or communities; the report table,
ratings and dashboards group a zone's communities under it instead of their district."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from gridsvc.store.areas.models import Area

from ...domain.error_codes import ErrorCode
from ...domain.errors import ValidationError
from .models import Zone, ZoneMember

NAME_MAX = 50


async def declare_zone(name: str, area_codes: list[str]) -> dict:
    """Create or redefine the zone `name` over the given streets or communities (all or nothing).
    An area already in another zone is refused: a community is reported under one group."""
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise ValidationError(f"功能区名称应为 1-{NAME_MAX} 个字", f"a zone name has 1-{NAME_MAX} characters",
                              code=ErrorCode.BAD_ZONE, details={"field": "name"})
    codes = list(dict.fromkeys(c.strip() for c in area_codes if c.strip()))
    if not codes:
        raise ValidationError("功能区至少管理一个街道或社区", "a zone manages at least one street or community",
                              code=ErrorCode.BAD_ZONE, details={"field": "areas"})
    areas = {a.code: a for a in await Area.filter(code__in=codes)}
    problems = []
    for c in codes:
        a = areas.get(c)
        if a is None:
            problems.append({"area": c, "message": f"区域 {c} 不存在 (no such area)"})
        elif a.level not in ("street", "community"):
            problems.append({"area": c, "message": f"{a.name} 不是街道或社区 (not a street or community)"})
    async with in_transaction():
        zone = await Zone.get_or_none(name=name)
        taken = await ZoneMember.filter(area_id__in=[a.id for a in areas.values()]).prefetch_related("zone", "area")
        for m in taken:
            if zone is None or m.zone.id != zone.id:
                problems.append({"area": m.area.code,
                                 "message": f"{m.area.name} 已属于功能区 {m.zone.name} (in another zone)"})
        if problems:
            raise ValidationError("功能区定义有误,未保存", "the zone was not saved", code=ErrorCode.BAD_ZONE,
                                  details={"problems": problems})
        if zone is None:
            zone = await Zone.create(name=name)
        await ZoneMember.filter(zone_id=zone.id).delete()
        await ZoneMember.bulk_create([ZoneMember(zone_id=zone.id, area_id=areas[c].id) for c in codes])
    return await zone_view(zone)


async def zone_view(zone: Zone) -> dict:
    members = await ZoneMember.filter(zone_id=zone.id).order_by("area__code").values("area__code", "area__name",
                                                                                    "area__level")
    return {"id": zone.id, "name": zone.name,
            "areas": [{"code": m["area__code"], "name": m["area__name"], "level": m["area__level"]} for m in members]}


async def list_zones() -> list[dict]:
    return [await zone_view(z) for z in await Zone.all().order_by("name")]


async def zone_by_name(name: str) -> Zone | None:
    return await Zone.get_or_none(name=name.strip())


async def zone_members() -> list[tuple[int, str, str]]:
    """(zone id, zone name, member code prefix) of every member, for grouping communities."""
    rows = await ZoneMember.all().values("zone_id", "zone__name", "area__code", "area__level")
    return [(r["zone_id"], r["zone__name"], r["area__code"][:9] if r["area__level"] == "street" else r["area__code"])
            for r in rows]


def zone_of(code: str, members: list[tuple[int, str, str]]) -> tuple[int, str] | None:
    for zone_id, name, prefix in members:
        if code.startswith(prefix):
            return zone_id, name
    return None
