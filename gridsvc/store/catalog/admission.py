"""Admission (准入) in the store: applications, decisions, and their expiry by period.

A department applies for an item to enter communities' lists for some areas and a period, with
the funding that follows the task (费随事转). An official of the county level (see
``admission.decide`` in gridsvc.domain.scope) whose scope covers every area approves or
rejects it, with a reason; nobody decides their own application. An approved item is in the
lists of the approved areas from the later of the approval day and the period's start until
the period's last day, or until it is ended early with a reason (the work is done).

Every step is a row of ``catalog_admission_step``: apply, approve/reject/withdraw, and the
steps the calendar takes (activate when the period begins, expire when it is over). Those are
recorded by `sweep` with the day they took effect, the next time anyone reads admissions; the
lists do not wait for it, because whether an item is listed is decided from the dates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from gridsvc.domain import clock
from gridsvc.domain.admission import (
    ADMISSIBLE_LIST,
    ADMISSION_STATE_NAMES_ZH,
    APPROVER_NAMES_ZH,
    AdmissionAction,
    AdmissionApplication,
    AdmissionState,
    Funding,
    admission_act,
    admission_in_force,
    admission_state_on,
    check_admissible,
    check_admission,
    check_approval_papers,
    check_approver_level,
    check_department_level,
)
from gridsvc.domain.admission import AdmissionStep as StepRecord
from gridsvc.domain.catalog import ItemStatus, infer_level, publish
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    ValidationError,
)
from gridsvc.domain.levels import is_within
from gridsvc.domain.scope import Principal, reaches_everywhere
from gridsvc.store import audit
from gridsvc.store.catalog.authority import (
    Authorize,
    actor_name,
    authorize_change,
    granted,
)
from gridsvc.store.catalog.items import create_item, store_publication
from gridsvc.store.catalog.models import Admission, AdmissionStep, ServiceItem
from gridsvc.store.catalog.reading import check_areas_exist, record_of, versions_of
from gridsvc.store.catalog.search import bump_revision, mark_all_dirty
from gridsvc.store.paging import Page, PageRequest, page_of, seek
from gridsvc.store.records import record_id

SYSTEM = "system"
_APPLICATION_KEYS = {"department", "item_code", "reason", "legal_basis", "funding", "areas", "period_start",
                     "period_end", "item", "department_level"}


def _record(adm: Admission, steps: Iterable[AdmissionStep] = ()) -> AdmissionApplication:
    """The domain's view of an admission row."""
    history = tuple(StepRecord(AdmissionAction(s.action), AdmissionState(s.from_state), AdmissionState(s.to_state),
                               s.on, s.by_name, s.reason)
                    for s in steps if s.action != "apply")
    if adm.ended_on is not None and not any(s.action is AdmissionAction.EXPIRE for s in history):
        history += (StepRecord(AdmissionAction.EXPIRE, AdmissionState.ACTIVE, AdmissionState.EXPIRED, adm.ended_on),)
    return AdmissionApplication(
        department=adm.department, item_code="", reason=adm.reason, legal_basis=adm.legal_basis,
        funding=Funding(adm.funding_amount, adm.funding_source), areas=tuple(adm.areas),
        period_start=adm.period_start, period_end=adm.period_end, state=AdmissionState(adm.state),
        applied_on=adm.applied_on, decided_by=adm.decided_by_name, decided_on=adm.decided_on,
        decision_reason=adm.decision_reason, history=history,
    )


async def get_admission(admission_id: int) -> Admission:
    rid = record_id(admission_id)  # an id no column holds (past 32 bits) names no application
    adm = await Admission.filter(id=rid).select_related("item").first() if rid is not None else None
    if adm is None:
        raise NotFound(f"准入申请 {admission_id} 不存在", f"admission application {admission_id} not found",
                       code=ErrorCode.ADMISSION_NOT_FOUND, details={"id": admission_id})
    return adm


