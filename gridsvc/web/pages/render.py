"""Rendering templates with what every page needs: the user, the CSRF token, the language."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ... import __version__
from ...domain.roles import ROLE_NAMES_ZH
from ..csrf import PRE_COOKIE, new_token

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "xml"]),
                  trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
# `_` in templates; the real catalogs replace these null translations when they are installed
env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]  # added by the i18n extension
env.globals["ROLE_NAMES_ZH"] = ROLE_NAMES_ZH
env.globals["version"] = __version__


def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    session = getattr(request.state, "session", None)
    pre = None
    if session is not None:
        csrf = session.csrf_token
    else:
        # before login: a double-submit cookie carries the token for the login form
        pre = request.cookies.get(PRE_COOKIE) or new_token()
        csrf = pre
    html = env.get_template(template).render(request=request, user=request.state.principal, csrf_token=csrf,
                                             csp_nonce=getattr(request.state, "csp_nonce", ""), **context)
    response = HTMLResponse(html, status_code=status)
    if pre and request.cookies.get(PRE_COOKIE) != pre:
        response.set_cookie(PRE_COOKIE, pre, httponly=True, samesite="lax", path="/",
                            secure=request.app.state.settings.cookie_secure)
    return response


def render_login(request: Request, *, error: str | None = None, username: str = "", status: int = 200,
                 next_: str | None = None) -> HTMLResponse:
    return render(request, "login.html", status=status, error=error, username=username, next=next_ or "/")
