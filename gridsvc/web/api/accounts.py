"""An account's own credentials (password, tokens) and the admin's hold on accounts
(password reset, deactivation). Every change here ends the sessions and tokens it must."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from gridsvc.store.accounts import logins, users

from ...domain.error_codes import ErrorCode
from ...domain.errors import Forbidden, NotFound, Unauthenticated, ValidationError
from ..auth import client_ip
from ..permissions import require, require_login
from ..schemas.people import PasswordChange, PasswordReset
from . import endpoint, json_ok, param, path_id, read_json
from .auth import set_session_cookie


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
    user = await users.find_user(path_id(request))
    if user is None:
        raise NotFound("账号不存在", "no such account", code=ErrorCode.USER_NOT_FOUND,
                       details={"id": request.path_params["id"]})
    return user


async def reset_password(request: Request) -> Response:
    actor = require(request, "user.manage")
    data = await read_json(request)
    user = await _account(request)
    return json_ok(await users.set_password(user, _text(data, "password"), actor=actor))


async def deactivate(request: Request) -> Response:
    actor = require(request, "user.manage")
    return json_ok({"is_active": False, **await users.set_active(await _account(request), False, actor=actor)})


async def reactivate(request: Request) -> Response:
    actor = require(request, "user.manage")
    await users.set_active(await _account(request), True, actor=actor)
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
    endpoint("/users/{id}/password", reset_password, "POST",
             "重置密码 (admin: reset a password; ends sessions and tokens)",
             tag="users", auth="scoped", params=USER_ID, body=PasswordReset, responses=ENDED, action="user.manage"),
    endpoint("/users/{id}/deactivate", deactivate, "POST",
             "停用账号 (admin: deactivate; ends sessions and tokens for good)",
             tag="users", auth="scoped", params=USER_ID, responses=ENDED, action="user.manage"),
    endpoint("/users/{id}/reactivate", reactivate, "POST", "启用账号 (admin: reactivate; old sessions stay ended)",
             tag="users", auth="scoped", params=USER_ID, action="user.manage"),
]
