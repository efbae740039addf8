"""Volunteer demands in the store: publishing, organisation claims and volunteer sign-ups that
never overfill a demand, the demand's own steps, service hours and the volunteer's record.

Rules: gridsvc.domain.volunteers. Places are taken with one conditional update
(``SET taken = taken + n WHERE status = 'published' AND taken <= needed - n``); an organisation
commits n of its volunteers (by default every place left) and the places still open stay open
to individual sign-ups until the demand is full.
"""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal
from typing import Any

import shapely
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from gridsvc.domain import clock
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import Conflict, FieldProblems, Forbidden, NotFound, ValidationError
from gridsvc.domain.levels import code_prefix
from gridsvc.domain.matching import Need
from gridsvc.domain.privacy import mask_name
from gridsvc.domain.scope import Principal, acts_for_org
from gridsvc.domain.volunteers import (
    DEMAND_STATUSES,
    DemandStatus,
    check_demand,
    check_hours,
    check_take,
    demand_transition,
    named_members,
    org_claim_count,
    remaining_places,
)
from gridsvc.domain.wishes import WISH_CATEGORIES, check_category
from gridsvc.store import audit, subtree
from gridsvc.store.accounts.models import User
from gridsvc.store.areas.models import Area
from gridsvc.store.orgs import crews
from gridsvc.store.orgs.models import (
    Demand,
    DemandTake,
    Organisation,
    Project,
    ServiceHours,
)
from gridsvc.store.orgs.organisations import claimer_kind_of
from gridsvc.store.paging import Page, PageRequest, keyset_page
from gridsvc.store.records import get_or_404, record_id
from gridsvc.store.wishes import inbox

DEMAND_AREA_LEVELS = ("street", "community", "grid", "group", "building")


def _when(value: Any, field: str) -> datetime:
    """An ISO date-time; without an offset it is city time (UTC+8)."""
    if isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value.strip())
        except ValueError:
            dt = None
        if dt is not None:
            return dt if dt.tzinfo else dt.replace(tzinfo=clock.CHINA)
    raise ValidationError(f"{field} 应为日期时间(如 2026-02-01T09:00)",
                          f"{field} must be a date-time such as 2026-02-01T09:00",
                          code=ErrorCode.BAD_DATETIME, details={"field": field, "value": str(value)})


async def get_demand(demand_id: Any) -> Demand:
    return await get_or_404(Demand, demand_id, "志愿需求", "demand")


async def demand_area(data: dict) -> Area:
    code = data.get("area")
    if not isinstance(code, str) or not code.strip():
        raise ValidationError("请指定需求所在区域 area(社区、网格等)",
                              "area (where the demand takes place) is required",
                              code=ErrorCode.REQUIRED, details={"field": "area"})
    area = await Area.filter(code=code.strip()).first()
    if area is None:
        raise NotFound(f"区域 {code} 不存在", f"area {code} not found", details={"field": "area", "code": code})
    if area.level not in DEMAND_AREA_LEVELS:
        raise ValidationError(f"需求区域应为街道、社区、网格、小组或楼栋,{code} 是{area.level}",
                              "a demand takes place in a street, community, grid, group or building; "
                              f"{code} is a {area.level}",
                              code=ErrorCode.BAD_AREA, details={"field": "area", "level": area.level})
    return area


def _place_point(area: Area, lon: Any, lat: Any) -> tuple[float, float]:
    """The point picked on the map, which must lie in the demand's area (so in the publisher's
    scope); none picked: a point inside the area."""
    shape = shapely.from_wkb(area.geometry)
    if lon is None and lat is None:
        pt = shape.representative_point()
        return round(pt.x, 6), round(pt.y, 6)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (lon, lat)):
        raise ValidationError("位置应同时给出经度 lon 和纬度 lat 两个数字",
                              "give the position as two numbers, lon and lat",
                              code=ErrorCode.BAD_POSITION, details={"fields": ["lon", "lat"]})
    if not shape.covers(shapely.Point(lon, lat)):
        raise ValidationError(f"地点 {lon:.6f},{lat:.6f} 不在需求区域{area.name}({area.code})内",
                              f"the place {lon:.6f},{lat:.6f} lies outside the demand's area {area.name} ({area.code})",
                              code=ErrorCode.POSITION_OUTSIDE_AREA,
                              details={"fields": ["lon", "lat"], "area": area.code, "lon": lon, "lat": lat})
    return round(float(lon), 6), round(float(lat), 6)


