"""Admission (准入, seed 004): how work outside the duty and assist lists enters communities.

- A department applies for an item to enter communities' lists for a set of areas and a
  period, with the funding that follows the task (费随事转). applied -> approved | rejected
  | withdrawn; approved -> active (the period has begun) -> expired (the period is over, or
  the work is done early). `admission_in_force` decides from the dates and the recorded
  steps, so a lagging stored state never lets an item stay after its period.
- Only items of the 准入事项 list can be admitted: the duty and assist lists are the
  community's by law already, the negative lists exist to keep work out.
- The leading group of the department's own level decides: a city department's application
  goes to the city's 城乡社区建设领导小组, a district's to the district's.
- An approved item carries its approval document (审批文件) and the project agreement signed
  with the community's two committees (项目协议书).
- The two committees may refuse work that was never admitted (社区“两委”可拒绝执行); the
  refusal is recorded so that the street and the district see who tried.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from functools import partial
from typing import Any

from .catalog import CODE_RE, LIST_BY_ID, LISTS
from .catalog.fields import _bad, _check_area, _split_list, _text
from .dates import require_day
from .error_codes import ErrorCode
from .errors import Conflict, Forbidden, ValidationError
from .levels import check_community_code
from .text import field_text


class AdmissionState(StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    ACTIVE = "active"
    EXPIRED = "expired"


class AdmissionAction(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    ACTIVATE = "activate"  # the period has begun
    EXPIRE = "expire"  # the period is over, or the work is done early (工作完成后撤销)


ADMISSION_STATE_NAMES_ZH = {
    "applied": "已申请", "approved": "已批准", "rejected": "已驳回", "withdrawn": "已撤回",
    "active": "执行中", "expired": "已到期退出",
}

_S, _A = AdmissionState, AdmissionAction
_ADMISSION_MOVES: dict[tuple[AdmissionState, AdmissionAction], AdmissionState] = {
    (_S.APPLIED, _A.APPROVE): _S.APPROVED,
    (_S.APPLIED, _A.REJECT): _S.REJECTED,
    (_S.APPLIED, _A.WITHDRAW): _S.WITHDRAWN,
    (_S.APPROVED, _A.ACTIVATE): _S.ACTIVE,
    (_S.APPROVED, _A.EXPIRE): _S.EXPIRED,
    (_S.ACTIVE, _A.EXPIRE): _S.EXPIRED,
}


def admission_transition(state: AdmissionState | str, action: AdmissionAction | str) -> AdmissionState:
    """The state after ``action``, or Conflict(code=ErrorCode.BAD_TRANSITION) naming what is allowed."""
    state = AdmissionState(state)
    try:
        action = AdmissionAction(action)
        return _ADMISSION_MOVES[(state, action)]
    except (ValueError, KeyError):
        allowed = [str(a) for (s, a) in _ADMISSION_MOVES if s is state]
        raise Conflict(f"{ADMISSION_STATE_NAMES_ZH[state]}的准入申请不能执行 {action}",
                       f"an admission application that is {state} cannot {action}", code=ErrorCode.BAD_TRANSITION,
                       details={"state": str(state), "action": str(action), "allowed": allowed}) from None


@dataclass(frozen=True)
class Funding:
    """The funding that follows the task (费随事转)."""

    amount: str  # e.g. "每社区每年 2 万元"
    source: str  # e.g. "区财政专项资金,政府购买服务"


@dataclass(frozen=True)
class AdmissionStep:
    action: AdmissionAction
    from_state: AdmissionState
    to_state: AdmissionState
    on: date
    by: str = ""
    reason: str = ""


@dataclass(frozen=True)
class AdmissionApplication:
    """A department's application for an item to enter communities' lists (准入申请)."""

    department: str
    item_code: str
    reason: str
    legal_basis: str
    funding: Funding
    areas: tuple[str, ...]
    period_start: date
    period_end: date  # the last day in force (inclusive)
    state: AdmissionState = AdmissionState.APPLIED
    applied_on: date | None = None
    decided_by: str = ""
    decided_on: date | None = None
    decision_reason: str = ""
    history: tuple[AdmissionStep, ...] = ()


def _as_date(value: Any, field_: str) -> date:
    return require_day(value, field_)


_APPLICATION_LABELS = {"department": "申请部门", "reason": "申请事由", "legal_basis": "设定依据"}


def check_admission(data: AdmissionApplication | Mapping[str, Any]) -> AdmissionApplication:
    """Validate a new application. Funding must name an amount and a source (费随事转)."""
    if isinstance(data, AdmissionApplication):
        data = {"department": data.department, "item_code": data.item_code, "reason": data.reason,
                "legal_basis": data.legal_basis, "funding": data.funding, "areas": data.areas,
                "period_start": data.period_start, "period_end": data.period_end, "applied_on": data.applied_on}
    texts = {k: _text(data.get(k), k, max_len=1000, one_line=False) for k in _APPLICATION_LABELS}
    for key, label in _APPLICATION_LABELS.items():  # named in words: these are not an item's fields
        if not texts[key]:
            raise _bad(key, ErrorCode.REQUIRED, f"须写明{label}", f"{key} is required")
    item_code = unicodedata.normalize("NFKC", str(data.get("item_code") or "")).strip().upper()
    if not CODE_RE.match(item_code):
        raise _bad("item_code", ErrorCode.BAD_ITEM_CODE, f"事项代码 {item_code!r} 无效",
                   f"invalid item code {item_code!r}")
    funding = data.get("funding")
    if isinstance(funding, Funding):
        funding = {"amount": funding.amount, "source": funding.source}
    if not isinstance(funding, Mapping):
        funding = {}
    amount = _text(funding.get("amount"), "funding.amount", max_len=200)
    source = _text(funding.get("source"), "funding.source", max_len=200)
    if not amount or not source:
        raise _bad("funding", ErrorCode.NO_FUNDING, "准入事项须落实“费随事转”:写明经费数额和来源",
                   "funding must follow the task: state the amount and the source")
    areas = tuple(dict.fromkeys(_check_area(a, f"areas[{i}]") for i, a in enumerate(_split_list(data.get("areas")))))
    if not areas:
        raise _bad("areas", ErrorCode.REQUIRED, "须写明准入的区域", "the areas of the admission are required")
    start = _as_date(data.get("period_start"), "period_start")
    end = _as_date(data.get("period_end"), "period_end")
    if end < start:
        raise _bad("period_end", ErrorCode.BAD_PERIOD, "准入期限的结束日期早于开始日期",
                   "the period ends before it starts")
    applied = data.get("applied_on")
    return AdmissionApplication(
        department=texts["department"], item_code=item_code, reason=texts["reason"],
        legal_basis=texts["legal_basis"], funding=Funding(amount, source), areas=areas,
        period_start=start, period_end=end, applied_on=_as_date(applied, "applied_on") if applied else None,
    )


def admission_act(app: AdmissionApplication, action: AdmissionAction | str, *, on: date, by: str = "",
                  reason: str = "") -> AdmissionApplication:
    """Apply one step and record it in ``history``.

    Rejection needs a reason; so does ending an admission before its period is over.
    Activation only inside the period; approval not after the period has ended.
    """
    action = AdmissionAction(action)
    new_state = admission_transition(app.state, action)
    reason = (reason or "").strip()
    if action is _A.REJECT and not reason:
        raise _bad("reason", ErrorCode.REASON_REQUIRED, "驳回须写明理由", "a rejection needs a reason")
    if action is _A.APPROVE and on > app.period_end:
        raise _bad("on", ErrorCode.PERIOD_ENDED, "准入期限已过,不能再批准",
                   "the period is over; it can no longer be approved")
    if action is _A.ACTIVATE and not app.period_start <= on <= app.period_end:
        raise _bad("on", ErrorCode.OUTSIDE_PERIOD, f"只能在准入期限 {app.period_start} 至 {app.period_end} 内启用",
                   f"activation only within the period {app.period_start}..{app.period_end}")
    if action is _A.EXPIRE and on <= app.period_end and not reason:
        raise _bad("reason", ErrorCode.REASON_REQUIRED, "期限届满前退出须写明理由(如工作已完成)",
                   "ending before the period is over needs a reason (e.g. the work is done)")
    step = AdmissionStep(action, app.state, new_state, on, by, reason)
    changes: dict[str, Any] = {"state": new_state, "history": app.history + (step,)}
    if action in (_A.APPROVE, _A.REJECT):
        changes.update(decided_by=by, decided_on=on, decision_reason=reason)
    return replace(app, **changes)


def _ended_on(app: AdmissionApplication) -> date | None:
    return next((s.on for s in app.history if s.action is _A.EXPIRE), None)


def admission_in_force(app: AdmissionApplication, on_date: date) -> bool:
    """Whether the admitted item is in the lists on ``on_date``.

    Approved, not before the approval day, within the period (end inclusive), and before the
    day it was ended early. Decided from dates, so a stored state that lags is harmless.
    """
    if app.state not in (_S.APPROVED, _S.ACTIVE, _S.EXPIRED):
        return False
    start = max(app.period_start, app.decided_on) if app.decided_on else app.period_start
    ended = _ended_on(app)
    return start <= on_date <= app.period_end and (ended is None or on_date < ended)


def admission_window(app: AdmissionApplication) -> tuple[date, date] | None:
    """The days the admitted item is in the lists, as [start, end) (end exclusive), or None.

    The same rule as `admission_in_force`, as a range for indexes.
    """
    if app.state not in (_S.APPROVED, _S.ACTIVE, _S.EXPIRED):
        return None
    start = max(app.period_start, app.decided_on) if app.decided_on else app.period_start
    end = app.period_end + timedelta(days=1)
    ended = _ended_on(app)
    if ended is not None:
        end = min(end, ended)
    return (start, end) if start < end else None



# Only work outside the duty and assist lists can be admitted (seed 004): those two are the
# community's by law already, and the negative lists exist to keep work out.
ADMISSIBLE_LIST = "admitted"
NOT_ADMISSIBLE = frozenset(x.id for x in LISTS if x.id != ADMISSIBLE_LIST)


def check_admissible(list_id: str, code: str = "") -> None:
    """An item of the duty or assist list is the community's already and cannot be admitted
    again; an item of the negative lists must not enter at all. Admitted work has its own list."""
    if list_id in NOT_ADMISSIBLE:
        lst = LIST_BY_ID[list_id]
        if list_id in ("duty", "assist"):
            zh = f"事项 {code} 已列入“{lst.zh}清单”,社区依法承担,无需也不能再申请准入"
        else:
            zh = f"事项 {code} 属于“{lst.zh}清单”,不能准入社区"
        raise ValidationError(zh, f"item {code} is on the list '{lst.en}'; only work outside the duty and assist "
                              f"lists can be admitted (list '{LIST_BY_ID[ADMISSIBLE_LIST].en}')",
                              code=ErrorCode.NOT_ADMISSIBLE, details={"field": "item_code", "list": list_id})


def admission_state_on(app: AdmissionApplication, on_date: date) -> AdmissionState:
    """The state as of ``on_date`` (approved becomes active in the period and expired after it)."""
    if app.state in (_S.APPROVED, _S.ACTIVE):
        if on_date > app.period_end:
            return _S.EXPIRED
        if admission_in_force(app, on_date):
            return _S.ACTIVE
    return app.state


def approver_must_cover(app: AdmissionApplication) -> frozenset[str]:
    """Area codes the approving official's scope must contain, every one of them.

    The web layer checks them with `scope.allows(principal, action, code)` for each code; an
    application spanning two districts thus needs a city official (the city's leading group).
    """
    return frozenset(app.areas)


# ----------------------------------------------------------------------------- levels, papers, refusals

DEPARTMENT_LEVELS: dict[str, str] = {"city": "市级部门", "district": "区县级部门"}
APPROVER_NAMES_ZH = {"city": "市城乡社区建设领导小组", "district": "区县城乡社区建设领导小组"}


_field = partial(field_text, max_len=500)


def check_department_level(value: Any) -> str:
    """city or district (the default: most applications come from a district's departments)."""
    text = unicodedata.normalize("NFKC", str(value or "district")).strip()
    for key, zh in DEPARTMENT_LEVELS.items():
        if text in (key, zh, zh.removesuffix("部门")):
            return key
    raise ValidationError(f"申请部门层级应为 {'、'.join(DEPARTMENT_LEVELS.values())} 之一",
                          "department_level must be city or district", code=ErrorCode.BAD_DEPARTMENT_LEVEL,
                          details={"field": "department_level", "allowed": list(DEPARTMENT_LEVELS)})


def check_approver_level(department_level: str, approver_levels: Iterable[str], *, is_admin: bool = False) -> None:
    """The decision is the leading group's of the department's own level: a city department's
    application is not a district's to approve, nor a district's the city's."""
    if is_admin:
        return
    if department_level not in set(approver_levels):
        where = APPROVER_NAMES_ZH[department_level]
        raise Forbidden(f"{DEPARTMENT_LEVELS[department_level]}的准入申请由{where}审批",
                        f"a {department_level} department's application is decided at {department_level} level",
                        code=ErrorCode.WRONG_APPROVAL_LEVEL,
                        details={"department_level": department_level, "approver_levels": sorted(set(approver_levels))})


@dataclass(frozen=True)
class ApprovalPapers:
    approval_document: str  # 审批文件 (its number and title)
    agreement: str  # 项目协议书 with the community's two committees


def check_approval_papers(data: Mapping[str, Any]) -> ApprovalPapers:
    """An approval names the approval document and the project agreement (seed 004)."""
    return ApprovalPapers(
        approval_document=_field(data, "approval_document", "审批文件(文号)", max_len=300),
        agreement=_field(data, "agreement", "与社区“两委”签订的项目协议书", max_len=300),
    )


@dataclass(frozen=True)
class Refusal:
    """The community's refusal of work that was never admitted."""

    community: str
    department: str
    work: str
    reason: str
    refused_on: date


def check_refusal(data: Mapping[str, Any], *, on: date) -> Refusal:
    if not isinstance(data, Mapping):
        raise ValidationError("拒绝记录应为对象", "a refusal must be an object", code=ErrorCode.BAD_TYPE)
    community = check_community_code(_field(data, "community", "社区代码", max_len=12))
    return Refusal(
        community=community,
        department=_field(data, "department", "交办部门", max_len=200),
        work=_field(data, "work", "交办的工作事项", max_len=500),
        reason=_field(data, "reason", "拒绝理由", required=False, max_len=1000)
        or "未经准入的工作事项,社区“两委”依规拒绝执行",
        refused_on=on,
    )
