"""The allocation plan's review page (分配方案): staff see a batch of wishes and the project
each is given, as a table and on a map, change assignments (each wish offers the projects
that pass its hard filters) and accept or discard the plan.

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
from ...store.wishes.plan_review import plan_choices
from ..api.wishes import expire_due_claims
from ..permissions import require
from .demands import login_redirect
from .render import render


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
    Route("/allocations/{id:int}", plan_page, methods=["GET"]),
    Route("/allocations/{id:int}", plan_act, methods=["POST"]),
]
