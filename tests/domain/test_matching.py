"""Matching: hard filters, score reasons, ranking order, and allocation (optimal, within
capacity, never worse than greedy, equal to brute force on tiny instances)."""

from __future__ import annotations

import itertools
import math
from datetime import date, timedelta

import numpy as np
import pytest

from gridsvc.domain.errors import ValidationError
from gridsvc.domain.matching import (
    Need,
    Plan,
    Provider,
    ProviderIndex,
    allocate,
    allocate_greedy,
    candidate_edges,
    provider_prices,
    rank,
)

DAY = date(2026, 1, 20)
LON, LAT = 109.0, 35.05  # 铜川
GRID = "610202001001001"
KM = 1 / 111.2  # degrees of latitude per km


def provider(pid: int = 1, **kw) -> Provider:  # type: ignore[no-untyped-def]
    args = dict(id=pid, kind="project", categories=frozenset({"elderly_care"}), service_prefixes=("610202",),
                lon=LON, lat=LAT, capacity_left=5, period_start=DAY - timedelta(days=30),
                period_end=DAY + timedelta(days=30), rating=None, load=0)
    args.update(kw)
    return Provider(**args)  # type: ignore[arg-type]


def need(nid: int = 1, **kw) -> Need:  # type: ignore[no-untyped-def]
    args = dict(id=nid, category="elderly_care", lon=LON, lat=LAT, area_code=GRID, date=DAY)
    args.update(kw)
    return Need(**args)  # type: ignore[arg-type]


def ids(matches) -> list:  # type: ignore[no-untyped-def]
    return [m.provider_id for m in matches]


# ---------------------------------------------------------------------------- hard filters


def test_area_filter_by_prefix() -> None:
    ps = [
        provider(1, service_prefixes=("610202",)),  # the district
        provider(2, service_prefixes=("610202001",)),  # the street
        provider(3, service_prefixes=("610202001001",)),  # the community
        provider(4, service_prefixes=("610202001002",)),  # another community
        provider(5, service_prefixes=("610203",)),  # another district
        provider(6, service_prefixes=("610204", "610202001001001")),  # elsewhere, and this very grid
        provider(7, service_prefixes=()),  # nowhere
        provider(8, service_prefixes="6102"),  # the whole city, given as one string
    ]
    assert sorted(ids(rank(need(), ps))) == [1, 2, 3, 6, 8]


def test_category_filter() -> None:
    ps = [provider(1, categories={"elderly_care", "repairs"}), provider(2, categories={"children"})]
    assert ids(rank(need(), ps)) == [1]
    assert ids(rank(need(category="children"), ps)) == [2]
    assert rank(need(category="pets"), ps) == []


def test_capacity_filter() -> None:
    ps = [provider(1, capacity_left=0), provider(2, capacity_left=1)]
    assert ids(rank(need(), ps)) == [2]


@pytest.mark.parametrize(("start", "end", "ok"), [
    (DAY, DAY, True), (DAY + timedelta(days=1), None, False), (None, DAY - timedelta(days=1), False),
    (None, None, True), (None, DAY, True), (DAY, None, True),
])
def test_period_filter(start: date | None, end: date | None, ok: bool) -> None:
    assert bool(rank(need(), [provider(period_start=start, period_end=end)])) is ok


def test_kind_filter() -> None:
    ps = [provider(1), provider(2, kind="volunteer")]
    assert sorted(ids(rank(need(), ps))) == [1, 2]
    assert ids(rank(need(), ps, kind="volunteer")) == [2]
    assert ids(rank(need(), ps, kind="project")) == [1]


# ---------------------------------------------------------------------------- score and reasons


def test_perfect_provider_scores_100() -> None:
    [m] = rank(need(), [provider(rating=5.0)])
    assert m.score == pytest.approx(100.0)
    assert m.distance_km == pytest.approx(0.0)


