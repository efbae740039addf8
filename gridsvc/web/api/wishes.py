"""Micro-wishes (微心愿): posting, screening, claiming, fulfilment and feedback; matching and
allocation plans. The organisation, demand and inbox routes live beside this module and are
served from here (`ROUTES`).

Who may do what is decided here, through gridsvc.web.permissions, per wish: the resident who
posted it, the staff of its grid (``wish.screen``, ``wish.read``, ``resident.pii``), members of
organisations serving its area and volunteers of it (``wish.browse``, ``wish.claim``), and the
holder of its claim; the store and the domain's state machine do the rest.
"""

from __future__ import annotations

import base64
import binascii

from starlette.requests import Request
from starlette.responses import Response

from gridsvc.store.accounts import users
from gridsvc.store.wishes import access, cards, lifecycle, listing, matching, placement
from gridsvc.store.wishes import allocations as plans
from gridsvc.store.wishes.access import Standing, holds
from gridsvc.store.wishes.listing import ListScope

from ...domain import clock
from ...domain.crs import transform_coords
from ...domain.error_codes import ErrorCode
from ...domain.errors import BadRequest, NotFound, ValidationError
from ...domain.privacy import mask_position
from ...domain.scope import acts_for_org, entitled
from ...domain.wishes import WISH_CATEGORIES, WISH_STATUSES, Actor, WishAction
from ..permissions import can, prefixes, principal, require, require_login
from ..schemas.wishes import PlanCreate, PlanEdit, Rating, WishCreate, WishStep
from . import demands as demand_api
from . import endpoint, json_ok, param, path_id, query_bbox, query_int, read_json
from . import inbox as inbox_api
from . import orgs as org_api
from .orgs import body_or_empty
from .paging import page_params, page_request

# The map layer takes a viewport's wishes in one answer (bounded by bbox); larger views page on.
GEOJSON_PAGE = 2000


def standing(request: Request, wish, claim) -> Standing:
    """How the asking user stands to ``wish``."""
    p = principal(request)
    grid = wish.grid_code
    actors = set()
    if p.is_authenticated and wish.resident_id == p.user_id:
        actors.add(Actor.RESIDENT_OWNER)
    if can(request, "wish.screen", grid):
        actors.add(Actor.GRID_STAFF)
    if acts_for_org(p) and can(request, "wish.claim", grid):
        actors.add(Actor.ORG_MEMBER)
    if entitled(p, "volunteer.act") and can(request, "wish.claim", grid):
        actors.add(Actor.VOLUNTEER)
    if holds(claim, p):
        actors.add(Actor.CLAIMER)
    return Standing(p, frozenset(actors), can_read=can(request, "wish.read", grid),
                    can_browse=can(request, "wish.browse", grid), pii=can(request, "resident.pii", grid))


async def expire_due_claims(request: Request) -> None:
    """Claims past their deadline are expired before wishes are read or acted on; while the
    database is unchanged this costs no query (store/wishes/expiry.py)."""
    state = request.app.state
    # the mark the sign-in read (web/auth.py): before this request's own queries, one read fewer
    mark = request.state.data_mark if hasattr(request.state, "data_mark") else await state.data_changes.read()
    await state.claim_expiry.settle(mark)


async def _wish_and_standing(request: Request):
    require_login(request)
    await expire_due_claims(request)
    wish = await access.get_wish(path_id(request))
    return wish, standing(request, wish, await access.current_claim(wish))


# ---------------------------------------------------------------------------- posting and reading


async def create_wish_from(request: Request, data: dict):
    """Post a wish for the asking resident, or for the resident a staff member names (代办):
    placed by the point lookup, then checked against the scope of the grid it lands in."""
    p = require_login(request)
    require(request, "wish.post")
    if entitled(p, "wish.post_own"):
        resident = await users.get_user(p.account_id)
    else:
        # staff post for a resident who does not use a phone (代办): name the resident
        name = data.get("resident")
        if not isinstance(name, str) or not name.strip():
            raise ValidationError("代居民提交心愿时请指定居民账号 resident",
                                  "name the resident (resident) you post for",
                                  code=ErrorCode.REQUIRED, details={"field": "resident"})
        named = await users.find_resident(name.strip())
        if named is None:
            raise NotFound(f"居民 {name} 不存在", f"resident {name} not found", details={"field": "resident"})
        resident = named
    placed = await placement.place(request.app.state.index, data,
                                   home_building=await placement.home_building(resident.id))
    require(request, "wish.post", placed.grid_code)
    return await placement.create_wish(data, placed, resident=resident, actor=p, settings=request.app.state.settings)