def demand_input(data: dict, area: Area | None, *, now: datetime, problems: FieldProblems | None = None) -> dict:
    """The demand's content checked, every field at once: one error names each problem with its
    field (`FieldProblems`), together with any the caller found first (`problems`: a form's
    missing fields, its area). `area` None: the area could not be had, the place on the map is
    not checked."""
    problems = problems if problems is not None else FieldProblems()
    starts = problems.check("starts_at", _when, data.get("starts_at"), "starts_at")
    ends = problems.check("ends_at", _when, data.get("ends_at"), "ends_at")
    needed = data.get("volunteers_needed", data.get("needed"))
    d = problems.check("title", check_demand, data.get("title"), starts, ends, needed, data.get("skills") or (),
                       now=now)
    category = problems.check("category", check_category, data.get("category") or "other")
    place = data.get("place") or ""
    if not isinstance(place, str) or len(place) > 200:
        problems.add("place", ValidationError("地点最多 200 个字", "place has at most 200 characters",
                                              code=ErrorCode.BAD_FIELD, details={"field": "place"}))
    description = data.get("description") or ""
    if not isinstance(description, str) or len(description) > 2000:
        problems.add("description", ValidationError("说明最多 2000 个字", "description has at most 2000 characters",
                                                    code=ErrorCode.BAD_FIELD, details={"field": "description"}))
    point = problems.check("position", _place_point, area, data.get("lon"), data.get("lat")) if area else None
    problems.raise_any()
    return {"demand": d, "category": category.value, "place": place.strip(), "description": description.strip(),
            "point": point}


async def create_demand(data: dict, area: Area, *, actor: Principal, now: datetime,
                        problems: FieldProblems | None = None) -> Demand:
    checked = demand_input(data, area, now=now, problems=problems)
    d, (lon, lat) = checked["demand"], checked["point"]
    description, place, category = checked["description"], checked["place"], checked["category"]
    async with in_transaction():
        demand = await Demand.create(
            title=d.title, description=description, category=category, area_code=area.code,
            place=place or area.name, lon=float(lon), lat=float(lat), starts_at=d.starts_at, ends_at=d.ends_at,
            needed=d.volunteers_needed, skills=list(d.skills), status=DemandStatus.PUBLISHED.value,
            published_by_id=actor.user_id)
        await audit.record(actor, "demand.publish", "demand", demand.id, area_code=area.code,
                           after={"title": d.title, "needed": d.volunteers_needed})
    return demand


async def demand_card(d: Demand, *, full: bool = False, names: dict | None = None) -> dict:
    """A demand as published (public): place, window, places left and who took them
    (organisations by name, volunteers by masked name unless ``full``)."""
    names = names if names is not None else dict(await Area.filter(code=d.area_code).values_list("code", "name"))
    out = {
        "id": d.id, "title": d.title, "description": d.description, "category": d.category,
        "category_zh": WISH_CATEGORIES.get(d.category, d.category),
        "area": {"code": d.area_code, "name": names.get(d.area_code, "")}, "place": d.place,
        "location": {"lon": d.lon, "lat": d.lat},
        "starts_at": d.starts_at.astimezone(clock.CHINA).isoformat(),
        "ends_at": d.ends_at.astimezone(clock.CHINA).isoformat(),
        "volunteers_needed": d.needed, "taken": d.taken, "remaining": remaining_places(d.needed, d.taken),
        "skills": d.skills, "status": d.status, "status_zh": DEMAND_STATUSES.get(d.status, d.status),
    }
    return out


