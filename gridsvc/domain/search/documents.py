"""What the search index holds: the documents, hits, and the per-field posting lists."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .text import _query_tokens, tokens


@dataclass(frozen=True)
class SearchDoc:
    """What the index knows of an item. ``area_prefixes``: code prefixes; empty = everywhere."""

    id: Any
    code: str
    name: str
    materials: Sequence[str] = ()
    summary: str = ""
    keywords: Sequence[str] = ()
    category: str = ""
    list: str = ""  # noqa: A003
    area_prefixes: tuple[str, ...] = ()
    valid_from: date | None = None  # in force from this day (None: always)
    valid_to: date | None = None  # no longer in force from this day (None: open-ended)
    order: Any = None  # catalog order (sortable; on every doc or on none): ties and listings


@dataclass(frozen=True)
class Hit:
    id: Any
    score: float


class _Field:
    """The distinct values of one field, each indexed once and mapped to the docs holding it."""

    __slots__ = ("entries", "docs", "post", "_ids")

    def __init__(self) -> None:
        self.entries: list[str] = []
        self.docs: list[set[int]] = []
        self.post: dict[str, set[int]] = {}
        self._ids: dict[str, int] = {}

    def add(self, text: str, doc: int) -> None:
        if not text:
            return
        e = self._ids.get(text)
        if e is None:
            e = self._ids[text] = len(self.entries)
            self.entries.append(text)
            self.docs.append(set())
            for t in set(tokens(text)):
                self.post.setdefault(t, set()).add(e)
        self.docs[e].add(doc)

    def containing(self, v: str) -> list[tuple[int, int]]:
        """(entry, position) of the entries that contain ``v`` as a substring."""
        sets = []
        for t in _query_tokens(v):
            s = self.post.get(t)
            if not s:
                return []
            sets.append(s)
        if not sets:
            return []
        sets.sort(key=len)
        cands = sets[0].intersection(*sets[1:]) if len(sets) > 1 else sets[0]
        entries = self.entries
        found = [(e, entries[e].find(v)) for e in cands]
        return [ep for ep in found if ep[1] >= 0]

    def having_chars(self, chars: str) -> list[int]:
        """Entries holding every character of ``chars`` (a superset of subsequence matches)."""
        sets = []
        for ch in dict.fromkeys(chars):
            s = self.post.get(ch)
            if not s:
                return []
            sets.append(s)
        sets.sort(key=len)
        return list(sets[0].intersection(*sets[1:]))


def _in_window(start: date | None, end: date | None, on: date) -> bool:
    return (start is None or start <= on) and (end is None or on < end)


def _discard_sorted(items: list, item: Any) -> None:
    j = bisect_left(items, item)
    if j < len(items) and items[j] == item:
        del items[j]


def _as_list(value: str | Sequence[str]) -> list[str]:
    if isinstance(value, str):
        return [p for p in re.split(r"[,，、;；]+", value) if p.strip()]
    return list(value)


def _subsequence_span(text: str, chars: str) -> int | None:
    """Length of the shortest window of ``text`` holding ``chars`` in order (None if absent)."""
    best: int | None = None
    start = text.find(chars[0])
    while start >= 0:
        pos = start
        for ch in chars[1:]:
            pos = text.find(ch, pos + 1)
            if pos < 0:
                return best
        span = pos - start + 1
        if best is None or span < best:
            best = span
        start = text.find(chars[0], start + 1)
    return best
