"""The one permission mechanism for pages and API: every route asks here.

`require(request, action, area_code)` applies the rules of `gridsvc.domain.scope` to the
principal the auth middleware found, raising 401/403 with the standard error body."""

from __future__ import annotations

from starlette.requests import Request

from ..domain.errors import Unauthenticated
from ..domain.scope import Principal, allows, authorize, entitled, scope_prefixes


def principal(request: Request) -> Principal:
    return request.state.principal


def require_login(request: Request) -> Principal:
    p = principal(request)
    if not p.is_authenticated:
        raise Unauthenticated("请先登录", "login required")
    return p


def require(request: Request, action: str, area_code: str | None = None) -> Principal:
    p = principal(request)
    authorize(p, action, area_code)
    return p


def can(request: Request, action: str, area_code: str | None = None) -> bool:
    return allows(principal(request), action, area_code)


def prefixes(request: Request, action: str) -> list[str] | None:
    return scope_prefixes(principal(request), action)


def require_entitled(request: Request, action: str) -> Principal:
    """The caller's role has a rule for ``action`` somewhere (401 for the anonymous, 403 for a
    role without one); where exactly is the handler's question, asked with `require`."""
    p = principal(request)
    if not entitled(p, action):
        authorize(p, action, "-")  # "-" lies in nobody's scope: the usual 401/403 error body
    return p
