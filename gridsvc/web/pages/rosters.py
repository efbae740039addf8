"""Roster pages (issue 11 item 4): /areas/{code}/roster (who holds each post, vacancies, past
terms; appoint, transfer and end for those whose scope allows, the sheet in and out) and
/areas/{code}/board, a community's contact board (公示牌) to print on A4. The forms post to
/areas/{code}/roster/act and go through the same store calls and permission checks as the API."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gridsvc.store import areas as area_store
from gridsvc.store.rosters import appointments, roster, sheets

from ...domain.error_codes import ErrorCode
from ...domain.errors import BadRequest, DomainError, ValidationError
from ...domain.levels import LEVEL_NAMES_ZH
from ...domain.roles import ROLE_NAMES_ZH, TIER_LEVEL
from ...store.records import record_id
from ..api.rosters import appoint_from, end_from, may_appoint, require_appoint, transfer_from
from ..permissions import can, principal, require, require_entitled
from .render import render

ACTIONS = ("appoint", "end", "transfer", "import")


def _login_redirect(request: Request) -> Response | None:
    if not principal(request).is_authenticated:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return None


async def roster_page(request: Request, *, error: str | None = None, problems: list | None = None,
                      status: int = 200) -> Response:
    if (r := _login_redirect(request)) is not None:
        return r
    area = await area_store.get_area(request.path_params["code"])
    require(request, "roster.read", area.code)
    chain = await area_store.ancestors(area)
    # an ancestor's roster is linked only for those who may read it (a grid worker reads their grid's)
    readable = {a.code for a in chain if can(request, "roster.read", a.code)}
    data = await roster.roster(area)
    p = principal(request)
    for post in data["posts"]:
        post["may"] = may_appoint(p, post["area"]["code"], post["role"])
    # where a transfer may go: the other posts of the same tier on this roster that stand vacant
    vacant_by_role: dict[str, list[dict]] = {}
    for post in data["posts"]:
        if post["vacant"] and post["may"]:
            vacant_by_role.setdefault(post["role"], []).append(post["area"])
    return render(request, "rosters/roster.html", status=status, area=area, chain=chain, readable=readable, data=data,
                  vacant_by_role=vacant_by_role, error=error, problems=problems or [],
                  done=request.query_params.get("done") if request.query_params.get("done") in ACTIONS else None,
                  may_import=can(request, "roster.appoint", area.code), LEVEL_NAMES_ZH=LEVEL_NAMES_ZH,
                  is_community=area.level == "community")


async def roster_act(request: Request) -> Response:
    if (r := _login_redirect(request)) is not None:
        return r
    area = await area_store.get_area(request.path_params["code"])
    form = await request.form()
    action = str(form.get("action") or "")
    fields = {k: str(v) for k, v in form.items() if isinstance(v, str) and k not in ("csrf_token", "action")}
    try:
        if action == "appoint":
            await appoint_from(request, fields)
        elif action in ("end", "transfer"):
            # a role that appoints nowhere is turned away before the term is looked up, as the
            # API does: a 404 for one id and a 403 for another told which appointments exist
            require_entitled(request, "roster.appoint")
            term = await appointments.find_term(record_id(fields.get("term")) or 0)
            p = require_appoint(request, term.area.code, term.role)
            fields.pop("term", None)
            if action == "end":
                await end_from(request, term, p, fields)
            else:
                await transfer_from(request, term, p, fields)
        elif action == "import":
            require(request, "roster.appoint", area.code)
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise BadRequest("请选择要导入的 Excel 文件", "choose the Excel file to import",
                                      code=ErrorCode.MISSING_FILE, details={"field": "file"})
            p = principal(request)
            await sheets.import_roster(sheets.parse(await upload.read()), actor=p,
                                       may_appoint=lambda code, role: may_appoint(p, code, role))
        else:
            raise ValidationError(f"未知的操作 {action[:20]}", f"unknown action {action[:20]}",
                                  code=ErrorCode.BAD_FIELD, details={"field": "action"})
    except DomainError as e:
        return await roster_page(request, error=e.message, problems=e.problems, status=e.status)
    finally:
        await form.close()
    return RedirectResponse(f"/areas/{area.code}/roster?done={action}", status_code=303)


async def board_page(request: Request) -> Response:
    """The contact board is public, as the staff cards are (`staff.read`)."""
    area = await area_store.get_area(request.path_params["code"])
    require(request, "staff.read", area.code)
    if area.level != "community":
        raise ValidationError(f"公示牌按社区制作,{area.name}是{LEVEL_NAMES_ZH.get(area.level, area.level)}",
                              f"a contact board is made per community; {area.code} is a {area.level}",
                              code=ErrorCode.NOT_A_COMMUNITY, details={"code": area.code, "level": area.level})
    board = await roster.board(area)
    chain = await area_store.ancestors(area)
    phone = next((a.properties.get("supervision_phone") for a in [area, *reversed(chain)]
                  if isinstance(a.properties, dict) and a.properties.get("supervision_phone")),
                 request.app.state.settings.supervision_phone)
    street = next((a.name for a in chain if a.level == "street"), "")
    return render(request, "rosters/board.html", board=board, area=area, street=street, supervision_phone=phone,
                  ROLE_NAMES_ZH=ROLE_NAMES_ZH, worker_title=ROLE_NAMES_ZH["worker"],
                  can_roster=can(request, "roster.read", area.code),
                  tiers=[t for t, lv in TIER_LEVEL.items() if lv == "community"])


ROUTES = [
    Route("/areas/{code}/roster", roster_page, methods=["GET"]),
    Route("/areas/{code}/roster/act", roster_act, methods=["POST"]),
    Route("/areas/{code}/board", board_page, methods=["GET"]),
]
