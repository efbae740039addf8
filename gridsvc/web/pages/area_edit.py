"""The area editor (/areas/{code}/edit): the area with its neighbours and children on a map, to
redraw, split, merge and draw children (static/areas/edit.js over the area edit API), and a form
to rename it and set its households and population, which works on a phone without the map."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gridsvc.store import areas as store
from gridsvc.store.areas import edits

from ...domain.errors import DomainError
from ...domain.levels import LEVEL_NAMES_ZH, area_level_name_zh, child_level
from ...domain.text import whole_number
from ..api import query_bool
from ..permissions import can, principal, require
from .render import render


def _count(value: str) -> int | str | None:
    """A form's count: blank is "not known"; anything else goes to the store's check as typed."""
    value = value.strip()
    if not value:
        return None
    n = whole_number(value)
    return n if n is not None else value


async def _page(request: Request, *, error: str | None = None, form: dict | None = None, status: int = 200) -> Response:
    area = await store.get_area(request.path_params["code"])
    require(request, "area.edit", area.code)
    kid = child_level(area.level)
    return render(request, "areas/edit.html", status=status, area=area, chain=await store.ancestors(area),
                  level_name=area_level_name_zh(area.level, area.code), error=error, form=form or {},
                  child_name=LEVEL_NAMES_ZH.get(kid or "", ""), child_is_point=kid == "building",
                  is_point=area.level == "building" and store.geom_of(area).geom_type == "Point",
                  can_split=area.parent is not None and can(request, "area.create", area.parent.code),
                  can_merge=area.parent is not None,
                  can_draw=kid is not None and can(request, "area.create", area.code),
                  last=await edits.last_change(area), saved=query_bool(request, "saved", False))


async def edit_page(request: Request) -> Response:
    if not principal(request).is_authenticated:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return await _page(request)


async def save_details(request: Request) -> Response:
    """The form: name, households, population, at the version the form was shown with."""
    area = await store.get_area(request.path_params["code"])
    p = require(request, "area.edit", area.code)
    form = {k: str(v) for k, v in (await request.form()).items()}
    patch = {"name": form.get("name", "").strip(), "households": _count(form.get("households", "")),
             "population": _count(form.get("population", ""))}
    try:
        version = int(form.get("version", ""))
    except ValueError:
        version = None
    try:
        await store.update_area(area.code, patch, None, actor=p, expected_version=version,
                                settings=request.app.state.settings)
    except DomainError as e:
        return await _page(request, error=e.message, form=form, status=e.status)
    return RedirectResponse(f"/areas/{area.code}/edit?saved=1", status_code=303)


ROUTES = [
    Route("/areas/{code}/edit", edit_page, methods=["GET"]),
    Route("/areas/{code}/edit", save_details, methods=["POST"]),
]
