"""Bodies of log-in and staff management."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ...domain.roles import STAFF_TIERS
from . import Address, Body, Code, Name, Phone, Username

Password = Annotated[str, Field(max_length=1024)]
Role = Annotated[str, Field(max_length=20, json_schema_extra={"examples": list(STAFF_TIERS)})]


class Credentials(Body):
    username: Annotated[str, Field(max_length=200)]
    password: Password
    next: Annotated[str, Field(max_length=2000)] | None = None


class TokenRequest(Credentials):
    label: Annotated[str,
                     Field(max_length=100, description="令牌名称 (names the token in GET /auth/tokens)")] | None = None


class PasswordChange(Body):
    old_password: Password
    new_password: Password = Field(description="至少 8 个字符 (at least 8 characters)")


class PasswordReset(Body):
    password: Password = Field(description="至少 8 个字符 (at least 8 characters)")


class StaffCreate(Body):
    username: Username
    role: Role
    areas: Annotated[list[Code], Field(min_length=1, max_length=1000)]
    name: Name | None = None
    phone: Phone | None = None
    supervisor: Username | None = Field(None, description="上级的用户名 (supervisor's username)")
    password: Password | None = Field(None, description="可选,有则可登录 (optional: lets them log in)")
    address: Address | None = None


class StaffPatch(Body):
    """What an edit may change; a password is changed by its owner or reset, not here."""

    name: Name | None = None
    phone: Phone | None = None
    areas: Annotated[list[Code], Field(max_length=1000)] | None = None
    supervisor: Username | None = None
    is_active: bool | None = None


class AccountCreate(Body):
    """An account an admin or official creates (issue 11 item 6): staff or a resident with their
    areas; the admin may also create an official. No password: generated and answered once."""

    username: Username
    role: Role
    areas: Annotated[list[Code], Field(max_length=50)] = []
    name: Name | None = None
    phone: Phone | None = None
    password: Password | None = Field(None, description="可选,缺省时生成并只返回一次 (optional: else generated, "
                                                        "answered once)")