async def admission_view(adm: Admission, *, day: date | None = None) -> dict[str, Any]:
    day = day or clock.today()
    steps = await AdmissionStep.filter(admission_id=adm.id).order_by("id")
    rec = _record(adm, steps)
    state_today = admission_state_on(rec, day)
    return {
        "id": adm.id,
        "item_code": adm.item.code,
        "department": adm.department,
        "department_level": adm.department_level,
        "approver": APPROVER_NAMES_ZH.get(adm.department_level, ""),
        "approval_document": adm.approval_document,
        "agreement": adm.agreement,
        "reason": adm.reason,
        "legal_basis": adm.legal_basis,
        "funding": {"amount": adm.funding_amount, "source": adm.funding_source},
        "areas": list(adm.areas),
        "period_start": adm.period_start.isoformat(),
        "period_end": adm.period_end.isoformat(),
        "state": adm.state,
        "state_zh": ADMISSION_STATE_NAMES_ZH[adm.state],
        "state_today": str(state_today),
        "in_force_today": admission_in_force(rec, day),
        "applied_on": adm.applied_on.isoformat(),
        "applied_by": adm.applied_by_name,
        "decided_on": adm.decided_on.isoformat() if adm.decided_on else None,
        "decided_by": adm.decided_by_name,
        "decision_reason": adm.decision_reason,
        "ended_on": adm.ended_on.isoformat() if adm.ended_on else None,
        "steps": [{"action": s.action, "from": s.from_state, "to": s.to_state, "on": s.on.isoformat(),
                   "at": s.at.isoformat(), "by": s.by_name, "reason": s.reason} for s in steps],
    }


async def apply(data: dict[str, Any], *, actor: Principal | None, authorize: Authorize = None,
                on: date | None = None) -> dict[str, Any]:
    """A department's application. ``item`` may carry the content of a new item, which is
    created as a draft marked admission_required."""
    if not isinstance(data, dict):
        raise ValidationError("申请应为对象", "the application must be an object", code=ErrorCode.BAD_TYPE)
    unknown = sorted(set(data) - _APPLICATION_KEYS)
    if unknown:
        raise ValidationError(f"未知字段 {', '.join(unknown)}", f"unknown fields: {', '.join(unknown)}",
                              code=ErrorCode.UNKNOWN_FIELD, details={"field": unknown[0]})
    day = on or clock.today()
    new_item = data.get("item")
    if new_item is not None and not isinstance(new_item, dict):
        raise ValidationError("item 应为事项对象", "item must be an item object", code=ErrorCode.BAD_TYPE,
                              details={"field": "item"})
    if not data.get("item_code") and new_item and new_item.get("code"):
        data = {**data, "item_code": new_item["code"]}
    department_level = check_department_level(data.get("department_level"))
    app = check_admission({**{k: v for k, v in data.items() if k not in ("item", "department_level")},
                           "applied_on": day})
    if app.period_end < day:
        raise ValidationError(f"准入期限已于 {app.period_end} 结束", f"the period ended on {app.period_end}",
                              code=ErrorCode.PERIOD_ENDED, details={"field": "period_end"})
    await check_areas_exist(app.areas)
    await authorize_change(authorize, actor, "admission.apply", app.areas)
    item = await ServiceItem.filter(code=app.item_code).first()
    if item is not None:
        if new_item:
            raise Conflict(f"事项 {app.item_code} 已存在,申请中不能再附事项内容(修改事项请用编辑)",
                           f"item {app.item_code} exists; edit it instead of sending its content",
                           code=ErrorCode.ITEM_EXISTS, details={"field": "item"})
        if not item.admission_required:
            raise Conflict(f"事项 {item.code} 不是准入事项,它按自身的适用区域列入清单;请修改其适用区域",
                           f"item {item.code} is not an admission item; it applies by its own areas",
                           code=ErrorCode.NOT_ADMISSION_ITEM, details={"field": "item_code"})
        check_admissible(item.item_list, item.code)
        rows = await versions_of(item)
        if not any(r.status in ("draft", "published") for r in rows):
            raise Conflict(f"事项 {item.code} 已撤销,请先编辑出新的草稿",
                           f"item {item.code} is revoked; make a new draft first",
                           code=ErrorCode.ITEM_REVOKED, details={"field": "item_code"})
    else:
        check_admissible(str(new_item.get("list") or ADMISSIBLE_LIST) if new_item else "", app.item_code)
    if item is None and not new_item:
        raise NotFound(f"事项 {app.item_code} 不存在;新事项请在 item 中附上事项内容",
                       f"item {app.item_code} not found; send the new item's content in item",
                       code=ErrorCode.ITEM_NOT_FOUND, details={"field": "item_code"})
    async with in_transaction():
        if item is None:
            # the applying department is the admitted work's 责任主体 unless the item names one
            content = {"list": ADMISSIBLE_LIST, "responsible": app.department, **(new_item or {}),
                       "code": app.item_code, "areas": []}
            await create_item(content, actor=actor, admission_required=True, authorize=granted)
            item = await ServiceItem.get(code=app.item_code)
        adm = await Admission.create(
            item=item, department=app.department, reason=app.reason, legal_basis=app.legal_basis,
            funding_amount=app.funding.amount, funding_source=app.funding.source, areas=list(app.areas),
            period_start=app.period_start, period_end=app.period_end, state="applied", applied_on=day,
            department_level=department_level,
            applied_by_id=actor.user_id if actor else None, applied_by_name=actor_name(actor))
        await AdmissionStep.create(admission=adm, action="apply", from_state="", to_state="applied", on=day,
                                   by_name=actor_name(actor), reason=app.reason)
        await audit.record(actor, "admission.apply", "admission", adm.id, area_code=_area(app.areas),
                           after={"item": item.code, "areas": list(app.areas), "department": app.department,
                                  "period": [app.period_start.isoformat(), app.period_end.isoformat()]})
    adm = await get_admission(adm.id)
    return await admission_view(adm, day=day)


