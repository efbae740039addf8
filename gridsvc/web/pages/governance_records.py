"""Pages where community staff and officials enter the records behind governance items 5-7,
phone first: training sessions with attendance (/governance/training), a community's service
rooms and outdoor spaces (/governance/spaces/{code}), consultations through their five steps
(/governance/consultations, /governance/consultations/{id}); and the public page of a decided or
concluded matter (/consultations/{id}). Thin like the other pages: the API's permission actions
and store functions; a refused entry renders the page again with the reason, nothing stored."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ...domain import clock
from ...domain.dates import read_day
from ...domain.error_codes import ErrorCode
from ...domain.errors import DomainError, NotFound, ValidationError
from ...domain.governance import consultations as rules
from ...domain.levels import code_prefix
from ...domain.text import whole_number
from ...store.areas.reading import area_names
from ...store.governance import consultations, space, training
from ...store.governance.reports import area_or_404
from ..api.governance import scope, targets, year_param
from ..api.governance_records import scope_list
from ..permissions import can, principal, require, require_entitled
from .demands import login_redirect
from .render import render


def _int(form, key: str) -> int:
    raw = str(form.get(key) or "0").strip()
    n = whole_number(raw)
    if n is None:
        raise ValidationError(f"{key} 应为非负整数", f"{key} must be a whole number", code=ErrorCode.BAD_FIELD,
                              details={"field": key})
    return n


def _float(form, key: str) -> float:
    try:
        value = float(str(form.get(key) or "").strip())
    except ValueError:
        value = float("nan")
    if value != value or value in (float("inf"), float("-inf")):
        raise ValidationError("面积应为数字", "the area must be a number", code=ErrorCode.BAD_SPACE,
                              details={"field": key})
    return value


# -- training
async def training_page(request: Request, *, error: str | None = None, form=None, status: int = 200) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    require_entitled(request, "indicator.read")
    within, _scoped = await scope(request, "indicator.read")
    prefixes = await scope_list(request, "indicator.read")
    year = year_param(request)
    hours = await training.hours_per_community(prefixes, year, targets(request)) if prefixes else {}
    staff = sorted((p for people in hours.values() for p in people), key=lambda p: (not p["short"], p["name"]))
    p = principal(request)
    codes = [within.code] if within is not None else [c for c, _lv in p.areas]
    names = await area_names(codes)
    areas = [(c, names.get(c, c)) for c in codes]
    return render(request, "governance/training.html", status=status, year=year, within=within,
                  under=within.code if within else "", sessions=await training.sessions_under(prefixes, year),
                  staff=staff, can_record=any(can(request, "training.manage", a) for a in codes),
                  areas=areas, error=error, form=form or {},
                  today=clock.today().isoformat())


async def record_training(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    form = await request.form()
    try:
        area = await area_or_404(str(form.get("area") or "").strip(), "area")
        require(request, "training.manage", area.code)
        held_on = read_day(form.get("held_on"), "held_on") or clock.today()
        await training.record_session(area, title=str(form.get("title") or ""), organiser=str(form.get("organiser")
                                      or ""), held_on=held_on, class_hours=_int(form, "class_hours"),
                                      attendees=[str(a) for a in form.getlist("attendees")], today=clock.today())
    except DomainError as e:
        return await training_page(request, error=e.message_with_problems(), form=form, status=e.status)
    under = request.query_params.get("under") or ""
    return RedirectResponse(f"/governance/training?year={held_on.year}&done=1" + (f"&under={under}" if under else ""),
                            status_code=303)


# -- service space
async def spaces_page(request: Request, *, error: str | None = None, status: int = 200) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    community = await area_or_404(request.path_params["code"], "community")
    require(request, "indicator.read", community.code)
    return render(request, "governance/spaces.html", status=status, data=await space.spaces_of(community,
                  targets(request)), community=community, t=targets(request), error=error,
                  can_edit=can(request, "space.manage", community.code))


async def change_spaces(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    community = await area_or_404(request.path_params["code"], "community")
    form = await request.form()
    try:
        require(request, "space.manage", community.code)
        if form.get("action") == "delete":
            s, owner = await space.get_space(_int(form, "space"))
            if owner.id != community.id:
                raise NotFound("场地不存在", "no such space", code=ErrorCode.SPACE_NOT_FOUND)
            await space.delete_space(s)
        else:
            await space.add_space(community, name=str(form.get("name") or ""), kind=str(form.get("kind") or ""),
                                  m2=_float(form, "m2"))
    except DomainError as e:
        return await spaces_page(request, error=e.message_with_problems(), status=e.status)
    return RedirectResponse(f"/governance/spaces/{community.code}", status_code=303)


# -- consultations
async def consultations_page(request: Request, *, error: str | None = None, form=None, status: int = 200) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    require_entitled(request, "consultation.manage")
    within, _scoped = await scope(request, "consultation.manage")
    prefixes = await scope_list(request, "consultation.manage")
    p = principal(request)
    codes = [within.code] if within is not None and within.level == "community" else \
        [c for c, lv in p.areas if lv == "community"]
    names = await area_names(codes)
    communities = [(c, names.get(c, c)) for c in codes if can(request, "consultation.manage", c)]
    return render(request, "governance/consultations.html", status=status, rows=await consultations.list_under(
                  prefixes), within=within, under=within.code if within else "", communities=communities,
                  error=error, form=form or {}, today=clock.today().isoformat(), RAISERS=rules.RAISERS)


async def raise_consultation(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    form = await request.form()
    try:
        community = await area_or_404(str(form.get("community") or "").strip(), "community")
        require(request, "consultation.manage", community.code)
        today = clock.today()
        view = await consultations.raise_matter(community, title=str(form.get("title") or ""),
                                                matter=str(form.get("matter") or ""),
                                                raised_by=str(form.get("raised_by") or ""),
                                                raised_on=read_day(form.get("raised_on"), "raised_on") or today,
                                                today=today,
                                                recorded_by=principal(request).user_id)
    except DomainError as e:
        return await consultations_page(request, error=e.message_with_problems(), form=form, status=e.status)
    return RedirectResponse(f"/governance/consultations/{view['id']}", status_code=303)


async def consultation_page(request: Request, *, error: str | None = None, status: int = 200) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    c = await consultations.get(int(request.path_params["id"]))
    require(request, "consultation.manage", await consultations.community_code(c))
    return render(request, "governance/consultation.html", status=status, c=await consultations.view(c, full=True),
                  error=error, today=clock.today().isoformat(), PARTICIPANTS=rules.PARTICIPANTS)


async def consultation_step(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    c = await consultations.get(int(request.path_params["id"]))
    form = await request.form()
    try:
        require(request, "consultation.manage", await consultations.community_code(c))
        data: dict = {k: str(v) for k, v in form.items() if k not in ("csrf_token", "action", "participant_kinds")}
        for key in ("held_on", "decided_on", "carried_out_on", "concluded_on"):
            data[key] = read_day(form.get(key), key)
        for key in ("participants", "satisfied", "fair", "dissatisfied"):
            data[key] = _int(form, key)
        data["participant_kinds"] = [str(k) for k in form.getlist("participant_kinds")]
        await consultations.step(c, str(form.get("action") or ""), data, clock.today())
    except DomainError as e:
        return await consultation_page(request, error=e.message_with_problems(), status=e.status)
    return RedirectResponse(f"/governance/consultations/{c.id}", status_code=303)


async def public_consultation(request: Request) -> Response:
    require(request, "consultation.read_public")
    c = await consultations.get(int(request.path_params["id"]))
    if not rules.is_public(c.status):
        raise NotFound("协商议事事项不存在或尚未公开", "no such published consultation",
                       code=ErrorCode.CONSULTATION_NOT_FOUND)
    view = await consultations.view(c, full=False)
    staff = can(request, "consultation.manage", view["community"])
    return render(request, "governance/public_consultation.html", c=view, staff=staff)


async def published_of(code: str, level: str) -> list[dict]:
    """The decided and concluded matters of a community, for its public page."""
    return await consultations.list_under([code_prefix(code, level)], public_only=True, limit=20) \
        if level == "community" else []


ROUTES = [
    Route("/governance/training", training_page, methods=["GET"]),
    Route("/governance/training", record_training, methods=["POST"]),
    Route("/governance/spaces/{code}", spaces_page, methods=["GET"]),
    Route("/governance/spaces/{code}", change_spaces, methods=["POST"]),
    Route("/governance/consultations", consultations_page, methods=["GET"]),
    Route("/governance/consultations", raise_consultation, methods=["POST"]),
    Route("/governance/consultations/{id:int}", consultation_page, methods=["GET"]),
    Route("/governance/consultations/{id:int}", consultation_step, methods=["POST"]),
    Route("/consultations/{id:int}", public_consultation, methods=["GET"]),
]
