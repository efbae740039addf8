"""Information reports (信息报送): filing, the year's counts, the ratings and the table of seed
000 grouped by district and zone.

A year's count is the reports filed here plus the counts imported for that year (the table of
`gridsvc import-reports`, for reports kept elsewhere). Villages (村委会) are not in the table:
seed 000 lists communities (社区) only.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from tortoise.expressions import Q
from tortoise.functions import Count

from gridsvc.store.areas.models import Area

from ...domain.error_codes import ErrorCode
from ...domain.errors import NotFound, ValidationError
from ...domain.governance.report_table import CITY_GROUP, TableGroup
from ...domain.governance.reports import check_report, rate
from ...domain.governance.targets import Targets
from ...domain.levels import code_prefix, community_kind
from ..subtree import under, under_any
from .models import InformationReport, ReportOffice, ReportTally
from .zones import zone_by_name, zone_members, zone_of


async def area_or_404(code: str, parameter: str = "under") -> Area:
    area = await Area.get_or_none(code=code)
    if area is None:
        raise NotFound(f"区域 {code} 不存在", f"area {code} not found", details={"parameter": parameter, "area": code})
    return area


async def communities(*, within: Area | None = None, prefixes: list[str] | None = None,
                      zone: str | None = None) -> list[dict]:
    """The communities (not villages) under `within` and inside the scope `prefixes` (None: no
    limit), each with its district, street and zone; ordered by code."""
    q = Q(level="community")
    if within is not None:
        q &= under("code", code_prefix(within.code, within.level))
    if prefixes is not None:
        if not prefixes:
            return []
        q &= under_any("code", prefixes)
    rows = await Area.filter(q).order_by("code").values("code", "name", "households", "parent__code")
    rows = [r for r in rows if community_kind(r["code"]) == "community"]
    districts = dict(await Area.filter(level="district").values_list("code", "name"))
    members = await zone_members()
    out = []
    for r in rows:
        z = zone_of(r["code"], members)
        out.append({"code": r["code"], "name": r["name"], "households": r["households"],
                    "street": r["parent__code"], "district_code": r["code"][:6],
                    "district": districts.get(r["code"][:6], ""), "zone_id": z[0] if z else None,
                    "zone": z[1] if z else None})
    if zone is not None:
        if await zone_by_name(zone) is None:
            raise NotFound(f"功能区 {zone} 不存在", f"zone {zone} not found", code=ErrorCode.ZONE_NOT_FOUND,
                           details={"parameter": "zone", "zone": zone})
        out = [r for r in out if r["zone"] == zone]
    return out


def _year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


async def yearly_counts(year: int, codes: list[str], prefixes: list[str] | None = None) -> dict[str, tuple[int, int]]:
    """code -> (reports, pushed) of the year: filed here plus imported. The filed reports are
    counted per community by the database, over the subtrees `prefixes` when the codes are all
    the communities in them (a dashboard), else over the codes."""
    counts: dict[str, list[int]] = {c: [0, 0] for c in codes}
    first, last = _year_range(year)
    where = under_any("community__code", prefixes) if prefixes else Q(community__code__in=codes)
    filed = await InformationReport.filter(where, filed_on__gte=first, filed_on__lte=last) \
        .annotate(reports=Count("id"), pushed_reports=Count("id", _filter=Q(pushed=True))) \
        .group_by("community__code").values("community__code", "reports", "pushed_reports") if codes else []
    for r in filed:
        if (c := counts.get(r["community__code"])) is not None:
            c[0] += r["reports"]
            c[1] += r["pushed_reports"]
    tallies = await ReportTally.filter(year=year, holder__startswith="community:").values_list("holder", "reports",
                                                                                            "pushed")
    for holder, reports, pushed in tallies:
        code = holder.split(":", 1)[1]
        if code in counts:
            counts[code][0] += reports
            counts[code][1] += pushed
    return {c: (v[0], v[1]) for c, v in counts.items()}


async def ratings(year: int, targets: Targets, *, within: Area | None = None, prefixes: list[str] | None = None,
                  zone: str | None = None) -> list[dict]:
    """The contract's rows: code, name, district, reports, pushed, rating (plus zone and group,
    the table's 辖区名称: the zone when the community is in one, else its district)."""
    rows = await communities(within=within, prefixes=prefixes, zone=zone)
    counts = await yearly_counts(year, [r["code"] for r in rows])
    out = []
    for r in rows:
        reports, pushed = counts[r["code"]]
        out.append({"code": r["code"], "name": r["name"], "district": r["district"], "zone": r["zone"],
                    "group": r["zone"] or r["district"], "reports": reports, "pushed": pushed,
                    "rating": rate(reports, targets)})
    return out


