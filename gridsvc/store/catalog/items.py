"""The public-service catalog in the store: items and their versions.

The rules come from `gridsvc.domain.catalog`; this module stores their results. A published
version is never edited: an edit makes the next version as a draft, and publishing it
supersedes the one in force with conditional updates (``filter(id=.., status=..).update``,
row count checked), so two officials cannot both publish over one version. Every change is in
the audit log; changes to what residents see bump the catalog revision (catalog_search) in the
same transaction.

Permission: every change is checked against the scope of the areas of an item before and
after it (an empty list means everywhere: every top-level area), so an official can neither
edit an item beyond their scope nor move one out of it. The check is `authorizer_for(actor)`
unless the caller hands in its own ``authorize(action, areas)``; there is no unchecked default:
the system itself (CLI, demo loader) passes ``actor=SYSTEM``, and no actor may change nothing.

Admission (准入) lives in catalog_admission, spreadsheets in catalog_sheets.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from gridsvc.domain.admission import check_admissible
from gridsvc.domain.catalog import (
    CATEGORY_BY_ID,
    LIST_BY_ID,
    STATUS_NAMES_ZH,
    VENUE_KINDS,
    ItemStatus,
    ItemVersion,
    ServiceItemData,
    applies_to,
    catalog_on,
    category_id,
    check_item,
    format_fee,
    infer_level,
    item_to_dict,
    list_id,
    next_version,
    publish,
    revoke,
    suggest_code,
)
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import Conflict, Forbidden, NotFound, ValidationError
from gridsvc.domain.scope import Principal, is_system
from gridsvc.domain.scope import authorize as authorize_in_scope
from gridsvc.store.accounts import audit
from gridsvc.store.areas.models import Area
from gridsvc.store.catalog.models import Admission, ServiceItem, ServiceItemVersion
from gridsvc.store.catalog.search import (
    admission_windows,
    bump_revision,
    mark_all_dirty,
    time_limit_text,
)

TZ = ZoneInfo("Asia/Shanghai")
Authorize = Callable[[str, Sequence[str]], Awaitable[None]] | None


def today() -> date:
    """The date in China, where the catalog's days are counted."""
    return datetime.now(TZ).date()


def actor_name(actor: Principal | None) -> str:
    return (actor.username if actor else "") or "system"


def authorizer_for(actor: Principal | None) -> Callable[[str, Sequence[str]], Awaitable[None]]:
    """``authorize(action, areas)`` by the permission table for ``actor``: every area, an empty
    list (everywhere) for every top-level area of the deployment."""

    async def check(action: str, areas: Sequence[str]) -> None:
        if actor is None:
            raise Forbidden("未指明操作者", "the store changes the catalog for someone: pass an actor",
                            code=ErrorCode.NO_ACTOR, details={"action": action})
        codes = list(areas) or await top_area_codes() or ["-"]  # "-": within nobody's scope
        for code in codes:
            authorize_in_scope(actor, action, code)

    return check


async def _authorize(authorize: Authorize, actor: Principal | None, action: str, areas: Iterable[str]) -> None:
    await (authorize or authorizer_for(actor))(action, list(areas))


async def granted(action: str, areas: Sequence[str]) -> None:
    """The ``authorize`` of a step inside a change that was authorised as a whole (the item an
    admission application brings is created under the application's own check)."""


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
    first = min(r.published_on for r in published)  # type: ignore[type-var]
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
    return sorted(await Area.filter(parent_id=None).values_list("code", flat=True))


async def check_areas_exist(codes: Iterable[str], field: str = "areas") -> None:
    codes = list(dict.fromkeys(codes))
    if not codes:
        return
    found = set(await Area.filter(code__in=codes).values_list("code", flat=True))
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError(f"适用区域 {'、'.join(missing)} 不存在", f"unknown area {', '.join(missing)}",
                              code=ErrorCode.UNKNOWN_AREA, details={"field": field, "missing": missing})


# ---- changes ------------------------------------------------------------------------------


