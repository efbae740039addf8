"""Edits drawn on the map: redraw (shared edges follow), split along a line, merge neighbours,
draw a new child. Each edit validates every area it touches with the import rules
(`validate_batch`) before saving them all in one transaction; a refusal carries the problem
geometries (`details.shapes`, GeoJSON) for the page to draw.

Every boundary written here goes through `_save_geometry`, which notes the code; `_done` then
writes a boundary version (store.areas.generations.record_versions) for every code an edit
touched, in the edit's transaction, taking effect on the edit's `effective` date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import shapely
from shapely.geometry.base import BaseGeometry
from tortoise.transactions import in_transaction

from gridsvc.domain import clock
from gridsvc.domain import geometry as geo
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import Conflict, ValidationError, in_language
from gridsvc.domain.geojson import to_feature
from gridsvc.domain.geometry import edits as shapes
from gridsvc.domain.levels import CODE_DIGITS, LEVEL_NAMES_ZH, PREFIX_DIGITS, child_level, code_prefix, next_free_code
from gridsvc.domain.roles import is_staff, role_name_zh
from gridsvc.domain.scope import Principal
from gridsvc.store import audit, subtree
from gridsvc.store.accounts.models import User, UserArea
from gridsvc.store.areas.changes import AreaInput, validate_batch
from gridsvc.store.areas.generations import record_versions
from gridsvc.store.areas.models import Area, Compound
from gridsvc.store.areas.reading import area_summary, coverage_of, geom_of, get_area
from gridsvc.store.audit.models import AuditLog
from gridsvc.store.governance.models import InformationReport
from gridsvc.store.orgs.models import OrgArea
from gridsvc.store.rosters.models import Appointment


@dataclass
class EditResult:
    """What an edit changed: every area saved (first the one edited), the codes added and
    removed, and the coverage of their parent afterwards."""

    saved: list[Area] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    coverage: dict | None = None
    # every code whose boundary, code or existence changed: each gets a new boundary version
    touched: set[str] = field(default_factory=set)


# ---- versions -----------------------------------------------------------------------------


async def last_change(area: Area) -> dict:
    """Who last changed an area and when, in words for the page ("屈华毅", "2026-11-29 10:20")."""
    entry = await AuditLog.filter(target_type="area", target_id=area.code).order_by("-id").first()
    if entry is None:
        return {"by": "", "at": ""}
    user = await User.filter(id=entry.actor_id).first() if entry.actor_id else None
    by = (user.display_name or user.username) if user else ""
    return {"by": by, "at": clock.china(entry.at).strftime("%Y-%m-%d %H:%M")}


async def _stale(area: Area, sent: int | None) -> Conflict:
    fresh = await get_area(area.code)
    who = await last_change(fresh)
    zh_by = f",由 {who['by']} 于 {who['at']} 修改" if who["by"] else ""
    en_by = f" by {who['by']} at {who['at']}" if who["by"] else ""
    return Conflict(f"区域 {area.code} 已被他人修改{zh_by},请查看最新边界后再改",
                    f"area {area.code} was changed meanwhile{en_by}; look at the new boundary and edit again",
                    code=ErrorCode.STALE,
                    details={"code": area.code, "version": fresh.version, "sent": sent, "changed_by": who["by"],
                             "changed_at": who["at"], "feature": to_feature(geom_of(fresh), area_summary(fresh))})


async def _current(code: str, version: int | None) -> Area:
    area = await get_area(code)
    if version is not None and version != area.version:
        raise await _stale(area, version)
    return area


# ---- checks -------------------------------------------------------------------------------


async def _validate(items: list[AreaInput], *, replacing: set[str], parent: Area | None) -> None:
    """The import rules over every area of the edit; a refusal gains the shapes to draw."""
    try:
        await validate_batch(items, replacing=replacing)
    except ValidationError as e:
        if e.code != ErrorCode.AREAS_REJECTED or not isinstance(e.details, dict):
            raise
        by_code = {i.code: i.geometry for i in items}
        pgeom = geom_of(parent) if parent is not None else None
        named = {str((p.get("details") or {}).get("sibling")) for r in e.details.get("rejected", [])
                 for p in r["problems"]}
        others = {c: geom_of(a) for c, a in
                  ((a.code, a) for a in await Area.filter(code__in=list(named - set(by_code))))}
        others.update(by_code)
        feats = []
        for r in e.details.get("rejected", []):
            for p in r["problems"]:
                g = shapes.problem_shape(p, by_code.get(r["code"]), parent=pgeom, siblings=others)
                if g is not None:
                    feats.append(shapes.shape_feature(g, p["rule"], p["message"], area=r["code"]))
        e.details["shapes"] = {"type": "FeatureCollection", "features": feats}
        raise


def _within(child: BaseGeometry, outline: BaseGeometry, code: str) -> bool:
    if child.geom_type == "Point":
        return bool(outline.buffer(geo.meters_to_degrees(20, child.y)).contains(child))
    return geo.check_within_parent(child, outline, parent_code=code) is None


async def _children_inside(areas: list[tuple[Area, BaseGeometry]], *,
                           moved: dict[str, BaseGeometry] | None = None) -> None:
    """The children of each redrawn area must still lie inside its new outline (`moved`: the
    children redrawn in the same edit, at their new outline)."""
    outside: list[tuple[str, BaseGeometry]] = []
    rows = await Area.filter(parent_id__in=[a.id for a, _ in areas]).values_list("parent_id", "code", "geometry")
    for area, outline in areas:
        for _, kcode, wkb in (r for r in rows if r[0] == area.id):
            kg = (moved or {}).get(kcode) or shapely.from_wkb(wkb)
            if not _within(kg, outline, area.code):
                outside.append((kcode, kg))
    if outside:
        codes = [c for c, _ in outside]
        zh = f"新边界会使 {len(outside)} 个下级区域落在边界外:{'、'.join(codes[:5])}"
        en = f"the new boundary would leave {len(outside)} sub-areas outside it: {', '.join(codes[:5])}"
        raise ValidationError(zh, en, code=ErrorCode.CHILDREN_OUTSIDE, details={
            "children": codes[:50], "shapes": {"type": "FeatureCollection", "features": [
                shapes.shape_feature(g, "children_outside", in_language(zh, en), area=c) for c, g in outside[:200]]}})


# ---- writing ------------------------------------------------------------------------------


async def _save_geometry(area: Area | None, geom: BaseGeometry, *, touched: set[str], **values) -> Area:
    """Write one boundary (and the fields that go with it): the stored area at its version, or a
    new one (`values` holds code, name, level, parent_id). The one writer of boundaries here; the
    code joins `touched`, whose versions `_done` records."""
    touched.add(area.code if area is not None else values["code"])
    g = geo.round_coords(geom)
    minx, miny, maxx, maxy = g.bounds
    columns = {"geometry": shapely.to_wkb(g), "minx": minx, "miny": miny, "maxx": maxx, "maxy": maxy,
               "area_m2": geo.area_m2(g), **values}
    if area is None:
        return await Area.create(**columns)
    n = await Area.filter(id=area.id, version=area.version).update(**columns, version=area.version + 1)
    if not n:
        raise await _stale(area, area.version)
    for key, value in columns.items():  # the row as saved, without reading it back
        setattr(area, key, value)
    area.version += 1
    return area


async def _codes(**filters) -> set[str]:
    return {str(c) for c in await Area.filter(**filters).values_list("code", flat=True)}


async def _recode(child: Area, old_parent: Area, parent: Area, taken: set[str], touched: set[str]) -> str:
    """Move a child (and everything below it) under another parent: codes carry the parent's
    prefix, so each gets the new parent's prefix; the child keeps its own number when free."""
    own = child.code[len(code_prefix(old_parent.code, old_parent.level)):PREFIX_DIGITS[child.level]]
    new = (code_prefix(parent.code, parent.level) + own).ljust(CODE_DIGITS[child.level], "0")
    if new in taken:
        found = next_free_code(parent.code, parent.level, child.level, taken, like=child.code)
        if found is None:
            raise Conflict(f"{parent.code} 下已没有可用代码", f"no free code is left under {parent.code}",
                           code=ErrorCode.NO_FREE_CODE)
        new = found
    taken.add(new)
    old_prefix, new_prefix = code_prefix(child.code, child.level), code_prefix(new, child.level)
    below = await Area.filter(subtree.under("code", old_prefix)).exclude(id=child.id).values_list("id", "code")
    await Area.filter(id=child.id).update(code=new, parent_id=parent.id, version=child.version + 1)
    touched.update((child.code, new))
    for id_, code in below:
        await Area.filter(id=id_).update(code=new_prefix + code[len(old_prefix):])
        touched.update((code, new_prefix + code[len(old_prefix):]))
    return new


