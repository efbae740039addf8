"""Which language a request reads: one function for the error renderer and, later, the pages.

`?lang=en|zh` wins, then the `gridsvc_lang` cookie, then the first choice of `Accept-Language`;
Simplified Chinese otherwise (DESIGN.md "Language")."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from ..domain.errors import LANGUAGES, Language, message_language

COOKIE = "gridsvc_lang"


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


def request_language(conn: HTTPConnection) -> Language:
    for choice in (conn.query_params.get("lang"), conn.cookies.get(COOKIE)):
        if lang := _pick(choice):
            return lang
    return _pick(_first_choice(conn.headers.get("accept-language", ""))) or "zh"


class LanguageMiddleware:
    """Sets the request's language for the whole request, so messages built deep in the store
    (the problems an import lists) come out in it too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = message_language.set(request_language(HTTPConnection(scope)))
        try:
            await self.app(scope, receive, send)
        finally:
            message_language.reset(token)
