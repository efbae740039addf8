"""The indicators of the dashboards (issue 12 item 8), per area: information reports and their
ratings, community sizing (with the neighbours to merge with), grid sizes, and staff coverage.

Figures are computed per community from one query per figure over the subtree's code range
(gridsvc.store.subtree), grouped in the database where the rows are many (the grids' sizes and
the required posts, per community), and rolled up by code prefix, so a district of 10,000 grids
costs the same statements as a street, and the rows read follow the communities and the
records, not the grids."""

from __future__ import annotations

from collections import Counter, defaultdict

from shapely import from_wkb
from tortoise.expressions import F, Q
from tortoise.functions import Count, Max, Min, Sum

from gridsvc.store.areas.models import Area
from gridsvc.store.rosters import posts

from ...domain.governance.coverage import ASK, share
from ...domain.governance.dashboard import figures
from ...domain.governance.orgs import org_verdict
from ...domain.governance.reports import rate
from ...domain.governance.sizing import Community, GridSums, community_flags, spread
from ...domain.governance.targets import Targets
from ...domain.levels import LEVEL_NAMES_ZH, PREFIX_DIGITS, child_level, code_prefix
from ...domain.orgs import OrgKind
from ...domain.sizing import SizeBand
from ..subtree import code_group, under_any
from .consultations import concluded_per_community
from .orgs import organisations_per_community
from .reports import communities, yearly_counts
from .space import space_per_community, summary
from .training import hours_per_community


def bands(settings) -> tuple[SizeBand, SizeBand]:
    low, high = settings.community_households
    glow, ghigh = settings.grid_households
    return SizeBand(low, high, settings.community_split_households), SizeBand(glow, ghigh)


async def _sizing(rows: list[dict], band: SizeBand) -> dict[str, dict]:
    """code -> flag of each community; geometry is read only for the streets where a community
    is too small, since only a merge needs the neighbours."""
    small = {r["street"] for r in rows if r["households"] is not None and r["households"] < band.low}
    shapes: dict[str, bytes] = {}
    if small:
        shapes = dict(await Area.filter(level="community", parent__code__in=sorted(small))
                      .values_list("code", "geometry"))
    items = [Community(r["code"], r["name"], r["street"], r["households"],
                       from_wkb(shapes[r["code"]]) if r["code"] in shapes else None) for r in rows]
    return {f["code"]: f for f in community_flags(items, band)}


