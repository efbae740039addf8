"""Volunteer demand pages (志愿服务需求), phone first: volunteers find demands near them and in
their skills, sign up and withdraw; organisation members claim places for their members;
community staff publish demands, watch them fill and record everyone's hours in one table.

Thin like the wish pages: the same permission actions and store functions as
gridsvc.web.api.demands; a refused step renders the page again with the reason.
"""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gridsvc.store.orgs import crews, demand_areas, volunteering
from gridsvc.store.orgs import demands as store

from ...domain import clock
from ...domain.error_codes import ErrorCode
from ...domain.errors import DomainError, FieldProblems, Forbidden, ValidationError
from ...domain.levels import is_within
from ...domain.scope import entitled
from ...domain.text import whole_number
from ...domain.volunteers import DEMAND_STATUSES, VOLUNTEERS_MAX
from ...domain.wishes import WISH_CATEGORIES
from ...locale import gettext as _
from ..api.paging import numbered_page
from ..permissions import can, prefixes, principal, require
from .render import render

PAGE_SIZE = 30
STEPS = ("close", "reopen", "cancel", "complete")
OPEN = "published,full"


def login_redirect(request: Request) -> Response | None:
    if not principal(request).is_authenticated:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return None


def _home_area(request: Request) -> str | None:
    """Where "near me" is (a default; ``under=`` picks another): a volunteer's own area, every
    service area of a member's organisation; none for the others (staff list their own way)."""
    p = principal(request)
    if entitled(p, "volunteer.act") and p.areas:
        return p.areas[0][0]
    if entitled(p, "org.act_for") and p.areas:
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


def field_labels() -> dict[str, str]:
    """The form's fields as its labels read, in the reader's language (errors name them so)."""
    return {"title": _("标题"), "area": _("所在区域"), "within": _("网格、小组或楼栋"), "place": _("地点"),
            "position": _("地图上的位置"), "starts_at": _("开始时间"), "ends_at": _("结束时间"),
            "volunteers_needed": _("需要志愿者人数"), "skills": _("所需技能"), "category": _("服务类别"),
            "description": _("说明")}


REQUIRED = ("title", "area", "starts_at", "ends_at", "volunteers_needed")
# the field an error is about when its details do not say (the domain's checks name no form field)
FIELD_OF = {ErrorCode.BAD_TITLE: "title", ErrorCode.BAD_WINDOW: "ends_at", ErrorCode.WINDOW_TOO_LONG: "ends_at",
            ErrorCode.STARTS_IN_PAST: "starts_at", ErrorCode.BAD_VOLUNTEERS_NEEDED: "volunteers_needed",
            ErrorCode.BAD_SKILLS: "skills", ErrorCode.UNKNOWN_CATEGORY: "category", ErrorCode.BAD_AREA: "area",
            ErrorCode.NOT_FOUND: "area", ErrorCode.FORBIDDEN: "area", ErrorCode.BAD_POSITION: "position",
            ErrorCode.POSITION_OUTSIDE_AREA: "position"}


def _past(value: str | None) -> bool:
    """The form's date-time (city time) lies before now."""
    try:
        when = datetime.fromisoformat(str(value or ""))
    except ValueError:
        return False
    return (when if when.tzinfo else when.replace(tzinfo=clock.CHINA)) < clock.now()


def field_errors(e: DomainError, form: dict) -> dict[str, str]:
    """field -> what is wrong with it, in the reader's language, for every problem the refusal
    lists (`DomainError.parts`), the first per field. The store words some errors for API clients
    (``starts_at must be …``); the form says them in its own labels' terms."""
    out: dict[str, str] = {}
    for field, part in e.parts or [("", e)]:
        for f, message in _field_error(part, form, field).items():
            out.setdefault(f, message)
    return out


def _field_error(e: DomainError, form: dict, field: str) -> dict[str, str]:
    details = e.details if isinstance(e.details, dict) else {}
    fields = details.get("fields") or [details.get("field") or field or FIELD_OF.get(e.code) or "form"]
    fields = list(dict.fromkeys("position" if f in ("lon", "lat") else f for f in fields))
    words = {
        ErrorCode.REQUIRED: _("必填"),
        ErrorCode.BAD_DATETIME: _("应为日期和时间,如 2026-02-01 09:00"),
        ErrorCode.BAD_WINDOW: _("应晚于开始时间"),
        ErrorCode.STARTS_IN_PAST: _("已经过去,请选择以后的时间"),
        ErrorCode.BAD_VOLUNTEERS_NEEDED: _("应为 1-%(max)s 的整数") % {"max": VOLUNTEERS_MAX},
    }
    message = words.get(e.code, e.message)
    out = {f: message for f in fields}
    if e.code == ErrorCode.STARTS_IN_PAST and _past(form.get("ends_at")):
        out["ends_at"] = message
    return out


def _field_of(e: DomainError) -> str:
    """The form field an error of the area choice is about (the first choice unless it says)."""
    details = e.details if isinstance(e.details, dict) else {}
    field = details.get("field")
    return field if isinstance(field, str) and field else "area"


def _option_groups(choices: list[dict]) -> list[dict]:
    """The first choices grouped by street, in order (a street's own row heads its group)."""
    groups: dict[str, dict] = {}
    for c in choices:
        groups.setdefault(c["group"], {"label": c["group_name"], "options": []})["options"].append(c)
    return list(groups.values())


def _nested(rows: list[dict]) -> list[dict]:
    """The areas inside the first choice, one entry per child (a grid): the child and, when it has
    any, the areas below it (groups, buildings), each with its depth for indenting."""
    out: list[dict] = []
    for r in rows:
        if r["depth"] == 1 or not out:
            out.append({"head": r, "rows": []})
        else:
            out[-1]["rows"].append(r)
    return out


