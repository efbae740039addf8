"""Account pages (issue 11 item 6) for the admin and officials within their areas: the accounts
of their scope (search by name, role, area; a page at a time), a new staff or resident account
with its area (picked from the viewer's scope, roles from what they may create), a password reset
(generated and shown once, or typed), deactivation and reactivation.

Same permission decision (`domain/accounts.py` over `user.manage`) and store calls as
gridsvc.web.api.accounts.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gridsvc.store.accounts import directory, users
from gridsvc.store.rosters import posts

from ...domain import accounts
from ...domain.error_codes import ErrorCode
from ...domain.errors import DomainError
from ...domain.levels import LEVEL_NAMES_ZH
from ...domain.scope import ANY, reach
from ...locale import gettext as _
from ..api.paging import page_request
from ..permissions import prefixes, principal, require
from .demands import login_redirect
from .render import render


def _roles(request: Request) -> tuple[str, ...]:
    return accounts.creatable_roles(principal(request))


async def account_list(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    p = require(request, "user.manage")
    q = request.query_params
    query = {k: (q.get(k) or "").strip() for k in ("q", "role", "under")}
    page = await directory.list_accounts(scope=prefixes(request, "user.manage"),
                                         roles=None if reach(p, "user.manage") is ANY else _roles(request),
                                         q=query["q"] or None, role=query["role"] or None,
                                         under=query["under"] or None, page=page_request(request, default=30),
                                         names_under=prefixes(request, "resident.pii"))
    return render(request, "accounts/list.html", people=[accounts.as_seen_by(p, c) for c in page.rows],
                  next_cursor=page.next_cursor, query=query,
                  roles=_roles(request))


async def _new_form(request: Request, *, form: dict[str, str], error: str | None = None,
                    status: int = 200, roster: str | None = None) -> Response:
    roles = _roles(request)
    role = form["role"] if form.get("role") in roles else roles[-1]
    levels = accounts.area_levels_of(role)
    picks = await directory.areas_to_pick(scope=prefixes(request, "user.manage"), levels=levels,
                                          q=form.get("area_q") or None) if levels else []
    # the areas whose post of this tier someone holds: shown, not choosable, with their roster
    holders = await posts.post_holders([a["code"] for a in picks], role) if picks else {}
    picks = [{**a, "holder": holders.get(a["code"], "")} for a in picks]
    return render(request, "accounts/new.html", status=status, form={**form, "role": role}, roles=roles,
                  level_names=[_(LEVEL_NAMES_ZH[lv]) for lv in levels], picks=picks, error=error,
                  held=[a for a in picks if a["holder"]], roster=roster)


async def new_account(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    require(request, "user.manage")
    return await _new_form(request, form={k: v for k, v in request.query_params.items()})


async def create_account(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    actor = require(request, "user.manage")
    form = {k: str(v).strip() for k, v in (await request.form()).items() if k != "csrf_token"}
    areas = [form["area"]] if form.get("area") else []
    typed = form.get("password") or ""
    try:
        accounts.check_manage(actor, form.get("role", ""), areas)
        password = typed or accounts.new_password()
        user = await users.create_user(form.get("username", ""), role=form.get("role", ""), password=password,
                                       areas=areas, display_name=form.get("name", ""), phone=form.get("phone", ""),
                                       actor=actor)
    except DomainError as e:
        # a post someone holds: the refusal names them and links the roster where they are ended or transferred
        taken = e.code is ErrorCode.POST_TAKEN and isinstance(e.details, dict)
        return await _new_form(request, form={k: v for k, v in form.items() if k != "password"}, error=e.message,
                               status=e.status, roster=str(e.details.get("area")) if taken else None)
    # the page that answers the form shows a generated password, once; nothing keeps it
    return await _detail(request, user.id, one_time=None if typed else password, done="created")


async def _detail(request: Request, user_id: int, *, one_time: str | None = None, done: str | None = None,
                  error: str | None = None, status: int = 200) -> Response:
    actor = require(request, "user.manage")
    user, card = await directory.account(user_id)
    accounts.check_manage(actor, user.role, [a["code"] for a in card["areas"]])
    return render(request, "accounts/detail.html", status=status, a=accounts.as_seen_by(actor, card),
                  one_time=one_time, done=done,
                  error=error, own=actor.user_id == user.id)


async def account_page(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    return await _detail(request, request.path_params["id"], done=request.query_params.get("done"))


async def reset_password(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    actor = require(request, "user.manage")
    user_id = request.path_params["id"]
    user, card = await directory.account(user_id)
    accounts.check_manage(actor, user.role, [a["code"] for a in card["areas"]])
    form = await request.form()
    typed = str(form.get("password") or "") if form.get("how") == "type" else ""
    password = typed or accounts.new_password()
    try:
        await users.set_password(user, password, actor=actor)
    except DomainError as e:
        return await _detail(request, user_id, error=e.message, status=e.status)
    return await _detail(request, user_id, one_time=None if typed else password, done="password")


async def deactivate(request: Request) -> Response:
    return await _set_active(request, False)


async def reactivate(request: Request) -> Response:
    return await _set_active(request, True)


async def _set_active(request: Request, active: bool) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    actor = require(request, "user.manage")
    user_id = request.path_params["id"]
    user, card = await directory.account(user_id)
    accounts.check_manage(actor, user.role, [a["code"] for a in card["areas"]])
    try:
        await users.set_active(user, active, actor=actor)
    except DomainError as e:
        return await _detail(request, user_id, error=e.message, status=e.status)
    return RedirectResponse(f"/accounts/{user_id}?done={'reactivated' if active else 'deactivated'}",
                            status_code=303)


ROUTES = [
    Route("/accounts", account_list, methods=["GET"]),
    Route("/accounts/new", new_account, methods=["GET"]),
    Route("/accounts/new", create_account, methods=["POST"]),
    Route("/accounts/{id:int}", account_page, methods=["GET"]),
    Route("/accounts/{id:int}/password", reset_password, methods=["POST"]),
    Route("/accounts/{id:int}/deactivate", deactivate, methods=["POST"]),
    Route("/accounts/{id:int}/reactivate", reactivate, methods=["POST"]),
]
