"""People: accounts, staff and their areas, sessions and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import cast

from argon2 import PasswordHasher
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from gridsvc.domain import clock
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import Conflict, NotFound, ValidationError
from gridsvc.domain.roles import (
    ROLE_NAMES_ZH,
    TIER_NUMBER,
    check_assignment,
    check_role,
    is_staff,
    supervisor_role,
)
from gridsvc.domain.scope import Principal, acts_for_org
from gridsvc.domain.text import check_name
from gridsvc.store import audit
from gridsvc.store.accounts.models import ApiToken, Session, User, UserArea
from gridsvc.store.areas.models import Area
from gridsvc.store.orgs.models import OrgArea
from gridsvc.store.rosters import appointments

_hasher = PasswordHasher()
# verified against when the user does not exist, so that timing does not tell who has an account
_DUMMY_HASH = _hasher.hash("not-a-password")


def use_hasher(hasher: PasswordHasher) -> None:
    """Swap the argon2 parameters (the test suite uses a cheap profile; hashes made with other
    parameters still verify and are upgraded at the next login)."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("not-a-password")


def password_hasher() -> PasswordHasher:
    return _hasher


def dummy_hash() -> str:
    return _DUMMY_HASH


MIN_PASSWORD = 8



def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"密码至少 {MIN_PASSWORD} 位", f"a password has at least {MIN_PASSWORD} characters",
                              code=ErrorCode.WEAK_PASSWORD)
    return _hasher.hash(password)


def check_phone(phone: str) -> str:
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        raise ValidationError(f"电话号码 {phone!r} 格式不正确", f"phone number {phone!r} is not valid",
                              code=ErrorCode.BAD_PHONE,
                              details={"field": "phone"})
    return phone


async def principal_for(user: User, ip: str = "", *, kept: KeptAreas | None = None,
                        mark: Hashable | None = None) -> Principal:
    """The user reduced to what permission decisions need, computed once per request. Someone
    who acts for an organisation (scope ``org.act_for``) reaches where it serves: their areas
    are the organisation's service areas, so every WITHIN rule reads "in its service area".
    With ``kept`` and the change mark read before (store/changes.py), the areas read for an
    earlier request are used again while the mark has not moved."""
    p = Principal(user_id=user.id, username=user.username, role=user.role, org_id=user.org_id,
                  display_name=user.display_name or user.username, extra={"ip": ip})
    key = (user.id, user.role, user.org_id)
    if kept is not None and (areas := kept.get(key, mark)) is not None:
        return replace(p, areas=areas)
    if acts_for_org(p):
        links = await OrgArea.filter(org_id=user.org_id).order_by("area__code").values_list("area__code", "area__level")
    else:
        links = await UserArea.filter(user_id=user.id).values_list("area__code", "area__level")
    p = replace(p, areas=tuple((c, lv) for c, lv in links))
    if kept is not None:
        kept.put(key, mark, p.areas)
    return p


class KeptAreas:
    """Per process: the areas of the users who signed in lately, each with the change mark read
    before they were read. Assignments live in watched tables (user_area, org_area, user), so
    a kept entry is used only while the mark is the same: one query fewer per signed-in request."""

    LIMIT = 4096

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple, tuple[Hashable, tuple[tuple[str, str], ...]]] = OrderedDict()

    def get(self, key: tuple, mark: Hashable | None) -> tuple[tuple[str, str], ...] | None:
        found = self._kept.get(key)
        if mark is None or found is None or found[0] != mark:
            return None
        self._kept.move_to_end(key)
        return found[1]

    def put(self, key: tuple, mark: Hashable | None, areas: tuple[tuple[str, str], ...]) -> None:
        if mark is None:
            return
        self._kept[key] = (mark, areas)
        self._kept.move_to_end(key)
        while len(self._kept) > self.LIMIT:
            self._kept.popitem(last=False)


async def _areas_for(codes: list[str], role: str) -> list[Area]:
    areas = []
    for code in codes:
        area = await Area.filter(code=code).first()
        if area is None:
            raise NotFound(f"区域 {code} 不存在", f"area {code} not found", details={"code": code})
        check_assignment(role, area.level, code)
        areas.append(area)
    return areas


