"""The in-app inbox: the events that concern the logged-in user, with an unread count."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from gridsvc.store.wishes import inbox as store

from ..permissions import require_login
from . import endpoint, json_ok, param, path_id, query_bool
from .paging import page_params, page_request


async def list_inbox(request: Request) -> Response:
    p = require_login(request)
    unread = query_bool(request, "unread", False)
    return json_ok(await store.listing(p.account_id, unread_only=unread, page=page_request(request)))


async def unread_count(request: Request) -> Response:
    p = require_login(request)
    return json_ok({"unread": await store.unread_count(p.account_id)})


async def mark_read(request: Request) -> Response:
    p = require_login(request)
    return json_ok(await store.mark_read(p.account_id, path_id(request)))


async def mark_all_read(request: Request) -> Response:
    p = require_login(request)
    return json_ok(await store.mark_all_read(p.account_id))


ROUTES = [
    endpoint("/inbox", list_inbox, "GET", "我的消息 (my notifications, newest first)", tag="inbox", auth="login",
             params=[param("unread", type_="boolean", description="只列未读 (unread only)"), *page_params()],
             action="account.use"),
    endpoint("/inbox/unread", unread_count, "GET", "未读数 (unread count)", tag="inbox", auth="login",
             action="account.use"),
    endpoint("/inbox/read-all", mark_all_read, "POST", "全部标为已读 (mark all read)", tag="inbox", auth="login",
             action="account.use"),
    endpoint("/inbox/{id}/read", mark_read, "POST", "标为已读 (mark one read)", tag="inbox", auth="login",
             params=[param("id", "path", type_="integer")], action="account.use"),
]
