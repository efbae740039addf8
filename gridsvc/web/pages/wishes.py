"""Micro-wish pages, phone-sized: a resident posts a wish and follows it (withdraw, confirm and
rate, or say it was not done); staff screen their grids' wishes; organisation members and
volunteers see the published wishes of their areas and claim them; everyone has an inbox.

The pages are thin: they ask the same permission decisions and call the same store functions
as the API (gridsvc.web.api.wishes); forms carry the CSRF token and answer with a redirect
(303) or, on a refused step, the page again with the reason.
"""

from __future__ import annotations

from datetime import timedelta

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gridsvc.store import areas
from gridsvc.store.wishes import access, cards, inbox, lifecycle, listing, placement

from ...domain import clock
from ...domain.errors import DomainError
from ...domain.levels import code_prefix
from ...domain.scope import entitled
from ...domain.text import whole_number
from ...domain.wishes import (
    BENEFICIARIES,
    MAX_EXTENSIONS,
    TRANSITIONS,
    WISH_CATEGORIES,
    WISH_STATUSES,
    WishAction,
)
from ...locale import gettext
from ...store.paging import PageRequest
from ...store.records import record_id
from ..api import query_bool
from ..api.paging import numbered_page
from ..api.wishes import create_wish_from, expire_due_claims, list_scope, standing
from ..permissions import can, principal
from .render import render

PAGE_SIZE = 30


def _login(request: Request) -> Response | None:
    if not principal(request).is_authenticated:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return None


async def _common(request: Request) -> dict:
    p = principal(request)
    return {"unread": await inbox.unread_count(p.account_id) if p.is_authenticated else 0,
            "can_post": can(request, "wish.post"), "CATEGORIES": WISH_CATEGORIES, "STATUSES": WISH_STATUSES,
            "BENEFICIARIES": BENEFICIARIES}


def _role_view(request: Request) -> str:
    """Which list a user lands on: their own wishes, the screening queue, or the wall."""
    p = principal(request)
    if entitled(p, "wish.post_own"):
        return "mine"
    if entitled(p, "wish.browse"):
        return "wall"
    return "screen"