async def _done(result: EditResult, parent: Area | None, actor: Principal | None, action: str, subject: str,
                before: dict, after: dict, effective: date) -> EditResult:
    await record_versions(result.touched, effective=effective, actor=actor, note=action)
    await audit.record(actor, action, "area", subject, area_code=subject, before=before,
                       after={**after, "effective": effective.isoformat()})
    if parent is not None:
        result.coverage = await coverage_of(parent.code)
    return result


# ---- the edits ----------------------------------------------------------------------------


async def redraw(code: str, geometry: BaseGeometry, *, version: int | None, actor: Principal | None,
                 effective: date | None = None) -> EditResult:
    """A new boundary for one area. The neighbours that shared what moved move with it, and so
    do the children along the moved edges (the groups of a grid tile it too)."""
    effective = effective or clock.today()
    area = await _current(code, version)
    parent = area.parent
    pcode = parent.code if parent else None
    old = geom_of(area)
    rows = await Area.filter(parent_id=area.parent_id, level=area.level).exclude(id=area.id)
    siblings = {a.code: a for a in rows}
    carried = shapes.carry_shared_edits(old, geometry, [(c, geom_of(a)) for c, a in siblings.items()])
    moved = [(area, old, geometry)] + [(siblings[c], geom_of(siblings[c]), g) for c, g in carried.items()]
    below = await Area.filter(parent_id__in=[r.id for r, _, _ in moved])
    kids: dict[str, tuple[Area, BaseGeometry]] = {}  # code -> (row, new outline)
    for row, before, after in moved:
        mine = {k.code: k for k in below if k.parent_id == row.id}
        for c, g in shapes.carry_shared_edits(before, after, [(c, geom_of(k)) for c, k in mine.items()]).items():
            kids[c] = (mine[c], g)
    items = [AreaInput(area.code, area.name, area.level, geometry, pcode)]
    items += [AreaInput(c, siblings[c].name, area.level, g, pcode) for c, g in carried.items()]
    items += [AreaInput(c, k.name, k.level, g, next(r.code for r, _, _ in moved if r.id == k.parent_id))
              for c, (k, g) in kids.items()]
    await _validate(items, replacing={i.code for i in items}, parent=parent)
    await _children_inside([(r, after) for r, _, after in moved] + list(kids.values()),
                           moved={c: g for c, (_, g) in kids.items()})
    result = EditResult()
    async with in_transaction():
        for row, _, after in moved:
            result.saved.append(await _save_geometry(row, after, touched=result.touched))
        for row, after in kids.values():
            await _save_geometry(row, after, touched=result.touched)
        return await _done(result, parent, actor, "area.redraw", code, {"version": area.version},
                           {"version": area.version + 1, "neighbours": sorted(carried), "children": sorted(kids)},
                           effective)