async def takes_of(d: Demand, *, full: bool, org_id: int | None = None) -> list[dict]:
    """Who took places; `full` (the demand's staff) names people, an organisation's own
    members (`org_id`) see the names of its claim too."""
    rows = await DemandTake.filter(demand_id=d.id).order_by("id")
    named = await crews.crews_of([t.id for t in rows if t.kind == "org" and (full or t.org_id == org_id)])
    users = {u.id: u for u in await User.filter(id__in=[t.user_id for t in rows if t.user_id])}
    orgs = dict(await Organisation.filter(id__in=[t.org_id for t in rows if t.org_id]).values_list("id", "name"))
    out = []
    for t in rows:
        u = users.get(t.user_id) if t.user_id is not None else None
        name = (u.display_name or u.username) if u else ""
        out.append({"id": t.id, "kind": t.kind, "claimer_kind": t.claimer_kind, "count": t.count, "status": t.status,
                    "org": {"id": t.org_id, "name": orgs.get(t.org_id, "")} if t.org_id else None,
                    "project": t.project_id, "user": {"id": u.id, "name": name} if (u and full) else
                    ({"id": None, "name": mask_name(name)} if u else None),
                    "members": named.get(t.id), "created_at": t.created_at.isoformat()})
    return out


async def list_demands(*, status: str | None = None, under: str | None = None, page: PageRequest) -> Page:
    """A page of demands, soonest first; `extra` carries the total over all pages. `under`: an
    area code, or several separated by commas (an organisation's service areas)."""
    qs = Demand.all()
    if status:
        wanted = [s.strip() for s in status.split(",") if s.strip()]
        bad = [s for s in wanted if s not in DEMAND_STATUSES]
        if bad:
            raise ValidationError(f"未知的需求状态 {bad[0]!r}", f"unknown demand status {bad[0]!r}",
                                  code=ErrorCode.UNKNOWN_STATUS,
                                  details={"statuses": list(DEMAND_STATUSES)})
        qs = qs.filter(status__in=wanted)
    if under:
        prefixes = []
        for code in dict.fromkeys(c.strip() for c in under.split(",") if c.strip()):
            area = await Area.filter(code=code).first()
            if area is None:
                raise NotFound(f"区域 {code} 不存在", f"area {code} not found", details={"under": code})
            prefixes.append(code_prefix(area.code, area.level))
        qs = qs.filter(subtree.under_any("area_code", prefixes)) if prefixes else qs
    total = await qs.count()
    result = await keyset_page(qs, "demands", ("starts_at", "id"), page)
    names = dict(await Area.filter(code__in={d.area_code for d in result.rows}).values_list("code", "name"))
    result.rows = [await demand_card(d, names=names) for d in result.rows]
    result.extra["total"] = total
    return result


def demand_need(d: Demand) -> Need:
    return Need(id=d.id, category=d.category, lon=d.lon, lat=d.lat, area_code=d.area_code,
                date=d.starts_at.astimezone(clock.CHINA).date())


# ---------------------------------------------------------------------------- taking places