def _area(areas: Iterable[str]) -> str:
    areas = list(areas)
    return areas[0] if len(areas) == 1 else ""


async def _step(adm: Admission, rec: AdmissionApplication, new: AdmissionApplication, *, by: str,
                extra: dict[str, Any] | None = None) -> None:
    """Store one step with a conditional update on the state it started from."""
    step = new.history[-1]
    n = await Admission.filter(id=adm.id, state=str(rec.state)).update(state=str(new.state), **(extra or {}))
    if n != 1:
        raise Conflict(f"准入申请 {adm.id} 已被他人处理,请刷新", f"admission {adm.id} was handled meanwhile; reload",
                       code=ErrorCode.STALE, details={"id": adm.id})
    await AdmissionStep.create(admission_id=adm.id, action=str(step.action), from_state=str(step.from_state),
                               to_state=str(step.to_state), on=step.on, by_name=by, reason=step.reason)


async def decide(admission_id: int, action: str, *, reason: str = "", actor: Principal | None,
                 authorize: Authorize = None, on: date | None = None,
                 papers: dict[str, Any] | None = None) -> dict[str, Any]:
    """Approve or reject (a rejection needs a reason). Only the leading group of the applying
    department's level decides. Approval names the approval document and the project agreement
    (``papers``) and publishes the item's draft when it has no published version yet."""
    if action not in ("approve", "reject"):
        raise ValidationError(f"未知的审批动作 {action}", f"unknown decision {action}", code=ErrorCode.UNKNOWN_ACTION)
    day = on or clock.today()
    await sweep(day)
    adm = await get_admission(admission_id)
    await authorize_change(authorize, actor, "admission.decide", adm.areas)
    if actor is not None and actor.user_id is not None and adm.applied_by_id == actor.user_id:
        raise Forbidden("不能审批自己提交的准入申请", "you cannot decide your own application",
                        code=ErrorCode.OWN_APPLICATION,
                        details={"id": adm.id})
    if actor is not None:
        check_approver_level(adm.department_level, {level for _, level in actor.areas},
                             is_admin=reaches_everywhere(actor, "admission.decide"))

    steps = await AdmissionStep.filter(admission_id=adm.id).order_by("id")
    rec = _record(adm, steps)
    new = admission_act(rec, action, on=day, by=actor_name(actor), reason=reason or "")
    extra: dict[str, Any] = {}
    if action == "approve":  # after the state check: a decided application answers 409 first
        found = check_approval_papers(papers or {})
        extra = {"approval_document": found.approval_document, "agreement": found.agreement}
    item: ServiceItem = adm.item
    async with in_transaction():
        await _step(adm, rec, new, by=actor_name(actor),
                    extra={"decided_on": day, "decided_by_name": actor_name(actor),
                           "decision_reason": new.decision_reason, **extra})
        if action == "approve":
            await _publish_for_admission(item, day, actor)
            await bump_revision([item.id])
        await audit.record(actor, f"admission.{action}", "admission", adm.id, area_code=_area(adm.areas),
                           before={"state": adm.state}, after={"state": str(new.state), "reason": new.decision_reason})
    mark_all_dirty()
    await sweep(day, ids=[adm.id])
    return await admission_view(await get_admission(adm.id), day=day)


