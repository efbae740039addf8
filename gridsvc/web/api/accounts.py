"""An account's own credentials (password, tokens) and the hold of the admin and of officials
(within their areas, `domain/accounts.py`) on accounts: listing, creating, password reset,
deactivation. Every change here ends the sessions and tokens it must."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from gridsvc.store.accounts import directory, logins, users

from ...domain import accounts
from ...domain.error_codes import ErrorCode
from ...domain.errors import Forbidden, Unauthenticated, ValidationError
from ...domain.scope import ANY, reach
from ..auth import client_ip
from ..permissions import prefixes, require, require_login
from ..schemas.people import AccountCreate, PasswordChange, PasswordReset
from . import endpoint, json_ok, param, path_id, read_json
from .auth import set_session_cookie
from .paging import page_params, page_request


def _text(data: dict, name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise ValidationError(f"缺少 {name}", f"{name} is required (text)", code=ErrorCode.REQUIRED,
                              details={"field": name})
    return value


async def change_password(request: Request) -> Response:
    """The caller's own password. Every session and token of the account ends; a caller on a
    session gets a fresh one at once (they proved the password just now), a token caller logs in again."""
    p = require_login(request)
    data = await read_json(request)
    old, new = _text(data, "old_password"), _text(data, "new_password")
    settings = request.app.state.settings
    try:
        # the same throttle as the log-in: a stolen session cannot guess the password here faster
        user = await logins.authenticate(p.username, old, ip=client_ip(request), settings=settings)
    except Unauthenticated:
        raise Forbidden("原密码不正确", "the old password is wrong", code=ErrorCode.WRONG_PASSWORD,
                        details={"field": "old_password"}) from None
    body: dict = await users.set_password(user, new, actor=p)
    if request.state.session is None:
        return json_ok(body)
    token, session = await users.open_session(user, ip=client_ip(request), settings=settings)
    response = json_ok({**body, "csrf_token": session.csrf_token})
    set_session_cookie(response, token, request)
    return response


def _own_id(request: Request) -> int:
    user_id = require_login(request).user_id
    assert user_id is not None  # a logged-in principal always has one
    return user_id


async def list_tokens(request: Request) -> Response:
    current = request.state.token.id if request.state.token is not None else None
    return json_ok({"tokens": await users.list_tokens(_own_id(request), current)})


async def revoke_token(request: Request) -> Response:
    await users.revoke_token(_own_id(request), path_id(request))
    return Response(status_code=204)


async def _account(request: Request):
    """The account of the path, once the caller may manage accounts at all (else 401/403 before
    the lookup), and then only one of their scope and of a role they manage (else 403)."""
    actor = require(request, "user.manage")
    user, card = await directory.account(path_id(request))
    accounts.check_manage(actor, user.role, [a["code"] for a in card["areas"]])
    return actor, user, card


async def list_users(request: Request) -> Response:
    p = require(request, "user.manage")
    q = request.query_params
    page = await directory.list_accounts(scope=prefixes(request, "user.manage"), roles=_roles_seen(p),
                                         q=q.get("q") or None, role=q.get("role") or None,
                                         under=q.get("under") or None, page=page_request(request),
                                         names_under=prefixes(request, "resident.pii"))
    return json_ok(page.body("users", [accounts.as_seen_by(p, c) for c in page.rows]))


def _roles_seen(p) -> tuple[str, ...] | None:
    return None if reach(p, "user.manage") is ANY else accounts.creatable_roles(p)


async def get_user(request: Request) -> Response:
    actor, _, card = await _account(request)
    return json_ok(accounts.as_seen_by(actor, card))


async def create_user(request: Request) -> Response:
    data = AccountCreate.model_validate(await read_json(request))
    actor = require(request, "user.manage")
    accounts.check_manage(actor, data.role, list(data.areas))
    password = data.password or accounts.new_password()
    user = await users.create_user(data.username, role=data.role, password=password, areas=data.areas,
                                   display_name=data.name or "", phone=data.phone or "", actor=actor)
    _, card = await directory.account(user.id)
    body = {**accounts.as_seen_by(actor, card), **({"password": password} if not data.password else {})}
    return json_ok(body, 201, headers={"Location": f"/api/v1/users/{user.id}"})


async def reset_password(request: Request) -> Response:
    data = await read_json(request)
    actor, user, _ = await _account(request)
    return json_ok(await users.set_password(user, _text(data, "password"), actor=actor))


async def deactivate(request: Request) -> Response:
    actor, user, _ = await _account(request)
    return json_ok({"is_active": False, **await users.set_active(user, False, actor=actor)})


async def reactivate(request: Request) -> Response:
    actor, user, _ = await _account(request)
    await users.set_active(user, True, actor=actor)
    return json_ok({"is_active": True})


ENDED = {200: {"description": "sessions_ended, tokens_revoked: how many ended"}}
USER_ID = [param("id", "path", type_="integer")]

ROUTES = [
    endpoint("/auth/password", change_password, "POST",
             "修改自己的密码 (change your password; ends other sessions and tokens)",
             tag="auth", auth="login", body=PasswordChange, responses=ENDED, action="account.use"),
    endpoint("/auth/tokens", list_tokens, "GET", "我的 API 令牌 (your API tokens, without secrets)", tag="auth",
             auth="login", action="account.use"),
    endpoint("/auth/tokens/{id}", revoke_token, "DELETE", "吊销令牌 (revoke one of your tokens)", tag="auth",
             auth="login", params=USER_ID, responses={204: {"description": "revoked"}}, action="account.use"),
    endpoint("/users", list_users, "GET", "账号列表 (accounts in your scope: ?q= name, role, under; a page at a time)",
             tag="users", auth="scoped", params=[param("q"), param("role"), param("under"), *page_params()],
             action="user.manage"),
    endpoint("/users", create_user, "POST",
             "新建账号 (create a staff, resident or, for the admin, official account; a generated password is "
             "answered once)", tag="users", auth="scoped", body=AccountCreate,
             responses={"201": {"description": "created: the account, and `password` when generated"}},
             action="user.manage"),
    endpoint("/users/{id}", get_user, "GET", "账号 (one account in your scope)", tag="users", auth="scoped",
             params=USER_ID, action="user.manage"),
    endpoint("/users/{id}/password", reset_password, "POST",
             "重置密码 (admin: reset a password; ends sessions and tokens)",
             tag="users", auth="scoped", params=USER_ID, body=PasswordReset, responses=ENDED, action="user.manage"),
    endpoint("/users/{id}/deactivate", deactivate, "POST",
             "停用账号 (admin: deactivate; ends sessions and tokens for good)",
             tag="users", auth="scoped", params=USER_ID, responses=ENDED, action="user.manage"),
    endpoint("/users/{id}/reactivate", reactivate, "POST", "启用账号 (admin: reactivate; old sessions stay ended)",
             tag="users", auth="scoped", params=USER_ID, action="user.manage"),
]