def test_reasons_explain_the_score() -> None:
    [m] = rank(need(lat=LAT + 5 * KM), [provider(categories={"elderly_care", "repairs", "health", "children"},
                                                  capacity_left=3, load=1, rating=4.0)])
    codes = [r.code for r in m.reasons]
    assert codes == ["in_area", "category", "capacity", "period", "distance", "category_fit", "load", "rating"]
    assert all(r.points == 0 for r in m.reasons[:4])
    pts = {r.code: r.points for r in m.reasons}
    assert pts["distance"] == pytest.approx(20.0, abs=0.01)  # half the points at 5 km
    assert pts["category_fit"] == pytest.approx(10.0)  # 20 / sqrt(4)
    assert pts["load"] == pytest.approx(15.0)  # 20 * 3 / (3 + 1)
    assert pts["rating"] == pytest.approx(15.0)  # 20 * (4 - 1) / 4
    assert m.score == pytest.approx(sum(pts.values()))
    assert m.distance_km == pytest.approx(5.0, abs=0.01)
    assert all(r.zh and r.en for r in m.reasons)
    assert "610202" in m.reasons[0].zh and "5.0 公里" in m.reasons[4].zh and "4.0" in m.reasons[7].en


def test_unrated_counts_as_average() -> None:
    [m] = rank(need(), [provider(rating=None)])
    rating = m.reasons[-1]
    assert rating.points == pytest.approx(10.0) and "暂无" in rating.zh


def test_haversine_distance() -> None:
    # one degree of latitude is about 111.2 km; 109 E to 110 E at 35 N about 91.1 km
    [m] = rank(need(lat=LAT + 1), [provider()])
    assert m.distance_km == pytest.approx(111.19, abs=0.05)
    [m] = rank(need(lon=110.0, lat=35.0), [provider(lon=109.0, lat=35.0)])
    assert m.distance_km == pytest.approx(91.09, abs=0.05)


def test_nearer_busier_better_rated() -> None:
    near, far = provider(1, lat=LAT + 1 * KM), provider(2, lat=LAT + 3 * KM)
    assert ids(rank(need(), [far, near])) == [1, 2]
    idle, busy = provider(1, load=8), provider(2, load=0)
    assert ids(rank(need(), [idle, busy])) == [2, 1]
    good, poor = provider(1, rating=2.0), provider(2, rating=4.5)
    assert ids(rank(need(), [good, poor])) == [2, 1]
    specialist, generalist = provider(1, categories={"elderly_care", "repairs"}), provider(2)
    assert ids(rank(need(), [specialist, generalist])) == [2, 1]


def test_ties_are_broken_by_id_and_limit_applies() -> None:
    ps = [provider(pid) for pid in (5, 3, 9, 1, 7)]
    assert ids(rank(need(), ps)) == [1, 3, 5, 7, 9]
    assert ids(rank(need(), ps, limit=2)) == [1, 3]
    assert rank(need(), ps, limit=0) == []
    str_ps = [provider(pid) for pid in ("b", "a", "c")]  # type: ignore[arg-type]
    assert ids(rank(need(), str_ps)) == ["a", "b", "c"]


def test_index_and_list_rank_alike() -> None:
    rng = np.random.default_rng(3)
    ps = random_providers(rng, 200)
    idx = ProviderIndex(ps)
    for nd in random_needs(rng, 20):
        a, b = rank(nd, idx, limit=50), rank(nd, ps, limit=50)
        assert ids(a) == ids(b) and [m.score for m in a] == [m.score for m in b]
        scores = [m.score for m in a]
        assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("bad", [
    dict(kind="team"), dict(categories=frozenset()), dict(capacity_left=-1), dict(load=1.5), dict(rating=0.5),
    dict(rating=6), dict(lon=float("nan")), dict(lat=95.0),
    dict(period_start=DAY, period_end=DAY - timedelta(days=1)),
])
def test_bad_provider(bad: dict) -> None:
    with pytest.raises(ValidationError) as exc:
        provider(**bad)
    assert exc.value.code == "bad_provider"


def test_bad_need_and_duplicates() -> None:
    with pytest.raises(ValidationError):
        need(lon=200.0)
    with pytest.raises(ValidationError):
        need(date="2026-01-20")
    with pytest.raises(ValidationError) as exc:
        ProviderIndex([provider(1), provider(1)])
    assert exc.value.code == "duplicate_id"
    with pytest.raises(ValidationError) as exc:
        allocate([need(1), need(1)], [provider()])
    assert exc.value.code == "duplicate_id"


def test_rank_over_1000_providers_is_sorted_and_bounded() -> None:
    # speed is measured by bench/matching.py, not here
    rng = np.random.default_rng(11)
    idx = ProviderIndex(random_providers(rng, 1000))
    for nd in random_needs(rng, 50):
        matches = rank(nd, idx)
        assert len(matches) <= 20
        scores = [m.score for m in matches]
        assert scores == sorted(scores, reverse=True)


