"""Changing the public-service catalog: items and their versions.

The rules come from `gridsvc.domain.catalog`; this module stores their results. A published
version is never edited: an edit makes the next version as a draft, and publishing it
supersedes the one in force with conditional updates (``filter(id=.., status=..).update``,
row count checked), so two officials cannot both publish over one version. Every change is in
the audit log; changes to what residents see bump the catalog revision (.search) in the
same transaction.

Permission: every change is checked against the scope of the areas of an item before and
after it (an empty list means everywhere: every top-level area), so an official can neither
edit an item beyond their scope nor move one out of it. The check is `authorizer_for(actor)`
unless the caller hands in its own ``authorize(action, areas)``; there is no unchecked default:
the system itself (CLI, demo loader) passes ``actor=SYSTEM``, and no actor may change nothing.

Reading lives in .reading, who may change what in .authority, admission (准入) in .admission,
spreadsheets in .sheets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any, cast

from tortoise.transactions import in_transaction

from gridsvc.domain import clock
from gridsvc.domain.admission import check_admissible
from gridsvc.domain.catalog import (
    CATEGORY_BY_ID,
    LIST_BY_ID,
    ItemStatus,
    ItemVersion,
    ServiceItemData,
    category_id,
    check_item,
    item_to_dict,
    list_id,
    next_version,
    publish,
    revoke,
    suggest_code,
)
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import Conflict, ValidationError
from gridsvc.domain.scope import Principal, is_system
from gridsvc.store import audit
from gridsvc.store.catalog.authority import Authorize, actor_name, authorize_change
from gridsvc.store.catalog.models import Admission, ServiceItem, ServiceItemVersion
from gridsvc.store.catalog.reading import (
    check_areas_exist,
    etag,
    get_item,
    normalise_code,
    record_of,
    scope_areas,
    version_view,
    versions_of,
)
from gridsvc.store.catalog.search import build, bump_revision, load_rows, mark_all_dirty

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
        list_prefix = LIST_BY_ID[list_id(data.get('list'))].prefix
        head = f"{list_prefix}-{CATEGORY_BY_ID[category_id(data.get('category'))].prefix}-"
    except ValidationError:
        return []
    # flat=True gives bare values, not the tuples Tortoise's stubs say
    return cast(list[str], await ServiceItem.filter(code__startswith=head).values_list("code", flat=True))


async def create_item(data: dict[str, Any], *, actor: Principal | None, authorize: Authorize = None,
                      admission_required: bool = False) -> dict[str, Any]:
    """A new item as draft version 1. Without a code it gets the next free one."""
    if not isinstance(data, dict):
        raise ValidationError("事项应为对象", "an item must be an object", code=ErrorCode.BAD_TYPE,
                              details={"field": "item"})
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
        await authorize_change(authorize, actor, "catalog.edit", item_data.areas)
    if await ServiceItem.exists(code=item_data.code):
        raise Conflict(f"事项代码 {item_data.code} 已存在", f"item code {item_data.code} exists",
                       code=ErrorCode.ITEM_EXISTS,
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
    await authorize_change(authorize, actor, "catalog.edit", await scope_areas(item, rows))
    if not item.admission_required:
        await authorize_change(authorize, actor, "catalog.edit", new.areas)
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


def check_day(on: date | None, what_zh: str, what_en: str, *, allow_past: bool) -> date:
    day = on or clock.today()
    if not allow_past and day < clock.today():
        raise ValidationError(f"{what_zh}日期不能早于今天 ({clock.today()}):已过去的目录不可改写",
                              f"the {what_en} date cannot be in the past: the catalog of past days is a record",
                              code=ErrorCode.DATE_IN_PAST, details={"field": "on"})
    return day


async def publish_item(code: str, *, on: date | None = None, actor: Principal | None, authorize: Authorize = None,
                       allow_past: bool = False) -> dict[str, Any]:
    """Publish the draft from ``on`` (default today; a later day schedules it); the version in
    force until then is superseded that day. Past days only for the system (imports of
    historical catalogs)."""
    day = check_day(on, "发布", "publication", allow_past=allow_past or is_system(actor))
    item = await get_item(code)
    rows = await versions_of(item)
    await authorize_change(authorize, actor, "catalog.publish", await scope_areas(item, rows))
    changed = publish([record_of(r, item.code) for r in rows], day)
    by_number = {r.version: r for r in rows}
    async with in_transaction():
        await store_publication(item, changed, by_number, actor)
        await bump_revision([item.id])
        await audit.record(actor, "catalog.publish", "service_item", item.code,
                           area_code=_audit_area(by_number[changed[0].version].areas),
                           after={"version": changed[0].version, "published_on": day.isoformat(),
                                  "superseded": changed[1].version if len(changed) > 1 else None})
    mark_all_dirty()  # again after the commit: a search racing the transaction may have read the old revision
    row = await ServiceItemVersion.get(id=by_number[changed[0].version].id)
    return version_view(item, row)


async def store_publication(item: ServiceItem, changed: list[ItemVersion], by_number: dict[int, ServiceItemVersion],
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
    day = check_day(on, "撤销", "revocation", allow_past=is_system(actor))
    item = await get_item(code)
    rows = await versions_of(item)
    await authorize_change(authorize, actor, "catalog.publish", await scope_areas(item, rows))
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
    await authorize_change(authorize, actor, "catalog.edit", await scope_areas(item, rows))
    async with in_transaction():
        n = await ServiceItemVersion.filter(id=rows[-1].id, status="draft").delete()
        if n != 1:
            raise Conflict("草稿已被他人发布或删除", "the draft was published or deleted meanwhile",
                           code=ErrorCode.STALE)
        if len(rows) == 1 and not await Admission.exists(item_id=item.id):
            await ServiceItem.filter(id=item.id).delete()
        await audit.record(actor, "catalog.discard", "service_item", item.code, before=rows[-1].data)


# ---- the catalog of a day (export, demo) --------------------------------------------------


async def items_on(day: date, *, area: str | None = None, category: str | None = None,
                   list_: str | None = None) -> list[ServiceItemData]:
    """Every item in force on ``day`` (for ``area``, with street-to-community inheritance), by
    code. An admission item carries the areas admitted that day."""
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