def _fill_code(data: dict[str, Any], existing: Iterable[str]) -> dict[str, Any]:
    """A new item without a code gets the next free one of its list and category."""
    if data.get("code"):
        return data
    try:
        return {**data, "code": suggest_code(list_id(data.get("list")), category_id(data.get("category")), existing)}
    except ValidationError:
        return data  # check_item names the bad list or category


async def _codes_like(data: dict[str, Any]) -> list[str]:
    try:
        head = f"{LIST_BY_ID[list_id(data.get('list'))].prefix}-{CATEGORY_BY_ID[category_id(data.get('category'))].prefix}-"
    except ValidationError:
        return []
    return list(await ServiceItem.filter(code__startswith=head).values_list("code", flat=True))


async def create_item(data: dict[str, Any], *, actor: Principal | None, authorize: Authorize = None,
                      admission_required: bool = False) -> dict[str, Any]:
    """A new item as draft version 1. Without a code it gets the next free one."""
    if not isinstance(data, dict):
        raise ValidationError("事项应为对象", "an item must be an object", code=ErrorCode.BAD_TYPE, details={"field": "item"})
    if not data.get("code"):
        data = _fill_code(data, await _codes_like(data))
    item_data = check_item(data)
    if admission_required:
        check_admissible(item_data.list, item_data.code)
        if item_data.areas:
            raise ValidationError("准入事项的适用区域由准入批准决定,事项本身不填适用区域",
                                  "an admission item applies where its admissions are approved; leave its areas empty",
                                  code=ErrorCode.ADMISSION_AREAS, details={"field": "areas"})
    else:
        await check_areas_exist(item_data.areas)
        await _authorize(authorize, actor, "catalog.edit", item_data.areas)
    if await ServiceItem.exists(code=item_data.code):
        raise Conflict(f"事项代码 {item_data.code} 已存在", f"item code {item_data.code} exists", code=ErrorCode.ITEM_EXISTS,
                       details={"code": item_data.code,
                                "suggest": suggest_code(item_data.list, item_data.category,
                                                        await _codes_like(item_to_dict(item_data)))})
    async with in_transaction():
        item = await ServiceItem.create(code=item_data.code, item_list=item_data.list, category=item_data.category,
                                        admission_required=admission_required)
        row = await ServiceItemVersion.create(item=item, version=1, status="draft", name=item_data.name,
                                              data=item_to_dict(item_data), areas=list(item_data.areas),
                                              edited_by=actor_name(actor))
        await audit.record(actor, "catalog.create", "service_item", item.code, area_code=_audit_area(item_data.areas),
                           after=row.data)
    return version_view(item, row)


def _audit_area(areas: Sequence[str]) -> str:
    return areas[0] if len(areas) == 1 else ""


def _match_etag(if_match: str | None, row: ServiceItemVersion) -> None:
    if if_match is None:
        return
    wanted = if_match.strip().removeprefix("W/")
    if wanted != "*" and wanted.strip('"') != etag(row).strip('"'):
        raise Conflict(f"事项已被他人修改(现为第 {row.version} 版),请刷新后重试",
                       f"the item changed meanwhile (now version {row.version}.{row.edits}); reload and retry",
                       code=ErrorCode.STALE, details={"etag": etag(row)})