async def take(d: Demand, principal: Principal, *, kind: str, count: Any = None, project: Any = None,
               members: Any = None, now: datetime) -> DemandTake:
    """An organisation's claim (``kind="org"``: ``count`` of its volunteers, by default every
    place left, or the ``members`` it names: see store.orgs.crews) or a volunteer's sign-up
    (one place). Never overfills: see the module."""
    org_id = principal.org_id if kind == "org" else None
    if kind == "org" and (org_id is None or not await Organisation.exists(id=org_id)):
        raise Forbidden("您尚未加入社会组织,不能代表组织认领", "you belong to no organisation", code=ErrorCode.NO_ORG)
    key = f"{d.id}:org{org_id}" if kind == "org" else f"{d.id}:user{principal.user_id}"
    mine = await DemandTake.exists(active_key=key)
    crew: list[int] | None = None
    if kind == "org":
        count, crew = named_members(count, members)
        if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
            raise ValidationError("count 应为正整数", "count must be a positive whole number", code=ErrorCode.BAD_COUNT,
                                  details={"field": "count"})
        n = org_claim_count(d.needed, d.taken, count)
    else:
        n = 1
    check_take(d.status, d.needed, d.taken, n, already_taken_by_me=mine)
    project_id = await _project_for(d, org_id, project, now=now) if kind == "org" else None
    if crew is not None and org_id is not None:
        await crews.check_crew(d, org_id, crew)
    try:
        async with in_transaction():
            moved = await Demand.filter(id=d.id, status=DemandStatus.PUBLISHED.value,
                                        taken__lte=F("needed") - n).update(
                taken=F("taken") + n)
            if moved != 1:
                fresh = await Demand.get(id=d.id)
                check_take(fresh.status, fresh.needed, fresh.taken, n)  # names what changed: full, closed ...
                raise Conflict("需求已变化,请刷新", "the demand changed meanwhile; reload", code=ErrorCode.STALE)
            await Demand.filter(id=d.id, status=DemandStatus.PUBLISHED.value, taken__gte=F("needed")).update(
                status=DemandStatus.FULL.value)
            row = await DemandTake.create(demand_id=d.id, kind=kind, user_id=principal.user_id, org_id=org_id,
                                          project_id=project_id, count=n, active_key=key,
                                          claimer_kind=await claimer_kind_of(principal.user_id, org_id))
            if crew:
                await crews.commit_crew(row, crew)
            if project_id is not None:
                ok = await Project.filter(id=project_id, status="active",
                                          taken__lt=F("capacity")).update(taken=F("taken") + 1)
                if ok != 1:
                    raise Conflict("该项目已无剩余承接能力", "the project has no capacity left",
                                   code=ErrorCode.PROJECT_FULL)
            who = principal.display_name or principal.username
            if kind == "org":
                org = await Organisation.get(id=org_id)
                who = org.name
            await inbox.notify([d.published_by_id], "demand.taken", {"demand": d.title, "by": who, "n": n},
                               link=f"/api/v1/demands/{d.id}", demand_id=d.id, skip=principal.user_id)
    except IntegrityError:
        raise Conflict("您已报名或认领该需求", "you have already signed up for or claimed this demand",
                       code=ErrorCode.ALREADY_SIGNED_UP) from None
    return row


async def _project_for(d: Demand, org_id: int | None, project: Any, *, now: datetime) -> int | None:
    if project in (None, ""):
        return None
    pid = record_id(project)
    if pid is None:
        raise ValidationError("project 应为项目编号", "project must be a project id", code=ErrorCode.BAD_FIELD,
                              details={"field": "project"})
    p = await Project.filter(id=pid, org_id=org_id).first()
    if p is None:
        raise NotFound(f"贵组织没有编号为 {project} 的项目", f"your organisation has no project {project}",
                       details={"project": project})
    day = d.starts_at.astimezone(clock.CHINA).date()
    inside = any(d.area_code.startswith(pre) for pre in p.prefixes)
    in_period = p.period_start <= day and (p.period_end is None or day <= p.period_end)
    if p.status != "active" or not inside or not in_period:
        raise Conflict(f"项目「{p.name}」的服务区域或服务期不含该需求", f"project {p.name} does not cover this demand",
                       code=ErrorCode.PROJECT_NOT_ELIGIBLE, details={"project": pid})
    return pid


