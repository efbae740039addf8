"""One place that turns errors into responses: `{"error": {"code", "message", "details"}}`
for the API, a readable page for HTML routes. Bad input is a 4xx, never a 500."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise.exceptions import IntegrityError
from tortoise.exceptions import ValidationError as FieldValidationError

from ..domain.errors import DomainError

log = logging.getLogger("gridsvc.web")

_HTTP_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid", 429: "too_many_requests"}


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": message, "details": details}}


def wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path.startswith("/open311/") or path in ("/healthz", "/openapi.json"):
        return False
    return "text/html" in request.headers.get("accept", "")


def _render(request: Request, status: int, code: str, message: str, details=None) -> Response:
    if wants_html(request):
        from .pages.render import render_error

        return render_error(request, status, message)
    headers = {}
    if status == 401 and request.url.path.startswith("/api/"):
        headers["WWW-Authenticate"] = 'Bearer realm="gridsvc"'
    if status == 429 and isinstance(details, dict) and "retry_after" in details:
        headers["Retry-After"] = str(details["retry_after"])
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return _render(request, exc.status, exc.code, exc.message, exc.details)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code
    if exc.status_code == 404:
        message = "找不到该页面或资源 (not found)"
    elif exc.status_code == 405:
        message = "不支持该请求方法 (method not allowed)"
    return _render(request, exc.status_code, code, message)


async def integrity_error(request: Request, exc: Exception) -> Response:
    # a uniqueness race lost between check and insert
    return _render(request, 409, "conflict", "数据冲突,请刷新后重试 (conflicting change; reload and retry)")


async def field_error(request: Request, exc: Exception) -> Response:
    # a value the column cannot hold (too long, wrong type) reached a query: the input is bad
    return _render(request, 422, "invalid", f"输入的值不符合要求 (invalid value: {exc})")


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(error_body("internal", "服务器内部错误 (internal error)"), status_code=500)


HANDLERS = {DomainError: domain_error, HTTPException: http_error, IntegrityError: integrity_error,
            FieldValidationError: field_error, Exception: server_error}
