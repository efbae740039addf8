"""Bodies of the public-service catalog and of admission. The item's fields are checked by the
domain (`gridsvc.domain.catalog`, its own codes and messages naming the field); the model fixes
their JSON types and bounds."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from . import Body, Code, Scalar

Day = Annotated[str, Field(max_length=40, description="YYYY-MM-DD")]
Many = Annotated[list[Scalar], Field(max_length=1000)]


class Material(Body):
    name: Scalar = None
    copies: Scalar = None
    electronic_ok: Scalar = None
    note: Scalar = None


class Venue(Body):
    kind: Scalar = None
    name: Scalar = None
    address: Scalar = None
    hours: Scalar = None
    url: Scalar = None


class Item(Body):
    code: Scalar = Field(None, description="缺省时自动编号 (assigned when missing)")
    name: Scalar = None
    category: Scalar = None
    list_: Scalar = Field(None, alias="list")
    summary: Scalar = None
    legal_basis: Scalar = None
    materials: Annotated[list[Material | Scalar], Field(max_length=200)] | None = None
    time_limit_days: Scalar = None
    time_limit_unit: Scalar = Field(None, description="working_days (工作日) | days (日)")
    responsible: Scalar = Field(None, description="责任主体 (the department whose work it is)")
    fee: Scalar = Field(None, description="金额(元)或文字,如 不收费 (amount in yuan or text)")
    venues: Annotated[list[Venue | Scalar], Field(max_length=200)] | None = None
    contact: Scalar = None
    areas: Many | None = Field(None, description="空为全市适用 (empty: everywhere)")
    keywords: Many | Scalar = None


class Publish(Body):
    on: Day | None = None


class Revoke(Body):
    reason: Scalar = None
    on: Day | None = None


class Reason(Body):
    reason: Scalar = None


class Decision(Reason):
    """An approval names its approval document and the project agreement (issue 14 §4)."""

    approval_document: Scalar = Field(None, description="审批文件 (the leading group's approval document)")
    agreement: Scalar = Field(None, description="项目协议书 (the agreement with the community's two committees)")


class Refusal(Body):
    community: Code = Field(description="社区代码 (12 digits)")
    department: Scalar = Field(description="交办部门 (the department handing the work)")
    work: Scalar = Field(description="交办的工作事项 (the work)")
    item_code: Scalar = Field(None, description="事项代码,如有 (the catalog item, if any)")
    reason: Scalar = Field(None, description="拒绝理由 (reason)")


class SealUse(Body):
    community: Code = Field(description="社区代码 (12 digits)")
    item_code: Scalar = Field(description="社区印章使用清单的事项代码 (an item of the seal list)")
    for_whom: Scalar = Field(description="为谁出具 (for whom)")
    purpose: Scalar = Field(description="用途 (purpose)")
    document_sha256: Scalar = Field(None, description="所盖文件的 SHA-256 (digest of the sealed document)")


class Funding(Body):
    amount: Scalar = None
    source: Scalar = None


class Application(Body):
    department: Scalar = Field(None, description="申请部门 (applying department)")
    item_code: Scalar = None
    item: Item | None = Field(None, description="新事项的内容 (a new item's content)")
    reason: Scalar = None
    legal_basis: Scalar = None
    funding: Funding | Scalar = Field(None, description="费随事转 (amount and source)")
    areas: Many | Scalar = None
    period_start: Scalar = None
    period_end: Scalar = None
    applied_on: Scalar = None
    department_level: Scalar = Field(None, description="city | district: whose leading group decides")

