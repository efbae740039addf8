"""Rendering templates with what every page needs: the user, the CSRF token, the language."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ... import __version__, locale
from ...domain import clock
from ...domain.errors import message_language
from ...domain.roles import ROLE_NAMES_ZH
from ...domain.scope import entitled
from ...locale import gettext as _
from ..csrf_tokens import PRE_COOKIE, new_token
from ..permissions import can

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "xml"]),
                  trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
# `_` in templates; the real catalogs replace these null translations when they are installed
env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]  # added by the i18n extension
env.globals["ROLE_NAMES_ZH"] = ROLE_NAMES_ZH
env.globals["version"] = __version__
# what a person's role may do at all (`entitled(user, "demand.take")`), asked of the permission table
env.globals["entitled"] = entitled
locale.install(env)


def time_limit_words(days: int | None, unit: str = "working_days") -> str:
    """A catalog item's time limit in the reader's language (the store words it in Chinese)."""
    if days is None:
        return _("未规定")
    if days == 0:
        return _("即办")
    return (_("%(n)s 个工作日") if unit == "working_days" else _("%(n)s 日")) % {"n": days}


def fee_words(text: str) -> str:
    """不收费 or "12元" in the reader's language; a fee described in words stays as written."""
    if text == "不收费":
        return _("不收费")
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)元", text or ""):
        return _("%(amount)s 元") % {"amount": m.group(1)}
    return text


def minute(iso: str | None) -> str:
    """A stored time as people read it: "2026-11-29 10:20", in China's time."""
    if not iso:
        return ""
    return clock.china(datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:%M")


env.globals.update(time_limit_words=time_limit_words, fee_words=fee_words)
env.filters["minute"] = minute


def nav_items(request: Request) -> list[tuple[str, str]]:
    """The sections this person can use, asked of the permission table (not of role names)."""
    user = request.state.principal
    items = [("/", _("首页")), ("/services", _("办事指南")),
             ("/maps/mine" if can(request, "myarea.read") else "/maps/city", _("地图"))]
    if user.is_authenticated:
        if can(request, "wish.read") or can(request, "wish.browse") or can(request, "wish.post"):
            items.append(("/wishes", _("微心愿")))
        items.append(("/inbox", _("消息")))
        if can(request, "myarea.read"):
            # officials look after a district or street (辖区), staff after their grids
            items.append(("/me", _("我的辖区") if can(request, "staff.manage_every_tier") else _("我的网格")))
    return items


def _current_section(path: str, items: list[tuple[str, str]]) -> str | None:
    """The tab of the page shown: the longest section path the page's path starts with."""
    best = None
    for href, _label in items:
        within = path == href or (href != "/" and path.startswith(href + "/")) or \
            (href.startswith("/maps") and path.startswith("/maps"))
        if within and (best is None or len(href) > len(best)):
            best = href
    return best


def language_switch(request: Request) -> dict[str, str]:
    """A link to this same page in the other language (`?lang=`, which the language middleware
    keeps in a cookie). Each label is in its own language, so a reader finds theirs."""
    other = "zh-CN" if message_language.get() == "en" else "en"
    return {"href": str(request.url.include_query_params(lang=other).replace(scheme="", netloc="")),
            "lang": other, "label": "中文" if other == "zh-CN" else "English"}


def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    session = getattr(request.state, "session", None)
    pre = None
    if session is not None:
        csrf = session.csrf_token
    else:
        # before login: a double-submit cookie carries the token for the login form
        pre = request.cookies.get(PRE_COOKIE) or new_token()
        csrf = pre
    items = nav_items(request)
    html = env.get_template(template).render(request=request, user=request.state.principal, csrf_token=csrf,
                                             csp_nonce=getattr(request.state, "csp_nonce", ""), nav_items=items,
                                             nav_on=_current_section(request.url.path, items),
                                             lang_switch=language_switch(request), **context)
    response = HTMLResponse(html, status_code=status)
    if pre and request.cookies.get(PRE_COOKIE) != pre:
        response.set_cookie(PRE_COOKIE, pre, httponly=True, samesite="lax", path="/",
                            secure=request.app.state.settings.cookie_secure)
    return response


def render_login(request: Request, *, error: str | None = None, username: str = "", status: int = 200,
                 next_: str | None = None) -> HTMLResponse:
    return render(request, "login.html", status=status, error=error, username=username, next=next_ or "/")
