"""Login (session cookie), logout, bearer tokens, and who am I."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from gridsvc.store.accounts import logins, users

from ...domain.error_codes import ErrorCode
from ...domain.errors import BadRequest, ValidationError
from ..auth import SESSION_COOKIE, client_ip
from ..body import validate
from ..pages.render import render_login
from ..permissions import require_login
from ..schemas.people import Credentials, TokenRequest
from . import endpoint, json_ok, read_json


async def credentials(request: Request) -> tuple[str, str, str | None, bool]:
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        fields = {k: v for k, v in form.items() if k in Credentials.model_fields and isinstance(v, str)}
        creds = validate(Credentials, {"username": "", "password": "", **fields})
        assert isinstance(creds, Credentials)
        return creds.username, creds.password, creds.next or None, True
    data = await read_json(request)
    u, p = data.get("username"), data.get("password")
    if not isinstance(u, str) or not isinstance(p, str):
        raise BadRequest("需要 username 和 password", "username and password are required",
                         code=ErrorCode.MISSING_CREDENTIALS)
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
        user = await logins.authenticate(username, password, ip=client_ip(request), settings=settings)
    except Exception as exc:
        if is_form and "text/html" in request.headers.get("accept", ""):
            return render_login(request, error=getattr(exc, "message", str(exc)), username=username,
                                status=getattr(exc, "status", 401), next_=nxt)
        raise
    token, session = await users.open_session(user, ip=client_ip(request), settings=settings)
    if is_form and "text/html" in request.headers.get("accept", ""):
        response: Response = RedirectResponse(safe_next(nxt), status_code=303)
    else:
        response = JSONResponse({"user": await users.user_card(user, full=True), "csrf_token": session.csrf_token})
    set_session_cookie(response, token, request)
    return response


async def logout(request: Request) -> Response:
    """Ends what the request came with: the bearer token (revoked) or the session."""
    if request.state.token is not None:
        await users.revoke_token(request.state.token.user_id, request.state.token.id)
        return Response(status_code=204)
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
    user = await logins.authenticate(username, password, ip=client_ip(request), settings=request.app.state.settings)
    tok, row = await users.issue_token(user, settings=request.app.state.settings, label=await token_label(request))
    return json_ok({"access_token": tok, "token_type": "bearer", "id": row.id, "label": row.label or "",
                    "expires_at": row.expires_at.isoformat()})


async def token_label(request: Request) -> str:
    """The optional `label` naming a token in the owner's list (body already read and cached)."""
    if request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        label = (await request.form()).get("label", "")
    else:
        label = (await read_json(request)).get("label", "")
    if not isinstance(label, str) or len(label) > 100:
        raise ValidationError("label 应为不超过 100 字的文字", "label must be text of at most 100 characters",
                              code=ErrorCode.BAD_LABEL, details={"field": "label"})
    return label.strip()


async def me(request: Request) -> Response:
    p = require_login(request)
    user = await users.get_user(p.user_id)
    card = await users.user_card(user, full=True)
    session = request.state.session
    if session is not None:
        card["csrf_token"] = session.csrf_token
    return json_ok(card)


ROUTES = [
    endpoint("/auth/login", login, "POST", "登录,获得会话 Cookie (log in; session cookie)", tag="auth",
             body=Credentials,
             forms=True),
    endpoint("/auth/logout", logout, "POST", "退出登录;用令牌时吊销该令牌 (log out; with a bearer token, revokes it)",
             tag="auth", responses={204: {"description": "logged out"}}),
    endpoint("/auth/token", token, "POST", "获取 API 令牌 (bearer token for API clients)", tag="auth",
             body=TokenRequest,
             forms=True),
    endpoint("/auth/me", me, "GET", "当前用户 (the logged-in user)", tag="auth", auth="login", action="account.use"),
]
