"""The provider index (hard filters, vectorised) and ranking the providers of one need."""

from __future__ import annotations

from datetime import date
from typing import Hashable, Iterable, Sequence

import numpy as np

from ..error_codes import ErrorCode
from ..errors import ValidationError
from ..wishes import WISH_CATEGORIES
from .model import (
    DEFAULT_WEIGHTS,
    EARTH_RADIUS_KM,
    Match,
    Need,
    Provider,
    Reason,
    Weights,
)

_NO_START = np.iinfo(np.int64).min
_NO_END = np.iinfo(np.int64).max


def _sort_rank(ids: Sequence[Hashable]) -> np.ndarray:
    """Position of each id in sorted order (ints and strings each sort naturally)."""
    idx = list(range(len(ids)))
    try:
        # Hashable promises no order; ids of one kind have one, and mixed kinds raise TypeError, handled below
        idx.sort(key=lambda i: ids[i])  # type: ignore[arg-type, return-value]
    except TypeError:
        idx.sort(key=lambda i: (type(ids[i]).__name__, str(ids[i])))
    rank = np.empty(len(ids), dtype=np.int64)
    rank[idx] = np.arange(len(ids))
    return rank


class ProviderIndex:
    """Providers as numpy arrays, built once and reused for every `rank` and `allocate`.

    Rebuild it when providers change (a claim lowers ``capacity_left``); building 1,000
    providers takes a few milliseconds.
    """

    def __init__(self, providers: Iterable[Provider], weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.providers: tuple[Provider, ...] = tuple(providers)
        self.weights = weights
        ps = self.providers
        self.ids = [p.id for p in ps]
        self.position = {pid: i for i, pid in enumerate(self.ids)}
        if len(self.position) != len(ps):
            dup = next(pid for pid in self.ids if self.ids.count(pid) > 1)
            raise ValidationError(f"提供方编号 {dup} 重复", f"duplicate provider id {dup}", code=ErrorCode.DUPLICATE_ID,
                                  details={"id": str(dup)})
        n = self.n = len(ps)
        self.id_rank = _sort_rank(self.ids)
        self.lon = np.radians(np.array([p.lon for p in ps], dtype=np.float64))
        self.lat = np.radians(np.array([p.lat for p in ps], dtype=np.float64))
        self.cos_lat = np.cos(self.lat)
        self.capacity = np.array([p.capacity_left for p in ps], dtype=np.int64)
        self.load = np.array([p.load for p in ps], dtype=np.int64)
        self.start = np.array([p.period_start.toordinal() if p.period_start else _NO_START for p in ps], dtype=np.int64)
        self.end = np.array([p.period_end.toordinal() if p.period_end else _NO_END for p in ps], dtype=np.int64)
        self.is_project = np.array([p.kind == "project" for p in ps], dtype=bool)

        cats = sorted({c for p in ps for c in p.categories})
        self.category_row = {c: i for i, c in enumerate(cats)}
        # one row per category and a last all-False row for categories nobody serves
        self.serves = np.zeros((len(cats) + 1, n), dtype=bool)
        for j, p in enumerate(ps):
            for c in p.categories:
                self.serves[self.category_row[c], j] = True

        by_prefix: dict[str, list[int]] = {}
        for j, p in enumerate(ps):
            for pre in set(p.service_prefixes):
                by_prefix.setdefault(pre, []).append(j)
        self.by_prefix = {pre: np.array(js, dtype=np.int64) for pre, js in by_prefix.items()}
        self.prefix_lengths = tuple(sorted({len(pre) for pre in by_prefix}))

        w = weights
        k = np.array([len(p.categories) for p in ps], dtype=np.float64)
        self.pts_category = w.category_fit / np.sqrt(k) if n else np.zeros(0)
        cap, load = self.capacity.astype(np.float64), self.load.astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.pts_load = np.where(cap + load > 0, w.load * cap / (cap + load), 0.0)
        rating = np.array([w.unrated if p.rating is None else p.rating for p in ps], dtype=np.float64)
        self.pts_rating = w.rating * (rating - 1.0) / 4.0
        self.pts_static = self.pts_category + self.pts_load + self.pts_rating

    def __len__(self) -> int:
        return self.n

    def area_mask(self, area_code: str) -> np.ndarray:
        """Providers whose service prefixes contain ``area_code``."""
        mask = np.zeros(self.n, dtype=bool)
        for length in self.prefix_lengths:
            if length > len(area_code):
                break
            js = self.by_prefix.get(area_code[:length])
            if js is not None:
                mask[js] = True
        return mask

    def category_mask(self, category: str) -> np.ndarray:
        return self.serves[self.category_row.get(category, -1)]

    def eligible(self, need: Need, kind: str | None = None) -> np.ndarray:
        """Positions of the providers passing every hard filter for ``need``."""
        d = need.date.toordinal()
        mask = (self.area_mask(need.area_code) & self.category_mask(need.category) & (self.capacity > 0)
                & (self.start <= d) & (self.end >= d))
        if kind is not None:
            mask &= self.is_project if kind == "project" else ~self.is_project
        return np.flatnonzero(mask)

    def distance_km(self, lon_rad: np.ndarray, lat_rad: np.ndarray, pos: np.ndarray) -> np.ndarray:
        """Haversine distance from needs (radians, one per entry of ``pos``) to providers."""
        dlat = self.lat[pos] - lat_rad
        dlon = self.lon[pos] - lon_rad
        a = np.sin(dlat * 0.5) ** 2 + np.cos(lat_rad) * self.cos_lat[pos] * np.sin(dlon * 0.5) ** 2
        return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))

    def score(self, lon_rad: np.ndarray, lat_rad: np.ndarray, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(score, km) of each (need, provider) pair; the one formula `rank` and `allocate` use."""
        km = self.distance_km(lon_rad, lat_rad, pos)
        pts = self.weights.distance * np.exp2(-km / self.weights.distance_half_km)
        return pts + self.pts_static[pos], km


def as_index(providers: ProviderIndex | Iterable[Provider]) -> ProviderIndex:
    return providers if isinstance(providers, ProviderIndex) else ProviderIndex(providers)


# ---------------------------------------------------------------------------- ranking


def _fmt_date(ordinal: int) -> str:
    if ordinal in (_NO_START, _NO_END):
        return "…"
    return date.fromordinal(int(ordinal)).isoformat()


def _reasons(index: ProviderIndex, need: Need, j: int, km: float) -> list[Reason]:
    p, w = index.providers[j], index.weights
    cat_zh = WISH_CATEGORIES.get(need.category, need.category)
    prefix = max((pre for pre in p.service_prefixes if need.area_code.startswith(pre)), key=len)
    cap, load = int(index.capacity[j]), int(index.load[j])
    span = f"{_fmt_date(index.start[j])}~{_fmt_date(index.end[j])}"
    k = len(p.categories)
    dist_pts = float(w.distance * np.exp2(-km / w.distance_half_km))
    if p.rating is None:
        rating = Reason("rating", "暂无评价,按中等计", "not rated yet, counted as average",
                        float(index.pts_rating[j]))
    else:
        rating = Reason("rating", f"历史评分 {p.rating:.1f}", f"past rating {p.rating:.1f}", float(index.pts_rating[j]))
    return [
        Reason("in_area", f"服务区域 {prefix} 覆盖 {need.area_code}", f"serves area {prefix}, which holds "
               f"{need.area_code}", 0.0),
        Reason("category", f"服务类别含「{cat_zh}」", f"serves {need.category}", 0.0),
        Reason("capacity", f"尚可承接 {cap} 件", f"{cap} place(s) left", 0.0),
        Reason("period", f"服务期 {span} 覆盖 {need.date}", f"period {span} covers {need.date}", 0.0),
        Reason("distance", f"距离 {km:.1f} 公里", f"{km:.1f} km away", dist_pts),
        Reason("category_fit", f"专注 {k} 类服务", f"serves {k} categor{'y' if k == 1 else 'ies'}",
               float(index.pts_category[j])),
        Reason("load", f"在办 {load} 件,尚可承接 {cap} 件", f"{load} active, {cap} left", float(index.pts_load[j])),
        rating,
    ]


def rank(
    need: Need,
    providers: ProviderIndex | Iterable[Provider],
    *,
    limit: int = 20,
    kind: str | None = None,
) -> list[Match]:
    """The providers that can take ``need``, best score first (ties: smaller id first), at
    most ``limit``, each with the reasons behind its score. Providers failing a hard filter are
    left out; ``kind`` ("project"/"volunteer") keeps one kind only. Pass a `ProviderIndex` to
    rank many needs against the same providers."""
    index = as_index(providers)
    pos = index.eligible(need, kind)
    if not len(pos) or limit <= 0:
        return []
    lon = np.full(len(pos), np.radians(np.float64(need.lon)))
    lat = np.full(len(pos), np.radians(np.float64(need.lat)))
    score, km = index.score(lon, lat, pos)
    order = np.lexsort((index.id_rank[pos], -score))[:limit]
    return [
        Match(index.ids[pos[o]], float(score[o]), _reasons(index, need, int(pos[o]), float(km[o])), float(km[o]))
        for o in order
    ]
