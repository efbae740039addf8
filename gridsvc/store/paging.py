"""Keyset pagination for every list: one page of a queryset after a cursor, and the cursor of
the next page. The cursor format and the page size rule are in `domain.paging`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from tortoise import fields as tfields
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from gridsvc.domain.paging import bad_cursor, decode_cursor, encode_cursor

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    """What a client asked for: a page size already capped, and the cursor it sent (if any).
    `offset` is the older way still accepted where it was documented; a cursor wins over it."""

    limit: int
    cursor: str | None = None
    offset: int = 0


@dataclass
class Page(Generic[T]):
    rows: list[T]
    next_cursor: str | None
    limit: int
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self, name: str, items: list[Any] | None = None) -> dict[str, Any]:
        """The JSON of a page: the rows under `name`, `next_cursor` (null on the last page), `limit`."""
        return {name: self.rows if items is None else items, "next_cursor": self.next_cursor, "limit": self.limit,
                **self.extra}


def _kinds(model: Any, order: tuple[str, ...]) -> tuple[type, ...]:
    out: list[type] = []
    for spec in order:
        f = model._meta.fields_map[spec.lstrip("-")]
        out.append(int if isinstance(f, (tfields.IntField, tfields.BigIntField, tfields.SmallIntField)) else
                   float if isinstance(f, (tfields.FloatField, tfields.DecimalField)) else str)
    return tuple(out)


def _to_column(model: Any, name: str, value: Any) -> Any:
    """A cursor value back into what the column holds (dates travel as ISO text)."""
    f = model._meta.fields_map[name]
    if value is None or not isinstance(value, str):
        return value
    try:
        if isinstance(f, tfields.DatetimeField):
            return datetime.fromisoformat(value)
        if isinstance(f, tfields.DateField):
            return date.fromisoformat(value)
    except ValueError:
        raise bad_cursor("日期无效", "a date in it is invalid") from None
    return value


def _to_cursor(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (datetime, date)) else value


def after(model: Any, order: tuple[str, ...], key: list[Any]) -> Q:
    """Rows strictly after `key` in the order `order` (e.g. ("-at", "-id")): for (a, b) that is
    a > ka OR (a = ka AND b > kb), with < for descending columns. The last column must be
    unique (the id) so that the order is total. Sort columns hold no NULL."""
    alternatives = Q()
    for i, spec in enumerate(order):
        name = spec.lstrip("-")
        cmp = "lt" if spec.startswith("-") else "gt"
        q = Q(**{f"{name}__{cmp}": _to_column(model, name, key[i])})
        for prev, value in zip(order[:i], key[:i], strict=True):
            pname = prev.lstrip("-")
            q &= Q(**{pname: _to_column(model, pname, value)})
        alternatives |= q
    return alternatives


def row_key(row: Any, order: tuple[str, ...]) -> list[Any]:
    names = [spec.lstrip("-") for spec in order]
    if isinstance(row, dict):
        return [_to_cursor(row[n]) for n in names]
    return [_to_cursor(getattr(row, n)) for n in names]


def seek(qs: QuerySet, list_name: str, order: tuple[str, ...], req: PageRequest) -> QuerySet:
    """`qs` in `order`, starting after the request's cursor (or at its offset); no limit, for
    lists that filter further in Python and stop at a page (see `page_of`)."""
    model = qs.model
    qs = qs.order_by(*order)
    if req.cursor:
        key = decode_cursor(list_name, req.cursor, _kinds(model, order))
        if any(v is None for v in key):
            raise bad_cursor("格式不符", "its key has the wrong shape")
        qs = qs.filter(after(model, order, key))
    elif req.offset:
        qs = qs.offset(req.offset)
    return qs


async def keyset_page(qs: QuerySet, list_name: str, order: tuple[str, ...], req: PageRequest) -> Page:
    """One page of `qs` in `order` after the request's cursor, with the next page's cursor."""
    rows = list(await seek(qs, list_name, order, req).limit(req.limit + 1))
    return page_of(rows, list_name, order, req.limit)


def page_of(rows: list[Any], list_name: str, order: tuple[str, ...], limit: int) -> Page:
    """A page from up to limit + 1 rows fetched in `order`: the extra row only says there is more."""
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor(list_name, row_key(rows[-1], order)) if more and rows else None
    return Page(rows, nxt, limit)


def rank_start(list_name: str, req: PageRequest) -> int:
    """Where a page of a ranked in-memory list (search hits) starts. Ranks have no column to
    seek on and cost nothing to skip in memory, so their cursor carries the position."""
    if not req.cursor:
        return req.offset
    (start,) = decode_cursor(list_name, req.cursor, (int,))
    if start is None or start < 0:
        raise bad_cursor("格式不符", "its key has the wrong shape")
    return start


def ranked_page(rows: list[Any], list_name: str, start: int, limit: int) -> Page:
    """A page from up to limit + 1 hits fetched from `start`."""
    more = len(rows) > limit
    return Page(rows[:limit], encode_cursor(list_name, [start + limit]) if more else None, limit)
