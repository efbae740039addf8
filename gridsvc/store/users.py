"""People: accounts, staff and their areas, sessions and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from tortoise.transactions import in_transaction

from ..domain.errors import Conflict, NotFound, TooManyRequests, Unauthenticated, ValidationError
from ..domain.roles import ROLE_NAMES_ZH, TIER_NUMBER, check_assignment, check_role, is_staff, supervisor_role
from ..domain.scope import Principal, acts_for_org
from . import audit
from .models import ApiToken, Area, LoginAttempt, Session, User, UserArea
from .wish_models import OrgArea

_hasher = PasswordHasher()
# verified against when the user does not exist, so that timing does not tell who has an account
_DUMMY_HASH = _hasher.hash("not-a-password")


def use_hasher(hasher: PasswordHasher) -> None:
    """Swap the argon2 parameters (the test suite uses a cheap profile; hashes made with other
    parameters still verify and are upgraded at the next login)."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("not-a-password")

MIN_PASSWORD = 8


def now() -> datetime:
    return datetime.now(timezone.utc)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"密码至少 {MIN_PASSWORD} 位", f"a password has at least {MIN_PASSWORD} characters",
                              code="weak_password")
    return _hasher.hash(password)


def check_phone(phone: str) -> str:
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        raise ValidationError(f"电话号码 {phone!r} 格式不正确", f"phone number {phone!r} is not valid", code="bad_phone",
                              details={"field": "phone"})
    return phone


async def principal_for(user: User, ip: str = "") -> Principal:
    """The user reduced to what permission decisions need, computed once per request. Someone
    who acts for an organisation (scope ``org.act_for``) reaches where it serves: their areas
    are the organisation's service areas, so every WITHIN rule reads "in its service area"."""
    p = Principal(user_id=user.id, username=user.username, role=user.role, org_id=user.org_id,
                  display_name=user.display_name or user.username, extra={"ip": ip})
    if acts_for_org(p):
        links = await OrgArea.filter(org_id=user.org_id).order_by("area__code").values_list("area__code", "area__level")
    else:
        links = await UserArea.filter(user_id=user.id).values_list("area__code", "area__level")
    return replace(p, areas=tuple((c, lv) for c, lv in links))


async def _areas_for(codes: list[str], role: str) -> list[Area]:
    areas = []
    for code in codes:
        area = await Area.filter(code=code).first()
        if area is None:
            raise NotFound(f"区域 {code} 不存在", f"area {code} not found", details={"code": code})
        check_assignment(role, area.level, code)
        areas.append(area)
    return areas


async def create_user(username: str, *, role: str, password: str | None = None, areas: list[str] = (),
                      display_name: str = "", phone: str = "", org_id: int | None = None,
                      supervisor: str | None = None, actor: Principal | None = None, address: str = "") -> User:
    username = (username or "").strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise ValidationError("用户名不能为空、不能含空格,最长 64 位", "a username is 1-64 characters without spaces",
                              code="bad_username", details={"field": "username"})
    check_role(role)
    phone = check_phone(phone)
    area_rows = await _areas_for(list(areas), role)
    sup = await _check_supervisor(role, supervisor, area_rows) if supervisor else None
    if await User.filter(username=username).exists():
        raise Conflict(f"用户名 {username} 已存在", f"username {username} is taken", code="username_taken")
    async with in_transaction():
        user = await User.create(
            username=username, role=role, password_hash=hash_password(password) if password else None,
            display_name=display_name or username, phone=phone, org_id=org_id, supervisor=sup, address=address,
        )
        for a in area_rows:
            await UserArea.create(user=user, area=a)
        await audit.record(actor, "user.create", "user", user.id, area_code=area_rows[0].code if area_rows else "",
                           after=await user_card(user, full=True))
    return user


async def _check_supervisor(role: str, supervisor: str, areas: list[Area]) -> User:
    sup = await User.filter(username=supervisor).first()
    if sup is None:
        raise NotFound(f"上级 {supervisor} 不存在", f"supervisor {supervisor} not found", details={"field": "supervisor"})
    want = supervisor_role(role)
    if want is None or sup.role != want:
        raise ValidationError(
            f"{ROLE_NAMES_ZH.get(role, role)}的上级应为{ROLE_NAMES_ZH.get(want or '', '无')},{supervisor} 是{ROLE_NAMES_ZH.get(sup.role, sup.role)}",
            f"a {role} reports to a {want or 'nobody'}; {supervisor} is a {sup.role}",
            code="bad_supervisor", details={"supervisor": supervisor, "expected_role": want},
        )
    # one community: the supervisor's areas and the staff member's share the community prefix
    sup_codes = await UserArea.filter(user_id=sup.id).values_list("area__code", flat=True)
    for a in areas:
        if not any(a.code[:12] == s[:12] for s in sup_codes):
            raise ValidationError(f"上级 {supervisor} 与 {a.code} 不在同一社区",
                                  f"supervisor {supervisor} works in another community than {a.code}",
                                  code="supervisor_elsewhere", details={"supervisor": supervisor, "area": a.code})
    return sup