async def _publish_for_admission(item: ServiceItem, day: date, actor: Principal | None) -> None:
    rows = await versions_of(item)
    records = [record_of(r, item.code) for r in rows]
    if any(r.status is ItemStatus.PUBLISHED for r in records):
        return
    if records[-1].status is not ItemStatus.DRAFT:
        raise Conflict(f"事项 {item.code} 已撤销,不能批准", f"item {item.code} is revoked and cannot be admitted",
                       code=ErrorCode.ITEM_REVOKED)
    changed = publish(records, day)
    await store_publication(item, changed, {r.version: r for r in rows}, actor)


async def withdraw(admission_id: int, *, reason: str = "", actor: Principal | None, authorize: Authorize = None,
                   on: date | None = None) -> dict[str, Any]:
    """The applicant (or an official over every area) takes an undecided application back."""
    day = on or clock.today()
    adm = await get_admission(admission_id)
    own = actor is not None and actor.user_id is not None and adm.applied_by_id == actor.user_id
    if not own:
        await authorize_change(authorize, actor, "admission.apply", adm.areas)
    steps = await AdmissionStep.filter(admission_id=adm.id).order_by("id")
    rec = _record(adm, steps)
    new = admission_act(rec, AdmissionAction.WITHDRAW, on=day, by=actor_name(actor), reason=reason or "")
    async with in_transaction():
        await _step(adm, rec, new, by=actor_name(actor))
        await audit.record(actor, "admission.withdraw", "admission", adm.id, area_code=_area(adm.areas),
                           after={"reason": reason})
    return await admission_view(await get_admission(adm.id), day=day)


async def end(admission_id: int, *, reason: str, actor: Principal | None, authorize: Authorize = None,
              on: date | None = None) -> dict[str, Any]:
    """End an admission before its period is over (the work is done): the item leaves the
    lists from ``on`` (default today)."""
    day = on or clock.today()
    await sweep(day)
    adm = await get_admission(admission_id)
    await authorize_change(authorize, actor, "admission.decide", adm.areas)
    steps = await AdmissionStep.filter(admission_id=adm.id).order_by("id")
    rec = _record(adm, steps)
    if rec.state not in (AdmissionState.APPROVED, AdmissionState.ACTIVE):
        raise Conflict(f"{ADMISSION_STATE_NAMES_ZH[rec.state]}的准入不能提前结束",
                       f"an admission that is {rec.state} cannot be ended", code=ErrorCode.BAD_TRANSITION,
                       details={"state": str(rec.state)})
    new = admission_act(rec, AdmissionAction.EXPIRE, on=day, by=actor_name(actor), reason=reason or "")
    async with in_transaction():
        await _step(adm, rec, new, by=actor_name(actor), extra={"ended_on": day})
        await bump_revision([adm.item_id])
        await audit.record(actor, "admission.end", "admission", adm.id, area_code=_area(adm.areas),
                           after={"ended_on": day.isoformat(), "reason": reason})
    mark_all_dirty()
    return await admission_view(await get_admission(adm.id), day=day)