def check_new_staff(username: str, display_name: str, phone: str) -> None:
    """The checks `create_user` makes of a new account's fields, for an import's per-row report."""
    _check_username(username)
    check_name(display_name)
    check_phone(phone)


def _check_username(username: str) -> str:
    username = (username or "").strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise ValidationError("用户名不能为空、不能含空格,最长 64 位", "a username is 1-64 characters without spaces",
                              code=ErrorCode.BAD_USERNAME, details={"field": "username"})
    return check_name(username, "username")


async def create_user(username: str, *, role: str, password: str | None = None, areas: Sequence[str] = (),
                      display_name: str = "", phone: str = "", org_id: int | None = None,
                      supervisor: str | None = None, actor: Principal | None = None, address: str = "") -> User:
    username = _check_username(username)
    check_name(display_name)
    check_role(role)
    phone = check_phone(phone)
    area_rows = await _areas_for(list(areas), role)
    sup = await _check_supervisor(role, supervisor, area_rows) if supervisor else None
    if await User.filter(username=username).exists():
        raise Conflict(f"用户名 {username} 已存在", f"username {username} is taken", code=ErrorCode.USERNAME_TAKEN)
    async with in_transaction():
        user = await User.create(
            username=username, role=role, password_hash=hash_password(password) if password else None,
            display_name=display_name or username, phone=phone, org_id=org_id, supervisor=sup, address=address,
        )
        for a in area_rows:
            await UserArea.create(user=user, area=a)
        await appointments.open_terms(user, area_rows, actor=actor)
        await audit.record(actor, "user.create", "user", user.id, area_code=area_rows[0].code if area_rows else "",
                           after=await user_card(user, full=True))
    return user


async def _check_supervisor(role: str, supervisor: str, areas: list[Area]) -> User:
    sup = await User.filter(username=supervisor).first()
    if sup is None:
        raise NotFound(f"上级 {supervisor} 不存在", f"supervisor {supervisor} not found",
                       details={"field": "supervisor"})
    want = supervisor_role(role)
    if want is None or sup.role != want:
        raise ValidationError(
            f"{ROLE_NAMES_ZH.get(role, role)}的上级应为{ROLE_NAMES_ZH.get(want or '', '无')},"
            f"{supervisor} 是{ROLE_NAMES_ZH.get(sup.role, sup.role)}",
            f"a {role} reports to a {want or 'nobody'}; {supervisor} is a {sup.role}",
            code=ErrorCode.BAD_SUPERVISOR, details={"supervisor": supervisor, "expected_role": want},
        )
    # one community: the supervisor's areas and the staff member's share the community prefix
    sup_codes = await UserArea.filter(user_id=sup.id).values_list("area__code", flat=True)
    for a in areas:
        if not any(a.code[:12] == s[:12] for s in sup_codes):
            raise ValidationError(f"上级 {supervisor} 与 {a.code} 不在同一社区",
                                  f"supervisor {supervisor} works in another community than {a.code}",
                                  code=ErrorCode.SUPERVISOR_ELSEWHERE,
                                  details={"supervisor": supervisor, "area": a.code})
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
            raise ValidationError("姓名不能为空", "the name cannot be empty",
                                  code=ErrorCode.REQUIRED, details={"field": "name"})
        fields["display_name"] = check_name(patch["name"].strip())
    if "phone" in patch:
        fields["phone"] = check_phone(patch["phone"])
    if "is_active" in patch:
        fields["is_active"] = bool(patch["is_active"])
    async with in_transaction():
        if "areas" in patch:
            areas = await _areas_for(list(patch["areas"]), user.role)
            before_ids = {link.area_id for link in await UserArea.filter(user_id=user.id)}
            await UserArea.filter(user_id=user.id).delete()
            for a in areas:
                await UserArea.create(user_id=user.id, area_id=a.id)
            # the history of posts follows the assignment (store.rosters): terms end and start today
            await appointments.close_terms(user.id, before_ids - {a.id for a in areas}, actor=actor)
            await appointments.open_terms(user, [a for a in areas if a.id not in before_ids], actor=actor)
        if "supervisor" in patch:
            areas = await Area.filter(user_links__user_id=user.id)
            fields["supervisor_id"] = (
                (await _check_supervisor(user.role, patch["supervisor"], areas)).id if patch["supervisor"] else None)
        if fields:
            await User.filter(id=user.id).update(**fields)
        if fields.get("is_active") is False:
            await end_sessions(user.id)  # for good: reactivation must not revive them
        if "is_active" in fields and fields["is_active"] != user.is_active and is_staff(user.role):
            if fields["is_active"]:  # as set_active: the posts open again, or a holder meanwhile refuses
                await appointments.reopen_for_reactivation(user, actor=actor)
            else:
                await appointments.end_for_deactivation(user, actor=actor)
        user = await User.get(id=user.id)
        after = await user_card(user, full=True)
        await audit.record(actor, "staff.update", "user", user.id,
                           area_code=(after["areas"] or [{}])[0].get("code", ""),
                           before=before, after=after)
    return user


