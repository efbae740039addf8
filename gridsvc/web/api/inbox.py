"""The in-app inbox: the events that concern the logged-in user, with an unread count."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from gridsvc.locale import gettext
from gridsvc.store.wishes import inbox as store

from ..permissions import require_login
from . import endpoint, json_ok, param, path_id, query_bool
from .paging import page_params, page_request


async def list_inbox(request: Request) -> Response:
    p = require_login(request)
    unread = query_bool(request, "unread", False)
    # title and body in the caller's language (?lang=, the account's, Accept-Language)
    return json_ok(await store.listing(p.account_id, unread_only=unread, page=page_request(request), say=gettext))


async def unread_count(request: Request) -> Response:
    p = require_login(request)
    return json_ok({"unread": await store.unread_count(p.account_id)})


async def mark_read(request: Request) -> Response:
    p = require_login(request)
    return json_ok(await store.mark_read(p.account_id, path_id(request), say=gettext))


async def mark_all_read(request: Request) -> Response:
    p = require_login(request)
    return json_ok(await store.mark_all_read(p.account_id))


# what GET /inbox and POST /inbox/{id}/read answer (store.wishes.inbox), every field always present
_TEXT, _ID = {"type": "string"}, {"type": ["integer", "null"]}
_ENTRY = {
    "id": {"type": "integer"},
    "kind": {"type": "string", "description": "事件类别 (what happened: claimed, returned, demand_taken ...)"},
    "kind_zh": {"type": "string", "description": "类别的中文名 (the kind's Chinese name)"},
    "title": {"type": "string", "description": "标题,用请求的语言 (in the language asked for: ?lang=, "
                                               "the account's, Accept-Language)"},
    "body": {"type": "string", "description": "正文,用请求的语言;他人填写的原因等照原文 (in the language asked "
                                              "for; a reason someone typed as typed)"},
    "link": _TEXT, "wish_id": _ID, "demand_id": _ID, "created_at": {"type": "string", "format": "date-time"},
    "read": {"type": "boolean"}, "read_at": {"type": ["string", "null"], "format": "date-time"}}
_JSON = lambda schema: {"application/json": {"schema": schema}}  # noqa: E731
LISTING = {"200": {"description": "我的消息 (a page of my notifications)", "content": _JSON({
    "type": "object", "properties": {
        "unread": {"type": "integer"}, "total": {"type": "integer"}, "items": {"type": "array", "items": {
            "type": "object", "properties": _ENTRY, "required": list(_ENTRY)}},
        "next_cursor": {"type": ["string", "null"]}, "limit": {"type": "integer"}},
    "required": ["unread", "total", "items", "next_cursor", "limit"]})}}
MARKED = {"200": {"description": "该条消息与未读数 (the notification, and the unread count)", "content": _JSON(
    {"type": "object", "properties": {**_ENTRY, "unread": {"type": "integer"}}, "required": [*_ENTRY, "unread"]})}}

ROUTES = [
    endpoint("/inbox", list_inbox, "GET", "我的消息 (my notifications, newest first)", tag="inbox", auth="login",
             params=[param("unread", type_="boolean", description="只列未读 (unread only)"), *page_params()],
             responses=LISTING, action="account.use"),
    endpoint("/inbox/unread", unread_count, "GET", "未读数 (unread count)", tag="inbox", auth="login",
             action="account.use"),
    endpoint("/inbox/read-all", mark_all_read, "POST", "全部标为已读 (mark all read)", tag="inbox", auth="login",
             action="account.use"),
    endpoint("/inbox/{id}/read", mark_read, "POST", "标为已读 (mark one read)", tag="inbox", auth="login",
             params=[param("id", "path", type_="integer")], responses=MARKED, action="account.use"),
]
