"""Who is asking: a bearer token (API clients) or the session cookie (pages).

A pure ASGI middleware puts a `Principal` on `request.state.principal` (anonymous when neither
is present or valid), the session (for CSRF) on `request.state.session` and the bearer token's
row on `request.state.token` (for logout and the token list). The decisions are
made elsewhere (`permissions`)."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from gridsvc.store.accounts import users

from ..domain.errors import Language, message_language
from ..domain.scope import ANONYMOUS
from .language import account_language, chosen_language

SESSION_COOKIE = "gridsvc_session"


def client_ip(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client else ""


class AuthMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        state = scope.setdefault("state", {})
        state["principal"] = ANONYMOUS
        state["session"] = None
        state["auth_via"] = None
        state["token"] = None
        ip = client_ip(conn)
        found_user: users.User | None = None
        header = conn.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            found_token = await users.token_user(header[7:].strip())
            if found_token is not None:
                user, token_row = found_token
                found_user = user
                state["principal"] = await _principal(scope, user, ip)
                state["auth_via"] = "token"
                state["token"] = token_row
        else:
            token = conn.cookies.get(SESSION_COOKIE)
            if token:
                found = await users.session_user(token)
                if found is not None:
                    user, session = found
                    found_user = user
                    state["principal"] = await _principal(scope, user, ip)
                    state["session"] = session
                    state["auth_via"] = "session"
        if found_user is None:
            await self.app(scope, receive, send)
            return
        lang_token = message_language.set(await _account_language(conn, found_user))
        try:
            await self.app(scope, receive, send)
        finally:
            message_language.reset(lang_token)


async def _principal(scope: Scope, user: users.User, ip: str):
    """The principal, its areas kept per process while the database's shown data is unchanged;
    the mark read here is left on the request for the handler (`data_mark`: read before any of
    the request's queries but the sign-in's)."""
    app_state = scope["app"].state
    changes = getattr(app_state, "data_changes", None)
    mark = await changes.read() if changes is not None else None
    scope["state"]["data_mark"] = mark
    return await users.principal_for(user, ip, kept=getattr(app_state, "kept_areas", None), mark=mark)


async def _account_language(conn: HTTPConnection, user: users.User) -> Language:
    """A language picked now is kept on the account; one picked before applies where this
    browser has no choice of its own (a new device), before Accept-Language."""
    if (chosen := chosen_language(conn)) is not None:
        if chosen != user.language:
            await users.set_language(user.id, chosen)
        return chosen
    return account_language(conn, user.language) or message_language.get()