async def create_wish(request: Request) -> Response:
    require_login(request)
    wish = await create_wish_from(request, await read_json(request))
    body = await cards.card(wish, standing(request, wish, None))
    return json_ok(body, 201, headers={"Location": f"/api/v1/wishes/{wish.id}"})


def list_scope(request: Request) -> ListScope:
    p = principal(request)
    return ListScope(read=prefixes(request, "wish.read"), browse=prefixes(request, "wish.browse"),
                     user_id=p.user_id, org_id=p.org_id if acts_for_org(p) else None)


async def list_wishes(request: Request) -> Response:
    require_login(request)
    await expire_due_claims(request)
    view = request.query_params.get("view") or "all"
    if view not in ("all", "mine", "claims"):
        raise BadRequest("view 应为 all、mine 或 claims", "view is all, mine or claims", code=ErrorCode.BAD_PARAMETER,
                         details={"parameter": "view"})
    fmt = request.query_params.get("format") or "json"
    crs = request.query_params.get("crs") or "wgs84"
    if crs not in ("wgs84", "gcj02"):
        raise BadRequest("crs 应为 wgs84 或 gcj02", "crs is wgs84 or gcj02",
                         code=ErrorCode.BAD_PARAMETER, details={"parameter": "crs"})
    under = request.query_params.get("under") or None
    category = request.query_params.get("category") or None
    if category and category not in WISH_CATEGORIES:
        raise ValidationError(f"未知的心愿类别 {category!r}", f"unknown category {category!r}",
                              code=ErrorCode.UNKNOWN_CATEGORY,
                              details={"categories": list(WISH_CATEGORIES)})
    filters = dict(view=view, status=request.query_params.get("status") or None, under=under, category=category,
                   bbox=query_bbox(request, crs))
    # the map layer asks for a viewport's worth at once; a list a page at a time
    page = page_request(request, default=GEOJSON_PAGE,
                        maximum=GEOJSON_PAGE) if fmt == "geojson" else page_request(request)
    result = await listing.listing(list_scope(request), page=page, **filters)
    if fmt == "geojson":
        return json_ok({**_geojson(result.rows, crs), "next_cursor": result.next_cursor})
    return json_ok({**result.body("wishes", await cards.cards(result.rows, lambda w, c: standing(request, w, c))),
                    "offset": page.offset})


def _geojson(rows, crs: str) -> dict:
    """Points for the map layer: always rounded (about 100 m) and without contact data."""
    features = []
    for w in rows:
        lon, lat = mask_position(w.lon, w.lat)
        if crs != "wgs84":
            lon, lat = (round(float(v), 6) for v in transform_coords(lon, lat, "wgs84", crs))
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": {
            "id": w.id, "title": w.title, "status": w.status, "status_zh": WISH_STATUSES.get(w.status, w.status),
            "category_zh": WISH_CATEGORIES.get(w.category, w.category), "value_yuan": float(w.value_yuan),
            "wish_by": w.wish_by.isoformat(), "grid": w.grid_code, "url": f"/wishes/{w.id}"}})
    return {"type": "FeatureCollection", "features": features}


async def wish_stats(request: Request) -> Response:
    require_login(request)
    await expire_due_claims(request)
    under = request.query_params.get("under") or None
    counts = await listing.counts_by_status(list_scope(request), under=under)
    return json_ok({"under": under, "by_status": counts, "total": sum(counts.values()),
                    "labels": WISH_STATUSES})


async def get_wish(request: Request) -> Response:
    wish, st = await _wish_and_standing(request)
    return json_ok(await cards.detail(wish, st))


def _photo(data: dict) -> dict:
    """The fulfilment photo arrives as base64 (a data: URL or bare); the store checks the bytes."""
    raw = data.get("photo")
    if raw in (None, ""):
        return {k: v for k, v in data.items() if k != "photo"}
    if not isinstance(raw, str):
        raise ValidationError("photo 应为 base64 文本", "photo must be base64 text", code=ErrorCode.BAD_PHOTO)
    if raw.startswith("data:"):
        raw = raw.split(",", 1)[-1]
    try:
        return {**data, "photo": base64.b64decode(raw, validate=True)}
    except (binascii.Error, ValueError):
        raise ValidationError("photo 不是有效的 base64", "photo is not valid base64",
                              code=ErrorCode.BAD_PHOTO) from None


