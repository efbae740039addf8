"""Changing the area tree: batches of new or replaced areas (all or nothing), edits and deletions.

Every entry point (API, CLI import, demo loader) goes through `validate_batch`, so the
geometry rules of `gridsvc.domain.geometry` are applied the same way everywhere: the shape
itself, inside the parent, no overlap with siblings; an edit of a geometry is a batch of one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable

import shapely
from shapely.geometry.base import BaseGeometry
from tortoise.transactions import in_transaction

from gridsvc.config import DEFAULTS, Settings
from gridsvc.domain import geometry as geo
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import Conflict, ValidationError, in_language
from gridsvc.domain.levels import (
    LEVEL_INDEX,
    LEVEL_NAMES_ZH,
    area_kind,
    check_code,
    check_level,
)
from gridsvc.domain.scope import Principal
from gridsvc.domain.sizing import SizeBand, size_warning
from gridsvc.store import audit
from gridsvc.store.accounts.models import UserArea
from gridsvc.store.areas.generations import check_effective, record_versions
from gridsvc.store.areas.models import Area
from gridsvc.store.areas.reading import area_summary, coverage_of, geom_of, get_area

# DataV/GeoJSON levels that start a deployment: these may stand without a parent in the store
TOP_LEVELS = ("city", "district")


@dataclass
class AreaInput:
    """One area to store, after parsing and coordinate conversion."""

    code: str
    name: str
    level: str
    geometry: BaseGeometry
    parent_code: str | None = None
    households: int | None = None
    population: int | None = None
    properties: dict = field(default_factory=dict)
    label: str = ""  # how reports name it: "#3 110113 顺义区"

    def describe(self) -> str:
        return self.label or f"{self.code} {self.name}"


@dataclass
class _Parent:
    code: str
    level: str
    area: Area | None  # stored, or None when the parent comes in the same batch
    _geometry: BaseGeometry | None = None

    @property
    def geometry(self) -> BaseGeometry:
        if self._geometry is None and self.area is not None:
            self._geometry = geom_of(self.area)
        return self._geometry


@dataclass
class BatchReport:
    stored: int = 0
    repaired: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    coverage: list[dict] = field(default_factory=list)
    clipped: list[dict] = field(default_factory=list)  # per feature cut to its parent: the area moved

    def to_dict(self) -> dict:
        return {"stored": self.stored, "repaired": self.repaired, "warnings": self.warnings, "coverage": self.coverage,
                "clipped": self.clipped}


def _problem(item: AreaInput, rule: str, zh: str, en: str, location=None, details=None) -> dict:
    return {
        "feature": item.describe(),
        "code": item.code,
        "name": item.name,
        "rule": rule,
        "message": in_language(zh, en),
        "location": list(location) if location else None,
        "details": details,
    }


async def _load_parents(codes: set[str]) -> dict[str, Area]:
    if not codes:
        return {}
    return {a.code: a for a in await Area.filter(code__in=list(codes))}


async def _stored_siblings(parent: Area | None, level: str, bbox: tuple[float, float, float, float],
                           exclude: set[str]) -> list[tuple[str, BaseGeometry]]:
    minx, miny, maxx, maxy = bbox
    qs = Area.filter(level=level, minx__lte=maxx, maxx__gte=minx, miny__lte=maxy, maxy__gte=miny)
    qs = qs.filter(parent_id=parent.id) if parent else qs.filter(parent_id=None)
    rows = await qs.values_list("code", "geometry")
    return [(c, shapely.from_wkb(w)) for c, w in rows if c not in exclude]


async def validate_batch(items: list[AreaInput], *, repair: bool = False, replacing: set[str] | None = None,
                         progress: Callable[[int], None] | None = None,
                         clip: geo.ClipRule | None = None) -> tuple[list[AreaInput], BatchReport]:
    """Check every item against every rule and return the items ready to store.

    Raises one ValidationError listing *every* rejected item (rule, message, location).
    `replacing` names codes being edited in place (they are not their own siblings, and their
    existing codes are not duplicates). `clip`, when on, cuts items to their parent and snaps
    siblings (`geo.clip_to_parent`) where that moves no more than its tolerance of their area."""
    replacing = replacing or set()
    report = BatchReport()
    problems: list[dict] = []
    seen: dict[str, AreaInput] = {}

    # 1. codes, levels, names, duplicates. A parent may be stored already or come earlier in
    #    the same batch (a whole tree in one file).
    in_batch = {i.code: i for i in items}
    outside_batch = {i.parent_code for i in items if i.parent_code and i.parent_code not in in_batch}
    stored_parents = await _load_parents(outside_batch)
    parents: dict[str, _Parent] = {c: _Parent(a.code, a.level, a) for c, a in stored_parents.items()}
    parents.update({c: _Parent(i.code, i.level, None, i.geometry) for c, i in in_batch.items()})
    existing = {c for c in await Area.filter(code__in=list(in_batch)).values_list("code", flat=True)}
    for item in items:
        try:
            check_level(item.level)
            parent = parents.get(item.parent_code or "")
            if item.parent_code and parent is None and item.level not in TOP_LEVELS:
                problems.append(_problem(item, "parent_missing", f"上级区域 {item.parent_code} 不存在",
                                         f"parent area {item.parent_code} does not exist"))
                continue
            if parent is not None:
                check_code(item.code, item.level, parent.code, parent.level)
            else:
                check_code(item.code, item.level)
                if item.level not in TOP_LEVELS:
                    problems.append(_problem(item, "parent_required", f"{LEVEL_NAMES_ZH[item.level]}必须指定上级区域",
                                             f"a {item.level} needs a parent area"))
                    continue
        except ValidationError as e:
            problems.append(_problem(item, e.code, e.message_zh, e.message_en, details=e.details))
            continue
        if not item.name or not item.name.strip():
            problems.append(_problem(item, "name_missing", "缺少名称", "the name is missing"))
        if item.code in seen:
            problems.append(_problem(item, "duplicate_code",
                                     f"代码 {item.code} 在文件中重复({seen[item.code].describe()})",
                                     f"code {item.code} appears twice in the input"))
        seen[item.code] = item
        if item.code in existing and item.code not in replacing:
            problems.append(_problem(item, "exists", f"代码 {item.code} 已存在", f"area {item.code} exists already"))
        for key, value in (("households", item.households), ("population", item.population)):
            if value is not None and (not isinstance(value, int) or value < 0):
                problems.append(_problem(item, "bad_number", f"{key} 应为非负整数",
                                         f"{key} must be a non-negative integer"))

    # 2. the shape of each geometry (optionally repaired)
    for n, item in enumerate(items):
        shape_problems = geo.check_shape(item.geometry, item.level)
        if repair and shape_problems and all(p.rule == "invalid" for p in shape_problems):
            fixed, what = geo.repair(item.geometry)
            if not fixed.is_empty and not geo.check_shape(fixed, item.level):
                item.geometry = fixed
                report.repaired.append({"feature": item.describe(), "report": what})
                shape_problems = []
        for p in shape_problems:
            hint = not repair and p.rule == "invalid"
            problems.append(_problem(item, p.rule, p.message_zh + (",可使用 --repair 修复" if hint else ""),
                                     p.message_en + ("; use --repair to fix" if hint else ""), p.location, p.details))
        if progress:
            progress(n)
    bad = {p["code"] for p in problems}

    # 3. inside the parent, and no overlap with siblings (stored ones and others in the batch)
    groups: dict[tuple[str | None, str], list[AreaInput]] = {}
    for item in items:
        if item.code not in bad:
            groups.setdefault((item.parent_code if item.parent_code in parents else None, item.level), []).append(item)
    for (pcode, level), members in groups.items():
        parent = parents.get(pcode or "")
        if parent is not None and clip is not None and clip.on:
            refused = _clip_members(members, parent, clip.tolerance, report)
            problems.extend(refused)
            members = [i for i in members if i.code not in {p["code"] for p in refused}]
        if parent is not None:
            pgeom = parent.geometry
            near = None  # the parent grown by the tolerance, for building points
            for item in members:
                if item.level == "building" and item.geometry.geom_type == "Point":
                    if near is None:
                        near = pgeom.buffer(geo.meters_to_degrees(20, item.geometry.y))
                        shapely.prepare(near)
                    if not near.contains(item.geometry):
                        problems.append(_problem(item, "outside_parent", f"楼栋点位不在上级区域 {parent.code} 内",
                                                 f"the building point lies outside its parent {parent.code}",
                                                 (item.geometry.x, item.geometry.y)))
                    continue
                beyond = geo.check_within_parent(item.geometry, pgeom, parent_code=parent.code)
                if beyond:
                    zh, en = geo.clip_hint(beyond.details or {}, (clip or geo.ClipRule()).tolerance)
                    problems.append(_problem(item, beyond.rule, beyond.message_zh + zh, beyond.message_en + en,
                                             beyond.location, beyond.details))
        polys = [(i.code, i.geometry) for i in members if i.geometry.geom_type != "Point"]
        if not polys:
            continue
        overlaps = geo.check_overlaps(polys)
        bounds = shapely.total_bounds([g for _, g in polys])
        stored = [] if parent is not None and parent.area is None else await _stored_siblings(
            parent.area if parent else None, level, tuple(bounds), {i.code for i in members} | replacing)
        for item in members:
            if item.geometry.geom_type == "Point":
                continue
            found = overlaps.get(item.code, [])
            if stored:
                found = found + geo.check_siblings(item.geometry, stored, own_code=item.code)
            for p in found:
                problems.append(_problem(item, p.rule, p.message_zh, p.message_en, p.location, p.details))

    if problems:
        rejected: dict[str, dict] = {}
        for problem in problems:
            entry = rejected.setdefault(problem["feature"], {"feature": problem["feature"], "code": problem["code"],
                                                             "name": problem["name"], "problems": []})
            entry["problems"].append({k: problem[k] for k in ("rule", "message", "location", "details")})
        names = "、".join(list(rejected)[:5]) + (" 等" if len(rejected) > 5 else "")
        raise ValidationError(
            f"{len(rejected)} 个区域未通过检查,未保存任何数据:{names}",
            f"{len(rejected)} of {len(items)} areas were rejected; nothing was stored",
            code=ErrorCode.AREAS_REJECTED,
            details={"rejected": list(rejected.values()), "total": len(items)},
        )
    return items, report


def _clip_members(members: list[AreaInput], parent: _Parent, tolerance: float, report: BatchReport) -> list[dict]:
    """Cut the polygons of `members` to their parent (siblings snapped); refuse those that would move
    more than `tolerance` of their area, record the others' moves in the report."""
    polys = [i for i in members if i.geometry.geom_type != "Point"]
    problems = []
    cuts = geo.clip_to_parent([(i.code, i.geometry) for i in polys], parent.geometry)
    for item, cut in zip(polys, cuts, strict=True):
        refused = geo.clip_refusal(cut, parent.code, tolerance)
        if refused:
            problems.append(_problem(item, refused.rule, refused.message_zh, refused.message_en, refused.location,
                                     refused.details))
        else:
            item.geometry = cut.geometry
            report.clipped.append({"feature": item.describe(), "code": item.code, "name": item.name, **cut.to_dict()})
    return problems