# ---------------------------------------------------------------------------- allocation

STREETS = ["610202001", "610202002", "610203001"]
CATS = ["elderly_care", "children", "repairs", "daily_necessities"]


def random_providers(rng: np.random.Generator, n: int, cap: tuple[int, int] = (1, 6)) -> list[Provider]:
    out = []
    for k in range(n):
        scope = STREETS[int(rng.integers(3))]
        if rng.random() < 0.3:
            scope = scope[:6]
        cats = frozenset(rng.choice(CATS, size=int(rng.integers(1, 3)), replace=False).tolist())
        start = DAY + timedelta(days=int(rng.integers(-10, 5)))
        out.append(Provider(
            id=k + 1, kind="project" if rng.random() < 0.7 else "volunteer", categories=cats, service_prefixes=(scope,),
            lon=LON + float(rng.normal(0, 0.05)), lat=LAT + float(rng.normal(0, 0.05)),
            capacity_left=int(rng.integers(cap[0], cap[1] + 1)), period_start=start,
            period_end=start + timedelta(days=int(rng.integers(5, 30))),
            rating=None if rng.random() < 0.3 else float(rng.uniform(1, 5)), load=int(rng.integers(0, 5)),
        ))
    return out


def random_needs(rng: np.random.Generator, n: int) -> list[Need]:
    return [
        Need(id=k + 1, category=str(rng.choice(CATS)), lon=LON + float(rng.normal(0, 0.05)),
             lat=LAT + float(rng.normal(0, 0.05)),
             area_code=f"{STREETS[int(rng.integers(3))]}{int(rng.integers(1, 4)):03d}{int(rng.integers(1, 4)):03d}",
             date=DAY + timedelta(days=int(rng.integers(0, 10))))
        for k in range(n)
    ]


def check_plan(plan: Plan, nds: list[Need], ps: list[Provider]) -> None:
    """Every assignment is an eligible pair at its rank score; no provider over capacity."""
    by_id = {p.id: p for p in ps}
    idx = ProviderIndex(ps)
    load: dict = {}
    for nd in nds:
        if nd.id in plan.assignments:
            pid = plan.assignments[nd.id]
            load[pid] = load.get(pid, 0) + 1
            match = {m.provider_id: m for m in rank(nd, idx, limit=10_000)}
            assert pid in match, "assigned to a provider failing a hard filter"
            assert plan.scores[nd.id] == pytest.approx(match[pid].score, abs=1e-9)
        else:
            assert nd.id in plan.unassigned
    for pid, n in load.items():
        assert n <= by_id[pid].capacity_left
    assert len(plan.assignments) + len(plan.unassigned) == len(nds)
    assert plan.unassigned == [nd.id for nd in nds if nd.id not in plan.assignments]  # input order
    assert plan.total_score == pytest.approx(sum(plan.scores.values()))


def brute_force(nds: list[Need], ps: list[Provider]) -> float:
    idx = ProviderIndex(ps)
    options = []
    for nd in nds:
        options.append([(None, 0.0)] + [(m.provider_id, m.score) for m in rank(nd, idx, limit=100)])
    cap = {p.id: p.capacity_left for p in ps}
    best = 0.0
    for combo in itertools.product(*options):
        used: dict = {}
        ok = True
        for pid, _ in combo:
            if pid is not None:
                used[pid] = used.get(pid, 0) + 1
                if used[pid] > cap[pid]:
                    ok = False
                    break
        if ok:
            best = max(best, sum(s for _, s in combo))
    return best