async def delete_user(user: User, *, actor: Principal | None) -> None:
    before = await user_card(user, full=True)
    reports = await User.filter(supervisor_id=user.id).count()
    if reports:
        raise Conflict(f"{user.display_name} 仍有 {reports} 名下级,请先为他们指定新的上级",
                       f"{user.username} still supervises {reports} people",
                       code=ErrorCode.HAS_REPORTS, details={"reports": reports})
    async with in_transaction():
        await User.filter(id=user.id).delete()
        await audit.record(actor, "staff.delete", "user", user.id,
                           area_code=(before["areas"] or [{}])[0].get("code", ""),
                           before=before)


async def end_sessions(user_id: int) -> dict:
    """End every session and token of an account (rows deleted: nothing can revive them)."""
    sessions = await Session.filter(user_id=user_id).delete()
    tokens = await ApiToken.filter(user_id=user_id).delete()
    return {"sessions_ended": sessions, "tokens_revoked": tokens}


async def set_password(user: User, password: str, *, actor: Principal | None) -> dict:
    """A new password (own change or an admin's reset) ends every session and token of the account."""
    new_hash = hash_password(password)
    async with in_transaction():
        await User.filter(id=user.id).update(password_hash=new_hash)
        ended = await end_sessions(user.id)
        await audit.record(actor, "user.password", "user", user.id, after=ended)
    return ended


async def set_active(user: User, active: bool, *, actor: Principal | None) -> dict:
    """Deactivate (ending every session and token for good) or reactivate an account.

    A conditional update, so that of two concurrent requests one changes the account and the other
    is told it was already done; reactivation brings no old session back (the rows are gone)."""
    if actor is not None and actor.user_id == user.id and not active:
        raise Conflict("不能停用自己的账号", "you cannot deactivate your own account", code=ErrorCode.OWN_ACCOUNT)
    async with in_transaction():
        changed = await User.filter(id=user.id, is_active=not active).update(is_active=active)
        if not changed:
            state = ("已启用", "active") if active else ("已停用", "inactive")
            raise Conflict(f"账号{state[0]}", f"the account is already {state[1]}",
                           code=ErrorCode.ALREADY_ACTIVE if active else ErrorCode.ALREADY_INACTIVE,
                           details={"id": user.id})
        ended = {} if active else await end_sessions(user.id)
        terms = {}
        if is_staff(user.role):  # a person who stops (or starts again) stops (or starts) serving their posts
            if active:
                await appointments.reopen_for_reactivation(user, actor=actor)
            else:
                terms["terms_ended"] = await appointments.end_for_deactivation(user, actor=actor)
        await audit.record(actor, "user.reactivate" if active else "user.deactivate", "user", user.id,
                           before={"is_active": not active}, after={"is_active": active, **ended, **terms})
    return ended


# ---- sessions and tokens ------------------------------------------------------------------


async def open_session(user: User, *, ip: str, settings) -> tuple[str, Session]:
    token = secrets.token_urlsafe(32)
    session = await Session.create(
        id=hash_token(token), user=user, csrf_token=secrets.token_urlsafe(24),
        expires_at=clock.now() + timedelta(hours=settings.session_hours), ip=ip,
    )
    return token, session


