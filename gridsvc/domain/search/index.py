"""The catalog's inverted index: adding and removing versions, and ranked search as of a day."""

from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from collections.abc import Iterable
from datetime import date
from typing import Any

from ..error_codes import ErrorCode
from ..errors import ValidationError
from .documents import (
    Hit,
    SearchDoc,
    _as_list,
    _discard_sorted,
    _Field,
    _in_window,
    _subsequence_span,
)
from .text import (
    _RUN_RE,
    _TERM_SPLIT,
    MAX_QUERY,
    SYNONYM_PENALTY,
    expansions,
    normalize,
)

# Score tiers of a hit, best first: a hit of a better tier always ranks above a worse one.
EXACT, PREFIX, NAME, KEYWORD, CODE, MATERIAL, SUMMARY, SUBSEQ = 1000, 900, 800, 700, 600, 500, 400, 300

_NEVER = (date.max, date.min)  # the window of a removed document


class CatalogIndex:
    """An inverted index over the catalog.

    `build` indexes a whole catalog; `add` and `remove` change it in place (a changed item
    costs milliseconds instead of a rebuild). A removed document leaves an empty slot, and its
    field values stay in the postings with no documents (``garbage`` counts the slots, so the
    owner can rebuild when they pile up).
    """

    def __init__(self, docs: Iterable[SearchDoc] = ()) -> None:
        self.build(docs)

    def build(self, docs: Iterable[SearchDoc]) -> CatalogIndex:
        # a removed document leaves None in its slot and its slot leaves every set and posting list,
        # so a slot reached through them ("live slot" below) always holds a document
        self._docs: list[SearchDoc | None] = []
        self._slot: dict[Any, int] = {}
        self._order: list[Any] = []
        self._sorted: list[tuple[Any, int]] = []  # (order, slot) of live docs, in catalog order
        self._code_pairs: dict[int, list[tuple[str, int]]] = {}  # (code, slot) sorted, per code length
        self._windows: list[tuple[date | None, date | None]] = []
        self._name, self._keyword, self._code = _Field(), _Field(), _Field()
        self._material, self._summary = _Field(), _Field()
        self._by_code: dict[str, list[int]] = {}
        self._by_category: dict[str, set[int]] = {}
        self._by_list: dict[str, set[int]] = {}
        self._by_prefix: dict[str, set[int]] = {}
        self._everywhere: set[int] = set()
        self._live_cache: dict[date, set[int]] = {}
        self._shared: set[int] = set()
        self.add(docs)
        return self

    def add(self, docs: Iterable[SearchDoc]) -> None:
        """Index more documents. ``order`` (when given, on every document) sets catalog order;
        otherwise the order of adding does."""
        docs = list(docs)
        ids = [d.id for d in docs]
        bulk = len(docs) > 64  # many: append and sort once; few: insert in place
        if len(set(ids)) != len(ids) or any(i in self._slot for i in ids):
            dup = next(i for n, i in enumerate(ids) if i in self._slot or i in ids[:n])
            raise ValidationError(f"检索文档编号重复: {dup!r}", f"duplicate search doc id {dup!r}",
                                  code=ErrorCode.DUPLICATE_DOC, details={"id": dup})
        for d in docs:
            i = len(self._docs)
            self._docs.append(d)
            self._slot[d.id] = i
            key = i if d.order is None else d.order
            self._order.append(key)
            self._windows.append((d.valid_from, d.valid_to))
            self._name.add(normalize(d.name), i)
            code = normalize(d.code)
            self._code.add(code, i)
            self._by_code.setdefault(code, []).append(i)
            pairs = self._code_pairs.setdefault(len(code), [])
            if bulk:
                self._sorted.append((key, i))
                pairs.append((code, i))
            else:
                insort(self._sorted, (key, i))
                insort(pairs, (code, i))
            for k in _as_list(d.keywords):
                self._keyword.add(normalize(k), i)
            for m in d.materials:
                self._material.add(normalize(m), i)
            self._summary.add(normalize(d.summary), i)
            self._by_category.setdefault(d.category, set()).add(i)
            self._by_list.setdefault(d.list, set()).add(i)
            if not d.area_prefixes:
                self._everywhere.add(i)
            for p in d.area_prefixes:
                self._by_prefix.setdefault(p, set()).add(i)
        if bulk:
            self._sorted.sort()
            for pairs in self._code_pairs.values():
                pairs.sort()
        for on, live in self._live_cache.items():
            live.update(self._slot[d.id] for d in docs if _in_window(d.valid_from, d.valid_to, on))
        self._share({normalize(d.code) for d in docs})
        self._changed()

    def remove(self, ids: Iterable[Any]) -> None:
        """Take documents out (unknown ids are ignored)."""
        touched: set[str] = set()
        for doc_id in ids:
            i = self._slot.pop(doc_id, None)
            if i is None:
                continue
            d = self._docs[i]
            assert d is not None
            for field_, texts in ((self._name, [d.name]), (self._code, [d.code]), (self._keyword, _as_list(d.keywords)),
                                  (self._material, d.materials), (self._summary, [d.summary])):
                for text in texts:
                    e = field_._ids.get(normalize(text))
                    if e is not None:
                        field_.docs[e].discard(i)
            code = normalize(d.code)
            self._by_code[code].remove(i)
            _discard_sorted(self._code_pairs[len(code)], (code, i))
            _discard_sorted(self._sorted, (self._order[i], i))
            self._by_category[d.category].discard(i)
            self._by_list[d.list].discard(i)
            self._everywhere.discard(i)
            for p in d.area_prefixes:
                self._by_prefix[p].discard(i)
            self._docs[i] = None
            self._windows[i] = _NEVER
            for live in self._live_cache.values():
                live.discard(i)
            self._shared.discard(i)
            touched.add(code)
        self._share(touched)
        self._changed()

    @property
    def garbage(self) -> int:
        """Empty slots left by `remove`."""
        return len(self._docs) - len(self._slot)

    def _share(self, codes: set[str]) -> None:
        """Keep `_shared_code` right for ``codes``."""
        for code in codes:
            slots = self._by_code.get(code, [])
            if len(slots) > 1:
                self._shared.update(slots)
            else:
                self._shared.difference_update(slots)

    def _changed(self) -> None:
        """Forget what is derived from the whole set of documents (rebuilt on first use)."""
        self._ranks: list[int] | None = None
        self._filter_cache: dict[tuple[Any, ...], set[int] | None] = {}

    @property
    def _shared_code(self) -> set[int]:
        """Docs sharing a code with another (versions of one item, or one version admitted in
        several areas): a search keeps one of them."""
        return self._shared

    @property
    def rank(self) -> list[int]:
        """Each slot's position in catalog order (a small int, cheap to sort by)."""
        if self._ranks is None:
            ranks = [len(self._sorted)] * len(self._docs)
            for r, (_, i) in enumerate(self._sorted):
                ranks[i] = r
            self._ranks = ranks
        return self._ranks

    def warm(self, on: date) -> None:
        """Compute the catalog order and the documents in force ``on`` now rather than in the
        first search."""
        self.rank  # noqa: B018 - a lazily computed property
        self._live(on)

    def _live(self, on: date) -> set[int]:
        """Docs in force on ``on``."""
        live = self._live_cache.get(on)
        if live is None:
            live = {i for i, (a, b) in enumerate(self._windows) if _in_window(a, b, on)}
            if len(self._live_cache) > 8:
                self._live_cache.clear()
            self._live_cache[on] = live
        return live

    def _codes_matching(self, v: str) -> list[tuple[str, set[int]]]:
        """Codes starting with ``v`` (by bisection, one group per code length), else codes containing it."""
        out = []
        for pairs in self._code_pairs.values():
            lo = bisect_left(pairs, (v,))
            hi = bisect_left(pairs, (v + "\U0010ffff",), lo)
            if lo < hi:
                out.append((pairs[lo][0], {i for _, i in pairs[lo:hi]}))
        if not out:
            out = [(self._code.entries[e], self._code.docs[e]) for e, _ in self._code.containing(v)]
        return out

    def __len__(self) -> int:
        return len(self._slot)

    # -- filters -----------------------------------------------------------------------

    def _allowed(self, category: str | None, list_: str | None, area_code: str | None,
                 on: date | None = None) -> set[int] | None:
        key = (category, list_, area_code, on)
        if key in self._filter_cache:
            return self._filter_cache[key]
        sets: list[set[int]] = []
        if on is not None:
            sets.append(self._live(on))
        if category:
            sets.append(self._by_category.get(category, set()))
        if list_:
            sets.append(self._by_list.get(list_, set()))
        if area_code:
            here = set(self._everywhere)
            for n in range(1, len(area_code) + 1):
                here |= self._by_prefix.get(area_code[:n], set())
            sets.append(here)
        allowed = set.intersection(*sorted(sets, key=len)) if sets else None
        if allowed is not None and self._shared_code:
            seen: set[str] = set()
            for i in sorted(allowed & self._shared_code, key=self.rank.__getitem__):
                code = self._docs[i].code  # type: ignore[union-attr]  # live slot
                if code in seen:
                    allowed.discard(i)
                seen.add(code)
        if len(self._filter_cache) > 256:
            self._filter_cache.clear()
        self._filter_cache[key] = allowed
        return allowed

    # -- search ------------------------------------------------------------------------

    def search(self, q: str | None, *, category: str | None = None, list_: str | None = None,
               area_code: str | None = None, on: date | None = None, limit: int | None = 50) -> list[Hit]:
        """Items matching ``q``, best first; an empty query lists the catalog in order.

        ``on``: only the documents in force that day, one per code.
        """
        if limit is not None and limit <= 0:
            return []
        allowed = self._allowed(category, list_, area_code, on)
        query = normalize(q or "").strip()[:MAX_QUERY]
        terms = [t for t in _TERM_SPLIT.split(query) if _RUN_RE.search(t)]
        rank = self.rank
        if not terms:
            order = sorted(self._slot.values() if allowed is None else allowed, key=rank.__getitem__)
            shown = order[: limit if limit is not None else None]
            return [Hit(self._docs[i].id, 0.0) for i in shown]  # type: ignore[union-attr]  # live slot
        if len(terms) == 1:
            scores = self._term_scores(terms[0], allowed, limit)
            for exact in self._by_code.get(query, ()):
                if allowed is None or exact in allowed:
                    scores[exact] = float(EXACT)
                    break
        else:
            # Every term must match: score the rarest term first, then only inside its hits.
            scores = {}
            within = allowed
            for n, term in enumerate(terms):
                s = self._term_scores(term, within, None)
                scores = s if n == 0 else {i: scores[i] + v for i, v in s.items()}
                within = set(scores)
                if not within:
                    break
            scores = {i: v / len(terms) for i, v in scores.items()}
        def by_score(kv: tuple[int, float]) -> tuple[float, int]:
            return (-kv[1], rank[kv[0]])

        if limit is not None and len(scores) > limit:
            ranked = heapq.nsmallest(limit, scores.items(), key=by_score)
        else:
            ranked = sorted(scores.items(), key=by_score)
        return [Hit(self._docs[i].id, round(s, 3)) for i, s in ranked]  # type: ignore[union-attr]  # live slot

    def _term_scores(self, term: str, within: set[int] | None, limit: int | None) -> dict[int, float]:
        """Doc -> best score for one term, in three stages whose score ranges do not overlap.

        Scores are computed per distinct field value and handed to its docs with set
        operations; once ``limit`` docs are placed, lower scores cannot enter the result.
        """
        variants = [(term, 0)] + [(v, SYNONYM_PENALTY) for v in expansions(term)]
        scores: dict[int, float] = {}
        assigned: set[int] = set()

        def place(groups: dict[float, list[set[int]]]) -> bool:
            """Give each group's docs its score, best first; True once ``limit`` docs are placed."""
            for score in sorted(groups, reverse=True):
                if limit is not None and len(assigned) >= limit:
                    return True
                sets = groups[score]
                new = sets[0].union(*sets[1:]) - assigned
                if within is not None:
                    new &= within
                if not new:
                    continue
                if limit is not None and len(assigned) + len(new) > limit:
                    # equal scores: catalog order decides
                    new = set(sorted(new, key=self.rank.__getitem__)[: limit - len(assigned)])
                assigned.update(new)
                scores.update(dict.fromkeys(new, score))
            return limit is not None and len(assigned) >= limit

        name = self._name
        entries, docs = name.entries, name.docs
        groups: dict[float, list[set[int]]] = {}
        for v, penalty in variants:
            lv = len(v)
            for e, pos in name.containing(v):
                n = len(entries[e])
                if pos:
                    s = NAME + 60 * lv / n + 20 / (1 + pos)
                else:
                    s = EXACT if n == lv else PREFIX + 80 * lv / n
                groups.setdefault(s - penalty, []).append(docs[e])
        if place(groups):
            return scores
        groups = {}
        for v, penalty in variants:
            lv = len(v)
            for f, tier in ((self._keyword, KEYWORD), (self._material, MATERIAL), (self._summary, SUMMARY)):
                entries, docs = f.entries, f.docs
                base = tier - penalty
                for e, _ in f.containing(v):
                    groups.setdefault(base + 80 * lv / len(entries[e]), []).append(docs[e])
            for code, matched in self._codes_matching(v):
                groups.setdefault(CODE - penalty + 80 * lv / len(code), []).append(matched)
        if place(groups):
            return scores
        groups = {}
        for v, penalty in variants:
            chars = "".join(ch for ch in v if _RUN_RE.match(ch))
            if len(chars) < 2:
                continue
            entries, docs = name.entries, name.docs
            for e in name.having_chars(chars):
                span = _subsequence_span(entries[e], chars)
                if span is not None:
                    groups.setdefault(SUBSEQ + 80 * len(chars) / span - penalty, []).append(docs[e])
        place(groups)
        return scores
