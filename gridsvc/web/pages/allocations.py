"""The allocation plans' pages (分配方案): the list of plans in the viewer's scope with a form
to make one for an area, and the review page where staff see a batch of wishes and the
project each is given, as a table and on a map, change assignments (each wish offers the
projects that pass its hard filters) and accept or discard the plan.

Same permission action (``allocation.plan`` at the plan's area) and store functions as
gridsvc.web.api.wishes; a refused change renders the page again with the reasons per row.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gridsvc.store.wishes import allocations as plans

from ...domain import clock
from ...domain.error_codes import ErrorCode
from ...domain.errors import DomainError, ValidationError
from ...domain.text import whole_number
from ...domain.wishes import WISH_CATEGORIES
from ...store.areas.reading import area_names
from ...store.wishes.plan_review import plan_choices
from ..api.paging import page_request
from ..api.wishes import expire_due_claims
from ..permissions import can, prefixes, principal, require
from .demands import login_redirect
from .render import render


async def _areas_to_plan(request: Request) -> list[tuple[str, str]]:
    """The viewer's own areas where they may make a plan, as (code, name)."""
    codes = [code for code, _ in principal(request).areas if can(request, "allocation.plan", code)]
    names = await area_names(codes)
    return [(code, names.get(code, code)) for code in codes]


def default_plan_name(area_name: str) -> str:
    """What the demo calls its plan: the area and "本月微心愿" (this month's micro-wishes)."""
    return f"{area_name}本月微心愿"


async def plan_list(request: Request, *, form: dict[str, str] | None = None, error: str | None = None,
                    status: int = 200) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    require(request, "allocation.plan")
    found = await plans.list_plans(prefixes(request, "allocation.plan"), page=page_request(request, default=30))
    areas = await _areas_to_plan(request)
    if form is None:
        form = {"under": areas[0][0] if areas else "", "name": default_plan_name(areas[0][1]) if areas else ""}
    return render(request, "allocations/list.html", status=status, plans=found.rows, next_cursor=found.next_cursor,
                  areas=areas, form=form, error=error)


async def plan_make(request: Request) -> Response:
    """Make a draft plan for an area from the list page's form: the API's permission
    (``allocation.plan`` at the area) and store call; a refusal shows the list again with the
    reason and what was typed."""
    if (r := login_redirect(request)) is not None:
        return r
    require(request, "allocation.plan")
    data = await request.form()
    form = {k: str(data.get(k) or "").strip() for k in ("under", "name")}
    try:
        if not form["under"]:
            raise ValidationError("请选择区域", "choose an area", code=ErrorCode.REQUIRED, details={"field": "under"})
        actor = require(request, "allocation.plan", form["under"])
        name = form["name"] or default_plan_name((await area_names([form["under"]])).get(form["under"], ""))
        await expire_due_claims(request)
        plan = await plans.make_plan(form["under"], actor=actor, name=name, today=clock.today())
    except DomainError as e:
        if e.status in (401, 403):
            raise
        return await plan_list(request, form=form, error=e.message, status=e.status)
    return RedirectResponse(f"/allocations/{plan.id}", status_code=303)


async def _plan(request: Request):
    plan = await plans.get_plan(request.path_params["id"])
    return plan, require(request, "allocation.plan", plan.area_code)


async def plan_page(request: Request, *, error: str | None = None, problems: list | None = None,
                    status: int = 200) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    plan, _ = await _plan(request)
    view = await plans.plan_view(plan)
    choices = await plan_choices(plan, today=clock.today()) if plan.status == "draft" else {}
    points = []
    for item in view["items"]:
        place = choices.get(item["wish"]["id"]) or {}
        project = item["project"] and next((p for p in place.get("projects", []) if p["id"] == item["project"]["id"]),
                                           None)
        if place.get("lon") is not None:
            points.append({"wish": item["wish"]["id"], "title": item["wish"]["title"], "lon": place["lon"],
                           "lat": place["lat"], "to": [project["lon"], project["lat"]] if project else None})
    return render(request, "allocations/detail.html", status=status, plan=view, choices=choices, points=points,
                  CATEGORIES=WISH_CATEGORIES, error=error,
                  problems={p.get("wish"): p["message"] for p in problems or []},
                  done=request.query_params.get("done"))


def plan_changes(form, items: list[dict]) -> list[dict]:
    """The rows whose select differs from the plan: ``project_<wish>`` is a project id or ""
    (unassigned). Unchanged rows are not sent, so an edit names only what staff changed."""
    changes = []
    for item in items:
        wid = item["wish"]["id"]
        key = f"project_{wid}"
        if key not in form:
            continue
        raw = str(form[key]).strip()
        current = item["project"]["id"] if item["project"] else None
        if not raw:
            new = None
        elif (n := whole_number(raw)) is not None:
            new = n
        else:
            raise ValidationError(f"心愿 {wid} 的项目应为项目编号", f"the project of wish {wid} must be a project id",
                                  code=ErrorCode.BAD_FIELD, details={"field": key})
        if new != current:
            changes.append({"wish": wid, "project": new})
    return changes


async def plan_act(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    plan, actor = await _plan(request)
    form = await request.form()
    action = str(form.get("action") or "")
    try:
        if action == "edit":
            changes = plan_changes(form, (await plans.plan_view(plan))["items"])
            if changes:
                await plans.edit_plan(plan, changes, actor=actor, today=clock.today())
        elif action == "accept":
            await expire_due_claims(request)
            await plans.accept_plan(plan, actor=actor, now=clock.now())
        elif action == "discard":
            await plans.discard_plan(plan, actor=actor, now=clock.now())
        else:
            raise ValidationError(f"未知的操作 {action[:20]}", f"unknown action {action[:20]}",
                                  code=ErrorCode.BAD_FIELD, details={"field": "action"})
    except DomainError as e:
        return await plan_page(request, error=e.message, problems=e.problems, status=e.status)
    return RedirectResponse(f"/allocations/{plan.id}?done={action}", status_code=303)


ROUTES = [
    Route("/allocations", plan_list, methods=["GET"]),
    Route("/allocations", plan_make, methods=["POST"]),
    Route("/allocations/{id:int}", plan_page, methods=["GET"]),
    Route("/allocations/{id:int}", plan_act, methods=["POST"]),
]
