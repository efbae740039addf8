"""Admission (准入, seed 004) beyond the application's state machine in `catalog`: who approves,
the papers an admitted item carries, and the community's refusal of work never admitted.

- A department applies; the leading group of *its* level decides: a city department's
  application goes to the city's 城乡社区建设领导小组, a district's to the district's.
- An approved item carries its approval document (审批文件) and the project agreement signed
  with the community's two committees (项目协议书); funding follows the work (费随事转, checked
  on the application).
- The two committees may refuse work that was never admitted (社区“两委”可拒绝执行); the
  refusal is recorded so that the street and the district see who tried.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .errors import Forbidden, ValidationError

DEPARTMENT_LEVELS: dict[str, str] = {"city": "市级部门", "district": "区县级部门"}
APPROVER_NAMES_ZH = {"city": "市城乡社区建设领导小组", "district": "区县城乡社区建设领导小组"}


def _text(data: Mapping[str, Any], key: str, label: str, *, required: bool = True, max_len: int = 500) -> str:
    value = data.get(key)
    value = "" if value is None else unicodedata.normalize("NFKC", str(value)).strip()
    if required and not value:
        raise ValidationError(f"须写明{label}", f"{key} is required", code="required", details={"field": key})
    if len(value) > max_len:
        raise ValidationError(f"{label}不能超过 {max_len} 字", f"{key} is longer than {max_len} characters",
                              code="too_long", details={"field": key, "max_len": max_len})
    return value


def check_department_level(value: Any) -> str:
    """city or district (the default: most applications come from a district's departments)."""
    text = unicodedata.normalize("NFKC", str(value or "district")).strip()
    for key, zh in DEPARTMENT_LEVELS.items():
        if text in (key, zh, zh.removesuffix("部门")):
            return key
    raise ValidationError(f"申请部门层级应为 {'、'.join(DEPARTMENT_LEVELS.values())} 之一",
                          "department_level must be city or district", code="bad_department_level",
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
                        code="wrong_approval_level",
                        details={"department_level": department_level, "approver_levels": sorted(set(approver_levels))})


@dataclass(frozen=True)
class ApprovalPapers:
    approval_document: str  # 审批文件 (its number and title)
    agreement: str  # 项目协议书 with the community's two committees


def check_approval_papers(data: Mapping[str, Any]) -> ApprovalPapers:
    """An approval names the approval document and the project agreement (seed 004)."""
    return ApprovalPapers(
        approval_document=_text(data, "approval_document", "审批文件(文号)", max_len=300),
        agreement=_text(data, "agreement", "与社区“两委”签订的项目协议书", max_len=300),
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
        raise ValidationError("拒绝记录应为对象", "a refusal must be an object", code="bad_type")
    community = _text(data, "community", "社区代码", max_len=12)
    if len(community) != 12 or not community.isdigit() or community.endswith("000"):
        raise ValidationError(f"{community} 不是社区(村)代码", f"{community} is not a community code",
                              code="bad_area", details={"field": "community"})
    return Refusal(
        community=community,
        department=_text(data, "department", "交办部门", max_len=200),
        work=_text(data, "work", "交办的工作事项", max_len=500),
        reason=_text(data, "reason", "拒绝理由", required=False, max_len=1000)
        or "未经准入的工作事项,社区“两委”依规拒绝执行",
        refused_on=on,
    )