async def edit_item(code: str, patch: dict[str, Any], *, actor: Principal | None, authorize: Authorize = None,
                    if_match: str | None = None) -> dict[str, Any]:
    """Change an item: the latest draft is edited, otherwise version n+1 is made as a draft.

    ``patch`` holds the fields to change. Returns the draft (``changed`` false when the
    content is the same as before).
    """
    item = await get_item(code)
    if not isinstance(patch, dict):
        raise ValidationError("修改内容应为对象", "the change must be an object", code=ErrorCode.BAD_TYPE)
    if "code" in patch and normalise_code(patch["code"]) != item.code:
        raise ValidationError("事项代码不能修改", "an item's code cannot change", code=ErrorCode.CODE_CHANGED,
                              details={"field": "code"})
    rows = await versions_of(item)
    latest = rows[-1]
    _match_etag(if_match, latest)
    new = check_item({**latest.data, **patch, "code": item.code})
    if (new.list, new.category) != (item.item_list, item.category):
        field = "list" if new.list != item.item_list else "category"
        raise ValidationError("清单和类别是事项代码的一部分,不能修改;请撤销本事项并按新清单或类别新建",
                              "list and category are part of the code; revoke this item and create a new one",
                              code=ErrorCode.CODE_MISMATCH, details={"field": field})
    if item.admission_required and new.areas:
        raise ValidationError("准入事项的适用区域由准入批准决定", "an admission item's areas come from its admissions",
                              code=ErrorCode.ADMISSION_AREAS, details={"field": "areas"})
    await check_areas_exist(new.areas)
    await _authorize(authorize, actor, "catalog.edit", await scope_areas(item, rows))
    if not item.admission_required:
        await _authorize(authorize, actor, "catalog.edit", new.areas)
    content = item_to_dict(new)
    if content == latest.data:
        return {**version_view(item, latest), "changed": False}
    record = next_version([record_of(r, item.code) for r in rows], new)
    async with in_transaction():
        if record.version == latest.version:  # the latest is a draft: edit it
            n = await ServiceItemVersion.filter(id=latest.id, status="draft", edits=latest.edits).update(
                data=content, name=new.name, areas=list(new.areas), edited_by=actor_name(actor), edits=latest.edits + 1)
            if n != 1:
                raise Conflict("草稿已被他人修改或发布,请刷新后重试", "the draft changed meanwhile; reload and retry",
                               code=ErrorCode.STALE)
        else:
            await ServiceItemVersion.create(item=item, version=record.version, status="draft", name=new.name,
                                            data=content, areas=list(new.areas), edited_by=actor_name(actor))
        await audit.record(actor, "catalog.edit", "service_item", item.code, area_code=_audit_area(new.areas),
                           before=latest.data, after=content)
    row = await ServiceItemVersion.get(item_id=item.id, version=record.version)
    return {**version_view(item, row), "changed": True}


def _check_day(on: date | None, what_zh: str, what_en: str, *, allow_past: bool) -> date:
    day = on or today()
    if not allow_past and day < today():
        raise ValidationError(f"{what_zh}日期不能早于今天 ({today()}):已过去的目录不可改写",
                              f"the {what_en} date cannot be in the past: the catalog of past days is a record",
                              code=ErrorCode.DATE_IN_PAST, details={"field": "on"})
    return day


async def publish_item(code: str, *, on: date | None = None, actor: Principal | None, authorize: Authorize = None,
                       allow_past: bool = False) -> dict[str, Any]:
    """Publish the draft from ``on`` (default today; a later day schedules it); the version in
    force until then is superseded that day. Past days only for the system (imports of
    historical catalogs)."""
    day = _check_day(on, "发布", "publication", allow_past=allow_past or is_system(actor))
    item = await get_item(code)
    rows = await versions_of(item)
    await _authorize(authorize, actor, "catalog.publish", await scope_areas(item, rows))
    changed = publish([record_of(r, item.code) for r in rows], day)
    by_number = {r.version: r for r in rows}
    async with in_transaction():
        await _store_publication(item, changed, by_number, actor)
        await bump_revision([item.id])
        await audit.record(actor, "catalog.publish", "service_item", item.code,
                           area_code=_audit_area(by_number[changed[0].version].areas),
                           after={"version": changed[0].version, "published_on": day.isoformat(),
                                  "superseded": changed[1].version if len(changed) > 1 else None})
    mark_all_dirty()  # again after the commit: a search racing the transaction may have read the old revision
    row = await ServiceItemVersion.get(id=by_number[changed[0].version].id)
    return version_view(item, row)


