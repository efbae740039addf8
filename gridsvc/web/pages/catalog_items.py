"""An item of 办事指南 (/services/{code}): what residents read, and for the officials who may
change it a panel to publish its draft with a date, revoke it with a reason, discard the draft,
and its versions and steps in words ("王芳 发布第 2 版 2026-11-29 10:20").

Forms post to /services/{code}/publish|revoke|discard, call the same store functions as the
JSON API under the same permission check, and answer with a redirect, or with the page again
and the reason next to the form that was refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gridsvc.store import areas
from gridsvc.store import catalog as store
from gridsvc.store.accounts import users

from ...domain import clock
from ...domain.catalog import infer_level
from ...domain.dates import read_day
from ...domain.error_codes import ErrorCode
from ...domain.errors import DomainError, NotFound, ValidationError
from ...domain.levels import LEVEL_NAMES_ZH
from ...domain.text import whole_number
from ...locale import gettext
from ..api import query_date
from ..api.catalog import area_param, authorizer, may_edit
from ..permissions import can, require
from .render import render


def minute(at: datetime) -> str:
    """A moment as people read it in China: 2026-11-29 10:20."""
    return clock.china(at).strftime("%Y-%m-%d %H:%M")


def _step_words(step: dict[str, Any]) -> str:
    action, version = step["action"], step.get("version")
    if action == "create":
        return gettext("新建草稿")
    if action == "edit":
        return gettext("修改草稿")
    if action == "publish":
        return gettext("发布第 %(n)s 版") % {"n": version} if version else gettext("发布")
    if action == "revoke":
        return gettext("撤销第 %(n)s 版") % {"n": version} if version else gettext("撤销")
    return gettext("删除草稿")


async def upkeep_panel(request: Request, code: str) -> dict[str, Any]:
    """What an official who may change the item sees under it: its versions and its steps."""
    versions = (await store.version_list(code, may_see_drafts=True))["versions"]
    history = await store.item_history(code)
    names = await users.display_names([s["by"] for s in history])
    names["system"] = gettext("系统")
    latest = versions[-1]
    steps = [{"who": names.get(s["by"], s["by"]), "words": _step_words(s), "at": minute(s["at"]),
              "on": s["on"], "reason": s["reason"], "action": s["action"]} for s in history]
    return {"versions": list(reversed(versions)), "steps": steps, "latest": latest,
            "draft": latest if latest["status"] == "draft" else None,
            "published": next((v for v in versions if v["status"] == "published"), None),
            "can_publish": can(request, "catalog.publish"), "today": clock.today().isoformat()}


async def item_page(request: Request, *, errors: dict[str, list[str]] | None = None, status: int = 200) -> Response:
    code = request.path_params["code"]
    area = await area_param(request)
    day = query_date(request) or clock.today()
    editor = await may_edit(request, code)
    raw_version = request.query_params.get("version") or ""
    version = whole_number(raw_version)
    try:
        item = await store.item_detail(code, day=day, area=area, version=version, may_see_drafts=editor)
    except NotFound as e:
        if not editor or e.code not in (ErrorCode.NOT_IN_FORCE, ErrorCode.NOT_ADMITTED) or area:
            raise
        # nothing in force (a draft before its first publication, a revoked item, an admission item
        # not admitted today): an editor sees the latest version
        item = (await store.version_list(code, may_see_drafts=True))["versions"][-1]
    preview = item["status"] != "published" or bool(version)
    codes = set(item["areas"]) | ({area} if area else set())
    names = await areas.area_names(codes)
    chain = await areas.chain_to(area) if area else []
    panel = await upkeep_panel(request, item["code"]) if editor else None
    return render(request, "catalog/item.html", status=status, item=item, area=chain[-1] if chain else None,
                  chain=chain, names=names, editor=editor, day=day, is_past=day != clock.today(), preview=preview,
                  panel=panel, errors=errors or {}, done=_done_words(request.query_params.get("done")),
                  level_of=lambda c: LEVEL_NAMES_ZH.get(infer_level(c), ""),
                  back="/services?" + urlencode({"area": area}) if area else "/services?all=1")


def _done_words(done: str | None) -> str | None:
    return {"created": gettext("草稿已保存。预览无误后即可发布。"), "saved": gettext("草稿已保存"),
            "unchanged": gettext("内容没有变化,未生成新的草稿"),
            "published": gettext("已发布"), "revoked": gettext("已撤销"),
            "draft_discarded": gettext("草稿已删除")}.get(done or "")


async def _act(request: Request, form_name: str, act) -> Response:
    code = request.path_params["code"]
    form = await request.form()
    try:
        done = await act(code, form)
    except DomainError as e:
        if e.status in (401, 404):
            raise
        details = e.details if isinstance(e.details, dict) else {}
        slot = f"{form_name}.{details['field']}" if details.get("field") in ("on", "reason") else form_name
        return await item_page(request, errors={slot: [e.message]}, status=e.status)
    if done == "discarded":
        return RedirectResponse("/services/drafts?done=discarded", status_code=303)
    return RedirectResponse(f"/services/{store.normalise_code(code)}?done={done}", status_code=303)


async def publish_page(request: Request) -> Response:
    p = require(request, "catalog.publish")

    async def act(code: str, form) -> str:
        await store.publish_item(code, on=read_day(form.get("on"), "on"), actor=p, authorize=authorizer(request))
        return "published"

    return await _act(request, "publish", act)


async def revoke_page(request: Request) -> Response:
    p = require(request, "catalog.publish")

    async def act(code: str, form) -> str:
        reason = form.get("reason")
        await store.revoke_item(code, reason=reason if isinstance(reason, str) else "",
                                on=read_day(form.get("on"), "on"), actor=p, authorize=authorizer(request))
        return "revoked"

    return await _act(request, "revoke", act)


async def discard_page(request: Request) -> Response:
    p = require(request, "catalog.edit")

    async def act(code: str, form) -> str:
        if not form.get("confirm"):
            raise ValidationError("请勾选确认后再删除草稿", "tick the box to confirm discarding the draft",
                                  code=ErrorCode.REQUIRED, details={"field": "confirm"})
        await store.discard_draft(code, actor=p, authorize=authorizer(request))
        try:
            await store.get_item(code)
        except NotFound:
            return "discarded"  # a draft never published goes with its item
        return "draft_discarded"

    return await _act(request, "discard", act)


ROUTES = [
    Route("/services/{code}", item_page, methods=["GET"]),
    Route("/services/{code}/publish", publish_page, methods=["POST"]),
    Route("/services/{code}/revoke", revoke_page, methods=["POST"]),
    Route("/services/{code}/discard", discard_page, methods=["POST"]),
]