def _size_warnings(item: AreaInput, settings: Settings) -> list[dict]:
    band = size_band(item.level, settings)
    if band is None or item.households is None or area_kind(item.level, item.code) == "village":
        return []
    found = size_warning(item.level, item.households, band)
    if found is None:
        return []
    verdict, zh, en = found
    return [{"feature": item.describe(), "rule": "households_band", "verdict": verdict, "message": f"{zh} ({en})"}]


def size_band(level: str, settings: Settings) -> SizeBand | None:
    """The household band of a level from the settings (community: split above the setting's
    split threshold, seed 003; grid: a local band)."""
    if level == "community":
        # seed 003's band is for residents' committees; villages are sized by other rules
        low, high = settings.community_households
        return SizeBand(low, high, settings.community_split_households)
    if level == "grid":
        low, high = settings.grid_households
        return SizeBand(low, high)
    return None


async def store_batch(items: list[AreaInput], *, actor: Principal | None, repair: bool = False,
                      settings: Settings = DEFAULTS,
                      progress: Callable[[int], None] | None = None, audit_action: str = "area.import",
                      report_coverage: bool = True, clip: geo.ClipRule | None = None,
                      effective: date | None = None) -> BatchReport:
    """Validate and store new areas, all or nothing (`clip`: see `validate_batch`); their first
    versions take effect on `effective` (today by default)."""
    check_effective(effective)  # before the long checks: a future day is refused at once
    items, report = await validate_batch(items, repair=repair, progress=progress, clip=clip)
    order = sorted(items, key=lambda i: LEVEL_INDEX[i.level])
    async with in_transaction():
        parents = await _load_parents({i.parent_code for i in items if i.parent_code})
        ids: dict[str, int] = {c: a.id for c, a in parents.items()}
        for level_items in _by_level(order):
            rows = []
            for item in level_items:
                g = geo.round_coords(item.geometry)
                minx, miny, maxx, maxy = g.bounds
                rows.append(Area(
                    code=item.code, name=item.name.strip(), level=item.level,
                    parent_id=ids.get(item.parent_code or ""), households=item.households,
                    population=item.population, geometry=shapely.to_wkb(g), minx=minx, miny=miny, maxx=maxx,
                    maxy=maxy, area_m2=geo.area_m2(g), properties=item.properties,
                ))
            await Area.bulk_create(rows, batch_size=500)
            for code, id_ in await Area.filter(code__in=[i.code for i in level_items]).values_list("code", "id"):
                ids[code] = id_
        await record_versions([i.code for i in items], effective=effective, actor=actor)
        await audit.record(actor, audit_action, "area", items[0].code if len(items) == 1 else f"{len(items)} areas",
                           area_code=_common_prefix([i.code for i in items]),
                           after={"codes": [i.code for i in items][:200], "count": len(items),
                                  "repaired": [r["feature"] for r in report.repaired],
                                  "clipped": [r["feature"] for r in report.clipped][:200]})
    report.stored = len(items)
    for item in items:
        report.warnings.extend(_size_warnings(item, settings))
    if report_coverage:
        for pcode in sorted({i.parent_code for i in items if i.parent_code and i.parent_code in ids})[:200]:
            report.coverage.append(await coverage_of(pcode))
    return report


