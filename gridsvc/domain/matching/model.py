"""What is matched: needs, providers, the weights of a score, and the plans and reasons that come out."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Hashable

from ..error_codes import ErrorCode
from ..errors import ValidationError

EARTH_RADIUS_KM = 6371.0088
PROVIDER_KINDS = ("project", "volunteer")


@dataclass(frozen=True)
class Weights:
    """The score's components; a deployment may tune them, `rank` and `allocate` share them."""

    distance: float = 40.0
    distance_half_km: float = 5.0  # distance points halve every this many km
    category_fit: float = 20.0
    load: float = 20.0
    rating: float = 20.0
    unrated: float = 3.0  # the mean rating assumed for a provider nobody has rated yet

    @property
    def max_score(self) -> float:
        return self.distance + self.category_fit + self.load + self.rating


DEFAULT_WEIGHTS = Weights()


_BAD_INPUT = {"need": ErrorCode.BAD_NEED, "provider": ErrorCode.BAD_PROVIDER}


def _bad(what: str, zh: str, en: str, **details: object) -> ValidationError:
    return ValidationError(zh, en, code=_BAD_INPUT[what], details=details)


def _check_lonlat(kind: str, id_: Hashable, lon: float, lat: float) -> None:
    if not (isinstance(lon, (int, float)) and isinstance(lat, (int, float))
            and math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise _bad(kind, f"{id_} 的经纬度无效", f"{kind} {id_} has an invalid position", id=str(id_), lon=lon, lat=lat)


@dataclass(frozen=True)
class Need:
    """A wish or a demand waiting for a provider: where (position and area code), what
    (category) and when (the date it is wanted by / takes place). Ids are comparable among
    themselves (all ints or all strings): ties are broken by id."""

    id: Hashable
    category: str
    lon: float
    lat: float
    area_code: str
    date: date
    value_yuan: float = 0  # carried for the plan's totals; not scored

    def __post_init__(self) -> None:
        _check_lonlat("need", self.id, self.lon, self.lat)
        if not isinstance(self.date, date):
            raise _bad("need", f"{self.id} 缺少日期", f"need {self.id} has no date", id=str(self.id))


@dataclass(frozen=True)
class Provider:
    """A project of an organisation, or a volunteer, able to take needs.

    ``service_prefixes`` are area-code prefixes (a district 610202, a street 610202001, a
    community 610202001001 ...; see `levels.code_prefix`); an empty tuple serves nowhere.
    ``period_start``/``period_end`` may be None for an open end. ``rating`` is the mean of past
    ratings (1-5) or None; ``load`` the number of active claims.
    """

    id: Hashable
    kind: str
    categories: frozenset[str]
    service_prefixes: tuple[str, ...]
    lon: float
    lat: float
    capacity_left: int
    period_start: date | None = None
    period_end: date | None = None
    rating: float | None = None
    load: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "categories", frozenset(self.categories))
        prefixes = (self.service_prefixes,) if isinstance(self.service_prefixes, str) else self.service_prefixes
        object.__setattr__(self, "service_prefixes", tuple(prefixes))
        if self.kind not in PROVIDER_KINDS:
            raise _bad("provider", f"{self.id} 的类型 {self.kind!r} 无效", f"provider {self.id}: kind must be "
                       "project or volunteer", id=str(self.id), kind=self.kind)
        if not self.categories:
            raise _bad("provider", f"{self.id} 没有服务类别", f"provider {self.id} serves no category", id=str(self.id))
        _check_lonlat("provider", self.id, self.lon, self.lat)
        for name in ("capacity_left", "load"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise _bad("provider", f"{self.id} 的 {name} 应为非负整数", f"provider {self.id}: {name} must be a "
                           "non-negative integer", id=str(self.id), field=name)
        if self.rating is not None and not 1 <= self.rating <= 5:
            raise _bad("provider", f"{self.id} 的评分应在 1-5 之间", f"provider {self.id}: rating must be 1-5",
                       id=str(self.id), rating=self.rating)
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise _bad("provider", f"{self.id} 的服务期结束早于开始", f"provider {self.id}: period ends before it "
                       "starts", id=str(self.id))


@dataclass(frozen=True)
class Reason:
    """One part of a match's explanation: a hard filter passed (0 points) or a score component."""

    code: str  # in_area, category, capacity, period | distance, category_fit, load, rating
    zh: str
    en: str
    points: float


@dataclass(frozen=True)
class Match:
    provider_id: Hashable
    score: float
    reasons: list[Reason]
    distance_km: float = 0.0


@dataclass
class Plan:
    """An allocation: which provider takes which need, the total score, the needs left over
    (in input order) and each assignment's score."""

    assignments: dict[Hashable, Hashable]
    total_score: float
    unassigned: list[Hashable]
    scores: dict[Hashable, float] = field(default_factory=dict)
