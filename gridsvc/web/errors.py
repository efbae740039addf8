"""One place that turns errors into responses: `{"error": {"code", "message", "details"}}`
for API clients, a readable page for people (a page request or an HTML form post), in the
request's language. Routes, pages and middleware raise typed errors; only this module renders
them. Bad input is a 4xx, never a 500."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise.exceptions import IntegrityError
from tortoise.exceptions import ValidationError as FieldValidationError

from ..domain.action_words import refusal
from ..domain.error_codes import ErrorCode
from ..domain.errors import DomainError, Language, ValidationError, message_language
from .language import request_language
from .pages.render import render

log = logging.getLogger("gridsvc.web")

# Starlette's own HTTP errors (unknown path, wrong method) by status
_HTTP_CODES = {c.status: c for c in (ErrorCode.BAD_REQUEST, ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN,
                                     ErrorCode.NOT_FOUND, ErrorCode.METHOD_NOT_ALLOWED, ErrorCode.CONFLICT,
                                     ErrorCode.TOO_LARGE, ErrorCode.INVALID, ErrorCode.TOO_MANY_REQUESTS)}
_MACHINE_PATHS = ("/api/", "/open311/")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def wants_html(request: Request) -> bool:
    """A person at a browser: a page request, or a form posted from one of our pages."""
    path = request.url.path
    if path.startswith(_MACHINE_PATHS) or path in ("/healthz", "/openapi.json"):
        return False
    accept, ctype = request.headers.get("accept", ""), request.headers.get("content-type", "")
    return "text/html" in accept or ctype.startswith(_FORMS)


def error_response(request: Request, exc: DomainError, status: int | None = None) -> Response:
    """The response for `exc`; middleware calls this too (`await error_response(...)(scope, receive, send)`)."""
    status = status or exc.status
    # the language the middlewares settled for this request (?lang, cookie, account, Accept-Language)
    lang = message_language.get()
    if wants_html(request) and hasattr(request.state, "principal"):
        return _page(request, exc, status, lang)
    headers = {}
    if status == 401 and request.url.path.startswith("/api/"):
        headers["WWW-Authenticate"] = 'Bearer realm="gridsvc"'
    if status == 429 and isinstance(exc.details, dict) and "retry_after" in exc.details:
        headers["Retry-After"] = str(exc.details["retry_after"])
    return JSONResponse({"error": exc.to_dict(lang)}, status_code=status, headers=headers)


def _page(request: Request, exc: DomainError, status: int, lang: Language) -> Response:
    # People read what happened in words: the condition as heading, the specifics below it; no
    # status number, permission name or login name.
    heading = exc.code.en if lang == "en" else exc.code.zh
    message = exc.message_in(lang)
    action = exc.details.get("action") if isinstance(exc.details, dict) else None
    if exc.status == 403 and isinstance(action, str):
        # the raise site names the permission for API clients; a person reads what they may not do
        message = refusal(action, lang) or heading
    return render(request, "error.html", status=status, heading=heading,
                  message=message if message != heading else "", lang=lang)


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return error_response(request, exc)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, ErrorCode.BAD_REQUEST if exc.status_code < 500 else ErrorCode.INTERNAL)
    return error_response(request, DomainError(code=code), status=exc.status_code)


async def integrity_error(request: Request, exc: Exception) -> Response:
    # a uniqueness race lost between check and insert
    return error_response(request, DomainError(code=ErrorCode.CONFLICT))


async def field_error(request: Request, exc: Exception) -> Response:
    # a value the column cannot hold (too long, wrong type) reached a query: the input is bad
    return error_response(request, ValidationError(f"输入的值不符合要求:{exc}", f"invalid value: {exc}",
                                                   code=ErrorCode.INVALID))


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse({"error": DomainError(code=ErrorCode.INTERNAL).to_dict(request_language(request))},
                        status_code=500)


HANDLERS = {DomainError: domain_error, HTTPException: http_error, IntegrityError: integrity_error,
            FieldValidationError: field_error, Exception: server_error}
