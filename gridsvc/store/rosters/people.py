"""People taken onto a roster who have no account yet: a staff member with no password (a name
and a work phone on the contact board), whose login is made from the tier and the area unless
the caller names one (pages show people by name, so nobody has to invent a login)."""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import ValidationError
from gridsvc.domain.rosters import NAME_MAX
from gridsvc.domain.scope import Principal
from gridsvc.store.accounts import users
from gridsvc.store.accounts.models import User
from gridsvc.store.areas.models import Area
from gridsvc.store.rosters import appointments
from gridsvc.store.rosters.models import Appointment


async def free_username(role: str, area: Area) -> str:
    base = f"{role}-{area.code}"
    taken = set(await User.filter(username__startswith=base).values_list("username", flat=True))
    n = 1
    name = base
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    return name


async def new_staff(role: str, area: Area, *, name: str, phone: str = "", username: str | None = None,
                    actor: Principal | None) -> User:
    """A staff account of `role` with no password and no area yet (the term gives it one)."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise ValidationError(f"姓名应为 1 至 {NAME_MAX} 个字", f"a name has 1 to {NAME_MAX} characters",
                              code=ErrorCode.REQUIRED, details={"field": "name"})
    login = username or await free_username(role, area)
    return await users.create_user(login, role=role, display_name=name, phone=phone, actor=actor)


async def appoint_new(role: str, area: Area, *, name: str, phone: str = "", username: str | None = None,
                      on: date | None = None, reason: str = "", actor: Principal | None) -> Appointment:
    """A new person takes a post: the account and the term together, or neither (a refused post
    leaves no account behind)."""
    async with in_transaction():
        user = await new_staff(role, area, name=name, phone=phone, username=username, actor=actor)
        return await appointments.appoint(user, area, on=on, reason=reason, actor=actor)
