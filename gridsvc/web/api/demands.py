"""Volunteer demands (志愿服务需求项目): recruiting notices anyone may read; communities publish
them and record hours (``demand.publish``), organisations claim places and volunteers sign up
(``demand.take``, in their service areas); and volunteers' records.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ...domain.errors import Forbidden, NotFound, ValidationError
from ...domain.levels import is_within
from ...domain.volunteers import DEMAND_STATUSES, normalise_skills
from ...domain.wishes import WISH_CATEGORIES, check_category
from ...store import demands as store
from ...store.allocations import matches_for
from ...store.models import User, UserArea
from ...store.orgs import org_areas
from ...store.wish_models import VolunteerProfile
from ...store.wishes import utcnow
from ..permissions import can, principal, require, require_login
from . import path_id, endpoint, json_ok, param, query_int, read_json
from .orgs import body_or_empty, org_scoped


async def list_demands(request: Request) -> Response:
    require(request, "demand.read")
    rows, total = await store.list_demands(status=request.query_params.get("status") or None,
                                           under=request.query_params.get("under") or None,
                                           limit=query_int(request, "limit", 50, lo=1, hi=500),
                                           offset=query_int(request, "offset", 0))
    return json_ok({"total": total, "demands": [await store.demand_card(d) for d in rows]})


async def create_demand(request: Request) -> Response:
    actor = require_login(request)
    data = await read_json(request)
    area = await store.demand_area(data)
    require(request, "demand.publish", area.code)
    d = await store.create_demand(data, area, actor=actor, now=utcnow())
    return json_ok(await store.demand_card(d), 201, headers={"Location": f"/api/v1/demands/{d.id}"})


async def get_demand(request: Request) -> Response:
    require(request, "demand.read")
    await org_scoped(request)
    d = await store.get_demand(path_id(request))
    full = can(request, "demand.publish", d.area_code)
    return json_ok({**await store.demand_card(d), "takes": await store.takes_of(d, full=full)})


async def demand_matches(request: Request) -> Response:
    require_login(request)
    d = await store.get_demand(path_id(request))
    require(request, "demand.publish", d.area_code)
    return json_ok({"demand": d.id, "matches": await matches_for(store.demand_need(d),
                                                                 limit=query_int(request, "limit", 20, lo=1, hi=200))})


async def _take(request: Request, kind: str) -> Response:
    p = require_login(request)
    await org_scoped(request)
    d = await store.get_demand(path_id(request))
    want = "org_member" if kind == "org" else "volunteer"
    if p.role != want:
        raise Forbidden("只有社会组织成员可以代表组织认领" if kind == "org" else "只有志愿者可以报名",
                        "only organisation members claim for an organisation" if kind == "org"
                        else "only volunteers sign up", code="wrong_role", details={"role": p.role})
    p = require(request, "demand.take", d.area_code)
    data = await body_or_empty(request)
    take = await store.take(d, p, kind=kind, count=data.get("count"), project=data.get("project"), now=utcnow())
    d = await store.get_demand(d.id)
    return json_ok({**await store.demand_card(d), "take": {"id": take.id, "kind": take.kind, "count": take.count,
                                                           "claimer_kind": take.claimer_kind}}, 201)


async def claim_demand(request: Request) -> Response:
    return await _take(request, "org")


async def signup_demand(request: Request) -> Response:
    return await _take(request, "volunteer")


async def release_demand(request: Request) -> Response:
    require_login(request)
    await org_scoped(request)
    d = await store.get_demand(path_id(request))
    data = await body_or_empty(request)
    take = await store.release(d, principal(request), take_id=data.get("take"),
                               staff=can(request, "demand.publish", d.area_code), now=utcnow())
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
    d = await store.step(d, action, actor=actor, now=utcnow())
    return json_ok(await store.demand_card(d))


async def record_hours(request: Request) -> Response:
    actor = require_login(request)
    d = await store.get_demand(path_id(request))
    require(request, "demand.publish", d.area_code)
    data = await read_json(request)
    recorded = await store.record_hours(d, data.get("entries"), actor=actor, now=utcnow())
    return json_ok({"demand": d.id, "recorded": recorded})


async def _volunteer(request: Request) -> User:
    p = require_login(request)
    raw = request.path_params["id"]
    uid = p.user_id if raw == "me" else path_id(request)
    user = await User.filter(id=uid, role__in=["volunteer", "org_member"]).first()
    if user is None:
        raise NotFound(f"志愿者 {raw} 不存在", f"volunteer {raw} not found", details={"id": raw})
    if user.id != p.user_id:
        # staff see the volunteers of their areas, and those who serve where they work
        areas = [tuple(a) for a in await UserArea.filter(user_id=user.id).values_list("area__code", "area__level")]
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
    return json_ok(await store.volunteer_record(user, thresholds=settings.volunteer_star_hours))


async def put_profile(request: Request) -> Response:
    p = require_login(request)
    if p.role != "volunteer":
        raise Forbidden("只有志愿者有志愿服务档案", "only volunteers have a volunteer profile", code="wrong_role")
    data = await read_json(request)
    cats = data.get("categories") or []
    if not isinstance(cats, list):
        raise ValidationError("categories 应为列表", "categories must be a list", code="bad_categories")
    cats = list(dict.fromkeys(check_category(c).value if isinstance(c, str) else check_category(repr(c)).value
                              for c in cats))
    max_active = data.get("max_active", 3)
    if isinstance(max_active, bool) or not isinstance(max_active, int) or not 1 <= max_active <= 20:
        raise ValidationError("max_active 应为 1-20", "max_active is 1-20", code="bad_field", details={"field": "max_active"})
    skills = list(normalise_skills(data.get("skills")))
    # 在职党员: a party member working in the community claims as such (seed 002 §18)
    party_member = data.get("party_member", False)
    if not isinstance(party_member, bool):
        raise ValidationError("party_member 应为是/否", "party_member must be a boolean", code="bad_field",
                              details={"field": "party_member"})
    workplace = data.get("workplace") or ""
    if not isinstance(workplace, str) or len(workplace.strip()) > 100:
        raise ValidationError("工作单位应为不超过 100 字的文本", "workplace must be text up to 100 characters",
                              code="bad_field", details={"field": "workplace"})
    prof, _ = await VolunteerProfile.update_or_create(defaults={
        "categories": cats, "skills": skills, "max_active": max_active, "party_member": party_member,
        "workplace": workplace.strip()}, user_id=p.user_id)
    return json_ok({"user": p.user_id, "categories": prof.categories, "skills": prof.skills,
                    "max_active": prof.max_active, "party_member": prof.party_member, "workplace": prof.workplace})


DEMAND_BODY = {"application/json": {"schema": {"type": "object", "required": ["title", "area", "starts_at", "ends_at",
                                                                             "volunteers_needed"], "properties": {
    "title": {"type": "string"}, "description": {"type": "string"},
    "area": {"type": "string", "description": "社区、网格等代码 (where)"}, "place": {"type": "string"},
    "lon": {"type": "number"}, "lat": {"type": "number"},
    "starts_at": {"type": "string", "format": "date-time", "description": "无时区视为北京时间 (no offset: UTC+8)"},
    "ends_at": {"type": "string", "format": "date-time"},
    "volunteers_needed": {"type": "integer", "minimum": 1}, "skills": {"type": "array", "items": {"type": "string"}},
    "category": {"type": "string", "enum": list(WISH_CATEGORIES)}}}}}
TAKE_BODY = {"application/json": {"schema": {"type": "object", "properties": {
    "count": {"type": "integer", "description": "认领: 承诺的志愿者人数,缺省为全部剩余名额 (claim: places committed)"},
    "project": {"type": "integer"}}}}}
ID = param("id", "path", type_="integer")

ROUTES = [
    endpoint("/demands", list_demands, "GET", "志愿服务需求 (volunteer demands, public)", tag="demands",
             params=[param("status", enum=list(DEMAND_STATUSES)), param("under"), param("limit", type_="integer"),
                     param("offset", type_="integer")]),
    endpoint("/demands", create_demand, "POST", "发布志愿服务需求 (publish a demand)", tag="demands", auth="scoped",
             body=DEMAND_BODY, responses={"201": {"description": "published"}}),
    endpoint("/demands/{id}", get_demand, "GET", "志愿服务需求详情 (a demand and who took it)", tag="demands", params=[ID]),
    endpoint("/demands/{id}/matches", demand_matches, "GET", "可承接的项目与志愿者 (ranked matches)", tag="demands",
             auth="scoped", params=[ID, param("limit", type_="integer")]),
    endpoint("/demands/{id}/claim", claim_demand, "POST", "组织认领 (an organisation commits volunteers)", tag="demands",
             auth="scoped", params=[ID], body=TAKE_BODY, responses={"201": {"description": "claimed"}}),
    endpoint("/demands/{id}/signup", signup_demand, "POST", "志愿者报名 (a volunteer signs up)", tag="demands",
             auth="scoped", params=[ID], responses={"201": {"description": "signed up"}}),
    endpoint("/demands/{id}/release", release_demand, "POST", "取消报名或认领 (give places back)", tag="demands",
             auth="login", params=[ID], body={"application/json": {"schema": {"type": "object", "properties": {
                 "take": {"type": "integer", "description": "工作人员取消某条 (staff: which take)"}}}}}),
    endpoint("/demands/{id}/hours", record_hours, "POST", "登记服务时长 (record volunteers' hours)", tag="demands",
             auth="scoped", params=[ID], body={"application/json": {"schema": {"type": "object", "required": ["entries"],
                                                                               "properties": {"entries": {"type": "array", "items": {
                                                                                   "type": "object", "properties": {
                                                                                       "volunteer": {"type": ["string", "integer"]},
                                                                                       "hours": {"type": "number"},
                                                                                       "note": {"type": "string"}}}}}}}}),
    endpoint("/demands/{id}/{action}", demand_step, "POST", "需求操作 (close, reopen, cancel, complete)", tag="demands",
             auth="scoped", params=[ID, param("action", "path", enum=["close", "reopen", "cancel", "complete"])]),
    endpoint("/volunteers/{id}/record", volunteer_record, "GET", "志愿服务记录 (a volunteer's services, hours, star)",
             tag="volunteers", auth="login", params=[param("id", "path", description="编号或 me (an id or me)")]),
    endpoint("/volunteers/me/profile", put_profile, "PUT", "我的志愿服务档案 (my categories, skills, how many at once)",
             tag="volunteers", auth="login", body={"application/json": {"schema": {"type": "object", "properties": {
                 "categories": {"type": "array", "items": {"type": "string"}}, "skills": {"type": "array", "items": {"type": "string"}},
                 "max_active": {"type": "integer"}}}}}),
]