async def wish_action(request: Request) -> Response:
    wish, st = await _wish_and_standing(request)
    data = await body_or_empty(request)
    action = request.path_params["action"]
    if action == WishAction.FULFIL:
        data = _photo(data)
    wish = await lifecycle.act(wish, action, st, data, settings=request.app.state.settings)
    claim = await access.current_claim(wish)
    st = standing(request, wish, claim)
    return json_ok(await cards.card(wish, st, claim=claim, holder=await access.holder_of(wish, claim)))


async def rate_wish(request: Request) -> Response:
    wish, st = await _wish_and_standing(request)
    rating = await lifecycle.rate(wish, st, await read_json(request))
    return json_ok({"wish": wish.id, "stars": rating.stars, "comment": rating.comment or None}, 201)


async def wish_photo(request: Request) -> Response:
    wish, st = await _wish_and_standing(request)
    data, media = await cards.photo_of(wish, st)
    return Response(data, media_type=media, headers={"Cache-Control": "private, max-age=300",
                                                     "X-Content-Type-Options": "nosniff"})


async def wish_matches(request: Request) -> Response:
    wish, _ = await _wish_and_standing(request)
    require(request, "wish.read", wish.grid_code)
    kind = request.query_params.get("kind") or None
    if kind not in (None, "project", "volunteer"):
        raise BadRequest("kind 应为 project 或 volunteer", "kind is project or volunteer", code=ErrorCode.BAD_PARAMETER,
                         details={"parameter": "kind"})
    need = matching.wish_need(wish, clock.today())
    return json_ok({"wish": wish.id, "status": wish.status, "date": need.date.isoformat(),
                    "matches": await matching.matches_for(need, limit=query_int(request, "limit", 20, lo=1, hi=200),
                                                          kind=kind)})


# ---------------------------------------------------------------------------- allocation plans


async def create_plan(request: Request) -> Response:
    actor = require_login(request)
    data = await read_json(request)
    under = data.get("under")
    if not isinstance(under, str) or not under.strip():
        raise ValidationError("请指定区域 under(如一个社区)", "under (an area code, e.g. a community) is required",
                              code=ErrorCode.REQUIRED, details={"field": "under"})
    require(request, "allocation.plan", under.strip())
    ids = data.get("wishes")
    if ids is not None and (not isinstance(ids, list)
                            or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)):
        raise ValidationError("wishes 应为心愿编号列表", "wishes must be a list of wish ids", code=ErrorCode.BAD_FIELD,
                              details={"field": "wishes"})
    category = data.get("category")
    if category is not None and category not in WISH_CATEGORIES:
        raise ValidationError(f"未知的心愿类别 {category!r}", f"unknown category {category!r}",
                              code=ErrorCode.UNKNOWN_CATEGORY)
    await expire_due_claims(request)
    plan = await plans.make_plan(under.strip(), actor=actor, name=str(data.get("name") or ""), wish_ids=ids,
                                 category=category, today=clock.today())
    return json_ok(await plans.plan_view(plan), 201, headers={"Location": f"/api/v1/allocations/{plan.id}"})


async def list_plans(request: Request) -> Response:
    require_login(request)
    require(request, "allocation.plan")
    found = await plans.list_plans(prefixes(request, "allocation.plan"), page=page_request(request))
    return json_ok(found.body("plans"))


async def _plan(request: Request):
    require_login(request)
    plan = await plans.get_plan(path_id(request))
    actor = require(request, "allocation.plan", plan.area_code)
    return plan, actor


async def get_plan(request: Request) -> Response:
    plan, _ = await _plan(request)
    return json_ok(await plans.plan_view(plan))


async def edit_plan(request: Request) -> Response:
    plan, actor = await _plan(request)
    data = await read_json(request)
    plan = await plans.edit_plan(plan, data.get("items"), actor=actor, today=clock.today())
    return json_ok(await plans.plan_view(plan))