async def wish_list(request: Request) -> Response:
    if (r := _login(request)) is not None:
        return r
    await expire_due_claims(request)
    role_view = _role_view(request)
    tab = request.query_params.get("tab") or {"mine": "mine", "wall": "published", "screen": "submitted"}[role_view]
    scope = list_scope(request)
    filters: dict = {}
    if tab == "mine":
        filters = {"view": "mine"}
    elif tab == "claims":
        filters = {"view": "claims"}
    elif tab in WISH_STATUSES:
        filters = {"status": tab}
    elif tab != "all":
        tab = "all"
    # numbered pages for people; the API pages by cursor
    page, wanted = numbered_page(request, PAGE_SIZE)
    found = await listing.listing(scope, page=wanted, **filters)
    total = found.extra["total"]
    shown = await cards.cards(found.rows, lambda w, c: standing(request, w, c))
    counts = await listing.counts_by_status(scope) if role_view == "screen" else None
    return render(request, "wishes/list.html", cards=shown, total=total, tab=tab, role_view=role_view, counts=counts,
                  page=page, pages=max(1, -(-total // PAGE_SIZE)), **await _common(request))


async def _home_building(user_id: int) -> dict | None:
    code = await placement.home_building(user_id)
    if not code:
        return None
    area = await areas.find_area(code)
    return {"code": code, "name": area.name if area else code}


async def new_wish(request: Request) -> Response:
    if (r := _login(request)) is not None:
        return r
    return await _new_form(request, {}, None)


BUILDINGS_MAX = 400


async def _buildings(request: Request, home: dict | None) -> list[dict]:
    """The buildings to pick from: the resident's grid, or the grids a staff member screens
    (a text field instead when there are too many to list)."""
    p = principal(request)
    if home:
        prefixes = [home["code"][:15]]
    else:
        prefixes = [code_prefix(c, lv) for c, lv in p.areas if lv in ("community", "grid", "group")]
    if not prefixes:
        return []
    rows = await areas.buildings_under(prefixes, limit=BUILDINGS_MAX + 1)
    if len(rows) > BUILDINGS_MAX:
        return []
    return [{"code": r["code"], "label": f"{r['name']}({r['parent__name']})"} for r in rows]


WISH_FIELDS = ("resident", "title", "description", "category", "beneficiary", "value_yuan", "wish_by", "building",
               "address")


def wish_field_labels() -> dict[str, str]:
    """The form's fields as its labels read, in the reader's language (problems name them so)."""
    return {"resident": gettext("代办居民账号"), "title": gettext("心愿"), "description": gettext("说明"),
            "category": gettext("类别"), "beneficiary": gettext("服务对象"), "value_yuan": gettext("预估金额"),
            "wish_by": gettext("期望完成日期"), "building": gettext("楼栋"), "address": gettext("门牌或补充地址")}


def wish_field_errors(e: DomainError) -> dict[str, str]:
    """field -> its problem, for every problem the refusal lists (the first per field); a problem
    of no field of the form (where the wish lies) is left to the notice above the form."""
    out: dict[str, str] = {}
    for field, part in e.parts or [("", e)]:
        details = part.details if isinstance(part.details, dict) else {}
        named = details.get("field") or field
        if named in WISH_FIELDS:
            out.setdefault(named, part.message)
    return out


async def _new_form(request: Request, form: dict, error: DomainError | None, status: int = 200) -> Response:
    p = principal(request)
    today = clock.today()
    home = await _home_building(p.account_id) if p.is_authenticated else None
    errors = wish_field_errors(error) if error is not None else {}
    labels = wish_field_labels()
    notice = error.message if error is not None and not errors else None
    return render(request, "wishes/new.html", status=status, form=form, error=notice, errors=errors,
                  problems=[(f, labels[f], m) for f, m in errors.items()], home=home,
                  buildings=await _buildings(request, home),
                  staff=not entitled(p, "wish.post_own"), min_date=today.isoformat(),
                  default_date=(today + timedelta(days=30)).isoformat(),
                  cap=request.app.state.settings.wish_value_cap, **await _common(request))


async def post_wish(request: Request) -> Response:
    if (r := _login(request)) is not None:
        return r
    form = dict((await request.form()).items())
    data = {k: v for k, v in form.items() if k != "csrf_token" and v not in ("", None)}
    try:
        wish = await create_wish_from(request, data)
    except DomainError as e:
        return await _new_form(request, form, e, status=e.status)
    return RedirectResponse(f"/wishes/{wish.id}?done=submitted", status_code=303)


async def wish_page(request: Request, *, error: str | None = None, status: int = 200) -> Response:
    if (r := _login(request)) is not None:
        return r
    await expire_due_claims(request)
    wish = await access.get_wish(request.path_params["id"])
    st = standing(request, wish, await access.current_claim(wish))
    detail = await cards.detail(wish, st)
    return render(request, "wishes/detail.html", status=status, w=detail, error=error,
                  done=_done_zh(request.query_params.get("done")), today=clock.today().isoformat(),
                  max_extensions=MAX_EXTENSIONS, **await _common(request))


def _done_zh(action: str | None) -> str | None:
    """The flash after a step, in words."""
    if not action:
        return None
    if action == "submitted":
        return gettext("心愿已提交,等待网格员审核")
    if action == "rate":
        return gettext("评价已提交")
    try:
        return gettext("已办理:%(step)s") % {"step": gettext(TRANSITIONS[WishAction(action)].zh)}
    except ValueError:
        return None


async def wish_act(request: Request) -> Response:
    if (r := _login(request)) is not None:
        return r
    await expire_due_claims(request)
    form = await request.form()
    data: dict = {}
    for key, value in form.items():
        if key in ("csrf_token", "action"):
            continue
        if isinstance(value, UploadFile):
            content = await value.read()
            if content:
                data[key] = content
        elif value != "":
            data[key] = value
    for key in ("into", "stars", "project"):
        if key in data and isinstance(data[key], str) and (n := whole_number(data[key])) is not None:
            data[key] = n
    action = str(form.get("action") or "")
    wish = await access.get_wish(request.path_params["id"])
    st = standing(request, wish, await access.current_claim(wish))
    try:
        if action == "rate":
            await lifecycle.rate(wish, st, data)
        else:
            await lifecycle.act(wish, action, st, data, settings=request.app.state.settings)
    except DomainError as e:
        return await wish_page(request, error=e.message, status=e.status)
    return RedirectResponse(f"/wishes/{wish.id}?done={action}", status_code=303)


async def inbox_page(request: Request) -> Response:
    if (r := _login(request)) is not None:
        return r
    p = principal(request)
    unread = query_bool(request, "unread", False)
    data = await inbox.listing(p.account_id, unread_only=unread, page=PageRequest(limit=100), say=gettext)
    return render(request, "wishes/inbox.html", box=data, only_unread=unread,
                  **await _common(request))


async def inbox_read(request: Request) -> Response:
    if (r := _login(request)) is not None:
        return r
    p = principal(request)
    form = await request.form()
    target = "/inbox"
    if form.get("id"):
        try:
            entry = await inbox.mark_read(p.account_id, record_id(form.get("id")) or 0, say=gettext)
        except DomainError:
            return RedirectResponse("/inbox", status_code=303)
        link = entry.get("link") or ""
        target = link if link.startswith("/") and not link.startswith("//") else "/inbox"
    else:
        await inbox.mark_all_read(p.account_id)
    return RedirectResponse(target, status_code=303)


ROUTES = [
    Route("/wishes", wish_list, methods=["GET"]),
    Route("/wishes/new", new_wish, methods=["GET"]),
    Route("/wishes/new", post_wish, methods=["POST"]),
    Route("/wishes/{id:int}", wish_page, methods=["GET"]),
    Route("/wishes/{id:int}/act", wish_act, methods=["POST"]),
    Route("/inbox", inbox_page, methods=["GET"]),
    Route("/inbox/read", inbox_read, methods=["POST"]),
]