async def session_user(token: str) -> tuple[User, Session] | None:
    s = await Session.filter(id=hash_token(token), expires_at__gt=clock.now()).select_related("user").first()
    if s is None or not s.user.is_active:
        return None
    return s.user, s


async def display_names(usernames: Iterable[str]) -> dict[str, str]:
    """Login name -> the name people know them by, for the pages (no login names on a page)."""
    rows = await User.filter(username__in=sorted(set(usernames))).values_list("username", "display_name")
    return {u: d or u for u, d in rows}


async def set_language(user_id: int, language: str) -> None:
    """Keep the interface language the person picked; a no-op write when it is already theirs."""
    # "not equal" alone would skip a NULL (no choice yet): SQL's NOT (NULL = 'en') is not true
    await User.filter(Q(language__isnull=True) | ~Q(language=language), id=user_id).update(language=language)


async def close_session(token: str) -> None:
    await Session.filter(id=hash_token(token)).delete()


async def issue_token(user: User, *, settings, label: str = "") -> tuple[str, ApiToken]:
    token = "gst_" + secrets.token_urlsafe(32)
    row = await ApiToken.create(token_hash=hash_token(token), user=user, label=label[:100],
                                expires_at=clock.now() + timedelta(hours=settings.token_hours))
    return token, row


# last use is a convenience for the token list: one write per token every few minutes, not per request
TOKEN_USE_RESOLUTION = timedelta(minutes=5)


async def token_user(token: str) -> tuple[User, ApiToken] | None:
    t = await ApiToken.filter(token_hash=hash_token(token), expires_at__gt=clock.now()).select_related("user").first()
    if t is None or not t.user.is_active:
        return None
    at = clock.now()
    if t.last_used_at is None or t.last_used_at < at - TOKEN_USE_RESOLUTION:
        await ApiToken.filter(id=t.id).update(last_used_at=at)
    return t.user, t


def token_card(t: ApiToken, current_id: int | None = None) -> dict:
    """What the owner sees of a token: never the secret nor its hash."""
    return {"id": t.id, "label": t.label or "", "created_at": t.created_at.isoformat(),
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            "expires_at": t.expires_at.isoformat(), "current": t.id == current_id}


async def list_tokens(user_id: int, current_id: int | None = None) -> list[dict]:
    rows = await ApiToken.filter(user_id=user_id, expires_at__gt=clock.now()).order_by("-created_at", "-id")
    return [token_card(t, current_id) for t in rows]


async def revoke_token(user_id: int, token_id: int) -> None:
    """Revoke one of the user's own tokens; another's token is as unknown as a missing one."""
    if not await ApiToken.filter(id=token_id, user_id=user_id).delete():
        raise NotFound("令牌不存在", "no such token", code=ErrorCode.TOKEN_NOT_FOUND, details={"id": token_id})


# ---- reading people ----------------------------------------------------------------------


async def find_user(user_id: int | None) -> User | None:
    return await User.filter(id=user_id).first() if user_id is not None else None


async def get_user(user_id: int | None) -> User:
    """The signed-in user's own account (it exists while their session does)."""
    return await User.get(id=user_id)


async def find_resident(username: str) -> User | None:
    return await User.filter(username=username, role="resident").first()


async def area_codes_of(user_id: int) -> list[str]:
    codes = await UserArea.filter(user_id=user_id).values_list("area__code", flat=True)
    return cast(list[str], codes)  # flat: one column, not tuples


async def area_links_of(user_id: int) -> list[tuple[str, str]]:
    """(code, level) of the areas a person is assigned to."""
    return [(c, lv) for c, lv in await UserArea.filter(user_id=user_id).values_list("area__code", "area__level")]


async def supervisors_of(user: User) -> list[User]:
    """The chain of supervisors above `user`, nearest first."""
    chain = []
    sup = user.supervisor_id
    while sup:
        u = await User.filter(id=sup).first()
        if u is None:
            break
        chain.append(u)
        sup = u.supervisor_id
    return chain


async def reports_of(user: User) -> list[User]:
    """The people whose supervisor is `user`."""
    return list(await User.filter(supervisor_id=user.id).order_by("id"))

