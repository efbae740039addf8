"""社区工作事项准入 in pages: the admission desk (/services/admissions) shows each application in
the official's scope with its steps in words ("王芳 批准 2026-11-29 10:20"), people by name;
officials of the county level decide there (approve with the approval document and the project
agreement, reject with a reason), end an admission early, and applicants withdraw. A street
official applies from /services/admissions/new: a new item (its content, as in the item form)
or an admission item applied for before, the communities, the funding and the period.

Forms call the same store functions as the JSON API (gridsvc.web.api.catalog) and answer with a
redirect, or with the page again and each problem next to its field, nothing stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gridsvc.store import areas
from gridsvc.store import catalog as store
from gridsvc.store.accounts import users
from gridsvc.store.catalog import admission

from ...domain import clock
from ...domain.admission import ADMISSION_STATE_NAMES_ZH, DEPARTMENT_LEVELS, check_admission
from ...domain.catalog import CATEGORIES, CATEGORY_BY_ID, TIME_LIMIT_UNITS, VENUE_KINDS, item_errors
from ...domain.errors import DomainError, ValidationError
from ...domain.levels import LEVEL_NAMES_ZH
from ...locale import gettext, pgettext
from ...store.paging import PageRequest
from ..api.catalog import authorizer, may_edit, visible_to
from ..permissions import can, principal, require_entitled
from .catalog_forms import (
    ItemForm,
    area_choices,
    drop_blank_rows,
    errors_by_slot,
    item_data,
    problems_of,
    read_item_form,
)
from .catalog_forms import row_operation as item_row_operation
from .catalog_items import minute
from .render import render

APPLICATION_FIELDS = ("department", "department_level", "reason", "legal_basis", "funding_amount", "funding_source",
                      "period_start", "period_end", "item_mode", "item_code")


def admission_step_word(action: str, by: str = "") -> str:
    """A step of an admission in words, as its history reads ("王芳 批准 2026-11-29 10:20")."""
    if action == "expire" and by and by != admission.SYSTEM:
        return pgettext("admission step", "提前退出")  # a person ended it: the work is done
    words = {"apply": pgettext("admission step", "申请"), "approve": pgettext("admission step", "批准"),
             "reject": pgettext("admission step", "驳回"), "withdraw": pgettext("admission step", "撤回"),
             "activate": pgettext("admission step", "开始执行"), "expire": pgettext("admission step", "到期退出")}
    return words.get(action, action)


def _when(step: dict[str, Any]) -> str:
    """A person's step at its minute; the calendar's steps (by the system) on the day they took effect."""
    if step["by"] == admission.SYSTEM:
        return str(step["on"])
    return minute(datetime.fromisoformat(step["at"]))


async def desk(request: Request, *, errors: dict[str, list[str]] | None = None, status: int = 200) -> Response:
    p = principal(request)
    if not p.is_authenticated:
        return RedirectResponse("/login?next=/services/admissions", status_code=303)
    visible = visible_to(request)
    state = request.query_params.get("state") or None
    rows = (await admission.list_admissions(visible=visible, state=state, page=PageRequest(limit=200))).rows
    names = await areas.area_names({c for r in rows for c in r["areas"]})
    items = await store.item_names([r["item_code"] for r in rows])
    people = await users.display_names([r["applied_by"] for r in rows] + [r["decided_by"] or "" for r in rows]
                                       + [s["by"] for r in rows for s in r["steps"]])
    people[admission.SYSTEM] = gettext("系统")  # the calendar's steps (activate, expire)
    for r in rows:
        decides = all(can(request, "admission.decide", c) for c in r["areas"])
        r["can_decide"] = r["state"] == "applied" and decides and r["applied_by"] != p.username
        # withdrawing is the applicant's act (the API also lets an official over every area do it)
        r["can_withdraw"] = r["state"] == "applied" and r["applied_by"] == p.username
        r["can_end"] = r["state"] in ("approved", "active") and decides
        r["item_name"] = items.get(r["item_code"], r["item_code"])
        # the item's page shows an admission item only while it is in force, or to its editors
        r["item_open"] = r["state"] == "active" or await may_edit(request, r["item_code"])
        r["applied_by_name"] = people.get(r["applied_by"], r["applied_by"])
        r["decided_by_name"] = people.get(r["decided_by"] or "", r["decided_by"] or "")
        for step in r["steps"]:
            step["by_name"] = people.get(step["by"], step["by"])
            step["action_word"] = admission_step_word(step["action"], step["by"])
            step["when"] = _when(step)
        r["applied_at"] = next((s["when"] for s in r["steps"] if s["action"] == "apply"), r["applied_on"])
        r["decided_at"] = next((s["when"] for s in r["steps"] if s["action"] in ("approve", "reject")),
                               r["decided_on"])
    done = {"applied": gettext("申请已提交,等待审批"), "approve": gettext("已批准"), "reject": gettext("已驳回"),
            "withdraw": gettext("申请已撤回"), "end": gettext("已提前退出")}.get(request.query_params.get("done") or "")
    # the filter's chips name each state as its badge does (one name for one state)
    filters = [(s, ADMISSION_STATE_NAMES_ZH[s]) for s in FILTER_ORDER]
    return render(request, "catalog/admissions.html", status=status, rows=rows, names=names, state=state,
                  filters=filters, errors=errors or {}, done=done, can_apply=can(request, "admission.apply"))


# the admissions desk's filter, in the order a desk works through them
FILTER_ORDER = ("applied", "active", "approved", "rejected", "expired", "withdrawn")


async def _step(request: Request, name: str, act) -> Response:
    aid = int(request.path_params["id"])
    form = await request.form()
    try:
        await act(aid, form)
    except DomainError as e:
        if e.status in (401, 404):
            raise
        # each problem under its input of this application's form; the rest (a refusal) on top of it
        slots = {f"{aid}.{k}" if k in ("reason", "approval_document", "agreement") else str(aid): v
                 for k, v in (await problems_of(e)).items()}
        return await desk(request, errors=slots, status=e.status)
    return RedirectResponse(f"/services/admissions?done={name}#a{aid}", status_code=303)


def _value(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


async def decide_page(request: Request) -> Response:
    p = require_entitled(request, "admission.decide")
    form = await request.form()
    op = _value(form, "op")
    action = op if op in ("approve", "reject") else "approve"

    async def act(aid: int, form: FormData) -> None:
        await admission.decide(aid, action, reason=_value(form, "reason"), actor=p, authorize=authorizer(request),
                               papers={k: _value(form, k) for k in ("approval_document", "agreement")})

    return await _step(request, action, act)


async def withdraw_page(request: Request) -> Response:
    p = require_entitled(request, "admission.apply")

    async def act(aid: int, form: FormData) -> None:
        await admission.withdraw(aid, reason=_value(form, "reason"), actor=p, authorize=authorizer(request))

    return await _step(request, "withdraw", act)


async def end_page(request: Request) -> Response:
    p = require_entitled(request, "admission.decide")

    async def act(aid: int, form: FormData) -> None:
        await admission.end(aid, reason=_value(form, "reason"), actor=p, authorize=authorizer(request))

    return await _step(request, "end", act)


# ---- applying -------------------------------------------------------------------------------


async def _apply_form(request: Request, app: dict[str, str], item: ItemForm, *,
                      errors: dict[str, list[str]] | None = None, status: int = 200) -> Response:
    return render(request, "catalog/apply.html", status=status, a=app, f=item, errors=errors or {},
                  choices=await area_choices(principal(request), item.areas), existing=await store.admission_items(),
                  LEVELS=DEPARTMENT_LEVELS, CATEGORIES=CATEGORIES, UNITS=TIME_LIMIT_UNITS, VENUE_KINDS=VENUE_KINDS,
                  LEVEL_NAMES_ZH=LEVEL_NAMES_ZH, today=clock.today().isoformat())


async def apply_page(request: Request) -> Response:
    if not principal(request).is_authenticated:
        return RedirectResponse("/login?next=/services/admissions/new", status_code=303)
    require_entitled(request, "admission.apply")
    item = ItemForm(values={"time_limit_unit": "working_days", "fee": "不收费"})
    item_row_operation(item, "add:materials")
    item_row_operation(item, "add:venues")
    return await _apply_form(request, {"department_level": "district", "item_mode": "new"}, item)


async def _new_item(item: ItemForm, department: str) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The new item's content for the application, and its problems (slots ``item.…``)."""
    content = item_data(item, fixed={"list": "admitted", "areas": []})
    if not content.get("responsible"):
        content.pop("responsible", None)  # the applying department answers for it (the store's default)
    category = content.get("category")
    code = await store.next_code("admitted", category) if category in CATEGORY_BY_ID else ""
    errors: dict[str, list[str]] = {} if category else {"item.category": [gettext("请选择类别")]}
    for e in item_errors({"responsible": department, **content, "code": code or "ZR-XX-000"}):
        if e.details.get("field") not in ("code", *(() if category else ("category",))):
            for slot, messages in errors_by_slot(e, prefix="item.").items():
                errors.setdefault(slot, []).extend(messages)
    return {**content, "code": code}, errors