async def office_counts(year: int) -> dict[str, tuple[str, int, int]]:
    """holder ("area:<code>", "zone:<id>") -> (office name, reports, pushed) of the year."""
    offices = {o.id: o for o in await ReportOffice.all()}
    counts: dict[str, list[int]] = {o.holder: [0, 0] for o in offices.values()}
    first, last = _year_range(year)
    for office_id, pushed in await InformationReport.filter(office_id__isnull=False, filed_on__gte=first,
                                                            filed_on__lte=last).values_list("office_id", "pushed"):
        c = counts[offices[office_id].holder]
        c[0] += 1
        c[1] += int(bool(pushed))
    by_id = {f"office:{o.id}": o.holder for o in offices.values()}
    for holder, reports, pushed in await ReportTally.filter(year=year, holder__startswith="office:") \
            .values_list("holder", "reports", "pushed"):
        if holder in by_id:
            c = counts[by_id[holder]]
            c[0] += reports
            c[1] += pushed
    names = {o.holder: o.name for o in offices.values()}
    return {h: (names[h], v[0], v[1]) for h, v in counts.items()}


async def table(year: int, targets: Targets, *, within: Area | None = None,
                prefixes: list[str] | None = None) -> list[TableGroup]:
    """The groups of seed 000's table: the city bureau (when the whole city is shown), each
    district with the communities not in a zone, then each zone; offices counted, not rated."""
    rows = await ratings(year, targets, within=within, prefixes=prefixes)
    offices = await office_counts(year)
    city = await Area.filter(level="city").order_by("code").first()
    whole_city = prefixes is None and (within is None or within.level == "city")
    groups: list[TableGroup] = []
    if whole_city and city is not None and f"area:{city.code}" in offices:
        groups.append(TableGroup(CITY_GROUP, [offices[f"area:{city.code}"]], [], show_count=False))
    by_group: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for r in rows:
        by_group[(1, str(r["zone"])) if r["zone"] else (0, r["code"][:6])].append(r)
    zone_ids = {r["zone"]: r["zone_id"] for r in await communities() if r["zone"]} if any(
        k[0] for k in by_group) else {}
    districts = dict(await Area.filter(level="district").values_list("code", "name"))
    for kind, group in sorted(by_group):
        members = by_group[(kind, group)]
        holder = f"zone:{zone_ids.get(group)}" if kind else f"area:{group}"
        name = group if kind else districts.get(group, group)
        office = [offices[holder]] if holder in offices else []
        groups.append(TableGroup(name, office, [(r["name"], r["reports"], r["pushed"], r["rating"])
                                                for r in members]))
    return groups


async def file_report(community: Area, *, title: str, filed_on: date, body: str, attachment: str, pushed: bool,
                      pushed_on: date | None, today: date, filed_by: int | None) -> dict:
    if community.level != "community":
        raise ValidationError(f"{community.name} 不是社区,信息由社区报送", f"{community.name} is not a community",
                              code=ErrorCode.NOT_A_COMMUNITY, details={"field": "community"})
    check_report(title, filed_on, pushed, pushed_on, today)
    r = await InformationReport.create(community_id=community.id, title=title.strip(), filed_on=filed_on, body=body,
                                       attachment=attachment, pushed=pushed, pushed_on=pushed_on, filed_by_id=filed_by)
    return report_view(r, community)


def report_view(r: InformationReport, community: Area) -> dict:
    return {"id": r.id, "community": community.code, "community_name": community.name, "title": r.title,
            "body": r.body, "attachment": r.attachment, "filed_on": r.filed_on.isoformat(), "pushed": r.pushed,
            "pushed_on": r.pushed_on.isoformat() if r.pushed_on else None}


async def reports_of(community: Area, year: int) -> list[dict]:
    first, last = _year_range(year)
    rows = await InformationReport.filter(community_id=community.id, filed_on__gte=first, filed_on__lte=last) \
        .order_by("filed_on", "id")
    return [report_view(r, community) for r in rows]


async def city_name() -> str:
    city = await Area.filter(level="city").order_by("code").first()
    return city.name if city else ""
