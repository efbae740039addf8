"""CSRF protection for cookie-authenticated requests.

A state-changing request that rides on the session cookie must carry the session's CSRF token,
either in the `X-CSRF-Token` header (scripts) or in a hidden `csrf_token` form field (Jinja2
forms); the header-only middlewares do not fit plain HTML forms. Forms shown before login
use a double-submit cookie. Bearer-token requests carry no ambient credentials and are exempt.
"""

from __future__ import annotations

import hmac
from urllib.parse import parse_qs

from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..domain.error_codes import ErrorCode
from ..domain.errors import DomainError, Forbidden
from .csrf_tokens import FIELD, HEADER, PRE_COOKIE
from .errors import error_response

SAFE = {"GET", "HEAD", "OPTIONS", "TRACE"}
MAX_FORM = 10 * 1024 * 1024
# Before login a forged request carries no credentials, so the only harm it can do is log the
# victim into the attacker's account (login CSRF): the pre-login token guards the routes that
# open a session; every other anonymous request goes on and meets its 401.
SESSION_OPENING = frozenset({"/api/v1/auth/login"})



async def _read_body(receive: Receive) -> bytes | None:
    """The whole body, or None when it is larger than a form may be (it is not passed on cut)."""
    chunks = []
    size = 0
    while True:
        msg = await receive()
        if msg["type"] != "http.request":
            break
        chunk = msg.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM:
            return None
        chunks.append(chunk)
        if not msg.get("more_body"):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the already-read body on to the endpoint untouched."""
    done = False

    async def replay() -> Message:
        nonlocal done
        if done:
            return await receive()
        done = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _form_field(body: bytes, content_type: str) -> str | None:
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("latin-1"), keep_blank_values=True).get(FIELD)
        return values[0] if values else None
    if content_type.startswith("multipart/form-data"):
        # the field is small and near the start of the body; find it without a full parse
        marker = b'name="' + FIELD.encode() + b'"'
        i = body.find(marker)
        if i < 0:
            return None
        start = body.find(b"\r\n\r\n", i)
        end = body.find(b"\r\n", start + 4)
        if start < 0 or end < 0:
            return None
        return body[start + 4 : end].decode("latin-1").strip()
    return None


def _cross_site_sendable(conn: HTTPConnection, ctype: str) -> bool:
    """Could another site's page have sent this body without a CORS preflight? Forms and
    text/plain can, and so can a body with no Content-Type at all (fetch with a Blob), which
    the JSON endpoints would read as JSON."""
    if ctype:
        return ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data", "text/plain"))
    has_body = conn.headers.get("content-length", "0") not in ("", "0") or "transfer-encoding" in conn.headers
    return has_body


class CSRFMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE:
            await self.app(scope, receive, send)
            return
        state = scope.get("state", {})
        conn = HTTPConnection(scope)
        session = state.get("session")
        pre = conn.cookies.get(PRE_COOKIE)
        ctype = conn.headers.get("content-type", "")
        if state.get("auth_via") == "token" or (session is None and (
                scope["path"] not in SESSION_OPENING or not _cross_site_sendable(conn, ctype))):
            # No session rides on this request: API clients, and JSON logins or token requests
            # (another site cannot send JSON here without a CORS preflight, which we never allow).
            # What another site can send before login still needs the pre-login token (login CSRF).
            await self.app(scope, receive, send)
            return
        expected = session.csrf_token if session is not None else pre
        sent = conn.headers.get(HEADER)
        onward = receive
        if sent is None and ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            body = await _read_body(receive)
            if body is None:
                err = DomainError(f"表单超过 {MAX_FORM // (1024 * 1024)} MB", "the form is too large",
                                  code=ErrorCode.TOO_LARGE)
                await error_response(Request(scope), err)(scope, receive, send)
                return
            sent = _form_field(body, ctype)
            onward = _replaying(body, receive)
        if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
            err = Forbidden("表单已过期或来源不明,请刷新页面后重试", "CSRF token missing or wrong",
                            code=ErrorCode.CSRF_FAILED)
            await error_response(Request(scope), err)(scope, receive, send)
            return
        await self.app(scope, onward, send)
