"""Volunteer demand pages (志愿服务需求), phone first: volunteers find demands near them and in
their skills, sign up and withdraw; organisation members claim places for their members;
community staff publish demands, watch them fill and record everyone's hours in one table.

Thin like the wish pages: the same permission actions and store functions as
gridsvc.web.api.demands; a refused step renders the page again with the reason.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gridsvc.store.orgs import crews, volunteering
from gridsvc.store.orgs import demands as store

from ...domain import clock
from ...domain.error_codes import ErrorCode
from ...domain.errors import DomainError, Forbidden, ValidationError
from ...domain.scope import entitled
from ...domain.text import whole_number
from ...domain.volunteers import DEMAND_STATUSES
from ...domain.wishes import WISH_CATEGORIES
from ..paging import numbered_page
from ..permissions import can, principal, require
from .render import render

PAGE_SIZE = 30
STEPS = ("close", "reopen", "cancel", "complete")
OPEN = "published,full"


def login_redirect(request: Request) -> Response | None:
    if not principal(request).is_authenticated:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return None


def _home_area(request: Request) -> str | None:
    """Where "near me" is: a volunteer's own area, every service area of a member's organisation."""
    p = principal(request)
    if p.is_authenticated and p.role == "volunteer" and p.areas:
        return p.areas[0][0]
    if p.is_authenticated and p.role == "org_member" and p.areas:
        return ",".join(code for code, _ in p.areas)
    return None


async def demand_list(request: Request) -> Response:
    require(request, "demand.read")
    status = request.query_params.get("status") or OPEN
    # an empty ``under`` is the "every area" link; only its absence means "near me"
    asked = request.query_params.get("under")
    under = (asked if asked is not None else _home_area(request)) or None
    page, wanted = numbered_page(request, PAGE_SIZE)
    found = await store.list_demands(status=status, under=under, page=wanted)
    skills = set(await volunteering.volunteer_skills(principal(request).user_id))
    rows = [{**d, "fits": sorted(skills & set(d["skills"]))} for d in found.rows]
    if skills:
        # demands in the volunteer's skills first, otherwise soonest first as listed
        rows.sort(key=lambda d: not d["fits"])
    total = found.extra["total"]
    return render(request, "demands/list.html", demands=rows, total=total, shown=status, under=under or "",
                  page=page, pages=max(1, -(-total // PAGE_SIZE)), STATUSES=DEMAND_STATUSES,
                  can_publish=entitled(principal(request), "demand.publish"))


def _new_form(request: Request, form: dict, error: str | None, status: int = 200) -> Response:
    p = principal(request)
    return render(request, "demands/new.html", status=status, form=form, error=error,
                  areas=[c for c, lv in p.areas if lv in store.DEMAND_AREA_LEVELS], CATEGORIES=WISH_CATEGORIES)


def _require_publisher(request: Request) -> None:
    if not entitled(principal(request), "demand.publish"):
        raise Forbidden("只有社区工作人员和民政干部可以发布志愿服务需求",
                        "only community staff and officials publish volunteer demands", code=ErrorCode.WRONG_ROLE)


async def new_demand(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    _require_publisher(request)
    return _new_form(request, {}, None)


def demand_fields(form: dict) -> dict:
    """The form as the API's JSON body: numbers as numbers, skills split on commas."""
    data: dict = {k: v for k, v in form.items() if k != "csrf_token" and v not in ("", None)}
    if "volunteers_needed" in data:
        try:
            data["volunteers_needed"] = int(data["volunteers_needed"])
        except ValueError:
            raise ValidationError("人数应为整数", "the number of volunteers must be a whole number",
                                  code=ErrorCode.BAD_VOLUNTEERS_NEEDED,
                                  details={"field": "volunteers_needed"}) from None
    for key in ("lon", "lat"):
        if key in data:
            try:
                data[key] = float(data[key])
            except ValueError:
                raise ValidationError("位置应为经纬度数字", "the position must be numbers",
                                      code=ErrorCode.BAD_POSITION, details={"field": key}) from None
    if "skills" in data:
        data["skills"] = [s.strip() for s in data["skills"].replace(",", ",").replace("、", ",").split(",")
                          if s.strip()]
    return data


