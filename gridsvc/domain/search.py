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
     900 name starts with the query     600 code contains     300 query's characters in
     800 name contains the query        500 material              order in the name

Ties go to catalog order (the order of `build`). Abbreviations: "低保" is not a substring of
"最低生活保障金申请" (低 and 保 are apart), so the query also runs as its expansions from
`ABBREVIATIONS` (低保 -> 最低生活保障) and as a subsequence of the name. Several words
separated by spaces must all match (AND); the score is their mean.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class Hit:
    id: Any
    score: float


class CatalogIndex:
    """An inverted index over the catalog; rebuild it with `build` when the catalog changes."""

    def __init__(self, docs: Iterable[SearchDoc] = ()) -> None:
        self.build(docs)

    def build(self, docs: Iterable[SearchDoc]) -> CatalogIndex:
        self._docs: list[SearchDoc] = list(docs)
        seen: set[Any] = set()
        for d in self._docs:
            if d.id in seen:
                raise ValidationError(f"检索文档编号重复: {d.id!r}", f"duplicate search doc id {d.id!r}",
                                      code="duplicate_doc", details={"id": d.id})
            seen.add(d.id)
        self._names = [normalize(d.name) for d in self._docs]
        self._codes = [normalize(d.code) for d in self._docs]
        self._keywords = [[normalize(k) for k in _as_list(d.keywords)] for d in self._docs]
        self._materials = [[normalize(m) for m in d.materials] for d in self._docs]
        self._summaries = [normalize(d.summary) for d in self._docs]
        self._by_code = {}
        for i, c in enumerate(self._codes):
            self._by_code.setdefault(c, i)
        self._name_post: dict[str, set[int]] = {}
        self._post: dict[str, set[int]] = {}
        self._by_category: dict[str, set[int]] = {}
        self._by_list: dict[str, set[int]] = {}
        self._by_prefix: dict[str, set[int]] = {}
        self._everywhere: set[int] = set()
        for i, d in enumerate(self._docs):
            name_terms = set(tokens(d.name))
            for t in name_terms:
                self._name_post.setdefault(t, set()).add(i)
            other = " \x1f ".join([d.code, *_as_list(d.keywords), *d.materials, d.summary])
            for t in name_terms.union(tokens(other)):
                self._post.setdefault(t, set()).add(i)
            self._by_category.setdefault(d.category, set()).add(i)
            self._by_list.setdefault(d.list, set()).add(i)
            if not d.area_prefixes:
                self._everywhere.add(i)
            for p in d.area_prefixes:
                self._by_prefix.setdefault(p, set()).add(i)
        self._filter_cache: dict[tuple[Any, ...], set[int] | None] = {}
        return self

    def __len__(self) -> int:
        return len(self._docs)

    # -- filters -----------------------------------------------------------------------

    def _allowed(self, category: str | None, list_: str | None, area_code: str | None) -> set[int] | None:
        key = (category, list_, area_code)
        if key in self._filter_cache:
            return self._filter_cache[key]
        sets: list[set[int]] = []
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
        if len(self._filter_cache) > 256:
            self._filter_cache.clear()
        self._filter_cache[key] = allowed
        return allowed

    # -- search ------------------------------------------------------------------------

    def search(self, q: str | None, *, category: str | None = None, list_: str | None = None,
               area_code: str | None = None, limit: int | None = 50) -> list[Hit]:
        """Items matching ``q``, best first; an empty query lists the catalog in order."""
        allowed = self._allowed(category, list_, area_code)
        query = normalize(q or "").strip()
        terms = [t for t in _TERM_SPLIT.split(query) if _RUN_RE.search(t)]
        if not terms:
            order = range(len(self._docs)) if allowed is None else sorted(allowed)
            return [Hit(self._docs[i].id, 0.0) for i in list(order)[: limit if limit is not None else None]]
        if len(terms) == 1:
            scores = self._term_scores(terms[0], allowed, limit)
            exact = self._by_code.get(query)
            if exact is not None and (allowed is None or exact in allowed):
                scores[exact] = float(EXACT)
        else:
            scores = {}
            within: set[int] | None = allowed
            for n, term in enumerate(terms):
                s = self._term_scores(term, within, None)
                scores = s if n == 0 else {i: scores[i] + v for i, v in s.items() if i in scores}
                within = set(scores)
                if not within:
                    break
            scores = {i: v / len(terms) for i, v in scores.items()}
        ranked = heapq.nsmallest(limit, scores.items(), key=_rank) if limit is not None else sorted(scores.items(), key=_rank)
        return [Hit(self._docs[i].id, round(s, 3)) for i, s in ranked]

    def _candidates(self, post: dict[str, set[int]], term: str, within: set[int] | None) -> set[int]:
        toks = _query_tokens(term)
        sets = []
        for t in toks:
            s = post.get(t)
            if not s:
                return set()
            sets.append(s)
        if within is not None:
            sets.append(within)
        if not sets:
            return set()
        sets.sort(key=len)
        return sets[0].intersection(*sets[1:]) if len(sets) > 1 else set(sets[0])

    def _term_scores(self, term: str, within: set[int] | None, limit: int | None) -> dict[int, float]:
        variants = [(term, 0)] + [(v, SYNONYM_PENALTY) for v in expansions(term)]
        scores: dict[int, float] = {}
        names = self._names
        # Stage 1: the name. Every score here outranks every later stage.
        for v, penalty in variants:
            for i in self._candidates(self._name_post, v, within):
                s = _name_score(names[i], v)
                if s is not None and s - penalty > scores.get(i, -1.0):
                    scores[i] = s - penalty
        if limit is not None and len(scores) >= limit:
            return scores
        # Stage 2: keywords, code, materials, summary.
        found: dict[int, float] = {}
        for v, penalty in variants:
            for i in self._candidates(self._post, v, within):
                if i in scores:
                    continue
                s = self._other_score(i, v)
                if s is not None and s - penalty > found.get(i, -1.0):
                    found[i] = s - penalty
        scores.update(found)
        if limit is not None and len(scores) >= limit:
            return scores
        # Stage 3: the query's characters in order inside the name (abbreviations).
        found = {}
        for v, penalty in variants:
            chars = "".join(ch for ch in v if _RUN_RE.match(ch))
            if len(chars) < 2:
                continue
            sets = [self._name_post.get(ch) for ch in dict.fromkeys(chars)]
            if not all(sets):
                continue
            if within is not None:
                sets.append(within)
            sets.sort(key=len)
            for i in sets[0].intersection(*sets[1:]):
                if i in scores:
                    continue
                span = _subsequence_span(names[i], chars)
                if span is not None:
                    s = SUBSEQ + 80 * len(chars) / span - penalty
                    if s > found.get(i, -1.0):
                        found[i] = s
        scores.update(found)
        return scores

    def _other_score(self, i: int, v: str) -> float | None:
        best: float | None = None
        for kw in self._keywords[i]:
            if v in kw:
                best = max(best or 0.0, KEYWORD + 80 * len(v) / len(kw))
        if best is not None:
            return best
        if v in self._codes[i]:
            return CODE + 80 * len(v) / len(self._codes[i])
        for m in self._materials[i]:
            if v in m:
                best = max(best or 0.0, MATERIAL + 80 * len(v) / len(m))
        if best is not None:
            return best
        s = self._summaries[i]
        if v in s:
            return SUMMARY + 80 * len(v) / max(len(s), len(v))
        return None


def _rank(kv: tuple[int, float]) -> tuple[float, int]:
    return (-kv[1], kv[0])


def _as_list(value: str | Sequence[str]) -> list[str]:
    if isinstance(value, str):
        return [p for p in re.split(r"[,，、;；]+", value) if p.strip()]
    return list(value)


def _name_score(name: str, v: str) -> float | None:
    if name == v:
        return float(EXACT)
    pos = name.find(v)
    if pos < 0:
        return None
    cover = len(v) / len(name)
    if pos == 0:
        return PREFIX + 80 * cover
    return NAME + 60 * cover + 20 / (1 + pos)


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
