"""The records behind governance items 5-7 and the yearly assessment sheet (issue 12):
training sessions with attendance, service rooms and outdoor spaces, consultations through
their five steps (the decided and concluded ones public), and a community's sheet as Excel."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ...domain import clock
from ...domain.error_codes import ErrorCode
from ...domain.errors import BadRequest, NotFound
from ...domain.governance.consultations import is_public
from ...domain.levels import code_prefix
from ...store.areas.reading import top_areas
from ...store.governance import consultations, space, training
from ...store.governance.assessment import assessment_xlsx
from ...store.governance.reports import area_or_404
from ...store.spreadsheets import XLSX_TYPE
from ..permissions import can, principal, require
from ..schemas.governance import (
    ConsultationBody,
    ConsultationStep,
    ServiceSpaceBody,
    ServiceSpaceChange,
    TrainingSessionBody,
)
from . import endpoint, json_ok, param, path_id, read_json
from .files import attachment
from .governance import scope, targets, year_param


async def scope_list(request: Request, action: str) -> list[str]:
    """The code prefixes to read: the `under` area (checked), else the caller's areas (every top
    area for who reaches everywhere)."""
    within, scoped = await scope(request, action)
    if within is not None:
        return [code_prefix(within.code, within.level)]
    if scoped is None:
        return [code_prefix(a.code, a.level) for a in await top_areas()]
    return scoped


def community_param(request: Request) -> str:
    code = (request.query_params.get("community") or "").strip()
    if not code:
        raise BadRequest("缺少参数 community", "missing query parameter community", code=ErrorCode.MISSING_PARAMETER,
                         details={"parameter": "community"})
    return code


# -- training (item 5)
async def record_training(request: Request) -> Response:
    data = TrainingSessionBody.model_validate(await read_json(request))
    area = await area_or_404(data.area, "area")
    require(request, "training.manage", area.code)
    view = await training.record_session(area, title=data.title, organiser=data.organiser, held_on=data.held_on,
                                         class_hours=data.class_hours, attendees=list(data.attendees),
                                         today=clock.today())
    return json_ok(view, status=201)


async def list_training(request: Request) -> Response:
    prefixes = await scope_list(request, "indicator.read")
    year = year_param(request)
    hours = await training.hours_per_community(prefixes, year, targets(request)) if prefixes else {}
    return json_ok({"year": year, "sessions": await training.sessions_under(prefixes, year),
                    "staff": [p for code in sorted(hours) for p in hours[code]]})


async def delete_training(request: Request) -> Response:
    s = await training.get_session(path_id(request))
    require(request, "training.manage", s.area.code)
    await training.delete_session(s)
    return Response(status_code=204)


# -- service space (item 6)
async def list_spaces(request: Request) -> Response:
    community = await area_or_404(community_param(request), "community")
    require(request, "indicator.read", community.code)
    return json_ok(await space.spaces_of(community, targets(request)))


async def add_space(request: Request) -> Response:
    data = ServiceSpaceBody.model_validate(await read_json(request))
    community = await area_or_404(data.community, "community")
    require(request, "space.manage", community.code)
    return json_ok(await space.add_space(community, name=data.name, kind=data.kind, m2=data.m2), status=201)


async def change_space(request: Request) -> Response:
    data = ServiceSpaceChange.model_validate(await read_json(request))
    s, community = await space.get_space(path_id(request))
    require(request, "space.manage", community.code)
    return json_ok(await space.update_space(s, community, name=data.name, kind=data.kind, m2=data.m2))


async def delete_space(request: Request) -> Response:
    s, community = await space.get_space(path_id(request))
    require(request, "space.manage", community.code)
    await space.delete_space(s)
    return Response(status_code=204)


# -- consultations (item 7)
async def raise_consultation(request: Request) -> Response:
    data = ConsultationBody.model_validate(await read_json(request))
    community = await area_or_404(data.community, "community")
    require(request, "consultation.manage", community.code)
    today = clock.today()
    view = await consultations.raise_matter(community, title=data.title, matter=data.matter, raised_by=data.raised_by,
                                            raised_on=data.raised_on or today, today=today,
                                            recorded_by=principal(request).user_id)
    return json_ok(view, status=201, headers={"Location": f"/api/v1/consultations/{view['id']}"})


async def list_consultations(request: Request) -> Response:
    """Staff of the area see every matter with its minutes; anyone else the public ones."""
    code = (request.query_params.get("under") or request.query_params.get("community") or "").strip()
    if not code:
        prefixes = await scope_list(request, "consultation.manage") if principal(request).is_authenticated else []
        if not prefixes:
            raise BadRequest("缺少参数 community", "missing query parameter community",
                             code=ErrorCode.MISSING_PARAMETER, details={"parameter": "community"})
        return json_ok(await consultations.list_under(prefixes))
    area = await area_or_404(code, "community")
    staff = can(request, "consultation.manage", area.code)
    return json_ok(await consultations.list_under([code_prefix(area.code, area.level)], public_only=not staff))


async def get_consultation(request: Request) -> Response:
    c = await consultations.get(path_id(request))
    community = await consultations.community_code(c)
    staff = can(request, "consultation.manage", community)
    if not staff and not is_public(c.status):
        # not yet decided: the matter is the community's until it is made public
        raise NotFound("协商议事事项不存在或尚未公开", "no such published consultation",
                       code=ErrorCode.CONSULTATION_NOT_FOUND, details={"consultation": c.id})
    return json_ok(await consultations.view(c, full=staff))


async def consultation_step(request: Request) -> Response:
    data = ConsultationStep.model_validate(await read_json(request))
    c = await consultations.get(path_id(request))
    require(request, "consultation.manage", await consultations.community_code(c))
    return json_ok(await consultations.step(c, data.action, data.model_dump(exclude={"action"}), clock.today()))


# -- the yearly assessment sheet (item 8)
async def assessment_sheet(request: Request) -> Response:
    community = await area_or_404(community_param(request), "community")
    require(request, "indicator.read", community.code)
    year = year_param(request)
    data = await assessment_xlsx(community, year, targets(request), request.app.state.settings)
    return attachment(data, XLSX_TYPE, f"assessment-{community.code}-{year}.xlsx")


_YEAR = param("year", type_="integer", description="年份,缺省今年 (the year; default this year)")
_UNDER = param("under", description="区域代码,缺省本人辖区 (an area code; default the caller's areas)")
_ID = param("id", "path", type_="integer", required=True)
TAG = "governance"

ROUTES = [
    endpoint("/training", list_training, "GET", "培训与学时 (sessions of a year and each staff member's hours)",
             tag=TAG, auth="login", action="indicator.read", params=[_UNDER, _YEAR]),
    endpoint("/training", record_training, "POST", "登记一次培训及参训人员 (record a session with attendance)",
             tag=TAG, auth="login", action="training.manage", body=TrainingSessionBody),
    endpoint("/training/{id}", delete_training, "DELETE", "删除培训记录 (delete a session)", tag=TAG, auth="login",
             action="training.manage", params=[_ID]),
    endpoint("/spaces", list_spaces, "GET", "社区服务用房与户外场地 (a community's rooms and outdoor spaces)",
             tag=TAG, auth="login", action="indicator.read", params=[param("community", required=True)]),
    endpoint("/spaces", add_space, "POST", "登记服务用房或户外场地 (add a room or outdoor space)", tag=TAG,
             auth="login", action="space.manage", body=ServiceSpaceBody),
    endpoint("/spaces/{id}", change_space, "PATCH", "修改场地 (change a space)", tag=TAG, auth="login",
             action="space.manage", body=ServiceSpaceChange, params=[_ID]),
    endpoint("/spaces/{id}", delete_space, "DELETE", "删除场地 (delete a space)", tag=TAG, auth="login",
             action="space.manage", params=[_ID]),
    endpoint("/consultations", list_consultations, "GET",
             "协商议事 (a community's matters: all for its staff, the decided and concluded ones for anyone)",
             tag=TAG, action="consultation.read_public",
             params=[param("community", description="社区代码 (a community; `under` also works)"), _UNDER]),
    endpoint("/consultations", raise_consultation, "POST", "民事民提:登记一件议事事项 (raise a matter)", tag=TAG,
             auth="login", action="consultation.manage", body=ConsultationBody),
    endpoint("/consultations/{id}", get_consultation, "GET", "协商议事事项 (one matter)", tag=TAG,
             action="consultation.read_public", params=[_ID]),
    endpoint("/consultations/{id}/steps", consultation_step, "POST",
             "议事的下一步:meet 民议、decide 民决、carry_out 民办、evaluate 民评、drop 终止 (the next step)",
             tag=TAG, auth="login", action="consultation.manage", body=ConsultationStep, params=[_ID]),
    endpoint("/indicators/sheet.xlsx", assessment_sheet, "GET",
             "社区年度考核表 Excel (a community's yearly assessment sheet: every indicator)", tag=TAG, auth="login",
             action="indicator.read", params=[param("community", required=True), _YEAR]),
]