async def submit_application(request: Request) -> Response:
    p = require_entitled(request, "admission.apply")
    posted = await request.form()
    app = {k: _value(posted, k) for k in APPLICATION_FIELDS}
    item = read_item_form(posted, prefix="item-")
    item.areas = [a for a in posted.getlist("areas") if isinstance(a, str) and a]  # the application's
    if item_row_operation(item, _value(posted, "op")):
        return await _apply_form(request, app, item)
    drop_blank_rows(item)
    data: dict[str, Any] = {
        "department": app["department"], "department_level": app["department_level"] or "district",
        "reason": app["reason"], "legal_basis": app["legal_basis"],
        "funding": {"amount": app["funding_amount"], "source": app["funding_source"]},
        "areas": item.areas, "period_start": app["period_start"], "period_end": app["period_end"]}
    errors: dict[str, list[str]] = {}
    if app["item_mode"] == "existing":
        data["item_code"] = app["item_code"]
        if not app["item_code"]:
            errors["item_code"] = [gettext("请选择要申请的事项")]
    else:
        data["item"], errors = await _new_item(item, app["department"])
        data["item_code"] = data["item"]["code"]
    try:  # the store stops at the first problem: ask the application's rules here so that its
        # problems show together with the new item's
        check_admission({k: v for k, v in data.items() if k not in ("item", "department_level")}
                        | {"item_code": data["item_code"] or "ZR-XX-000"})
    except ValidationError as e:
        for slot, messages in errors_by_slot(e).items():
            errors.setdefault(slot, []).extend(messages)
    if not errors:
        try:
            view = await admission.apply(data, actor=p, authorize=authorizer(request))
        except DomainError as e:
            if e.status == 401:
                raise
            errors = await problems_of(e)
            return await _apply_form(request, app, item, errors=errors, status=e.status)
        return RedirectResponse(f"/services/admissions?done=applied#a{view['id']}", status_code=303)
    return await _apply_form(request, app, item, errors=errors, status=422)


ROUTES = [
    Route("/services/admissions", desk, methods=["GET"]),
    Route("/services/admissions/new", apply_page, methods=["GET"]),
    Route("/services/admissions/new", submit_application, methods=["POST"]),
    Route("/services/admissions/{id:int}/decide", decide_page, methods=["POST"]),
    Route("/services/admissions/{id:int}/withdraw", withdraw_page, methods=["POST"]),
    Route("/services/admissions/{id:int}/end", end_page, methods=["POST"]),
]
