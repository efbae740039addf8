"""Volunteer demands (志愿服务需求项目): recruiting notices anyone may read; communities publish
them and record hours (``demand.publish``), organisations claim places and volunteers sign up
(``demand.take``, in their service areas); and volunteers' records.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from gridsvc.store.accounts import users
from gridsvc.store.orgs import crews, volunteers
from gridsvc.store.orgs import demands as store
from gridsvc.store.orgs.organisations import org_areas
from gridsvc.store.wishes.matching import matches_for

from ...domain import clock
from ...domain.error_codes import ErrorCode
from ...domain.errors import Forbidden, NotFound, ValidationError
from ...domain.levels import is_within
from ...domain.scope import entitled
from ...domain.volunteers import DEMAND_STATUSES, normalise_skills
from ...domain.wishes import check_category
from ..permissions import can, principal, require, require_login
from ..schemas.wishes import DemandCreate, Hours, Profile, Release, Take
from . import endpoint, json_ok, param, path_id, query_int, read_json
from .orgs import body_or_empty
from .paging import page_params, page_request


async def list_demands(request: Request) -> Response:
    require(request, "demand.read")
    page = await store.list_demands(status=request.query_params.get("status") or None,
                                    under=request.query_params.get("under") or None, page=page_request(request))
    return json_ok(page.body("demands"))


async def create_demand(request: Request) -> Response:
    actor = require_login(request)
    data = await read_json(request)
    area = await store.demand_area(data)
    require(request, "demand.publish", area.code)
    d = await store.create_demand(data, area, actor=actor, now=clock.now())
    return json_ok(await store.demand_card(d), 201, headers={"Location": f"/api/v1/demands/{d.id}"})


async def get_demand(request: Request) -> Response:
    require(request, "demand.read")
    d = await store.get_demand(path_id(request))
    full = can(request, "demand.publish", d.area_code)
    takes = await store.takes_of(d, full=full, org_id=principal(request).org_id)
    return json_ok({**await store.demand_card(d), "takes": takes})


async def demand_matches(request: Request) -> Response:
    require_login(request)
    d = await store.get_demand(path_id(request))
    require(request, "demand.publish", d.area_code)
    return json_ok({"demand": d.id, "matches": await matches_for(store.demand_need(d),
                                                                 limit=query_int(request, "limit", 20, lo=1, hi=200))})


async def _take(request: Request, kind: str) -> Response:
    p = require_login(request)
    d = await store.get_demand(path_id(request))
    if not entitled(p, "org.act_for" if kind == "org" else "volunteer.act"):
        raise Forbidden("只有社会组织成员可以代表组织认领" if kind == "org" else "只有志愿者可以报名",
                        "only organisation members claim for an organisation" if kind == "org"
                        else "only volunteers sign up", code=ErrorCode.WRONG_ROLE, details={"role": p.role})
    p = require(request, "demand.take", d.area_code)
    data = await body_or_empty(request)
    take = await store.take(d, p, kind=kind, count=data.get("count"), project=data.get("project"),
                            members=data.get("members"), now=clock.now())
    d = await store.get_demand(d.id)
    members = (await crews.crews_of([take.id])).get(take.id, [])
    return json_ok({**await store.demand_card(d), "take": {"id": take.id, "kind": take.kind, "count": take.count,
                                                           "claimer_kind": take.claimer_kind, "members": members}},
                   201)


async def claim_demand(request: Request) -> Response:
    return await _take(request, "org")


async def signup_demand(request: Request) -> Response:
    return await _take(request, "volunteer")


async def release_demand(request: Request) -> Response:
    require_login(request)
    d = await store.get_demand(path_id(request))
    data = await body_or_empty(request)
    take = await store.release(d, principal(request), take_id=data.get("take"),
                               staff=can(request, "demand.publish", d.area_code), now=clock.now())
    d = await store.get_demand(d.id)
    return json_ok({**await store.demand_card(d), "released": {"id": take.id, "count": take.count}})


async def demand_step(request: Request) -> Response:
    actor = require_login(request)
    d = await store.get_demand(path_id(request))
    require(request, "demand.publish", d.area_code)
    action = request.path_params["action"]
    if action not in ("close", "reopen", "cancel", "complete"):
        raise NotFound(f"未知的需求操作 {action}", f"unknown demand action {action}",
                       details={"actions": ["close", "reopen", "cancel", "complete"]})
    d = await store.step(d, action, actor=actor, now=clock.now())
    return json_ok(await store.demand_card(d))


async def record_hours(request: Request) -> Response:
    actor = require_login(request)
    d = await store.get_demand(path_id(request))
    require(request, "demand.publish", d.area_code)
    data = await read_json(request)
    recorded = await store.record_hours(d, data.get("entries"), actor=actor, now=clock.now())
    return json_ok({"demand": d.id, "recorded": recorded})


async def _volunteer(request: Request):
    p = require_login(request)
    raw = request.path_params["id"]
    uid = p.user_id if raw == "me" else path_id(request)
    user = await volunteers.find_volunteer(uid)
    if user is None:
        raise NotFound(f"志愿者 {raw} 不存在", f"volunteer {raw} not found", details={"id": raw})
    if user.id != p.user_id:
        # staff see the volunteers of their areas, and those who serve where they work
        areas = await users.area_links_of(user.id)
        if user.org_id:
            areas += await org_areas(user.org_id)
        inside = any(can(request, "volunteer.read", c) for c, _ in areas)
        serving = can(request, "volunteer.read") and any(
            is_within(mine, c, lv) for mine, _ in p.areas for c, lv in areas)
        if not (inside or serving):
            require(request, "volunteer.read", areas[0][0] if areas else "")
    return user


async def volunteer_record(request: Request) -> Response:
    user = await _volunteer(request)
    settings = request.app.state.settings
    return json_ok(await volunteers.volunteer_record(user, thresholds=settings.volunteer_star_hours))


async def put_profile(request: Request) -> Response:
    p = require_login(request)
    if not entitled(p, "volunteer.act"):
        raise Forbidden("只有志愿者有志愿服务档案", "only volunteers have a volunteer profile",
                        code=ErrorCode.WRONG_ROLE)
    data = await read_json(request)
    cats = data.get("categories") or []
    if not isinstance(cats, list):
        raise ValidationError("categories 应为列表", "categories must be a list", code=ErrorCode.BAD_CATEGORIES)
    cats = list(dict.fromkeys(check_category(c).value if isinstance(c, str) else check_category(repr(c)).value
                              for c in cats))
    max_active = data.get("max_active", 3)
    if isinstance(max_active, bool) or not isinstance(max_active, int) or not 1 <= max_active <= 20:
        raise ValidationError("max_active 应为 1-20", "max_active is 1-20",
                              code=ErrorCode.BAD_FIELD, details={"field": "max_active"})
    skills = list(normalise_skills(data.get("skills")))
    # 在职党员: a party member working in the community claims as such (seed 002 §18)
    party_member = data.get("party_member", False)
    if not isinstance(party_member, bool):
        raise ValidationError("party_member 应为是/否", "party_member must be a boolean", code=ErrorCode.BAD_FIELD,
                              details={"field": "party_member"})
    workplace = data.get("workplace") or ""
    if not isinstance(workplace, str) or len(workplace.strip()) > 100:
        raise ValidationError("工作单位应为不超过 100 字的文本", "workplace must be text up to 100 characters",
                              code=ErrorCode.BAD_FIELD, details={"field": "workplace"})
    prof = await volunteers.save_profile(p.user_id, categories=cats, skills=skills, max_active=max_active,
                                         party_member=party_member, workplace=workplace.strip())
    return json_ok({"user": p.user_id, "categories": prof.categories, "skills": prof.skills,
                    "max_active": prof.max_active, "party_member": prof.party_member, "workplace": prof.workplace})


ID = param("id", "path", type_="integer")

ROUTES = [
    endpoint("/demands", list_demands, "GET", "志愿服务需求 (volunteer demands, public)", tag="demands",
             params=[param("status", enum=list(DEMAND_STATUSES)), param("under"), *page_params()],
             action="demand.read"),
    endpoint("/demands", create_demand, "POST", "发布志愿服务需求 (publish a demand)", tag="demands", auth="scoped",
             body=DemandCreate, responses={"201": {"description": "published"}}, action="demand.publish"),
    endpoint("/demands/{id}", get_demand, "GET", "志愿服务需求详情 (a demand and who took it)", tag="demands",
             params=[ID], action="demand.read"),
    endpoint("/demands/{id}/matches", demand_matches, "GET", "可承接的项目与志愿者 (ranked matches)", tag="demands",
             auth="scoped", params=[ID, param("limit", type_="integer")], action="demand.publish"),
    endpoint("/demands/{id}/claim", claim_demand, "POST", "组织认领 (an organisation commits volunteers)",
             tag="demands",
             auth="scoped", params=[ID], body=Take, empty_ok=True, responses={"201": {"description": "claimed"}},
             action="org.act_for"),
    endpoint("/demands/{id}/signup", signup_demand, "POST", "志愿者报名 (a volunteer signs up)", tag="demands",
             auth="scoped", params=[ID], body=Take, empty_ok=True, responses={"201": {"description": "signed up"}},
             action="volunteer.act"),
    endpoint("/demands/{id}/release", release_demand, "POST", "取消报名或认领 (give places back)", tag="demands",
             auth="login", params=[ID], body=Release, empty_ok=True, action="account.use"),
    endpoint("/demands/{id}/hours", record_hours, "POST", "登记服务时长 (record volunteers' hours)", tag="demands",
             auth="scoped", params=[ID], body=Hours, action="demand.publish"),
    endpoint("/demands/{id}/{action}", demand_step, "POST", "需求操作 (close, reopen, cancel, complete)", tag="demands",
             auth="scoped", params=[ID, param("action", "path", enum=["close", "reopen", "cancel", "complete"])],
             action="demand.publish"),
    endpoint("/volunteers/{id}/record", volunteer_record, "GET", "志愿服务记录 (a volunteer's services, hours, star)",
             tag="volunteers", auth="login", params=[param("id", "path", description="编号或 me (an id or me)")],
             action="account.use"),
    endpoint("/volunteers/me/profile", put_profile, "PUT", "我的志愿服务档案 (my categories, skills, how many at once)",
             tag="volunteers", auth="login", body=Profile, action="volunteer.act"),
]
