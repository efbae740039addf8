"""Login (session cookie), logout, bearer tokens, and who am I."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from ...domain.errors import BadRequest
from ...store import users
from ..auth import SESSION_COOKIE, client_ip
from ..permissions import require_login
from . import endpoint, json_ok, read_json

CREDENTIALS = {
    "application/json": {"schema": {"type": "object", "required": ["username", "password"],
                                    "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}},
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
        "username": {"type": "string"}, "password": {"type": "string"}, "next": {"type": "string"}}}},
}


async def credentials(request: Request) -> tuple[str, str, str | None, bool]:
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        return str(form.get("username", "")), str(form.get("password", "")), str(form.get("next") or "") or None, True
    data = await read_json(request)
    u, p = data.get("username"), data.get("password")
    if not isinstance(u, str) or not isinstance(p, str):
        raise BadRequest("需要 username 和 password", "username and password are required", code="missing_credentials")
    return u, p, None, False


def safe_next(target: str | None) -> str:
    # only local paths: never bounce a fresh login to another site
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def set_session_cookie(response: Response, token: str, request: Request) -> None:
    settings = request.app.state.settings
    response.set_cookie(SESSION_COOKIE, token, max_age=settings.session_hours * 3600, httponly=True,
                        samesite="lax", secure=settings.cookie_secure, path="/")


async def login(request: Request) -> Response:
    settings = request.app.state.settings
    username, password, nxt, is_form = await credentials(request)
    try:
        user = await users.authenticate(username, password, ip=client_ip(request), settings=settings)
    except Exception as exc:
        if is_form and "text/html" in request.headers.get("accept", ""):
            from ..pages.render import render_login

            return render_login(request, error=getattr(exc, "message", str(exc)), username=username, status=getattr(exc, "status", 401), next_=nxt)
        raise
    token, session = await users.open_session(user, ip=client_ip(request), settings=settings)
    if is_form and "text/html" in request.headers.get("accept", ""):
        response: Response = RedirectResponse(safe_next(nxt), status_code=303)
    else:
        response = JSONResponse({"user": await users.user_card(user, full=True), "csrf_token": session.csrf_token})
    set_session_cookie(response, token, request)
    return response


async def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await users.close_session(token)
    if "text/html" in request.headers.get("accept", ""):
        response: Response = RedirectResponse("/", status_code=303)
    else:
        response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def token(request: Request) -> Response:
    username, password, _, _ = await credentials(request)
    user = await users.authenticate(username, password, ip=client_ip(request), settings=request.app.state.settings)
    tok, expires = await users.issue_token(user, settings=request.app.state.settings)
    return json_ok({"access_token": tok, "token_type": "bearer", "expires_at": expires.isoformat()})


async def me(request: Request) -> Response:
    p = require_login(request)
    user = await users.User.get(id=p.user_id)
    card = await users.user_card(user, full=True)
    session = request.state.session
    if session is not None:
        card["csrf_token"] = session.csrf_token
    return json_ok(card)


ROUTES = [
    endpoint("/auth/login", login, "POST", "登录,获得会话 Cookie (log in; session cookie)", tag="auth", body=CREDENTIALS),
    endpoint("/auth/logout", logout, "POST", "退出登录 (log out)", tag="auth", responses={204: {"description": "logged out"}}),
    endpoint("/auth/token", token, "POST", "获取 API 令牌 (bearer token for API clients)", tag="auth", body=CREDENTIALS),
    endpoint("/auth/me", me, "GET", "当前用户 (the logged-in user)", tag="auth", auth="login", action="account.use"),
]