async def _new_form(request: Request, form: dict, error: DomainError | None = None, status: int = 200) -> Response:
    p = principal(request)
    own = [c for c, lv in p.areas if lv in store.DEMAND_AREA_LEVELS]
    firsts = await demand_areas.first_choices(prefixes(request, "demand.publish"), own)
    codes = {c["code"] for c in firsts}
    chosen = form.get("area") or (firsts[0]["code"] if len(firsts) == 1 else "")
    inside = await demand_areas.inside(chosen) if chosen in codes else []
    within = form.get("within") or ""
    if within not in {r["code"] for r in inside}:
        within = ""
    where = within or (chosen if chosen in codes else "")
    errors = field_errors(error, form) if error is not None else {}
    labels = field_labels()
    first_kind = "community" if any(c["level"] in demand_areas.FIRST_LEVELS for c in firsts) else "grid"
    return render(request, "demands/new.html", status=status, form=form, errors=errors, labels=labels,
                  problems=[(f, labels.get(f, ""), m) for f, m in errors.items()],
                  firsts=_option_groups(firsts), chosen=chosen, many_firsts=len(firsts) > 1,
                  first_kind=first_kind, inside=_nested(inside), within=within,
                  chain=await demand_areas.chain_names(where) if where else [], CATEGORIES=WISH_CATEGORIES)


def _require_publisher(request: Request) -> None:
    if not entitled(principal(request), "demand.publish"):
        raise Forbidden("只有社区工作人员和民政干部可以发布志愿服务需求",
                        "only community staff and officials publish volunteer demands", code=ErrorCode.WRONG_ROLE)


async def new_demand(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    _require_publisher(request)
    return await _new_form(request, {})


def demand_fields(form: dict, problems: FieldProblems) -> dict:
    """The form as the API's JSON body: numbers as numbers, skills split on commas; a number
    that does not read is kept in `problems` (and its field left out)."""
    data: dict = {k: v for k, v in form.items() if k != "csrf_token" and v not in ("", None)}
    if "volunteers_needed" in data:
        try:
            data["volunteers_needed"] = int(data["volunteers_needed"])
        except ValueError:
            problems.add("volunteers_needed", ValidationError(
                "人数应为整数", "the number of volunteers must be a whole number",
                code=ErrorCode.BAD_VOLUNTEERS_NEEDED, details={"field": "volunteers_needed"}))
            del data["volunteers_needed"]
    for key in ("lon", "lat"):
        if key in data:
            try:
                data[key] = float(data[key])
            except ValueError:
                problems.add("position", ValidationError("位置应为经纬度数字", "the position must be numbers",
                                                         code=ErrorCode.BAD_POSITION, details={"field": key}))
                del data[key]
    if "skills" in data:
        data["skills"] = [s.strip() for s in data["skills"].replace(",", ",").replace("、", ",").split(",")
                          if s.strip()]
    return data


async def _chosen_area(request: Request, data: dict):
    """The demand's area from the two choices: the grid, group or building when one is chosen
    (it must lie inside the first choice), else the street or community; in the publisher's
    scope."""
    area = await store.demand_area(data)
    within = data.get("within")
    if within:
        if not is_within(within, area.code, area.level):
            raise ValidationError(f"{within} 不在所选区域{area.name}内,请重新选择",
                                  f"{within} does not lie in the area chosen, {area.name}; choose again",
                                  code=ErrorCode.BAD_AREA, details={"field": "within", "area": area.code})
        try:
            area = await store.demand_area({"area": within})
        except DomainError as e:
            e.details = {**(e.details or {}), "field": "within"}
            raise
    if not can(request, "demand.publish", area.code):
        raise Forbidden(f"{area.name}({area.code})不在您负责的区域内,不能在此发布需求",
                        f"{area.name} ({area.code}) lies outside the areas you look after",
                        code=ErrorCode.FORBIDDEN, details={"field": "area", "area": area.code})
    return area


async def post_demand(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    _require_publisher(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    if form.pop("refine", None):
        # without JavaScript: the grids and buildings of the area just chosen, the rest as typed
        return await _new_form(request, form)
    # every problem of the form at once: what does not read, what is missing, the area, the content
    problems = FieldProblems()
    data = demand_fields(form, problems)
    for field in REQUIRED:
        if field not in data and field not in problems.fields():
            problems.add(field, ValidationError(code=ErrorCode.REQUIRED, details={"field": field}))
    try:
        area = None
        if "area" in data:
            try:
                area = await _chosen_area(request, data)
            except DomainError as e:
                if e.status == 401:
                    raise
                problems.add(_field_of(e), e)
        if area is None:
            store.demand_input(data, None, now=clock.now(), problems=problems)  # raises: the area is a problem
            raise AssertionError("a demand without its area")
        d = await store.create_demand(data, area, actor=principal(request), now=clock.now(), problems=problems)
    except DomainError as e:
        return await _new_form(request, form, e, status=e.status)
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
                  where=[a["name"] for a in await demand_areas.chain_names(d.area_code)],
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
        return await demand_page(request, error=e.message_with_problems(), status=e.status)
    return RedirectResponse(f"/demands/{d.id}?done={action}", status_code=303)


ROUTES = [
    Route("/demands", demand_list, methods=["GET"]),
    Route("/demands/new", new_demand, methods=["GET"]),
    Route("/demands/new", post_demand, methods=["POST"]),
    Route("/demands/{id:int}", demand_page, methods=["GET"]),
    Route("/demands/{id:int}/act", demand_act, methods=["POST"]),
]
