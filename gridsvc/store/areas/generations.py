"""Boundary generations: every geometry an area had, with the days it was in force.

`Area` holds the current state (what most readers want); `AreaVersion` the history. Every
writer of a geometry (create, edit, delete, imports, split and merge), and of a name, household or
population count (store.areas.changes.update_area: a version holds them too), writes the `Area` rows
first and then, in the same transaction, calls `record_versions` with the codes it changed:
the open version of each code is closed on the effective day and the row as it now stands (if
it still exists) opens a new one. The same call bumps the boundary revision and logs the codes,
so the point indexes of every process pick up only what changed (store.areas.spatial).

Effective dates: today in China by default; a past day is allowed (a redraw recorded late),
but never before the current version's own start, and never a future day. A planned redraw
would make the current `Area` row disagree with today's truth, so it is refused
(`effective_in_future`) until planned generations are needed.

A version whose start equals its end (two edits on one day) was never in force on any day; it
stays in the history so that every change keeps its author.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable

import shapely

from gridsvc.domain import clock
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import BadRequest, NotFound, ValidationError
from gridsvc.domain.levels import area_kind, area_level_name_zh, check_level
from gridsvc.domain.scope import Principal
from gridsvc.store.areas.models import Area, AreaVersion
from gridsvc.store.areas.reading import get_area, subtree_filter
from gridsvc.store.areas.spatial import bump_revision, in_force

FAR_PAST = date(1900, 1, 1)  # the start of the versions given to areas stored before generations
_CHUNK = 500  # codes per IN (...): under SQLite's variable limit

VERSION_FIELDS = ("code", "level", "parent_code", "name", "geometry", "minx", "miny", "maxx", "maxy", "area_m2",
                  "households", "population")


def check_effective(effective: date | None) -> date:
    """The day a change takes effect: today by default, never in the future."""
    today = clock.today()
    if effective is None:
        return today
    if effective > today:
        raise ValidationError(f"生效日期 {effective.isoformat()} 晚于今天 {today.isoformat()}:暂不支持预先登记的边界",
                              f"the effective date {effective.isoformat()} is after today ({today.isoformat()}); "
                              "planned boundaries are not supported yet",
                              code=ErrorCode.EFFECTIVE_IN_FUTURE,
                              details={"effective": effective.isoformat(), "today": today.isoformat()})
    return effective


def _chunks(codes: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(codes), _CHUNK):
        yield codes[i:i + _CHUNK]


async def record_versions(codes: Iterable[str], *, effective: date | None, actor: Principal | None,
                          note: str = "") -> int:
    """Close the open version of each code on `effective` and open one from its `Area` row as it
    stands now (none when the row is gone: deleted or merged away). Call inside the transaction
    that wrote the rows, after writing them. Bumps the boundary revision, logging the codes;
    returns the new revision."""
    day = check_effective(effective)
    todo = sorted(set(codes))
    for part in _chunks(todo):
        later = await AreaVersion.filter(code__in=part, valid_to=None, valid_from__gt=day).values_list(
            "code", "valid_from")
        if later:
            code, start = later[0]
            raise ValidationError(
                f"区域 {code} 的现行边界自 {start.isoformat()} 起生效,新版本不能早于该日 ({day.isoformat()})",
                f"the current boundary of {code} took effect on {start.isoformat()}; a new version cannot "
                f"take effect before it ({day.isoformat()})",
                code=ErrorCode.EFFECTIVE_BEFORE_CURRENT,
                details={"code": code, "current_from": start.isoformat(), "effective": day.isoformat()})
    now = clock.now()
    who_id = actor.user_id if actor is not None else None
    who = (actor.display_name or "")[:100] if actor is not None and actor.user_id is not None else ""
    for part in _chunks(todo):
        await AreaVersion.filter(code__in=part, valid_to=None).update(valid_to=day)
        rows = await Area.filter(code__in=part).values(*[f for f in VERSION_FIELDS if f != "parent_code"],
                                                         parent_code="parent__code")
        await AreaVersion.bulk_create([
            AreaVersion(**row, valid_from=day, valid_to=None, changed_by_id=who_id, changed_by_name=who,
                        changed_at=now, note=note[:200])
            for row in rows
        ], batch_size=200)
    return await bump_revision(todo)


# ---- reading: as of a day ----------------------------------------------------------------------


async def first_day() -> date | None:
    row = await AreaVersion.all().order_by("valid_from").first().values_list("valid_from", flat=True)
    return row  # type: ignore[return-value]  # flat: one date


async def check_day(day: date) -> date:
    """`day` when some generation reaches it; 400 `before_first_generation` otherwise."""
    return refuse_before(day, await first_day())


def refuse_before(day: date, first: date | None) -> date:
    """`day` when it is not before `first` (the first day of any generation); 400 otherwise."""
    if first is None or day < first:
        since = first.isoformat() if first else None
        raise BadRequest(
            f"{day.isoformat()} 早于最早的边界版本{f'({since} 起)' if since else ''}",
            f"{day.isoformat()} is before the first boundary generation{f' ({since})' if since else ''}",
            code=ErrorCode.BEFORE_FIRST_GENERATION, details={"on": day.isoformat(), "first": since})
    return day


@dataclass
class VersionView:
    """A version read like an `Area` row by the code that draws and summarises areas."""

    code: str
    name: str
    level: str
    parent_code: str | None
    geometry: bytes
    area_m2: float
    households: int | None
    population: int | None
    # the stored bounds, as on `Area`: a map layer's `clip=1` tests them against its box
    minx: float
    miny: float
    maxx: float
    maxy: float
    valid_from: date
    valid_to: date | None
    version: int | None = None

    def summary(self) -> dict:
        """The properties of an exported feature: `area_summary`'s, with the version's days."""
        return {"code": self.code, "name": self.name, "level": self.level, "kind": area_kind(self.level, self.code),
                "level_name": area_level_name_zh(self.level, self.code), "parent": self.parent_code,
                "households": self.households, "population": self.population, "area_m2": round(self.area_m2, 1),
                "valid_from": self.valid_from.isoformat(),
                "valid_to": self.valid_to.isoformat() if self.valid_to else None}


def _view(row: dict) -> VersionView:
    return VersionView(**{k: row[k] for k in VersionView.__dataclass_fields__ if k in row})


async def versions_on(day: date, *, level: str | None = None, under: str | None = None,
                      bbox: tuple[float, float, float, float] | None = None, limit: int | None = None
                      ) -> list[VersionView]:
    """The areas as they stood on `day`, in code order (the `list_areas` of a past day)."""
    qs = AreaVersion.filter(in_force(day))
    if level:
        check_level(level)
        qs = qs.filter(level=level)
    if under:
        anc = await version_on(under, day)
        qs = qs.filter(subtree_filter(anc.code, anc.level)).exclude(code=anc.code)
    if bbox:
        minx, miny, maxx, maxy = bbox
        qs = qs.filter(minx__lte=maxx, maxx__gte=minx, miny__lte=maxy, maxy__gte=miny)
    qs = qs.order_by("code")
    if limit:
        qs = qs.limit(limit)
    return [_view(r) for r in await qs.values(*VERSION_FIELDS, "valid_from", "valid_to")]


async def versions_of(codes: list[str], day: date) -> list[VersionView]:
    """The areas among `codes` that existed on `day`, as they stood then, in code order."""
    if not codes:
        return []
    rows = await AreaVersion.filter(in_force(day), code__in=codes).order_by("code").values(
        *VERSION_FIELDS, "valid_from", "valid_to")
    return [_view(r) for r in rows]


async def version_on(code: str, day: date) -> VersionView:
    """The area at `code` as it stood on `day`; 404 when it did not exist then."""
    row = await AreaVersion.filter(in_force(day), code=code).first().values(*VERSION_FIELDS, "valid_from", "valid_to")
    if row is None:
        raise NotFound(f"区域 {code} 在 {day.isoformat()} 不存在", f"area {code} did not exist on {day.isoformat()}",
                       details={"code": code, "on": day.isoformat()})
    return _view(row)


async def chain_on(code: str, day: date) -> list[VersionView]:
    """The ancestors of `code` on `day`, top down (not including it)."""
    out: list[VersionView] = []
    parent = (await version_on(code, day)).parent_code
    while parent:
        rows = await AreaVersion.filter(in_force(day), code=parent).values(*VERSION_FIELDS, "valid_from", "valid_to")
        if not rows:
            break
        out.append(_view(rows[0]))
        parent = rows[0]["parent_code"]
    return out[::-1]


async def children_on(code: str, day: date) -> list[VersionView]:
    rows = await AreaVersion.filter(in_force(day), parent_code=code).values(*VERSION_FIELDS, "valid_from", "valid_to")
    return [_view(r) for r in rows]


# ---- reading: an area's history ----------------------------------------------------------------


@dataclass
class HistoryEntry:
    valid_from: date
    valid_to: date | None
    name: str
    level: str
    geometry: bytes
    area_m2: float
    vertices: int
    changed_by: str  # display name; "" when the system made it (import, migration)
    changed_at: datetime
    note: str
    delta_m2: float | None  # change of area against the version before; None for the first
    delta_vertices: int | None
    households: int | None = None
    population: int | None = None
    # against the version before (None, empty for the first): whether the boundary moved, and
    # what else changed, as (field, before, after) for "name", "households", "population"
    geometry_changed: bool | None = None
    changes: list[tuple[str, str | int | None, str | int | None]] = field(default_factory=list)


async def history(code: str) -> list[HistoryEntry]:
    """Every version of `code`, oldest first, with what changed against the one before. An area
    deleted since still has its history; a code that never existed is a 404."""
    rows = await AreaVersion.filter(code=code).order_by("valid_from", "id").values(
        "valid_from", "valid_to", "name", "level", "geometry", "area_m2", "households", "population",
        "changed_by_name", "changed_at", "note")
    if not rows:
        await get_area(code)  # a code never stored: 404 naming it (every stored area has a version)
        return []
    out: list[HistoryEntry] = []
    for r in rows:
        vertices = int(shapely.get_num_coordinates(shapely.from_wkb(r["geometry"])))
        prev = out[-1] if out else None
        entry = HistoryEntry(
            r["valid_from"], r["valid_to"], r["name"], r["level"], bytes(r["geometry"]), float(r["area_m2"]),
            vertices, r["changed_by_name"], r["changed_at"], r["note"],
            None if prev is None else float(r["area_m2"]) - prev.area_m2,
            None if prev is None else vertices - prev.vertices, r["households"], r["population"])
        if prev is not None:
            entry.geometry_changed = entry.geometry != prev.geometry
            entry.changes = [(k, getattr(prev, k), getattr(entry, k)) for k in ("name", "households", "population")
                             if getattr(prev, k) != getattr(entry, k)]
        out.append(entry)
    return out


__all__ = ["FAR_PAST", "HistoryEntry", "VersionView", "chain_on", "check_day", "check_effective", "children_on",
           "first_day", "history", "record_versions", "refuse_before", "version_on", "versions_of", "versions_on"]
