"""Reading the public-service catalog: an item, its versions, the version in force on a day for an
area (with the admissions in force), and the areas of its scope.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, cast

from gridsvc.domain.catalog import (
    CATEGORY_BY_ID,
    LIST_BY_ID,
    STATUS_NAMES_ZH,
    VENUE_KINDS,
    ItemStatus,
    ItemVersion,
    applies_to,
    catalog_on,
    format_fee,
    infer_level,
)
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import NotFound, ValidationError
from gridsvc.store.areas.models import Area
from gridsvc.store.catalog.models import Admission, ServiceItem, ServiceItemVersion
from gridsvc.store.catalog.search import admission_windows, time_limit_text


def normalise_code(code: str) -> str:
    return unicodedata.normalize("NFKC", str(code or "")).strip().upper()


# ---- reading ------------------------------------------------------------------------------


async def get_item(code: str) -> ServiceItem:
    item = await ServiceItem.filter(code=normalise_code(code)).first()
    if item is None:
        raise NotFound(f"事项 {code} 不存在", f"service item {code} not found", code=ErrorCode.ITEM_NOT_FOUND,
                       details={"code": code})
    return item


async def versions_of(item: ServiceItem) -> list[ServiceItemVersion]:
    return list(await ServiceItemVersion.filter(item_id=item.id).order_by("version"))


def record_of(row: ServiceItemVersion, code: str) -> ItemVersion:
    """The domain's view of a version row (content left out: the rules need only dates)."""
    return ItemVersion(code=code, version=row.version, status=ItemStatus(row.status), published_on=row.published_on,
                       superseded_on=row.superseded_on, revoked_on=row.revoked_on)


def etag(row: ServiceItemVersion) -> str:
    return f'"{row.version}.{row.edits}"'


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def version_view(item: ServiceItem, row: ServiceItemVersion) -> dict[str, Any]:
    """A version as the API shows it: the content plus labels a page needs and its dates."""
    data = row.data
    fee = data.get("fee") or ""
    return {
        **data,
        "category_zh": CATEGORY_BY_ID[data["category"]].zh,
        "list_zh": LIST_BY_ID[data["list"]].zh,
        "fee_text": format_fee(Decimal(fee)) if fee[:1].isdigit() else fee,
        "time_limit": time_limit_text(data.get("time_limit_days"), data.get("time_limit_unit", "working_days")),
        "responsible_text": f"本事项由{data['responsible']}负责" if data.get("responsible") else "",
        "venues": [{**v, "kind_zh": VENUE_KINDS.get(v["kind"], v["kind"])} for v in data.get("venues", [])],
        "version": row.version,
        "status": row.status,
        "status_zh": STATUS_NAMES_ZH[row.status],
        "published_on": _iso(row.published_on),
        "superseded_on": _iso(row.superseded_on),
        "revoked_on": _iso(row.revoked_on),
        "revoke_reason": row.revoke_reason,
        "admission_required": item.admission_required,
        "etag": etag(row),
    }


def _pairs(areas: Iterable[str]) -> list[tuple[str, str]]:
    return [(c, infer_level(c)) for c in areas]


async def admissions_in_force(item: ServiceItem, day: date) -> list[dict]:
    rows = await Admission.filter(item_id=item.id, state__in=("approved", "active", "expired")).order_by("id").values(
        "id", "item_id", "areas", "period_start", "period_end", "state", "decided_on", "ended_on", "department")
    out = []
    for r in rows:
        w = admission_windows(r)
        if w is not None and w[0] <= day < w[1]:
            out.append({"id": r["id"], "areas": r["areas"], "department": r["department"],
                        "period_start": r["period_start"].isoformat(), "period_end": r["period_end"].isoformat()})
    return out


