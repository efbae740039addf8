"""Keeping 办事指南 up to date in pages: officials (within their areas) and the admin create a
draft item (/services/new), edit the latest version (/services/{code}/edit: a draft is edited,
a published version gets the next version as a draft) and find the drafts waiting for
publication (/services/drafts). Publishing, revoking and discarding are on the item's page.

Every field of the item is in one form that works without JavaScript: rows of materials and
venues are added, removed and moved with submit buttons that answer with the form as typed.
The form calls the same store functions as the JSON API; a refusal shows the form again with
each problem next to its field and nothing stored.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gridsvc.store import areas
from gridsvc.store import catalog as store
from gridsvc.store.accounts import users

from ...domain.catalog import CATEGORIES, LISTS, TIME_LIMIT_UNITS, VENUE_KINDS, item_errors
from ...domain.error_codes import ErrorCode
from ...domain.errors import DomainError, Forbidden
from ...domain.levels import LEVEL_NAMES_ZH
from ...locale import gettext
from ..api.catalog import authorizer, may_edit
from ..permissions import can, principal, require_entitled
from .catalog_forms import (
    ItemForm,
    area_choices,
    drop_blank_rows,
    errors_by_slot,
    item_data,
    item_form_of,
    problems_of,
    read_item_form,
    row_operation,
)
from .catalog_items import minute
from .render import render


def _login(request: Request) -> Response | None:
    if not principal(request).is_authenticated:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return None


async def _everywhere_allowed(request: Request, action: str = "catalog.edit") -> bool:
    """An item for everywhere answers to the officials of every top-level area (or the admin)."""
    tops = await areas.top_areas()
    return bool(tops) and all(can(request, action, t.code) for t in tops)


async def _form_page(request: Request, form: ItemForm, *, item: dict[str, Any] | None = None,
                     errors: dict[str, list[str]] | None = None, status: int = 200, etag: str = "") -> Response:
    admission_item = bool(item and item.get("admission_required"))
    return render(request, "catalog/edit.html", status=status, f=form, item=item, errors=errors or {}, etag=etag,
                  choices=[] if admission_item else await area_choices(principal(request), form.areas),
                  everywhere_allowed=await _everywhere_allowed(request), admission_item=admission_item,
                  CATEGORIES=CATEGORIES, LISTS=[x for x in LISTS if x.id != "admitted"],
                  UNITS=TIME_LIMIT_UNITS, VENUE_KINDS=VENUE_KINDS, LEVEL_NAMES_ZH=LEVEL_NAMES_ZH)


def _precheck(form: ItemForm, data: dict[str, Any]) -> dict[str, list[str]]:
    """What the store cannot be asked about: no area ticked and not "everywhere" (it would read an
    empty list as everywhere), no category chosen (its message would name the empty value); with
    them, the item's other problems, so that all show at once."""
    out: dict[str, list[str]] = {}
    if not form.everywhere and not form.areas:
        out["areas"] = [gettext("请选择适用区域,或勾选“全市适用”")]
    if "category" in data and not data["category"]:
        out["category"] = [gettext("请选择类别")]
    if not out:
        return {}
    for e in item_errors({**data, "code": data.get("code") or "XX-XX-000"}):
        if e.details.get("field") not in ("code", "areas", *out):
            for slot, messages in errors_by_slot(e).items():
                out.setdefault(slot, []).extend(messages)
    return out


async def new_page(request: Request) -> Response:
    if (r := _login(request)) is not None:
        return r
    require_entitled(request, "catalog.edit")
    form = ItemForm(values={"list": "public_service", "time_limit_unit": "working_days", "fee": "不收费"})
    row_operation(form, "add:materials")
    row_operation(form, "add:venues")
    return await _form_page(request, form)


async def create_page(request: Request) -> Response:
    p = require_entitled(request, "catalog.edit")
    posted = await request.form()
    form = read_item_form(posted)
    if row_operation(form, str(posted.get("op") or "")):
        return await _form_page(request, form)
    drop_blank_rows(form)
    data = item_data(form)
    if problems := _precheck(form, data):
        return await _form_page(request, form, errors=problems, status=422)
    try:
        view = await store.create_item(data, actor=p, authorize=authorizer(request))
    except DomainError as e:
        if e.status == 401:
            raise
        return await _form_page(request, form, errors=await problems_of(e), status=e.status)
    return RedirectResponse(f"/services/{view['code']}?done=created", status_code=303)


async def _latest(request: Request) -> dict[str, Any]:
    code = request.path_params["code"]
    await store.get_item(code)  # 404 for an unknown item before the scope question
    if not await may_edit(request, code):
        raise Forbidden("您不能编辑这个事项:它适用的区域不在您的辖区内", "this item applies beyond your areas",
                        code=ErrorCode.FORBIDDEN, details={"action": "catalog.edit", "code": code})
    return (await store.version_list(code, may_see_drafts=True))["versions"][-1]


async def edit_page(request: Request) -> Response:
    if (r := _login(request)) is not None:
        return r
    latest = await _latest(request)
    return await _form_page(request, item_form_of(latest), item=latest, etag=latest["etag"])


async def save_page(request: Request) -> Response:
    p = require_entitled(request, "catalog.edit")
    latest = await _latest(request)
    posted = await request.form()
    form = read_item_form(posted)
    etag = str(posted.get("etag") or "")
    if latest["admission_required"]:
        form.everywhere = True  # its areas come from its admissions
    if row_operation(form, str(posted.get("op") or "")):
        return await _form_page(request, form, item=latest, etag=etag)
    drop_blank_rows(form)
    # the code, list and category are the item's identity: not in the form
    data = {k: v for k, v in item_data(form).items() if k not in ("code", "list", "category")}
    if problems := _precheck(form, {**data, "list": latest["list"], "category": latest["category"]}):
        return await _form_page(request, form, item=latest, etag=etag, errors=problems, status=422)
    try:
        view = await store.edit_item(latest["code"], data, actor=p, authorize=authorizer(request),
                                     if_match=etag or None)
    except DomainError as e:
        if e.status == 401:
            raise
        return await _form_page(request, form, item=latest, etag=etag, errors=await problems_of(e), status=e.status)
    done = "saved" if view["changed"] else "unchanged"
    return RedirectResponse(f"/services/{view['code']}?version={view['version']}&done={done}", status_code=303)


async def drafts_page(request: Request) -> Response:
    if (r := _login(request)) is not None:
        return r
    require_entitled(request, "catalog.edit")
    tops = [t.code for t in await areas.top_areas()]
    rows = [d for d in await store.open_drafts()
            if all(can(request, "catalog.edit", c) for c in (d["scope"] or tops or ["-"]))]
    names = await users.display_names([d["edited_by"] for d in rows])
    names["system"] = gettext("系统")
    for d in rows:
        d["who"] = names.get(d["edited_by"], d["edited_by"])
        d["at"] = minute(d["updated_at"])
    return render(request, "catalog/drafts.html", rows=rows,
                  discarded=request.query_params.get("done") == "discarded")


ROUTES = [
    Route("/services/new", new_page, methods=["GET"]),
    Route("/services/new", create_page, methods=["POST"]),
    Route("/services/drafts", drafts_page, methods=["GET"]),
    Route("/services/{code}/edit", edit_page, methods=["GET"]),
    Route("/services/{code}/edit", save_page, methods=["POST"]),
]