async def split(code: str, line: BaseGeometry, *, version: int | None, actor: Principal | None,
                name: str | None = None, households: int | None = None, population: int | None = None,
                effective: date | None = None) -> EditResult:
    """Cut an area in two along a line. The larger half keeps the code; the other gets the next
    free code under the same parent, `name` (or "<name> 2"), and its share of households and
    population (in proportion to area unless given). Children go with the half they lie in.
    Saved: the kept half, the new one, then the neighbours that took the cut's ends."""
    effective = effective or clock.today()
    area = await _current(code, version)
    parent = area.parent
    old = geom_of(area)
    kept, other = (geo.round_coords(g) for g in shapes.split_by_line(old, line))
    # the cut's ends on the outline become vertices of the neighbours that share those edges
    outline = shapes.with_vertices(old, shapes.vertices(kept) + shapes.vertices(other),
                                   geo.meters_to_degrees(0.5, old.centroid.y))
    rows = await Area.filter(parent_id=area.parent_id, level=area.level).exclude(id=area.id)
    siblings = {a.code: a for a in rows}
    carried = shapes.carry_shared_edits(old, outline, [(c, geom_of(a)) for c, a in siblings.items()])
    share = geo.area_m2(kept) / max(geo.area_m2(kept) + geo.area_m2(other), 1e-9)
    hh_keep, hh_new = shapes.divide(area.households, share)
    pop_keep, pop_new = shapes.divide(area.population, share)
    if households is not None:
        hh_new, hh_keep = households, max((area.households or 0) - households, 0)
    if population is not None:
        pop_new, pop_keep = population, max((area.population or 0) - population, 0)
    taken = set(siblings) | {area.code}
    new_code = next_free_code(parent.code, parent.level, area.level, taken, like=area.code) if parent else None
    if new_code is None:
        raise Conflict(f"{parent.code if parent else ''} 下已没有可用代码", "no free code is left under the parent",
                       code=ErrorCode.NO_FREE_CODE)
    new_name = (name or "").strip() or f"{area.name} 2"
    pcode = parent.code if parent else None
    await _validate([AreaInput(area.code, area.name, area.level, kept, pcode),
                     AreaInput(new_code, new_name, area.level, other, pcode)]
                    + [AreaInput(c, siblings[c].name, area.level, g, pcode) for c, g in carried.items()],
                    replacing={area.code, *carried}, parent=parent)
    # children go with the half that holds them; one the line crosses stops the split
    kids = await Area.filter(parent_id=area.id)
    moving: list[tuple[Area, BaseGeometry]] = []
    crossed: list[tuple[Area, BaseGeometry]] = []
    for kid in kids:
        kg = geom_of(kid)
        if _within(kg, kept, area.code):
            continue
        (moving if _within(kg, other, new_code) else crossed).append((kid, kg))
    if crossed:
        zh = (f"分割线穿过 {len(crossed)} 个{LEVEL_NAMES_ZH.get(child_level(area.level) or '', '下级区域')}:"
              f"{'、'.join(k.name for k, _ in crossed[:5])};请沿它们的边界画线,或先分割它们")
        en = (f"the line crosses {len(crossed)} sub-areas ({', '.join(k.code for k, _ in crossed[:5])}); "
              "draw it along their edges or split them first")
        raise ValidationError(zh, en, code=ErrorCode.CHILDREN_OUTSIDE, details={
            "children": [k.code for k, _ in crossed[:50]], "shapes": {"type": "FeatureCollection", "features": [
                shapes.shape_feature(g, "children_crossed", in_language(zh, en), area=k.code)
                for k, g in crossed[:200]]}})
    result = EditResult(created=[new_code])
    async with in_transaction():
        result.saved.append(await _save_geometry(area, kept, touched=result.touched, households=hh_keep,
                                                 population=pop_keep))
        created = await _save_geometry(None, other, touched=result.touched, code=new_code, name=new_name,
                                       level=area.level, parent_id=area.parent_id, households=hh_new,
                                       population=pop_new)
        kid_taken: set[str] = set()
        for kid, _ in moving:
            await _recode(kid, area, created, kid_taken, result.touched)
        result.saved.append(await get_area(new_code))
        for c, g in carried.items():
            result.saved.append(await _save_geometry(siblings[c], g, touched=result.touched))
        return await _done(result, parent, actor, "area.split", code, {"version": area.version},
                           {"new": new_code, "moved_children": len(moving), "neighbours": sorted(carried)}, effective)