async def release(d: Demand, principal: Principal, *, take_id: Any = None, staff: bool, now: datetime) -> DemandTake:
    """Give places back: the taker their own take (a volunteer's sign-up, a member their
    organisation's claim), staff any take by id."""
    if take_id not in (None, ""):
        tid = record_id(take_id)
        if tid is None:
            raise ValidationError("take 应为编号", "take must be an id",
                                  code=ErrorCode.BAD_FIELD, details={"field": "take"})
        t = await DemandTake.filter(id=tid, demand_id=d.id, status="active").first()
        if t is None:
            raise NotFound("没有这条进行中的认领或报名", "no such active take of this demand",
                           details={"take": take_id})
        mine = t.user_id == principal.user_id or (t.org_id is not None and t.org_id == principal.org_id
                                                  and acts_for_org(principal))
        if not (mine or staff):
            raise Forbidden("只能取消自己的报名或本组织的认领", "you may release only your own take",
                            code=ErrorCode.WRONG_ACTOR)
    else:
        q = Q(user_id=principal.user_id, kind="volunteer")
        if acts_for_org(principal):
            q |= Q(org_id=principal.org_id, kind="org")
        t = await DemandTake.filter(q, demand_id=d.id, status="active").first()
        if t is None:
            raise NotFound("您没有报名或认领该需求", "you hold no place at this demand", details={"demand": d.id})
    demand_transition(d.status, "release", needed=d.needed, taken_after=d.taken - t.count)
    async with in_transaction():
        moved = await Demand.filter(id=d.id, status__in=[DemandStatus.PUBLISHED.value, DemandStatus.FULL.value],
                                    taken__gte=t.count).update(taken=F("taken") - t.count)
        if moved != 1:
            raise Conflict("需求已变化,请刷新", "the demand changed meanwhile; reload", code=ErrorCode.STALE)
        n = await DemandTake.filter(id=t.id, status="active").update(
            status="released", active_key=None, released_at=now)
        if n != 1:
            raise Conflict("该认领已取消", "this take was released already", code=ErrorCode.STALE)
        await Demand.filter(id=d.id, status=DemandStatus.FULL.value, taken__lt=F("needed")).update(
            status=DemandStatus.PUBLISHED.value)
        if t.project_id:
            await Project.filter(id=t.project_id, taken__gt=0).update(taken=F("taken") - 1)
        await inbox.notify([d.published_by_id, t.user_id], "demand.released", {"demand": d.title, "n": t.count},
                           link=f"/api/v1/demands/{d.id}", demand_id=d.id, skip=principal.user_id)
    return await DemandTake.get(id=t.id)


# the news of a step to those holding places (domain.notices); completing one tells no one
_STEP_NEWS = {"close": "demand.closed", "reopen": "demand.reopened", "cancel": "demand.cancelled"}


async def step(d: Demand, action: str, *, actor: Principal, now: datetime) -> Demand:
    """Staff's steps on a demand: close, reopen, cancel, complete (domain.volunteers)."""
    target = demand_transition(d.status, action, needed=d.needed, taken_after=d.taken)
    async with in_transaction():
        n = await Demand.filter(id=d.id, status=d.status).update(status=target.value)
        if n != 1:
            raise Conflict("需求已变化,请刷新", "the demand changed meanwhile; reload", code=ErrorCode.STALE)
        await audit.record(actor, f"demand.{action}", "demand", d.id, area_code=d.area_code,
                           before={"status": d.status}, after={"status": target.value})
        if action in ("cancel", "reopen", "close"):
            takers = await DemandTake.filter(demand_id=d.id, status="active").values_list("user_id", "org_id")
            ids = [u for u, _ in takers]
            for _, org in takers:
                ids += await inbox.org_member_ids(org)
            await inbox.notify(ids, _STEP_NEWS[action], {"demand": d.title}, link=f"/api/v1/demands/{d.id}",
                               demand_id=d.id, skip=actor.user_id)
    return await Demand.get(id=d.id)


# ---------------------------------------------------------------------------- hours


async def _participant_org(d: Demand, user: User) -> tuple[bool, int | None]:
    """Whether the user took part (signed up, or a member of an organisation that claimed
    places), and for which organisation."""
    if await DemandTake.exists(demand_id=d.id, user_id=user.id, kind="volunteer", status="active"):
        return True, user.org_id if user.role == "org_member" else None
    if user.org_id and await DemandTake.exists(demand_id=d.id, org_id=user.org_id, kind="org", status="active"):
        return True, user.org_id
    return False, None


