"""A volunteer's service record (/me/service): tasks, hours and star level per
``Settings.volunteer_star_hours``, and a printable service certificate (志愿服务证明) whose
number staff verify at /certificates/{number} (see gridsvc.store.orgs.volunteering)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gridsvc.store.orgs import volunteering
from gridsvc.store.orgs import volunteers as store

from ...domain import clock
from ...domain.error_codes import ErrorCode
from ...domain.errors import Forbidden, NotFound
from ...domain.scope import entitled
from ..permissions import principal, require_entitled
from .demands import login_redirect
from .render import render


def _by_task(record: dict) -> list[dict]:
    """Hours summed per task (a demand served twice is corrected, not doubled: one row each)."""
    return [{"title": s["title"], "date": s["date"], "hours": s["hours"],
             "org": s["org"]["name"] if s["org"] else ""} for s in record["services"]]


async def my_service(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    p = principal(request)
    user = await volunteering.volunteer_account(p.user_id)
    if user is None:
        raise Forbidden("只有志愿者和社会组织成员有志愿服务记录",
                        "only volunteers and organisation members have a record",
                        code=ErrorCode.WRONG_ROLE)
    settings = request.app.state.settings
    record = await store.volunteer_record(user, thresholds=settings.volunteer_star_hours)
    return render(request, "service/record.html", r=record, tasks=_by_task(record),
                  number=volunteering.certificate_number(user.id, settings.secret_key),
                  today=clock.today().isoformat(), section="service")


async def certificate(request: Request) -> Response:
    if (r := login_redirect(request)) is not None:
        return r
    require_entitled(request, "volunteer.read")
    number = request.path_params["number"]
    settings = request.app.state.settings
    user = await volunteering.certificate_holder(number, settings.secret_key)
    if user is None:
        raise NotFound(f"证明编号 {number[:40]} 无效", f"no certificate numbered {number[:40]}",
                       details={"number": number[:40]})
    record = await store.volunteer_record(user, thresholds=settings.volunteer_star_hours)
    return render(request, "service/certificate.html", r=record, tasks=_by_task(record), number=number.upper(),
                  today=clock.today().isoformat(), verified=True,
                  staff=entitled(principal(request), "volunteer.read"))


ROUTES = [
    Route("/me/service", my_service, methods=["GET"]),
    Route("/certificates/{number}", certificate, methods=["GET"]),
]
