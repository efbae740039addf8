"""The accounts an admin or official manages (issue 11 item 6): a page of them in the viewer's
scope, searched by name, role and area; one account in full; the areas a new account may be
given. Creating, resetting and (de)activating go through `users` like the API."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q, Subquery

from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import NotFound
from gridsvc.domain.levels import code_prefix
from gridsvc.domain.roles import ROLE_NAMES_ZH
from gridsvc.store import subtree
from gridsvc.store.accounts.models import User, UserArea
from gridsvc.store.accounts.staff_board import cards
from gridsvc.store.areas.models import Area
from gridsvc.store.paging import Page, PageRequest, keyset_page
from gridsvc.store.records import record_id

PICKER_LIMIT = 300  # areas offered at once; more: narrow by name or code


def _with_area_under(prefixes: list[str]) -> Q:
    """Accounts assigned to an area under any of `prefixes` (a subquery: no join, id order kept)."""
    return Q(id__in=Subquery(UserArea.filter(
        area_id__in=Subquery(Area.filter(subtree.under_any("code", prefixes)).values("id"))).values("user_id")))


async def list_accounts(*, scope: list[str] | None, roles: tuple[str, ...] | None, q: str | None = None,
                        role: str | None = None, under: str | None = None, page: PageRequest,
                        names_under: list[str] | None = None) -> Page:
    """A page of accounts by id: in `scope` (code prefixes; None: all) and of `roles` (None: any),
    optionally whose name or login contains `q`, of one `role`, with an area under `under`.

    `names_under`: where the viewer sees residents' names in full (code prefixes; None:
    everywhere). Elsewhere a resident's card shows the name masked, so `q` does not match it
    either: a search that finds "欧阳娜娜" behind "欧***" would tell the name all the same."""
    qs = User.all()
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    if scope is not None:
        if not scope:  # reaches no area: nothing (an id no row has keeps the page's shape)
            qs = qs.filter(id__lt=0)
        else:
            qs = qs.filter(_with_area_under(scope))
    if role:
        qs = qs.filter(role=role)
    if q:
        by_name = Q(display_name__icontains=q)
        if names_under is not None:
            shown = ~Q(role="resident")
            if names_under:
                shown |= _with_area_under(names_under)
            by_name &= shown
        qs = qs.filter(by_name | Q(username__icontains=q))
    if under:
        area = await Area.filter(code=under).first().values("code", "level")
        if area is None:
            raise NotFound(f"区域 {under} 不存在", f"area {under} not found", code=ErrorCode.NOT_FOUND,
                           details={"under": under})
        qs = qs.filter(_with_area_under([code_prefix(area["code"], area["level"])]))
    result = await keyset_page(qs, "accounts", ("id",), page)
    people = result.rows
    result.rows = [{**card, "username": u.username, "is_active": u.is_active}
                   for u, card in zip(people, await cards(people, public=False), strict=True)]
    return result


async def account(user_id: int) -> tuple[User, dict[str, Any]]:
    """One account and its card (login name, areas, active), or 404."""
    rid = record_id(user_id)  # an id no column holds (past 32 bits) names no account
    user = await User.filter(id=rid).first() if rid is not None else None
    if user is None:
        raise NotFound("账号不存在", "no such account", code=ErrorCode.USER_NOT_FOUND, details={"id": user_id})
    (card,) = await cards([user], public=False)
    last = user.last_login_at
    return user, {**card, "username": user.username, "is_active": user.is_active, "has_password": bool(
        user.password_hash), "role_zh": ROLE_NAMES_ZH.get(user.role, user.role),
        "last_login_at": last.strftime("%Y-%m-%d %H:%M") if last else None}


async def areas_to_pick(*, scope: list[str] | None, levels: tuple[str, ...],
                        q: str | None = None) -> list[dict[str, str]]:
    """Areas of `levels` in `scope` (code prefixes; None: everywhere) that a new account may be
    given, by code, at most PICKER_LIMIT; `q` narrows by name or code."""
    qs = Area.filter(level__in=list(levels))
    if scope is not None:
        if not scope:
            return []
        qs = qs.filter(subtree.under_any("code", scope))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q))
    rows = await qs.order_by("code").limit(PICKER_LIMIT).values_list("code", "name", "parent__name")
    return [{"code": c, "name": n, "parent": p or ""} for c, n, p in rows]