async def dashboard(year: int, targets: Targets, settings, *, within: Area | None = None,
                    prefixes: list[str] | None = None) -> dict:
    """Every indicator per area one level below `within` (or per area of the caller's scope),
    with the communities behind each figure."""
    band, grid_band = bands(settings)
    scope_prefixes = [code_prefix(within.code, within.level)] if within is not None else prefixes
    if scope_prefixes is None:
        tops = await Area.filter(parent_id=None).values("code", "name", "level")
        scope_prefixes = [code_prefix(t["code"], t["level"]) for t in tops]
    if not scope_prefixes:
        return {"year": year, "targets": _targets_view(targets, band), "areas": [], "total": None, "communities": [],
                "vacancies": [], "vacancy_count": 0}
    q = under_any("code", scope_prefixes)
    # the rows: the areas one level below `within`, or the caller's top areas
    if within is not None and within.level == "community":
        rows = [{"code": within.code, "name": within.name, "level": within.level}]
    elif within is not None:
        lvl = child_level(within.level)
        rows = await Area.filter(parent_id=within.id).order_by("code").values("code", "name", "level") if lvl else []
    else:
        rows = await Area.filter(q & Q(level__in=("city", "district", "street", "community"))) \
            .order_by("code").values("code", "name", "level")
        rows = [r for r in rows if code_prefix(r["code"], r["level"]) in scope_prefixes]
    rows = [r for r in rows if r["level"] != "grid"]
    whole = [{"code": within.code, "name": within.name, "level": within.level}] if within is not None else []
    lengths = {len(code_prefix(r["code"], r["level"])) for r in rows + whole}
    comms = await communities(prefixes=scope_prefixes)
    counts = await yearly_counts(year, [c["code"] for c in comms], scope_prefixes)
    sizing = await _sizing(comms, band)
    grids = await grid_sizes(scope_prefixes, grid_band)
    # posts counted per community (or per finer row, below a community) by posts.py, the one source
    staffing = await posts.staffing(scope_prefixes, length=max([PREFIX_DIGITS["community"], *lengths]))
    orgs = await organisations_per_community(scope_prefixes)
    trained = await hours_per_community(scope_prefixes, year, targets)
    spaces = await space_per_community(scope_prefixes)
    concluded = await concluded_per_community(scope_prefixes, year)
    no_grids = spread(GridSums())
    per_community = []
    for c in comms:
        code = c["code"]
        reports, pushed = counts[code]
        per_community.append({
            "code": code, "name": c["name"], "district": c["district"], "zone": c["zone"],
            "reports": reports, "pushed": pushed, "rating": rate(reports, targets),
            "households": c["households"], "size": sizing[code]["verdict"], "neighbours": sizing[code]["neighbours"],
            "grid_sizes": grids.get(code) or dict(no_grids),
            "orgs": _orgs_view(orgs.get(code), targets),
            "training": _training_view(trained.get(code, [])),
            "space": summary(spaces.get(code, []), c["households"], targets),
            "consultations": {"concluded": concluded.get(code, 0),
                              "met": concluded.get(code, 0) >= targets.consultations[0]},
        })
    groups = _Groups(lengths, per_community, staffing)
    out = [_roll_up(r, groups, targets) for r in rows]
    total = [_roll_up(r, groups, targets) for r in whole]
    for a in out + total:
        a["figures"] = [f.view() for f in figures(a, targets, (band.low, band.high))]
    return {"year": year, "targets": _targets_view(targets, band), "areas": out, "total": total[0] if total else None,
            "communities": per_community,
            "vacancies": [_vacancy_view(v) for v in staffing.first_vacancies], "vacancy_count": staffing.vacancy_count}


async def grid_sizes(scope_prefixes: list[str], band: SizeBand) -> dict[str, dict]:
    """community code -> households per grid against the grid band (domain...sizing.spread),
    summed per community by the database: a city's 60,000 grids come back as 2,500 rows."""
    rows = await Area.filter(under_any("code", scope_prefixes), level="grid") \
        .annotate(community=code_group("code", PREFIX_DIGITS["community"]), grids=Count("households"),
                  least=Min("households"), most=Max("households"), total=Sum("households"),
                  # times 1.0 first: PostgreSQL multiplies two integers in 32 bits
                  squares=Sum(F("households") * 1.0 * F("households")),
                  below=Count("id", _filter=Q(households__lt=band.low)),
                  above=Count("id", _filter=Q(households__gt=band.high))) \
        .group_by("community") \
        .values("community", "grids", "least", "most", "total", "squares", "below", "above")
    return {r["community"]: spread(GridSums(int(r["grids"]), r["least"], r["most"], int(r["total"] or 0),
                                            int(r["squares"] or 0), int(r["below"]), int(r["above"])))
            for r in rows}


def _vacancy_view(v: tuple[str, str, str]) -> dict:
    return {"area": v[0], "level": v[1], "role": v[2], "ask": ASK[v[2]]}


class _Groups:
    """The communities and the posts grouped once by code prefix, for every prefix length the
    rows need, so rolling up N rows costs one pass over the communities instead of a scan per row
    (a district of 10,000 grids has 40 streets)."""

    def __init__(self, lengths: set[int], per_community: list[dict], staffing: posts.Staffing):
        self.communities: dict[str, list[dict]] = defaultdict(list)
        self.required: Counter[str] = Counter()
        self.vacant: Counter[str] = Counter()
        for n in lengths:
            for c in per_community:
                self.communities[c["code"][:n]].append(c)
            required, vacant = staffing.by_prefix(n)
            self.required.update(required)
            self.vacant.update(vacant)


