"""Which language a request reads: one function for the error renderer and, later, the pages.

`?lang=en|zh-CN` wins (and is kept: in the `gridsvc_lang` cookie here, on the account by the
auth middleware), then the cookie, then the account's choice, then the first choice of
`Accept-Language`; Simplified Chinese otherwise (DESIGN.md "Language")."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..domain.errors import LANGUAGES, Language, message_language

COOKIE = "gridsvc_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def _pick(value: str | None) -> Language | None:
    tag = (value or "").strip().lower()
    for lang in LANGUAGES:
        if tag == lang or tag.startswith(lang + "-"):
            return lang
    return None


def _first_choice(accept_language: str) -> str | None:
    """The highest-q tag of an Accept-Language header (RFC 9110 12.5.4); ties keep their order."""
    best, best_q = None, 0.0
    for part in accept_language.split(","):
        tag, _, params = part.partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag.strip() and q > best_q:
            best, best_q = tag.strip(), q
    return best


def chosen_language(conn: HTTPConnection) -> Language | None:
    """The language this request names with `?lang=`, to be kept."""
    return _pick(conn.query_params.get("lang"))


def kept_language(conn: HTTPConnection) -> Language | None:
    """The language named now or kept in the cookie: it outranks the account's."""
    return chosen_language(conn) or _pick(conn.cookies.get(COOKIE))


def request_language(conn: HTTPConnection) -> Language:
    if lang := kept_language(conn):
        return lang
    return _pick(_first_choice(conn.headers.get("accept-language", ""))) or "zh"


def account_language(conn: HTTPConnection, stored: str | None) -> Language | None:
    """The account's language for this request: only when the request names none itself."""
    return None if kept_language(conn) else _pick(stored)


class LanguageMiddleware:
    """Sets the request's language for the whole request, so messages built deep in the store
    (the problems an import lists) come out in it too."""

    def __init__(self, app: ASGIApp, *, secure_cookie: bool = False) -> None:
        self.app = app
        self.secure_cookie = secure_cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        chosen = chosen_language(conn)
        if chosen and chosen != _pick(conn.cookies.get(COOKIE)):
            send = self._keeping(chosen, send)
        token = message_language.set(request_language(conn))
        try:
            await self.app(scope, receive, send)
        finally:
            message_language.reset(token)

    def _keeping(self, lang: Language, send: Send) -> Send:
        """`send` with the chosen language kept in the cookie on the response."""
        cookie = Response()
        cookie.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, path="/", samesite="lax", secure=self.secure_cookie)

        async def send_keeping(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in cookie.raw_headers:
                    if name == b"set-cookie":
                        headers.append("set-cookie", value.decode("latin-1"))
            await send(message)

        return send_keeping