async def item_detail(code: str, *, day: date, area: str | None = None, version: int | None = None,
                      may_see_drafts: bool = False) -> dict[str, Any]:
    """The version of an item in force on ``day`` (or version ``version``), as residents see it.

    NotFound says why when there is none: never published, revoked, not yet in force, not
    admitted on that day, or not for ``area``.
    """
    item = await get_item(code)
    rows = await versions_of(item)
    by_number = {r.version: r for r in rows}
    if version is not None:
        row = by_number.get(version)
        if row is None or (row.status == "draft" and not may_see_drafts):
            raise NotFound(f"事项 {item.code} 没有第 {version} 版", f"{item.code} has no version {version}",
                           code=ErrorCode.VERSION_NOT_FOUND, details={"code": item.code, "version": version})
        view = version_view(item, row)
        view["in_force"] = record_of(row, item.code).in_force_on(day)
        return view
    live = catalog_on([record_of(r, item.code) for r in rows], day).get(item.code)
    if live is None:
        raise NotFound(*_why_not(item, rows, day),
                       code=ErrorCode.NOT_IN_FORCE, details={"code": item.code, "on": day.isoformat()})
    view = version_view(item, by_number[live.version])
    view["in_force"] = True
    areas = view["areas"]
    if item.admission_required:
        admitted = await admissions_in_force(item, day)
        if not admitted:
            raise NotFound(f"准入事项 {item.code} 在 {day} 未列入任何社区清单",
                           f"admission item {item.code} is not in any community's list on {day}",
                           code=ErrorCode.NOT_ADMITTED, details={"code": item.code, "on": day.isoformat()})
        view["admissions"] = admitted
        areas = view["areas"] = sorted({c for a in admitted for c in a["areas"]})
    if area is not None and not applies_to(_pairs(areas), area):
        raise NotFound(f"事项 {item.code} 不适用于区域 {area}", f"item {item.code} does not apply in area {area}",
                       code=ErrorCode.NOT_FOR_AREA, details={"code": item.code, "area": area})
    if may_see_drafts and rows[-1].status == "draft":
        view["draft"] = {"version": rows[-1].version, "etag": etag(rows[-1])}
    return view


def _why_not(item: ServiceItem, rows: list[ServiceItemVersion], day: date) -> tuple[str, str]:
    published = [r for r in rows if r.published_on is not None]
    if not published:
        return f"事项 {item.code} 尚未发布", f"item {item.code} is not published"
    first = min(r.published_on for r in published if r.published_on is not None)
    if day < first:
        return f"事项 {item.code} 自 {first} 起实施", f"item {item.code} is in force from {first}"
    revoked = [r for r in published if r.revoked_on is not None and r.revoked_on <= day]
    if revoked:
        r = revoked[-1]
        reason = f":{r.revoke_reason}" if r.revoke_reason else ""
        return f"事项 {item.code} 已于 {r.revoked_on} 撤销{reason}", f"item {item.code} was revoked on {r.revoked_on}"
    return f"事项 {item.code} 在 {day} 未实施", f"item {item.code} is not in force on {day}"


async def version_list(code: str, *, may_see_drafts: bool) -> dict[str, Any]:
    item = await get_item(code)
    rows = await versions_of(item)
    shown = [r for r in rows if may_see_drafts or r.status != "draft"]
    if not shown:
        raise NotFound(f"事项 {item.code} 尚未发布", f"item {item.code} is not published", code=ErrorCode.NOT_IN_FORCE,
                       details={"code": item.code})
    return {"code": item.code, "admission_required": item.admission_required,
            "versions": [version_view(item, r) for r in shown]}


async def scope_areas(item: ServiceItem, rows: list[ServiceItemVersion] | None = None) -> list[str]:
    """The areas whose officials answer for an item: those of its latest and in-force versions,
    or, for an admission item, every area it was ever applied for (empty = everywhere)."""
    if item.admission_required:
        lists = await Admission.filter(item_id=item.id).values_list("areas", flat=True)
        return sorted({c for areas in lists for c in areas})
    rows = rows if rows is not None else await versions_of(item)
    out: set[str] = set()
    everywhere = False
    for r in rows:
        if r.status in ("draft", "published") or r is rows[-1]:
            everywhere |= not r.areas
            out.update(r.areas)
    return [] if everywhere else sorted(out)


async def top_area_codes() -> list[str]:
    """The areas an item for everywhere covers: the top of the deployment's tree."""
    # flat=True gives bare values, not the tuples Tortoise's stubs say
    return sorted(cast(list[str], await Area.filter(parent_id=None).values_list("code", flat=True)))


async def check_areas_exist(codes: Iterable[str], field: str = "areas") -> None:
    codes = list(dict.fromkeys(codes))
    if not codes:
        return
    found = set(await Area.filter(code__in=codes).values_list("code", flat=True))
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError(f"适用区域 {'、'.join(missing)} 不存在", f"unknown area {', '.join(missing)}",
                              code=ErrorCode.UNKNOWN_AREA, details={"field": field, "missing": missing})