async def _one_holder_each(areas: list[Area]) -> None:
    """One person holds a post (store.rosters; the database's index on open terms): merging two
    grids that each have their 网格员 would give the merged grid two. Refused, naming both, until
    one is ended or transferred on the roster. The same person in both stays one holder."""
    links = await UserArea.filter(area_id__in=[a.id for a in areas]).order_by("id").values(
        "user_id", "user__role", "user__display_name", "area_id")
    holders: dict[str, dict[int, str]] = {}
    for x in links:
        if is_staff(x["user__role"]):
            holders.setdefault(x["user__role"], {})[x["user_id"]] = x["user__display_name"]
    for role, people in holders.items():
        if len(people) > 1:
            named = list(people.values())
            post = f"{areas[0].name}{role_name_zh(role, areas[0].code)}"
            raise Conflict(f"合并后{post}将有 {len(named)} 人({'、'.join(named)}),一个岗位只能一人担任:"
                           "请先在花名册上免职或调任",
                           f"the merged area's post {role} would have {len(named)} holders ({', '.join(named)}); "
                           "end or transfer all but one on the roster first",
                           code=ErrorCode.POST_TAKEN,
                           details={"area": areas[0].code, "role": role, "holders": named})


async def merge(codes: list[str], keep: str, *, versions: dict[str, int], actor: Principal | None,
                name: str | None = None, effective: date | None = None) -> EditResult:
    """Merge neighbouring areas of one parent and level into `keep`. The others' children move
    under it (recoded with its prefix) and their staff are assigned to it; their households and
    population add up. Refused while compounds, organisations or reports refer to them."""
    effective = effective or clock.today()
    codes = list(dict.fromkeys([keep, *codes]))
    areas = [await _current(c, versions.get(c)) for c in codes]
    kept = areas[0]
    if any(a.parent_id != kept.parent_id or a.level != kept.level for a in areas):
        raise ValidationError("只能合并同一上级下的同级区域", "only areas of one level under one parent merge",
                              code=ErrorCode.NOT_SIBLINGS, details={"codes": codes})
    merged = shapes.merge_geometries([(a.code, geom_of(a)) for a in areas])
    gone = areas[1:]
    ids = [a.id for a in gone]
    used = (await Compound.filter(community_id__in=ids).count() + await OrgArea.filter(area_id__in=ids).count()
            + await InformationReport.filter(community_id__in=ids).count())
    if used:
        raise Conflict(f"{'、'.join(a.code for a in gone)} 仍被 {used} 条小区、社会组织或报送记录使用,不能合并",
                       f"{used} compounds, organisation links or reports still refer to the areas merged away",
                       code=ErrorCode.AREA_IN_USE, details={"codes": [a.code for a in gone], "references": used})
    await _one_holder_each(areas)
    parent = kept.parent
    new_name = (name or "").strip() or kept.name
    await _validate([AreaInput(kept.code, new_name, kept.level, merged, parent.code if parent else None)],
                    replacing=set(codes), parent=parent)

    def total(key: str) -> int | None:
        vals = [getattr(a, key) for a in areas]
        return None if all(v is None for v in vals) else sum(v or 0 for v in vals)

    result = EditResult(removed=[a.code for a in gone])
    async with in_transaction():
        taken = await _codes(parent_id=kept.id)
        for old in gone:
            for kid in await Area.filter(parent_id=old.id):
                await _recode(kid, old, kept, taken, result.touched)
            have = set(await UserArea.filter(area_id=kept.id).values_list("user_id", flat=True))
            for link in await UserArea.filter(area_id=old.id):
                if link.user_id in have:
                    await link.delete()
                    # their term in the area merged away ends: they serve on in the kept one
                    await Appointment.filter(user_id=link.user_id, area_id=old.id, ended_on__isnull=True).update(
                        ended_on=effective, end_reason=f"merged into {kept.code}")
                else:
                    await UserArea.filter(id=link.id).update(area_id=kept.id)
            # the terms served there stay on the roster's history, under the area it became
            await Appointment.filter(area_id=old.id).update(area_id=kept.id)
            await Area.filter(id=old.id).delete()
            result.touched.add(old.code)
        result.saved.append(await _save_geometry(kept, merged, touched=result.touched, name=new_name,
                                                 households=total("households"), population=total("population")))
        return await _done(result, parent, actor, "area.merge", kept.code,
                           {"codes": codes, "versions": {a.code: a.version for a in areas}},
                           {"kept": kept.code, "removed": result.removed}, effective)


