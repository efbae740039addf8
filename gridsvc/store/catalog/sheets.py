"""The catalog as spreadsheets: .xlsx and .csv with Chinese headers, export and import.

Officials live in Excel: the export is the catalog in force on a day (one row per item, the
columns of `gridsvc.domain.catalog_io.HEADERS`), and the import reads the same sheet back.
An import is all or nothing: every bad row is reported with its row number and column (the
cell rules of catalog_io, then the areas that must exist and lie in the importer's scope), and
nothing is stored while any row is bad. A row whose item exists makes a new version (or edits
the draft); an unchanged row changes nothing, so importing a file twice is harmless.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any, cast

from tortoise.transactions import in_transaction

from gridsvc.domain import clock
from gridsvc.domain.catalog import (
    CATEGORIES,
    LISTS,
    VENUE_KINDS,
    ServiceItemData,
    item_to_dict,
    next_version,
    publish,
)
from gridsvc.domain.catalog_io import HEADERS, item_to_row, numbered_items
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Unauthenticated,
    ValidationError,
)
from gridsvc.domain.scope import Principal, is_system
from gridsvc.domain.sheet_rows import RowProblem
from gridsvc.store import audit, spreadsheets
from gridsvc.store.areas.models import Area
from gridsvc.store.catalog.authority import Authorize, actor_name, authorize_change
from gridsvc.store.catalog.items import check_day, items_on, store_publication
from gridsvc.store.catalog.models import ServiceItem, ServiceItemVersion
from gridsvc.store.catalog.reading import record_of, scope_areas
from gridsvc.store.catalog.search import bump_revision, mark_all_dirty
from gridsvc.store.spreadsheets import XLSX_TYPE as XLSX_TYPE  # the media type of write_xlsx's bytes
from gridsvc.store.spreadsheets import rejected

SHEET = "服务事项"
_CHUNK = 500


# ---- writing ------------------------------------------------------------------------------

_WIDTHS = {"代码": 12, "名称": 28, "类别": 12, "清单": 20, "设定依据": 40, "所需材料": 50, "办理时限(工作日)": 10,
           "收费": 10, "办理地点": 60, "联系方式": 24, "适用区域": 18, "摘要": 50, "关键词": 20}
_WRAP = {"设定依据", "所需材料", "办理地点", "摘要"}

INSTRUCTIONS = [
    "填写说明 (how to fill in the sheet)",
    "第一行是表头,请勿修改列名;列的顺序可以调整。每行一个事项。",
    "代码: 清单-类别-序号,如 GS-SB-001。已有的代码导入后生成新版本,新代码新建事项。",
    "类别: " + "、".join(c.zh for c in CATEGORIES),
    "清单: " + "、".join(x.zh for x in LISTS),
    "所需材料: 多项用分号 ; 分隔,每项写作 名称(份数份[,电子证照可][,备注]),如 居民身份证(1份,电子证照可);户口簿(1份)。",
    "办理地点: 每行一个地点,写作 类型|名称|地址|办理时间|网址;类型为 " + "、".join(VENUE_KINDS.values()) + "。",
    "办理时限(工作日): 整数,0 或“即办”表示当场办结,留空表示未规定。",
    "收费: 金额(如 15 或 15元)或文字(如 不收费)。",
    "适用区域: 区划代码,多个用逗号分隔;留空表示全市适用。街道的事项适用于其下各社区。",
    "关键词: 多个用逗号分隔,供检索使用(如 低保)。",
    "导入时任何一行有误,整个文件都不会存入,并逐行列出问题。",
]


def write_xlsx(items: Iterable[ServiceItemData]) -> bytes:
    # start-up cost: openpyxl loads only when a sheet is written (store.spreadsheets)
    from openpyxl.styles import Alignment
    from openpyxl.worksheet.datavalidation import DataValidation

    wb, ws = spreadsheets.new_workbook(SHEET)
    spreadsheets.header_row(ws, HEADERS, (_WIDTHS.get(head, 14) for head in HEADERS))
    wrap = Alignment(wrap_text=True, vertical="top")
    n = 1
    for item in items:
        n += 1
        ws.append(item_to_row(item))
        for j, head in enumerate(HEADERS, start=1):  # (no formula: xlsx_bytes keeps strings as text)
            if head in _WRAP:
                ws.cell(row=n, column=j).alignment = wrap
    for head, names in (("类别", [c.zh for c in CATEGORIES]), ("清单", [x.zh for x in LISTS])):
        col = ws.cell(row=1, column=HEADERS.index(head) + 1).column_letter
        dv = DataValidation(type="list", formula1='"' + ",".join(names) + '"', allow_blank=False)
        dv.error, dv.errorTitle = f"请从列表中选择{head}", head
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}{max(n, 2) + 1000}")
    spreadsheets.notes_sheet(wb, INSTRUCTIONS, 120)
    return spreadsheets.xlsx_bytes(wb)


def write_csv(items: Iterable[ServiceItemData]) -> bytes:
    return spreadsheets.csv_bytes(HEADERS, (item_to_row(item) for item in items))


# ---- reading ------------------------------------------------------------------------------


def read_rows(data: bytes, fmt: str) -> list[list[Any]]:
    """The rows of a catalog file (its sheet 服务事项 when it has one)."""
    return spreadsheets.read_rows(data, fmt, sheet=SHEET)


def parse(data: bytes, fmt: str) -> list[tuple[int, ServiceItemData]]:
    """Items with their row numbers, or ValidationError listing every bad row and column."""
    numbered, problems = numbered_items(read_rows(data, fmt))
    if problems:
        raise rejected(problems)
    if not numbered:
        raise ValidationError("文件中没有事项", "the file holds no items", code=ErrorCode.EMPTY_FILE)
    return numbered


# ---- import -------------------------------------------------------------------------------


def _chunks(seq: Sequence[Any], n: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


async def import_items(numbered: list[tuple[int, ServiceItemData]], *, actor: Principal | None,
                       authorize: Authorize = None, publish_items: bool = True, on: date | None = None,
                       dry_run: bool = False) -> dict[str, Any]:
    """Store the items of a sheet, all or nothing (see the module's docstring).

    ``publish_items``: publish every new or changed item from ``on`` (default today);
    otherwise leave them as drafts. ``dry_run``: check everything, store nothing.
    """
    day = check_day(on, "发布", "publication", allow_past=is_system(actor))
    codes = [it.code for _, it in numbered]
    existing: dict[str, ServiceItem] = {}
    for chunk in _chunks(codes):
        existing.update({i.code: i for i in await ServiceItem.filter(code__in=list(chunk))})
    rows_of: dict[int, list[ServiceItemVersion]] = {}
    for chunk in _chunks([i.id for i in existing.values()]):
        for v in await ServiceItemVersion.filter(item_id__in=list(chunk)).order_by("version"):
            rows_of.setdefault(v.item_id, []).append(v)
    wanted_areas = sorted({c for _, it in numbered for c in it.areas})
    known: set[str] = set()
    for chunk in _chunks(wanted_areas):
        known.update(cast(list[str], await Area.filter(code__in=list(chunk)).values_list("code", flat=True)))

    problems: list[RowProblem] = []
    creates: list[ServiceItemData] = []
    updates: list[tuple[ServiceItem, list[ServiceItemVersion], ServiceItemData, dict]] = []
    unchanged = 0
    for n, it in numbered:
        ex = existing.get(it.code)
        rows = rows_of.get(ex.id, []) if ex else []
        if ex is not None and ex.admission_required:
            it = replace(it, areas=[])  # admitted areas come from admissions, not from the sheet
        missing = [c for c in it.areas if c not in known]
        if missing:
            problems.append(RowProblem(n, "适用区域", "unknown_area",
                                       f"区域 {'、'.join(missing)} 不存在 (unknown area)"))
            continue
        try:
            if ex is not None:
                await authorize_change(authorize, actor, "catalog.edit", await scope_areas(ex, rows))
            if ex is None or not ex.admission_required:
                await authorize_change(authorize, actor, "catalog.edit", it.areas)
        except (Forbidden, Unauthenticated) as e:
            problems.append(RowProblem(n, "适用区域", "forbidden", e.message))
            continue
        content = item_to_dict(it)
        if ex is None:
            creates.append(it)
            continue
        latest = rows[-1]
        if latest.data == content and (latest.status == "published"
                                       or (latest.status == "draft" and not publish_items)):
            unchanged += 1
            continue
        records = [record_of(r, ex.code) for r in rows]
        draft = next_version(records, it)
        plan: dict[str, Any] = {"row": n, "draft": draft}
        if publish_items:
            with_draft = [r for r in records if r.version != draft.version] + [draft]
            try:
                plan["changed"] = publish(with_draft, day)
            except DomainError as e:
                problems.append(RowProblem(n, "代码", e.code, e.message))
                continue
        updates.append((ex, rows, it, plan))
    if problems:
        raise rejected(problems)
    report: dict[str, Any] = {
        "rows": len(numbered), "created": len(creates), "updated": len(updates), "unchanged": unchanged,
        "published": publish_items, "on": day.isoformat() if publish_items else None, "dry_run": dry_run,
        "codes": {"created": [i.code for i in creates][:1000], "updated": [u[0].code for u in updates][:1000]},
    }
    if dry_run or not (creates or updates):
        return report
    name = actor_name(actor)
    status = "published" if publish_items else "draft"
    async with in_transaction():
        for chunk in _chunks(creates, 1000):
            await ServiceItem.bulk_create([ServiceItem(code=i.code, item_list=i.list, category=i.category)
                                           for i in chunk])
        ids: dict[str, int] = {}
        for chunk in _chunks([i.code for i in creates]):
            ids.update(await ServiceItem.filter(code__in=list(chunk)).values_list("code", "id"))
        await ServiceItemVersion.bulk_create([
            ServiceItemVersion(item_id=ids[i.code], version=1, status=status, name=i.name, data=item_to_dict(i),
                               areas=list(i.areas), edited_by=name,
                               published_on=day if publish_items else None, published_by=name if publish_items else "")
            for i in creates], batch_size=1000)
        for ex, rows, it, plan in updates:
            await _store_update(ex, rows, it, plan, actor)
        if publish_items:
            await bump_revision([ids[i.code] for i in creates] + [u[0].id for u in updates])
        await audit.record(actor, "catalog.import", "catalog", f"{len(creates) + len(updates)} items",
                           after={"created": report["codes"]["created"][:200],
                                  "updated": report["codes"]["updated"][:200], "published": report["on"]})
    mark_all_dirty()
    return report


async def _store_update(item: ServiceItem, rows: list[ServiceItemVersion], it: ServiceItemData, plan: dict,
                        actor: Principal | None) -> None:
    name = actor_name(actor)
    draft = plan["draft"]
    content = item_to_dict(it)
    by_number = {r.version: r for r in rows}
    latest = rows[-1]
    if draft.version == latest.version:
        if latest.data != content:
            n = await ServiceItemVersion.filter(id=latest.id, status="draft", edits=latest.edits).update(
                data=content, name=it.name, areas=list(it.areas), edited_by=name, edits=latest.edits + 1)
            if n != 1:
                raise Conflict(f"事项 {item.code} 的草稿已被他人修改,请重新导入",
                               f"the draft of {item.code} changed meanwhile",
                               code=ErrorCode.STALE, details={"row": plan["row"]})
    else:
        by_number[draft.version] = await ServiceItemVersion.create(
            item_id=item.id, version=draft.version, status="draft", name=it.name, data=content,
            areas=list(it.areas), edited_by=name)
    if "changed" in plan:
        await store_publication(item, plan["changed"], by_number, actor)


async def export_items(*, on: date | None = None, area: str | None = None, category: str | None = None,
                       list_: str | None = None) -> list[ServiceItemData]:
    return await items_on(on or clock.today(), area=area, category=category, list_=list_)