def _by_level(items: list[AreaInput]) -> Iterable[list[AreaInput]]:
    cur: list[AreaInput] = []
    for i in items:
        if cur and cur[0].level != i.level:
            yield cur
            cur = []
        cur.append(i)
    if cur:
        yield cur


def _common_prefix(codes: list[str]) -> str:
    if not codes:
        return ""
    a, b = min(codes), max(codes)
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


EDITABLE = ("name", "households", "population", "properties")
VERSIONED = ("name", "households", "population")  # besides the geometry, what a version holds


async def update_area(code: str, patch: dict[str, Any], geometry: BaseGeometry | None, *, actor: Principal | None,
                      expected_version: int | None = None, settings: Settings = DEFAULTS,
                      effective: date | None = None) -> Area:
    """Edit an area. A new geometry, name, household or population count opens a new version
    from `effective` (today by default): a version holds all four, so `on=` answers what was
    in force that day and the history shows a rename with who made it. `properties` are not
    versioned."""
    area = await get_area(code)
    if expected_version is not None and expected_version != area.version:
        raise Conflict(f"区域 {code} 已被他人修改(当前版本 {area.version})",
                       f"area {code} was changed meanwhile (version {area.version}, you sent {expected_version})",
                       code=ErrorCode.STALE, details={"version": area.version})
    before = area_summary(area, area.parent.code if area.parent else None)
    changes: dict[str, Any] = {}
    for key in EDITABLE:
        if key in patch:
            changes[key] = patch[key]
    for key in ("households", "population"):
        value = changes.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise ValidationError(f"{key} 应为非负整数", f"{key} must be a non-negative integer",
                                  code=ErrorCode.BAD_NUMBER, details={"field": key})
    if "name" in changes and (not isinstance(changes["name"], str) or not changes["name"].strip()):
        raise ValidationError("名称不能为空", "the name cannot be empty", code=ErrorCode.REQUIRED,
                              details={"field": "name"})
    if "properties" in changes and not isinstance(changes["properties"], dict):
        raise ValidationError("properties 应为对象", "properties must be an object", code=ErrorCode.BAD_PROPERTIES)
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    versioned = geometry is not None or any(k in changes and changes[k] != getattr(area, k) for k in VERSIONED)
    if versioned:
        check_effective(effective)
    if geometry is not None:
        item = AreaInput(code=area.code, name=changes.get("name", area.name), level=area.level, geometry=geometry,
                         parent_code=area.parent.code if area.parent else None)
        await validate_batch([item], replacing={area.code})
        # the children must still fit inside the new outline
        kids = await Area.filter(parent_id=area.id).values_list("code", "geometry")
        outside = []
        for kcode, wkb in kids:
            kg = shapely.from_wkb(wkb)
            p = geo.check_within_parent(kg, geometry, parent_code=area.code) if kg.geom_type != "Point" else (
                None if geometry.buffer(geo.meters_to_degrees(20, kg.y)).contains(kg) else True)
            if p:
                outside.append(kcode)
        if outside:
            raise ValidationError(f"新边界会使 {len(outside)} 个下级区域落在边界外:{'、'.join(outside[:5])}",
                                  f"the new boundary would leave {len(outside)} child areas outside it",
                                  code=ErrorCode.CHILDREN_OUTSIDE, details={"children": outside[:50]})
    async with in_transaction():
        n = await Area.filter(id=area.id, version=area.version).update(**changes, version=area.version + 1, **(
            _geometry_columns(geometry) if geometry is not None else {}))
        if not n:
            raise Conflict(f"区域 {code} 已被他人修改", f"area {code} was changed meanwhile", code=ErrorCode.STALE)
        if versioned:
            await record_versions([code], effective=effective, actor=actor)
        area = await get_area(code)
        after = area_summary(area, area.parent.code if area.parent else None)
        if geometry is not None:
            before["geometry_changed"] = after["geometry_changed"] = True
        await audit.record(actor, "area.update", "area", code, area_code=code, before=before, after=after)
    return area