async def post_demand(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    _require_publisher(request)
    form = dict((await request.form()).items())
    try:
        data = demand_fields(form)
        area = await store.demand_area(data)
        require(request, "demand.publish", area.code)
        d = await store.create_demand(data, area, actor=principal(request), now=clock.now())
    except DomainError as e:
        return _new_form(request, form, e.message, status=e.status)
    return RedirectResponse(f"/demands/{d.id}?done=publish", status_code=303)


async def demand_page(request: Request, *, error: str | None = None, status: int = 200) -> Response:
    require(request, "demand.read")
    d = await store.get_demand(request.path_params["id"])
    p = principal(request)
    staff = can(request, "demand.publish", d.area_code)
    takes = await store.takes_of(d, full=staff, org_id=p.org_id)
    mine = await volunteering.place_held(d, p.user_id, p.org_id, p.role)
    may_take = can(request, "demand.take", d.area_code)
    return render(request, "demands/detail.html", status=status, d=await store.demand_card(d), takes=takes,
                  staff=staff, mine=mine, error=error,
                  started=clock.now() >= d.starts_at, done=request.query_params.get("done"),
                  can_signup=may_take and entitled(p, "volunteer.act"),
                  can_claim=(can_claim := may_take and entitled(p, "org.act_for") and p.org_id is not None),
                  crew=await crews.org_members(p.org_id) if can_claim and p.org_id is not None else [],
                  people=await volunteering.participants(d) if staff else [])


def hours_entries(form) -> list[dict]:
    """The hours table: one row per participant, ``hours_<username>`` and ``note_<username>``;
    a blank row is skipped (not yet known), so staff can fill the table in several sittings."""
    entries = []
    for key, value in form.items():
        if key.startswith("hours_") and str(value).strip():
            who = key[len("hours_"):]
            raw = str(value).strip()
            try:
                hours: float | str = float(raw)
            except ValueError:
                hours = raw  # the store names the bad value and the row
            entries.append({"volunteer": who, "hours": hours, "note": str(form.get(f"note_{who}") or "")})
    return entries


async def demand_act(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    d = await store.get_demand(request.path_params["id"])
    form = await request.form()
    action = str(form.get("action") or "")
    p = principal(request)
    try:
        if action in ("signup", "claim"):
            kind = "org" if action == "claim" else "volunteer"
            if not entitled(p, "org.act_for" if kind == "org" else "volunteer.act"):
                raise Forbidden("只有社会组织成员可以代表组织认领" if kind == "org" else "只有志愿者可以报名",
                                "only organisation members claim" if kind == "org" else "only volunteers sign up",
                                code=ErrorCode.WRONG_ROLE)
            require(request, "demand.take", d.area_code)
            count = form.get("count")
            project = form.get("project")
            # the checklist of members: ticking names makes the count their number
            named = [n for m in form.getlist("members") if (n := whole_number(m)) is not None] or None
            await store.take(d, p, kind=kind, count=None if named else whole_number(count),
                             project=project or None, members=named, now=clock.now())
        elif action == "release":
            await store.release(d, p, take_id=form.get("take") or None,
                                staff=can(request, "demand.publish", d.area_code), now=clock.now())
        elif action in STEPS:
            require(request, "demand.publish", d.area_code)
            await store.step(d, action, actor=p, now=clock.now())
        elif action == "hours":
            require(request, "demand.publish", d.area_code)
            await store.record_hours(d, hours_entries(form), actor=p, now=clock.now())
        else:
            raise ValidationError(f"未知的操作 {action[:20]}", f"unknown action {action[:20]}",
                                  code=ErrorCode.BAD_FIELD, details={"field": "action"})
    except DomainError as e:
        message = e.message
        problems = e.details.get("problems") if isinstance(e.details, dict) else None
        if problems:
            message += ":" + ";".join(str(x["message"]) for x in problems)
        return await demand_page(request, error=message, status=e.status)
    return RedirectResponse(f"/demands/{d.id}?done={action}", status_code=303)


ROUTES = [
    Route("/demands", demand_list, methods=["GET"]),
    Route("/demands/new", new_demand, methods=["GET"]),
    Route("/demands/new", post_demand, methods=["POST"]),
    Route("/demands/{id:int}", demand_page, methods=["GET"]),
    Route("/demands/{id:int}/act", demand_act, methods=["POST"]),
]