async def _store_publication(item: ServiceItem, changed: list[ItemVersion], by_number: dict[int, ServiceItemVersion],
                             actor: Principal | None) -> None:
    for rec in changed:
        row = by_number[rec.version]
        if rec.status is ItemStatus.PUBLISHED:
            n = await ServiceItemVersion.filter(id=row.id, status="draft").update(
                status="published", published_on=rec.published_on, published_by=actor_name(actor))
        else:
            n = await ServiceItemVersion.filter(id=row.id, status="published").update(
                status="superseded", superseded_on=rec.superseded_on)
        if n != 1:
            raise Conflict(f"事项 {item.code} 已被他人发布或撤销,请刷新后重试",
                           f"item {item.code} was published or revoked meanwhile; reload and retry",
                           code=ErrorCode.STALE)


async def revoke_item(code: str, *, reason: str, on: date | None = None, actor: Principal | None,
                      authorize: Authorize = None) -> dict[str, Any]:
    """Take the published version out of force from ``on`` (default today), with a reason."""
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError("撤销须写明理由", "a revocation needs a reason", code=ErrorCode.REASON_REQUIRED,
                              details={"field": "reason"})
    day = _check_day(on, "撤销", "revocation", allow_past=is_system(actor))
    item = await get_item(code)
    rows = await versions_of(item)
    await _authorize(authorize, actor, "catalog.publish", await scope_areas(item, rows))
    rec = revoke([record_of(r, item.code) for r in rows], day)
    row = next(r for r in rows if r.version == rec.version)
    async with in_transaction():
        n = await ServiceItemVersion.filter(id=row.id, status="published").update(
            status="revoked", revoked_on=day, revoke_reason=reason[:1000])
        if n != 1:
            raise Conflict(f"事项 {item.code} 已被他人修改,请刷新后重试", f"item {item.code} changed meanwhile",
                           code=ErrorCode.STALE)
        await bump_revision([item.id])
        await audit.record(actor, "catalog.revoke", "service_item", item.code, area_code=_audit_area(row.areas),
                           after={"version": row.version, "revoked_on": day.isoformat(), "reason": reason})
    mark_all_dirty()
    await row.refresh_from_db()
    return version_view(item, row)


async def discard_draft(code: str, *, actor: Principal | None, authorize: Authorize = None) -> None:
    """Delete the latest draft; an item that never had another version goes with it."""
    item = await get_item(code)
    rows = await versions_of(item)
    if rows[-1].status != "draft":
        raise Conflict(f"事项 {item.code} 没有草稿", f"item {item.code} has no draft", code=ErrorCode.NO_DRAFT)
    await _authorize(authorize, actor, "catalog.edit", await scope_areas(item, rows))
    async with in_transaction():
        n = await ServiceItemVersion.filter(id=rows[-1].id, status="draft").delete()
        if n != 1:
            raise Conflict("草稿已被他人发布或删除", "the draft was published or deleted meanwhile", code=ErrorCode.STALE)
        if len(rows) == 1 and not await Admission.exists(item_id=item.id):
            await ServiceItem.filter(id=item.id).delete()
        await audit.record(actor, "catalog.discard", "service_item", item.code, before=rows[-1].data)


# ---- the catalog of a day (export, demo) --------------------------------------------------


async def items_on(day: date, *, area: str | None = None, category: str | None = None,
                   list_: str | None = None) -> list[ServiceItemData]:
    """Every item in force on ``day`` (for ``area``, with street-to-community inheritance), by
    code. An admission item carries the areas admitted that day."""
    from gridsvc.store.catalog.search import build, load_rows

    versions, admissions = await load_rows()
    search = build(0, versions, admissions)
    hits = search.index.search(None, category=category, list_=list_, area_code=area, on=day, limit=None)
    by_id = {v["id"]: v for v in versions}
    out = []
    for h in hits:
        vid, _ = h.id
        data = by_id[vid]["data"]
        areas = search.summaries[h.id]["areas"]
        out.append(replace(check_item(data), areas=list(areas)) if areas != data.get("areas") else check_item(data))
    return out