def _roll_up(area: dict, groups: _Groups, targets: Targets) -> dict:
    prefix = code_prefix(area["code"], area["level"])
    mine = groups.communities.get(prefix, [])
    required = groups.required.get(prefix, 0)
    missing = groups.vacant.get(prefix, 0)
    ratings_count = Counter(c["rating"] for c in mine)
    sizes = Counter(c["size"] for c in mine)
    return {
        "code": area["code"], "name": area["name"], "level": area["level"],
        "level_name": LEVEL_NAMES_ZH.get(area["level"], area["level"]), "communities": len(mine),
        "reports": {"total": sum(c["reports"] for c in mine), "pushed": sum(c["pushed"] for c in mine),
                    "ratings": {k: ratings_count.get(k, 0) for k in ("优", "良", "差")},
                    "target_per_community": targets.report_good_from,
                    "below_target": [c["code"] for c in mine if c["reports"] < targets.report_good_from]},
        "sizing": {k: sizes.get(k, 0) for k in ("ok", "merge", "large", "split", "unknown")},
        "staff": {"required": required, "vacant": missing, "coverage": share(required - missing, required)},
        "orgs": {"total": sum(c["orgs"]["count"] for c in mine), "target_per_community": list(targets.orgs),
                 "short": [c["code"] for c in mine if c["orgs"]["verdict"] == "short"]},
        "training": {"staff": sum(c["training"]["staff"] for c in mine),
                     "met": sum(c["training"]["staff"] - c["training"]["short"] for c in mine),
                     "short_in": [c["code"] for c in mine if c["training"]["short"]]},
        "space": {"rooms_met": sum(1 for c in mine if c["space"]["rooms_met"]),
                  "outdoor_met": sum(1 for c in mine if c["space"]["outdoor_met"]),
                  "room_m2": round(sum(c["space"]["room_m2"] for c in mine), 1),
                  "outdoor_m2": round(sum(c["space"]["outdoor_m2"] for c in mine), 1)},
        "consultations": {"concluded": sum(c["consultations"]["concluded"] for c in mine),
                          "short": [c["code"] for c in mine if not c["consultations"]["met"]]},
    }


def _training_view(staff: list[dict]) -> dict:
    """A community's staff held to training hours: how many, how many short, and who."""
    short = [s for s in staff if s["short"]]
    return {"staff": len(staff), "short": len(short),
            "people": [{k: s[k] for k in ("id", "name", "role", "hours", "required", "short")}
                       for s in sorted(staff, key=lambda s: (not s["short"], s["name"]))]}


_NONE: Counter[str] = Counter()  # read only: a community without organisations (most of a city's)


def _orgs_view(counts: dict[str, Counter[str]] | None, targets: Targets) -> dict:
    kinds = counts["kind"] if counts else _NONE
    statuses = counts["status"] if counts else _NONE
    n = sum(kinds.values())
    return {"count": n, "registered": statuses.get("registered", 0), "filed": statuses.get("filed", 0),
            "by_kind": dict(sorted(kinds.items())),
            "kind_names": {k: OrgKind(k).zh if k in OrgKind.__members__.values() else k for k in kinds},
            "verdict": org_verdict(n, targets.orgs)}


def _targets_view(targets: Targets, band: SizeBand) -> dict:
    return {"report_good_from": targets.report_good_from, "report_excellent_from": targets.report_excellent_from,
            "community_households": [band.low, band.high], "community_split_above": band.split_above,
            "orgs": list(targets.orgs), "training_hours_committee": targets.training_hours_committee,
            "training_hours_staff": targets.training_hours_staff,
            "service_m2_per_100_households": targets.service_m2_per_100_households, "outdoor_m2": targets.outdoor_m2,
            "consultations": list(targets.consultations)}