async def record_hours(d: Demand, entries: Any, *, actor: Principal, now: datetime) -> list[dict]:
    """Record each volunteer's hours at ``d`` after the event: all entries or none. Entries are
    ``{"volunteer": username or id, "hours": 2.5, "note": ...}``; recording a volunteer again
    corrects their hours (audited with before and after)."""
    if d.status == DemandStatus.CANCELLED:
        raise Conflict("需求已取消,不能登记时长", "the demand was cancelled", code=ErrorCode.DEMAND_CANCELLED)
    if now < d.starts_at:
        raise Conflict("活动尚未开始,不能登记服务时长", "the event has not started yet",
                       code=ErrorCode.EVENT_NOT_STARTED,
                       details={"starts_at": d.starts_at.isoformat()})
    if not isinstance(entries, list) or not entries:
        raise ValidationError("entries 应为 [{volunteer, hours}] 列表", "entries must be a list of {volunteer, hours}",
                              code=ErrorCode.BAD_ENTRIES, details={"field": "entries"})
    problems, rows = [], []
    seen: set[int] = set()
    for n, e in enumerate(entries, start=1):
        who = e.get("volunteer") if isinstance(e, dict) else None
        user = None
        if isinstance(who, int) and not isinstance(who, bool):
            user = await User.filter(id=who).first()
        elif isinstance(who, str) and who.strip():
            user = await User.filter(username=who.strip()).first()
        if user is None or user.role not in ("volunteer", "org_member"):
            problems.append({"entry": n, "volunteer": who, "code": "unknown_volunteer",
                             "message": f"第 {n} 条:志愿者 {who!r} 不存在 (entry {n}: no such volunteer)"})
            continue
        if user.id in seen:
            problems.append({"entry": n, "volunteer": who, "code": "duplicate",
                             "message": f"第 {n} 条:{who} 重复 (entry {n}: {who} twice)"})
            continue
        seen.add(user.id)
        took_part, org_id = await _participant_org(d, user)
        if not took_part:
            problems.append({"entry": n, "volunteer": who, "code": "not_a_participant",
                             "message": f"第 {n} 条:{who} 没有报名或随组织认领该需求 "
                                        f"(entry {n}: {who} did not take part)"})
            continue
        try:
            h = check_hours(e.get("hours"), starts_at=d.starts_at, ends_at=d.ends_at)
        except ValidationError as err:
            problems.append({"entry": n, "volunteer": who, "code": err.code, "message": f"第 {n} 条:{err.message}"})
            continue
        note = e.get("note") or ""
        rows.append((user, org_id, h, str(note)[:200]))
    if problems:
        raise ValidationError(f"{len(problems)} 条时长记录有问题,均未保存",
                              f"{len(problems)} entr(ies) rejected; nothing saved",
                              code=ErrorCode.BAD_ENTRIES, details={"problems": problems})
    out = []
    async with in_transaction():
        for user, org_id, h, note in rows:
            old = await ServiceHours.filter(volunteer_id=user.id, demand_id=d.id).first()
            if old:
                await ServiceHours.filter(id=old.id).update(hours=Decimal(str(h)), note=note,
                                                            recorded_by_id=actor.user_id,
                                                            org_id=org_id, recorded_at=now)
            else:
                await ServiceHours.create(volunteer_id=user.id, demand_id=d.id, org_id=org_id, hours=Decimal(str(h)),
                                          note=note, recorded_by_id=actor.user_id)
            await audit.record(actor, "hours.record", "demand", d.id, area_code=d.area_code,
                               before={"volunteer": user.username, "hours": float(old.hours)} if old else None,
                               after={"volunteer": user.username, "hours": h})
            await inbox.notify([user.id], "demand.hours", {"demand": d.title, "hours": f"{h:g}"},
                               link=f"/api/v1/volunteers/{user.id}/record", demand_id=d.id)
            out.append({"volunteer": {"id": user.id, "username": user.username}, "hours": h,
                        "corrected": old is not None})
    return out