async def user_card(user: User, *, full: bool = False) -> dict:
    """A staff contact card (name, tier, phone: posted publicly on community boards)."""
    codes = await UserArea.filter(user_id=user.id).values_list("area__code", "area__name")
    card = {
        "id": user.id,
        "username": user.username,
        "name": user.display_name,
        "role": user.role,
        "role_zh": ROLE_NAMES_ZH.get(user.role, user.role),
        "tier": TIER_NUMBER.get(user.role),
        "phone": user.phone if is_staff(user.role) or full else None,
        "areas": [{"code": c, "name": n} for c, n in codes],
    }
    if user.supervisor_id:
        sup = await User.filter(id=user.supervisor_id).first()
        card["supervisor"] = {"id": sup.id, "username": sup.username, "name": sup.display_name} if sup else None
    if full:
        card["org_id"] = user.org_id
        card["is_active"] = user.is_active
        card["address"] = user.address
    return card


async def update_staff(user: User, patch: dict, *, actor: Principal | None) -> User:
    before = await user_card(user, full=True)
    fields: dict = {}
    if "name" in patch:
        if not isinstance(patch["name"], str) or not patch["name"].strip():
            raise ValidationError("姓名不能为空", "the name cannot be empty", code="name_missing", details={"field": "name"})
        fields["display_name"] = patch["name"].strip()
    if "phone" in patch:
        fields["phone"] = check_phone(patch["phone"])
    if "is_active" in patch:
        fields["is_active"] = bool(patch["is_active"])
    async with in_transaction():
        if "areas" in patch:
            areas = await _areas_for(list(patch["areas"]), user.role)
            await UserArea.filter(user_id=user.id).delete()
            for a in areas:
                await UserArea.create(user_id=user.id, area_id=a.id)
        if "supervisor" in patch:
            areas = await Area.filter(user_links__user_id=user.id)
            fields["supervisor_id"] = (await _check_supervisor(user.role, patch["supervisor"], areas)).id if patch["supervisor"] else None
        if fields:
            await User.filter(id=user.id).update(**fields)
        user = await User.get(id=user.id)
        after = await user_card(user, full=True)
        await audit.record(actor, "staff.update", "user", user.id, area_code=(after["areas"] or [{}])[0].get("code", ""),
                           before=before, after=after)
    return user


async def delete_user(user: User, *, actor: Principal | None) -> None:
    before = await user_card(user, full=True)
    reports = await User.filter(supervisor_id=user.id).count()
    if reports:
        raise Conflict(f"{user.display_name} 仍有 {reports} 名下级,请先为他们指定新的上级",
                       f"{user.username} still supervises {reports} people", code="has_reports", details={"reports": reports})
    async with in_transaction():
        await User.filter(id=user.id).delete()
        await audit.record(actor, "staff.delete", "user", user.id, area_code=(before["areas"] or [{}])[0].get("code", ""),
                           before=before)


async def set_password(user: User, password: str, *, actor: Principal | None) -> None:
    async with in_transaction():
        await User.filter(id=user.id).update(password_hash=hash_password(password))
        # a new password ends every session and token of the account
        await Session.filter(user_id=user.id).delete()
        await ApiToken.filter(user_id=user.id).delete()
        await audit.record(actor, "user.password", "user", user.id)


# ---- login ------------------------------------------------------------------------------


async def _throttled(username: str, ip: str, settings) -> None:
    since = now() - timedelta(seconds=settings.login_window_seconds)
    by_name = await LoginAttempt.filter(username=username, at__gte=since).count()
    by_ip = await LoginAttempt.filter(ip=ip, at__gte=since).count() if ip else 0
    if by_name >= settings.login_max_failures or by_ip >= settings.login_max_failures * 4:
        raise TooManyRequests(
            f"登录失败次数过多,请 {settings.login_window_seconds // 60} 分钟后再试",
            f"too many failed logins; try again in {settings.login_window_seconds // 60} minutes",
            details={"retry_after": settings.login_window_seconds},
        )


async def authenticate(username: str, password: str, *, ip: str, settings) -> User:
    username = (username or "").strip()
    await _throttled(username, ip, settings)
    user = await User.filter(username=username).first()
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY_HASH, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or not user.password_hash or not user.is_active:
        await LoginAttempt.create(username=username, ip=ip)
        raise Unauthenticated("用户名或密码错误", "wrong username or password", code="bad_credentials")
    if _hasher.check_needs_rehash(user.password_hash):
        await User.filter(id=user.id).update(password_hash=_hasher.hash(password))
    await LoginAttempt.filter(username=username).delete()
    await User.filter(id=user.id).update(last_login_at=now())
    return user


async def open_session(user: User, *, ip: str, settings) -> tuple[str, Session]:
    token = secrets.token_urlsafe(32)
    session = await Session.create(
        id=hash_token(token), user=user, csrf_token=secrets.token_urlsafe(24),
        expires_at=now() + timedelta(hours=settings.session_hours), ip=ip,
    )
    return token, session


async def session_user(token: str) -> tuple[User, Session] | None:
    s = await Session.filter(id=hash_token(token), expires_at__gt=now()).select_related("user").first()
    if s is None or not s.user.is_active:
        return None
    return s.user, s


async def close_session(token: str) -> None:
    await Session.filter(id=hash_token(token)).delete()


async def issue_token(user: User, *, settings) -> tuple[str, datetime]:
    token = "gst_" + secrets.token_urlsafe(32)
    expires = now() + timedelta(hours=settings.token_hours)
    await ApiToken.create(token_hash=hash_token(token), user=user, expires_at=expires)
    return token, expires


async def token_user(token: str) -> User | None:
    t = await ApiToken.filter(token_hash=hash_token(token), expires_at__gt=now()).select_related("user").first()
    if t is None or not t.user.is_active:
        return None
    return t.user
