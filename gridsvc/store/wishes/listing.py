"""Lists of wishes: what a viewer may see (a `ListScope` decided by the web layer), filtered, paged
and counted by status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count

from gridsvc.domain.errors import NotFound
from gridsvc.domain.levels import code_prefix
from gridsvc.domain.privacy import masked_window
from gridsvc.domain.wishes import WISH_STATUSES, WishStatus, check_status
from gridsvc.store import subtree
from gridsvc.store.areas.models import Area
from gridsvc.store.paging import Page, PageRequest, keyset_page
from gridsvc.store.wishes.models import Claim, Wish


@dataclass(frozen=True)
class ListScope:
    """What a listing may show, decided by the web layer: every status under ``read``
    prefixes, published ones under ``browse`` prefixes, the user's own and their claims'.
    None means everywhere (the admin)."""

    read: list[str] | None
    browse: list[str] | None
    user_id: int | None
    org_id: int | None


def _prefix_q(prefixes: list[str] | None) -> Q | None:
    """A condition on the grid code for the prefixes; None for none (and for None, everywhere,
    which the caller handles)."""
    if not prefixes:
        return None
    return subtree.under_any("grid_code", prefixes)


async def _query(scope: ListScope, *, view: str = "all", status: str | None = None, under: str | None = None,
                 category: str | None = None, bbox: tuple[float, float, float, float] | None = None):
    """The wishes a user may see, filtered (None: nothing). ``view``: ``all`` (what they may
    see), ``mine`` (posted for them), ``claims`` (held or once held by them or their
    organisation)."""
    parts: list[Q] = []
    if view in ("all", "mine") and scope.user_id:
        parts.append(Q(resident_id=scope.user_id))
    if view in ("all", "claims") and scope.user_id:
        claim_q = Q(claimer_id=scope.user_id, org_id=None)
        if scope.org_id:
            claim_q |= Q(org_id=scope.org_id)
        # a subquery, not a list read first: one query fewer on every listing
        parts.append(Q(id__in=Subquery(Claim.filter(claim_q).values("wish_id"))))
    if view == "all":
        read = _prefix_q(scope.read)
        if read is not None:
            parts.append(read)
        browse = _prefix_q(scope.browse)
        if browse is not None:
            parts.append(browse & Q(status=WishStatus.PUBLISHED.value))
    if view == "all" and scope.read is None:
        qs = Wish.all()  # the admin: everything
    elif not parts:
        return None
    else:
        where = parts[0]
        for p in parts[1:]:
            where |= p
        qs = Wish.filter(where)
    if status:
        statuses = [check_status(s.strip()).value for s in status.split(",") if s.strip()]
        qs = qs.filter(status__in=statuses)
    if under:
        area = await Area.filter(code=under).first()
        if area is None:
            raise NotFound(f"区域 {under} 不存在", f"area {under} not found", details={"under": under})
        qs = qs.filter(subtree.under("grid_code", code_prefix(area.code, area.level)))
    if category:
        qs = qs.filter(category=category)
    if bbox:
        # by the rounded position the cards and map points show, not the exact one
        minx, miny, maxx, maxy = masked_window(*bbox)
        qs = qs.filter(lon__gte=minx, lon__lt=maxx, lat__gte=miny, lat__lt=maxy)
    return qs


async def listing(scope: ListScope, *, page: PageRequest, **filters: Any) -> Page:
    """A page of the wishes in scope, newest first; `extra` carries the total over all pages."""
    qs = await _query(scope, **filters)
    if qs is None:
        return Page([], None, page.limit, {"total": 0})
    result = await keyset_page(qs, "wishes", ("-id",), page)
    first_and_last = not page.cursor and not page.offset and result.next_cursor is None
    # a first page that holds everything is its own count: no COUNT query for a short list
    result.extra["total"] = len(result.rows) if first_and_last else await qs.count()
    return result


async def counts_by_status(scope: ListScope, **filters: Any) -> dict[str, int]:
    out = {s: 0 for s in WISH_STATUSES}
    qs = await _query(scope, **filters)
    if qs is not None:
        for row in await qs.group_by("status").annotate(n=Count("id")).values("status", "n"):
            out[row["status"]] = row["n"]
    return out
