"""The paging parameters every list endpoint takes: `limit` (capped at the maximum, not refused),
`cursor` (opaque, from the previous page's `next_cursor`) and, where it was documented before
cursors, `offset`."""

from __future__ import annotations

from starlette.requests import Request

from ...domain.paging import DEFAULT_PAGE, MAX_PAGE, page_size
from ...store.paging import PageRequest
from . import param, query_int


def page_request(request: Request, *, default: int = DEFAULT_PAGE, maximum: int = MAX_PAGE) -> PageRequest:
    limit = page_size(query_int(request, "limit", default, lo=1, hi=10**9), default=default, maximum=maximum)
    cursor = request.query_params.get("cursor") or None
    return PageRequest(limit=limit, cursor=cursor, offset=0 if cursor else query_int(request, "offset", 0, hi=10**6))


def page_params(*, default: int = DEFAULT_PAGE, maximum: int = MAX_PAGE, offset: bool = True) -> list[dict]:
    """The OpenAPI parameters of a paged list."""
    out = [
        param("limit", type_="integer", minimum=1, default=default,
              description=f"每页条数,最多 {maximum},超出按 {maximum} (page size; above {maximum} it is capped)"),
        param("cursor", description="上一页的 next_cursor (the previous page's next_cursor; null: last page)"),
    ]
    if offset:
        out.append(param("offset", type_="integer", minimum=0,
                         description="旧式翻页,有 cursor 时忽略 (older paging; ignored with a cursor)"))
    return out


def next_headers(request: Request, next_cursor: str | None) -> dict[str, str]:
    """For lists whose body is a bare JSON array (kept for older clients): the next page's cursor
    as `X-Next-Cursor` and an RFC 8288 `Link: rel="next"`."""
    if next_cursor is None:
        return {}
    url = request.url.remove_query_params(["cursor", "offset"]).include_query_params(cursor=next_cursor)
    return {"X-Next-Cursor": next_cursor, "Link": f'<{url}>; rel="next"'}