async def add_child(parent_code: str, geometry: BaseGeometry, *, name: str, actor: Principal | None,
                    households: int | None = None, population: int | None = None,
                    effective: date | None = None) -> EditResult:
    """A new area drawn inside `parent_code`, one level below it, with the next free code."""
    effective = effective or clock.today()
    parent = await get_area(parent_code)
    level = child_level(parent.level)
    if level is None:
        raise ValidationError(f"{LEVEL_NAMES_ZH[parent.level]}下没有下级区域", f"a {parent.level} has no sub-areas",
                              code=ErrorCode.BAD_LEVEL, details={"parent": parent_code})
    taken = await _codes(parent_id=parent.id)
    like = max(taken) if taken else None
    code = next_free_code(parent.code, parent.level, level, taken, like=like)
    if code is None:
        raise Conflict(f"{parent.code} 下已没有可用代码", f"no free code is left under {parent.code}",
                       code=ErrorCode.NO_FREE_CODE)
    item = AreaInput(code, name, level, geometry, parent.code, households, population)
    await _validate([item], replacing=set(), parent=parent)
    result = EditResult(created=[code])
    async with in_transaction():
        result.saved.append(await _save_geometry(None, geometry, touched=result.touched, code=code, name=name.strip(),
                                                 level=level, parent_id=parent.id, households=households,
                                                 population=population))
        return await _done(result, parent, actor, "area.create", code, {}, {"code": code}, effective)


async def editor_view(code: str) -> dict:
    """What the editing page draws: the area, its parent's outline, its children and siblings
    (each with its version), the coverage of the area by its children, and who changed it last."""
    area = await get_area(code)

    def feat(a: Area, role: str) -> dict:
        f = to_feature(geom_of(a), {**area_summary(a), "role": role})
        f["id"] = a.code
        return f

    feats = [feat(area, "self")]
    if area.parent is not None:
        feats.append(feat(area.parent, "parent"))
        feats += [feat(a, "sibling") for a in await Area.filter(parent_id=area.parent_id).exclude(id=area.id)]
    feats += [feat(a, "child") for a in await Area.filter(parent_id=area.id)]
    return {"type": "FeatureCollection", "features": feats, "coverage": await coverage_of(code),
            "parent_coverage": await coverage_of(area.parent.code) if area.parent else None,
            "last_change": await last_change(area)}
