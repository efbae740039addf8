"""The paging parameters every list endpoint takes: `limit` (capped at the maximum, not refused),
`cursor` (opaque, from the previous page's `next_cursor`) and, where it was documented before
cursors, `offset`."""

from __future__ import annotations

from starlette.requests import Request

from ...domain.error_codes import ErrorCode
from ...domain.errors import BadRequest
from ...domain.paging import DEFAULT_PAGE, MAX_PAGE, page_size
from ...store.paging import PageRequest
from . import param, query_int

# the deepest a numbered page may reach: the same bound as the API's `offset`
MAX_OFFSET = 10**6


def page_request(request: Request, *, default: int = DEFAULT_PAGE, maximum: int = MAX_PAGE) -> PageRequest:
    limit = page_size(query_int(request, "limit", default, lo=1, hi=10**9), default=default, maximum=maximum)
    cursor = request.query_params.get("cursor") or None
    offset = 0 if cursor else query_int(request, "offset", 0, hi=MAX_OFFSET)
    return PageRequest(limit=limit, cursor=cursor, offset=offset)


def numbered_page(request: Request, size: int) -> tuple[int, PageRequest]:
    """The numbered page a person's list shows (`?page=`, from 1) and the rows it asks for.
    Anything but a whole number falls back to page 1, as a broken link should; a page past
    the deepest offset any list serves is a 400 naming `page` (a number too large for the
    database was a 500)."""
    try:
        page = max(1, int(request.query_params.get("page") or 1))
    except ValueError:
        page = 1
    if (page - 1) * size > MAX_OFFSET:
        last = MAX_OFFSET // size + 1
        raise BadRequest(f"参数 page 应在 1-{last} 之间", f"page must be within 1-{last}",
                         code=ErrorCode.BAD_PARAMETER, details={"parameter": "page"})
    return page, PageRequest(limit=size, offset=(page - 1) * size)


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