@pytest.mark.parametrize("seed", range(25))
def test_optimal_equals_brute_force_on_tiny_instances(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ps = random_providers(rng, int(rng.integers(2, 4)), cap=(1, 2))
    nds = random_needs(rng, int(rng.integers(3, 7)))
    plan = allocate(nds, ps)
    check_plan(plan, nds, ps)
    assert plan.total_score == pytest.approx(brute_force(nds, ps), abs=1e-9)
    greedy = allocate_greedy(nds, ps)
    check_plan(greedy, nds, ps)
    assert plan.total_score >= greedy.total_score - 1e-9


@pytest.mark.parametrize("seed", range(10))
def test_optimal_beats_or_equals_greedy_on_random_instances(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    ps = random_providers(rng, 40, cap=(1, 8))
    nds = random_needs(rng, 300)
    plan, greedy = allocate(nds, ps), allocate_greedy(nds, ps)
    check_plan(plan, nds, ps)
    check_plan(greedy, nds, ps)
    assert plan.total_score >= greedy.total_score - 1e-9
    # the prices certify the optimum: no pair scores above them
    idx = ProviderIndex(ps)
    e = candidate_edges(nds, idx)
    pos = {nd.id: i for i, nd in enumerate(nds)}
    chosen = np.full(len(nds), -1)
    for i in range(len(e.score)):
        nd_id = nds[int(e.need[i])].id
        if plan.assignments.get(nd_id) == idx.ids[int(e.prov[i])]:
            chosen[pos[nd_id]] = i
    prices = provider_prices(len(nds), idx.capacity, e.need, e.prov, e.score, chosen)
    assert prices is not None
    u, v = prices
    assert (e.score <= u[e.need] + v[e.prov] + 1e-6).all()
    assert u.sum() + (idx.capacity * v).sum() == pytest.approx(plan.total_score, abs=1e-6)


def test_greedy_is_beaten_where_it_should_be() -> None:
    # A (street 2) is right at p1's base and may also go to p2; B (street 1) may only go to p1.
    # Greedy gives p1 to A and leaves B out; the optimum sends A to p2 and B to p1.
    p1 = provider(1, capacity_left=1, service_prefixes=("610202",))
    p2 = provider(2, capacity_left=1, lat=LAT + 2 * KM, service_prefixes=("610202002",))
    a = need(1, area_code="610202002001001")
    b = need(2, area_code="610202001001001", lat=LAT + 1 * KM)
    greedy, best = allocate_greedy([a, b], [p1, p2]), allocate([a, b], [p1, p2])
    assert greedy.assignments == {1: 1} and greedy.unassigned == [2]
    assert best.assignments == {1: 2, 2: 1} and best.unassigned == []
    assert best.total_score > greedy.total_score


def test_pricing_path_finds_the_same_optimum() -> None:
    rng = np.random.default_rng(7)
    ps = random_providers(rng, 30, cap=(1, 5))
    nds = random_needs(rng, 250)
    direct = allocate(nds, ps)
    priced = allocate(nds, ps, slot_edge_budget=100)  # forces pricing out from each need's best pairs
    check_plan(priced, nds, ps)
    assert priced.total_score == pytest.approx(direct.total_score, abs=1e-7)


def test_capacity_shortage_and_empty_inputs() -> None:
    ps = [provider(1, capacity_left=2)]
    nds = [need(k) for k in range(1, 6)]
    plan = allocate(nds, ps)
    assert len(plan.assignments) == 2 and len(plan.unassigned) == 3  # equal scores: any two
    assert allocate(nds, ps) == plan  # but always the same two
    check_plan(plan, nds, ps)
    assert allocate([], ps) == Plan({}, 0.0, [], {})
    assert allocate(nds, []).unassigned == [1, 2, 3, 4, 5]
    nowhere = [need(1, area_code="610204001001001")]
    assert allocate(nowhere, ps).unassigned == [1] and allocate_greedy(nowhere, ps).unassigned == [1]


def test_greedy_ties_break_by_id() -> None:
    ps = [provider(2, capacity_left=1), provider(1, capacity_left=1)]
    nds = [need(3), need(2), need(1)]
    plan = allocate_greedy(nds, ps)
    assert plan.assignments == {1: 1, 2: 2} and plan.unassigned == [3]


def test_allocation_scale() -> None:
    """3,000 needs over 300 providers: optimal, within capacity, quick."""
    rng = np.random.default_rng(5)
    ps = random_providers(rng, 300, cap=(3, 15))
    nds = random_needs(rng, 3000)
    plan = allocate(nds, ps)
    greedy = allocate_greedy(nds, ps)
    assert plan.total_score >= greedy.total_score - 1e-9
    used: dict = {}
    for pid in plan.assignments.values():
        used[pid] = used.get(pid, 0) + 1
    cap = {p.id: p.capacity_left for p in ps}
    assert all(used[p] <= cap[p] for p in used)
    assert math.isfinite(plan.total_score)