def _geometry_columns(g: BaseGeometry) -> dict:
    g = geo.round_coords(g)
    minx, miny, maxx, maxy = g.bounds
    return {"geometry": shapely.to_wkb(g), "minx": minx, "miny": miny, "maxx": maxx, "maxy": maxy,
            "area_m2": geo.area_m2(g)}


async def delete_area(code: str, *, actor: Principal | None, effective: date | None = None) -> None:
    """Delete an area without children or people; its last version ends on `effective` (today by
    default) and keeps answering for the days before."""
    check_effective(effective)
    area = await get_area(code)
    kids = await Area.filter(parent_id=area.id).count()
    if kids:
        raise Conflict(f"区域 {code} 下还有 {kids} 个下级区域,请先删除它们",
                       f"area {code} still has {kids} child areas",
                       code=ErrorCode.HAS_CHILDREN, details={"children": kids})
    people = await UserArea.filter(area_id=area.id).count()
    if people:
        raise Conflict(f"区域 {code} 仍有 {people} 名人员被分配,请先调整分配",
                       f"{people} people are still assigned to area {code}",
                       code=ErrorCode.HAS_PEOPLE, details={"people": people})
    before = area_summary(area, area.parent.code if area.parent else None)
    async with in_transaction():
        await Area.filter(id=area.id).delete()
        await record_versions([code], effective=effective, actor=actor)
        await audit.record(actor, "area.delete", "area", code, area_code=code, before=before)
