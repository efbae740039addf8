"""Chinese full-text search over the catalog, in memory, without external services.

Text is normalised (NFKC, which also turns full-width letters, digits and spaces into
half-width ones; lower case) and cut into runs of CJK characters and of latin letters and
digits. A CJK run is indexed as unigrams and bigrams, a latin word as its prefixes (so "gs"
finds GS-SB-001). The inverted index proposes candidates; each candidate is then checked on
the real text, so a hit is always a true substring (or, for abbreviations, a subsequence).

Ranking, best first (a score is its tier plus a bonus of at most 80 for how much of the
field the query covers; a match through the abbreviation table loses 10, so it stays in its
tier)::

    1000 exact name (or exact code)     700 keyword           400 summary
     900 name starts with the query     600 code prefix (*)   300 query's characters in
     800 name contains the query        500 material              order in the name

    (*) codes are matched by prefix ("gs-sb" finds GS-SB-*), or contain the query when no
        code starts with it.

Ties go to catalog order (the order of `build`). Documents may carry a validity window
(``valid_from`` inclusive, ``valid_to`` exclusive): a search ``on`` a day sees only the
documents in force that day, and one document per code, so an index built over every
published version answers for any past day. Abbreviations: "低保" is not a substring of
"最低生活保障金申请" (低 and 保 are apart), so the query also runs as its expansions from
`ABBREVIATIONS` (低保 -> 最低生活保障) and as a subsequence of the name. Several words
separated by spaces must all match (AND); the score is their mean.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from bisect import bisect_left, insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .error_codes import ErrorCode
from .errors import ValidationError

# Common civil-affairs abbreviations and old names -> the words catalogs use. Matching runs
# both ways: a query for the full words also finds items named by the abbreviation.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "低保": ("最低生活保障",),
    "低边": ("低保边缘", "最低生活保障边缘"),
    "五保": ("特困人员救助供养", "特困供养"),
    "医保": ("医疗保险", "医疗保障"),
    "社保": ("社会保险", "社会保障"),
    "新农合": ("城乡居民基本医疗保险", "居民医保"),
    "城居保": ("城乡居民基本养老保险", "城乡居民养老保险"),
    "残疾证": ("残疾人证",),
    "两项补贴": ("困难残疾人生活补贴", "重度残疾人护理补贴"),
    "准生证": ("生育服务登记", "生育登记", "生育服务证"),
    "计生": ("计划生育",),
    "独生子女证": ("独生子女父母光荣证",),
    "老年证": ("老年优待证", "老年人优待证"),
    "高龄补贴": ("高龄津贴",),
    "临救": ("临时救助",),
    "失业证": ("就业失业登记", "就业创业证"),
    "公租房": ("公共租赁住房",),
    "廉租房": ("廉租住房", "公共租赁住房"),
    "户口本": ("户口簿",),
    "暂住证": ("居住证",),
    "法援": ("法律援助",),
    "家医": ("家庭医生",),
    "打疫苗": ("预防接种",),
    "结婚证": ("结婚登记",),
}

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUN_RE = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")
_TERM_SPLIT = re.compile(r"[\s,，、;；。!！?？/|]+")
_MAX_PREFIX = 12

EXACT, PREFIX, NAME, KEYWORD, CODE, MATERIAL, SUMMARY, SUBSEQ = 1000, 900, 800, 700, 600, 500, 400, 300
SYNONYM_PENALTY = 10
MAX_QUERY = 100  # characters of a query that are searched


def normalize(text: str) -> str:
    """NFKC (full-width -> half-width) and lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def tokens(text: str) -> list[str]:
    """Index terms of a text: CJK unigrams and bigrams, latin/digit words and their prefixes."""
    out: list[str] = []
    for m in _RUN_RE.finditer(normalize(text)):
        cjk, word = m.groups()
        if cjk:
            out.extend(cjk)
            out.extend(cjk[i : i + 2] for i in range(len(cjk) - 1))
        else:
            out.extend(word[:n] for n in range(1, min(len(word), _MAX_PREFIX) + 1))
            if len(word) > _MAX_PREFIX:
                out.append(word)
    return out


def _query_tokens(term: str) -> list[str]:
    """The index terms every doc containing ``term`` must have."""
    out: list[str] = []
    for m in _RUN_RE.finditer(term):
        cjk, word = m.groups()
        if cjk:
            out.extend([cjk] if len(cjk) == 1 else [cjk[i : i + 2] for i in range(len(cjk) - 1)])
        else:
            out.append(word[:_MAX_PREFIX])
    return out


_FORWARD = {normalize(k): tuple(normalize(v) for v in vs) for k, vs in ABBREVIATIONS.items()}
_BACKWARD: dict[str, tuple[str, ...]] = {}
for _k, _vs in _FORWARD.items():
    for _v in _vs:
        _BACKWARD[_v] = _BACKWARD.get(_v, ()) + (_k,)


def expansions(term: str) -> list[str]:
    """Other spellings of a normalised term through the abbreviation table (both ways)."""
    out: list[str] = []
    for table in (_FORWARD, _BACKWARD):
        for short, longs in table.items():
            if short in term:
                out.extend(term.replace(short, long) for long in longs)
    return [t for t in dict.fromkeys(out) if t != term]


def abbreviations_for(text: str) -> list[str]:
    """The abbreviations whose full words occur in ``text`` (e.g. 低保 for 最低生活保障金申请)."""
    norm = normalize(text)
    return [short for short, longs in _FORWARD.items() if any(long in norm for long in longs) and short not in norm]


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
                code = self._docs[i].code  # type: ignore[union-attr]
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
            return [Hit(self._docs[i].id, 0.0) for i in order[: limit if limit is not None else None]]  # type: ignore[union-attr]
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
        return [Hit(self._docs[i].id, round(s, 3)) for i, s in ranked]  # type: ignore[union-attr]

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
