"""Five-tier grid staff: contact cards, management within scope, and "my area"."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from gridsvc.store import audit
from gridsvc.store.accounts import staff_board, users

from ...domain.error_codes import ErrorCode
from ...domain.errors import Forbidden, NotFound, ValidationError
from ...domain.roles import ROLE_NAMES_ZH, STAFF_TIERS, TIER_NUMBER
from ...domain.scope import authorize_every, can_manage_tier
from ..permissions import can, prefixes, principal, require, require_login
from ..public_cache import same_for_everyone
from ..schemas.people import StaffCreate, StaffPatch
from . import endpoint, json_ok, param, path_id, read_json
from .paging import page_params, page_request


async def _staff_or_404(request: Request):
    user = await users.find_user(path_id(request))
    if user is None or user.role not in TIER_NUMBER:
        raise NotFound("人员不存在", "staff member not found", details={"id": request.path_params["id"]})
    return user


async def _require_manage(request: Request, role: str, area_codes: list[str]):
    p = principal(request)
    authorize_every(p, "staff.manage", area_codes)
    if role == "group_leader":
        # group leaders are chosen by residents and recorded by the community (issue 14 §8)
        for code in area_codes:
            require(request, "staff.record_group_leader", code)
    if not can_manage_tier(p, role):
        raise Forbidden(f"只能管理比自己层级低的网格人员,不能管理{ROLE_NAMES_ZH.get(role, role)}",
                        f"you manage only the tiers below yours, not a {role}", details={"role": role})
    return p


async def list_staff(request: Request) -> Response:
    """The staff contact board, a page at a time. Anonymous callers and people who manage no
    staff get the public card; it costs three queries whatever the page size."""
    page = await staff_board.board(role=request.query_params.get("role"), under=request.query_params.get("under"),
                                   page=page_request(request), public=not can(request, "staff.manage"))
    return json_ok(page.body("staff"))


async def get_staff(request: Request) -> Response:
    return json_ok(await users.user_card(await _staff_or_404(request)))


async def create_staff(request: Request) -> Response:
    data = await read_json(request)
    role = data.get("role")
    if role not in TIER_NUMBER:
        raise ValidationError(f"role 应为网格人员层级之一:{', '.join(STAFF_TIERS)}",
                              f"role must be a staff tier: {', '.join(STAFF_TIERS)}", code=ErrorCode.UNKNOWN_ROLE,
                              details={"field": "role"})
    areas = data.get("areas") or []
    if not isinstance(areas, list) or not areas or not all(isinstance(a, str) for a in areas):
        raise ValidationError("areas 应为区域代码列表", "areas must be a non-empty list of area codes",
                              code=ErrorCode.REQUIRED,
                              details={"field": "areas"})
    actor = await _require_manage(request, role, areas)
    user = await users.create_user(
        str(data.get("username") or ""), role=role, password=data.get("password") or None, areas=areas,
        display_name=str(data.get("name") or ""), phone=str(data.get("phone") or ""),
        supervisor=data.get("supervisor") or None, actor=actor,
    )
    return json_ok(await users.user_card(user), 201, headers={"Location": f"/api/v1/staff/{user.id}"})


async def patch_staff(request: Request) -> Response:
    user = await _staff_or_404(request)
    current = await users.area_codes_of(user.id)
    data = await read_json(request)
    actor = await _require_manage(request, user.role, list(current))
    if "areas" in data:
        await _require_manage(request, user.role, list(data["areas"] or []))
    user = await users.update_staff(user, data, actor=actor)
    return json_ok(await users.user_card(user))


async def delete_staff(request: Request) -> Response:
    user = await _staff_or_404(request)
    current = await users.area_codes_of(user.id)
    actor = await _require_manage(request, user.role, list(current))
    await users.delete_user(user, actor=actor)
    return Response(status_code=204)


async def my_area(request: Request) -> Response:
    p = require_login(request)
    require(request, "myarea.read")
    return json_ok(await staff_board.looked_after(p))


async def audit_log(request: Request) -> Response:
    require_login(request)
    pre = prefixes(request, "audit.read")
    if pre == []:
        require(request, "audit.read")
    area = request.query_params.get("area")
    if area:
        require(request, "audit.read", area)
        pre = [area]
    page = await audit.entries(principal(request), prefixes=pre, target_type=request.query_params.get("target_type"),
                               target_id=request.query_params.get("target_id"),
                               action=request.query_params.get("action"),
                               page=page_request(request, default=100))
    return json_ok(page.body("entries"))



ROUTES = [
    endpoint("/staff", same_for_everyone(list_staff), "GET", "网格人员名片 (staff contact cards)", tag="staff",
             params=[param("under"), param("role", enum=list(STAFF_TIERS)), *page_params()], action="staff.read"),
    endpoint("/staff", create_staff, "POST", "新增网格人员 (add a staff member)", tag="staff", auth="scoped",
             body=StaffCreate, responses={"201": {"description": "created"}}, action="staff.manage"),
    endpoint("/staff/{id}", get_staff, "GET", "网格人员 (one staff member)", tag="staff", params=[param("id", "path")],
             action="staff.read"),
    endpoint("/staff/{id}", patch_staff, "PATCH", "修改网格人员 (edit a staff member)", tag="staff", auth="scoped",
             params=[param("id", "path")], body=StaffPatch, action="staff.manage"),
    endpoint("/staff/{id}", delete_staff, "DELETE", "删除网格人员 (remove a staff member)", tag="staff", auth="scoped",
             params=[param("id", "path")], responses={"204": {"description": "deleted"}}, action="staff.manage"),
    endpoint("/me/area", my_area, "GET", "我的网格 (my area: assigned areas, below, staff above and below)",
             tag="staff",
             auth="login", action="myarea.read"),
    endpoint("/audit", audit_log, "GET", "审计日志 (audit log within scope)", tag="audit", auth="scoped",
             params=[param("area"), param("target_type"), param("target_id"), param("action"),
                     *page_params(default=100)], action="audit.read"),
]