async def accept_plan(request: Request) -> Response:
    plan, actor = await _plan(request)
    await expire_due_claims(request)
    plan = await plans.accept_plan(plan, actor=actor, now=clock.now())
    return json_ok(await plans.plan_view(plan))


async def discard_plan(request: Request) -> Response:
    plan, actor = await _plan(request)
    plan = await plans.discard_plan(plan, actor=actor, now=clock.now())
    return json_ok(await plans.plan_view(plan))


# ---------------------------------------------------------------------------- routes

ID = param("id", "path", type_="integer")
ACTIONS = [a.value for a in WishAction if a is not WishAction.EXPIRE]

ROUTES = [
    endpoint("/wishes", create_wish, "POST", "提交微心愿 (post a micro-wish)", tag="wishes", auth="login",
             body=WishCreate,
             responses={"201": {"description": "submitted: id, status, grid"}}, action="wish.post"),
    endpoint("/wishes", list_wishes, "GET", "微心愿列表 (wishes I may see)", tag="wishes", auth="login",
             params=[param("status", description="逗号分隔 (comma-separated)"), param("under"),
                     param("view", enum=["all", "mine", "claims"]), param("category", enum=list(WISH_CATEGORIES)),
                     param("format", enum=["json", "geojson"]), param("bbox"), param("crs", enum=["wgs84", "gcj02"]),
                     *page_params()], action="account.use"),
    endpoint("/wishes/stats", wish_stats, "GET", "微心愿统计 (counts by status in my scope)", tag="wishes",
             auth="login", params=[param("under")], action="account.use"),
    endpoint("/wishes/{id}", get_wish, "GET", "微心愿详情 (a wish, its claim and history)", tag="wishes", auth="login",
             params=[ID], action="account.use"),
    endpoint("/wishes/{id}/matches", wish_matches, "GET", "可承接的项目与志愿者 (ranked matches with reasons)",
             tag="wishes", auth="scoped", params=[ID, param("kind", enum=["project", "volunteer"]),
                                                  param("limit", type_="integer")], action="wish.read"),
    endpoint("/wishes/{id}/photo", wish_photo, "GET", "完成照片 (the fulfilment photo)", tag="wishes", auth="login",
             params=[ID], responses={"200": {"description": "image", "content": {"image/jpeg": {}, "image/png": {}}}},
             action="account.use"),
    endpoint("/wishes/{id}/rating", rate_wish, "POST", "评价 (rate a confirmed wish, 1-5 stars)", tag="wishes",
             auth="login", params=[ID], body=Rating,
             responses={"201": {"description": "rated"}}, action="account.use"),
    endpoint("/wishes/{id}/{action}", wish_action, "POST", "心愿操作 (publish, return, resubmit, withdraw, merge, "
             "claim, extend, release, fulfil, confirm, reopen)", tag="wishes", auth="login",
             params=[ID, param("action", "path", enum=ACTIONS)], body=WishStep, empty_ok=True, action="account.use"),
    endpoint("/allocations", create_plan, "POST", "生成分配方案 (plan a batch of wishes over projects)",
             tag="allocations",
             auth="scoped", body=PlanCreate, responses={"201": {"description": "a draft plan"}},
             action="allocation.plan"),
    endpoint("/allocations", list_plans, "GET", "分配方案列表 (plans in my scope)", tag="allocations", auth="scoped",
             params=page_params(), action="allocation.plan"),
    endpoint("/allocations/{id}", get_plan, "GET", "分配方案 (a plan and its items)", tag="allocations", auth="scoped",
             params=[ID], action="allocation.plan"),
    endpoint("/allocations/{id}", edit_plan, "PATCH", "修改分配方案 (reassign wishes)", tag="allocations",
             auth="scoped",
             params=[ID], body=PlanEdit, action="allocation.plan"),
    endpoint("/allocations/{id}/accept", accept_plan, "POST", "采纳分配方案 (claim each wish for its project)",
             tag="allocations", auth="scoped", params=[ID], action="allocation.plan"),
    endpoint("/allocations/{id}/discard", discard_plan, "POST", "放弃分配方案 (discard a draft plan)",
             tag="allocations",
             auth="scoped", params=[ID], action="allocation.plan"),
    *org_api.ROUTES,
    *demand_api.ROUTES,
    *inbox_api.ROUTES,
]

