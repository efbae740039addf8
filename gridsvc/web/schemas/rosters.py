"""Bodies of the roster operations: appoint, end, transfer."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from . import Body, Code, Id, Name, Phone, ShortText, Username
from .people import Role


class Appoint(Body):
    """An existing staff member (`person`) or a new one (`role`, `name`, optional `phone` and
    `username`: without one a login is made from the tier and the area) takes a post."""

    area: Code
    person: Id | None = Field(None, description="已有网格人员的编号 (an existing staff member's id)")
    role: Role | None = None
    name: Name | None = None
    phone: Phone | None = None
    username: Username | None = None
    on: date | None = Field(None, description="任职日期,缺省今天 (first day, default today)")
    reason: ShortText | None = None


class EndTerm(Body):
    on: date | None = Field(None, description="离任日期,缺省今天 (last day, default today)")
    reason: ShortText | None = None


class Transfer(Body):
    area: Code = Field(description="调往的区域 (the area moved to)")
    on: date | None = Field(None, description="调任日期,缺省今天 (the day of the move, default today)")
    reason: ShortText | None = None