async def sweep(day: date | None = None, *, ids: list[int] | None = None) -> int:
    """Record the steps the calendar has taken: approved -> active when the period has begun,
    -> expired when it is over. Each step carries the day it took effect. Returns the count.

    Conditional updates, so workers sweeping at once record each step once. The lists need no
    rebuild: the index already knows the days (so no revision bump).
    """
    day = day or clock.today()
    qs = Admission.filter(state__in=("approved", "active"), period_start__lte=day)
    if ids is not None:
        qs = qs.filter(id__in=ids)
    count = 0
    for adm in await qs:
        steps = await AdmissionStep.filter(admission_id=adm.id).order_by("id")
        rec = _record(adm, steps)
        if rec.state is AdmissionState.APPROVED:
            start = max(rec.period_start, rec.decided_on or rec.period_start)
            if start <= rec.period_end and start <= day:
                new = admission_act(rec, AdmissionAction.ACTIVATE, on=start, by=SYSTEM)
                try:
                    async with in_transaction():
                        await _step(adm, rec, new, by=SYSTEM)
                except Conflict:
                    continue
                rec, count = new, count + 1
                adm.state = str(new.state)
        if rec.period_end < day and rec.state in (AdmissionState.APPROVED, AdmissionState.ACTIVE):
            new = admission_act(rec, AdmissionAction.EXPIRE, on=rec.period_end + timedelta(days=1), by=SYSTEM,
                                reason="准入期限届满 (the period is over)")
            try:
                async with in_transaction():
                    await _step(adm, rec, new, by=SYSTEM)
                    await audit.record(None, "admission.expire", "admission", adm.id, area_code=_area(adm.areas),
                                       after={"period_end": rec.period_end.isoformat()})
            except Conflict:
                continue
            count += 1
    return count


async def list_admissions(*, visible: Callable[[list[str]], bool], state: str | None = None,
                          item: str | None = None, area: str | None = None, page: PageRequest) -> Page:
    """Applications the caller may see (``visible(areas)``), newest first. ``area``: those
    whose areas cover it or lie inside it."""
    await sweep()
    qs = Admission.all().select_related("item")
    if state:
        if state not in ADMISSION_STATE_NAMES_ZH:
            raise BadRequest(f"未知的状态 {state}", f"unknown state {state}", code=ErrorCode.BAD_PARAMETER,
                             details={"parameter": "state", "allowed": list(ADMISSION_STATE_NAMES_ZH)})
        qs = qs.filter(state=state)
    if item:
        qs = qs.filter(item__code=item.strip().upper())
    out: list[Admission] = []
    # scope is decided in Python (areas are a list): read in batches from the cursor on, stop at a page
    qs = seek(qs, "admissions", ("-id",), PageRequest(page.limit, page.cursor))
    start = 0
    while len(out) <= page.offset + page.limit:
        batch = await qs.offset(start).limit(500)
        start += len(batch)
        for adm in batch:
            if not visible(list(adm.areas)):
                continue
            if area and not any(is_within(area, c, infer_level(c)) or is_within(c, area, infer_level(area))
                                for c in adm.areas):
                continue
            out.append(adm)
        if len(batch) < 500:
            break
    found = page_of(out[page.offset:], "admissions", ("-id",), page.limit)
    found.rows = [await admission_view(a) for a in found.rows]
    return found
