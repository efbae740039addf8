"""Social organisations: the registry, service areas, members and projects.

The rules (credit code, kinds, registration, projects) are in gridsvc.domain.orgs; the web
layer decides who may act (scope actions ``org.manage`` and ``project.manage``) before these
functions run.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

import shapely
from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import Conflict, NotFound, ValidationError
from gridsvc.domain.levels import code_prefix, is_within
from gridsvc.domain.orgs import (
    ORG_KINDS,
    ORG_STATUSES,
    ORG_TYPES,
    check_credit_code,
    check_org_kind,
    check_org_name,
    check_org_type,
    check_project,
    check_registration,
    claimer_kind,
    describe_credit_code,
)
from gridsvc.domain.scope import Principal
from gridsvc.domain.wishes import WISH_CATEGORIES
from gridsvc.store import audit, subtree
from gridsvc.store.accounts.models import User
from gridsvc.store.accounts.users import check_phone
from gridsvc.store.areas.models import Area
from gridsvc.store.orgs.models import (
    DemandTake,
    Organisation,
    OrgArea,
    Project,
    ProjectArea,
    ServiceHours,
    VolunteerProfile,
)
from gridsvc.store.paging import PageRequest, keyset_page
from gridsvc.store.records import get_or_404
from gridsvc.store.wishes.models import Claim, Rating

SERVICE_LEVELS = ("city", "district", "street", "community", "grid")


async def organisation_exists(org_id: int) -> bool:
    return await Organisation.exists(id=org_id)


async def org_with_credit_code(code: str) -> int | None:
    """The id of the organisation registered under a unified social credit code, if any."""
    org = Organisation.filter(credit_code=code).first()
    # flat=True gives bare values, not the tuples Tortoise's stubs say
    return cast(int | None, await org.values_list("id", flat=True))


async def get_org(org_id: Any) -> Organisation:
    return await get_or_404(Organisation, org_id, "社会组织", "organisation")


async def org_areas(org_id: int) -> list[tuple[str, str]]:
    """(code, level) of the organisation's service areas: the reach of its members."""
    return [tuple(r) for r in await OrgArea.filter(org_id=org_id).order_by("area__code").values_list(
        "area__code", "area__level")]


async def check_service_areas(codes: Any, *, field: str = "areas") -> list[Area]:
    """Existing areas of a level an organisation can serve (district down to grid)."""
    if isinstance(codes, str):
        codes = [codes]
    if not isinstance(codes, list) or not codes or not all(isinstance(c, str) and c.strip() for c in codes):
        raise ValidationError("服务区域应为区域代码列表(至少一个)", "areas must be a non-empty list of area codes",
                              code=ErrorCode.BAD_AREAS, details={"field": field})
    out: list[Area] = []
    for code in dict.fromkeys(c.strip() for c in codes):
        area = await Area.filter(code=code).first()
        if area is None:
            raise NotFound(f"区域 {code} 不存在", f"area {code} not found", details={"field": field, "code": code})
        if area.level not in SERVICE_LEVELS:
            raise ValidationError(f"服务区域 {code} 是{area.level},应为区县、街道、社区或网格",
                                  f"service area {code} is a {area.level}; use a district, street, community or grid",
                                  code=ErrorCode.BAD_AREAS, details={"field": field, "code": code, "level": area.level})
        out.append(area)
    return out


def _text(data: dict, key: str, max_len: int) -> str:
    v = data.get(key)
    if v is None:
        return ""
    if not isinstance(v, str) or len(v.strip()) > max_len:
        raise ValidationError(f"{key} 应为不超过 {max_len} 个字的文本",
                              f"{key} is text of at most {max_len} characters",
                              code=ErrorCode.BAD_FIELD, details={"field": key})
    return v.strip()


def parse_org(data: dict) -> dict:
    """Check an organisation's fields (without touching the store): name, kind, status,
    credit code (GB 32100 check characters), phone, address."""
    # most community organisations are filed (备案) with the street, not registered (DOMAIN.md)
    status = data.get("status", "filed")
    if not isinstance(status, str):
        raise ValidationError("status 应为 registered 或 filed", "status must be registered or filed",
                              code=ErrorCode.UNKNOWN_ORG_STATUS, details={"field": "status"})
    org_type = check_org_type(data.get("org_type"))
    kind = data.get("kind")
    code = data.get("credit_code")
    if code is not None and not isinstance(code, str):
        raise ValidationError("统一社会信用代码应为文本", "the credit code must be a string",
                              code=ErrorCode.BAD_CREDIT_CODE,
                              details={"field": "credit_code", "position": 0})
    if org_type != "social_organisation":
        # a unit or enterprise based in the community: recorded by it (备案), any credit code
        return {
            "name": check_org_name(data.get("name")),
            "org_type": org_type, "kind": check_org_kind(kind).value if kind else "",
            "credit_code": check_credit_code(code) if code and code.strip() else None, "status": "filed",
            "phone": check_phone(_text(data, "phone", 20)), "address": _text(data, "address", 200),
        }
    if not isinstance(kind, str):
        raise ValidationError("请选择社会组织类别 kind", "kind is required", code=ErrorCode.UNKNOWN_ORG_KIND,
                              details={"field": "kind", "kinds": list(ORG_KINDS)})
    return {
        "name": check_org_name(data.get("name")),
        "org_type": org_type,
        "kind": check_org_kind(kind).value,
        "credit_code": check_registration(status, code),
        "status": status,
        "phone": check_phone(_text(data, "phone", 20)),
        "address": _text(data, "address", 200),
    }


async def create_org(fields: dict, areas: list[Area], *, actor: Principal | None) -> Organisation:
    if fields["credit_code"] and await Organisation.exists(credit_code=fields["credit_code"]):
        other = await Organisation.get(credit_code=fields["credit_code"])
        raise Conflict(f"统一社会信用代码 {fields['credit_code']} 已登记为「{other.name}」",
                       f"credit code {fields['credit_code']} is already registered to {other.name}",
                       code=ErrorCode.CREDIT_CODE_TAKEN,
                       details={"credit_code": fields["credit_code"], "org": other.id})
    async with in_transaction():
        org = await Organisation.create(**fields, created_by_id=actor.user_id if actor else None)
        await OrgArea.bulk_create([OrgArea(org_id=org.id, area_id=a.id) for a in areas])
        await audit.record(actor, "org.create", "organisation", org.id, area_code=areas[0].code,
                           after={**fields, "areas": [a.code for a in areas]})
    return org


async def update_org(org: Organisation, fields: dict, areas: list[Area] | None, *,
                     actor: Principal | None) -> Organisation:
    before = await org_card(org)
    credit_code = fields.get("credit_code")
    if credit_code and await Organisation.filter(credit_code=credit_code).exclude(id=org.id).exists():
        raise Conflict(f"统一社会信用代码 {fields['credit_code']} 已被其他组织使用",
                       f"credit code {fields['credit_code']} belongs to another organisation",
                       code=ErrorCode.CREDIT_CODE_TAKEN)
    async with in_transaction():
        if fields:
            await Organisation.filter(id=org.id).update(**fields)
        if areas is not None:
            await OrgArea.filter(org_id=org.id).delete()
            await OrgArea.bulk_create([OrgArea(org_id=org.id, area_id=a.id) for a in areas])
        org = await Organisation.get(id=org.id)
        after = await org_card(org)
        await audit.record(actor, "org.update", "organisation", org.id,
                           area_code=(after["areas"] or [{}])[0].get("code", ""),
                           before=before, after=after)
    return org


async def add_member(org: Organisation, username: Any, *, actor: Principal | None) -> User:
    """Join an org_member account to the organisation (an account belongs to one at a time)."""
    if not isinstance(username, str) or not username.strip():
        raise ValidationError("需要 username", "username is required",
                              code=ErrorCode.REQUIRED, details={"field": "username"})
    user = await User.filter(username=username.strip()).first()
    if user is None:
        raise NotFound(f"用户 {username} 不存在", f"user {username} not found", details={"field": "username"})
    if user.role not in ("org_member", "volunteer"):
        raise ValidationError(f"{username} 是 {user.role},只有社会组织成员或志愿者可加入组织",
                              f"{username} is a {user.role}; only org members and volunteers join organisations",
                              code=ErrorCode.BAD_MEMBER_ROLE, details={"role": user.role})
    if user.org_id and user.org_id != org.id:
        raise Conflict(f"{username} 已属于另一个社会组织", f"{username} already belongs to another organisation",
                       code=ErrorCode.MEMBER_ELSEWHERE, details={"org": user.org_id})
    async with in_transaction():
        await User.filter(id=user.id).update(org_id=org.id)
        await audit.record(actor, "org.member_add", "organisation", org.id, after={"user": user.username})
    return await User.get(id=user.id)


def _area_list(rows) -> list[dict]:
    return [{"code": c, "name": n, "level": lv} for c, n, lv in rows]


def project_card(p: Project, *, org: Organisation | None = None) -> dict:
    return {
        "id": p.id, "org_id": p.org_id, "org": {"id": org.id, "name": org.name} if org else None,
        "name": p.name, "description": p.description,
        "categories": [{"code": c, "zh": WISH_CATEGORIES.get(c, c)} for c in p.categories],
        "areas": p.areas, "period_start": p.period_start.isoformat(),
        "period_end": p.period_end.isoformat() if p.period_end else None,
        "capacity": p.capacity, "taken": p.taken, "capacity_left": max(0, p.capacity - p.taken),
        "lon": p.lon, "lat": p.lat, "status": p.status,
    }


async def org_card(org: Organisation, *, members: bool = False, projects: bool = False,
                   known: tuple[list, int] | None = None) -> dict:
    """`known`: the areas and member count read already for a whole page (see list_orgs)."""
    rows = known[0] if known else await OrgArea.filter(org_id=org.id).order_by("area__code").values_list(
        "area__code", "area__name", "area__level")
    card: dict = {
        "id": org.id, "name": org.name, "credit_code": org.credit_code,
        "credit": describe_credit_code(org.credit_code) if org.credit_code else None,
        "org_type": org.org_type, "org_type_zh": ORG_TYPES.get(org.org_type, org.org_type),
        "kind": org.kind, "kind_zh": ORG_KINDS.get(org.kind, org.kind),
        "status": org.status, "status_zh": ORG_STATUSES.get(org.status, org.status),
        "phone": org.phone, "address": org.address, "areas": _area_list(rows),
        "member_count": known[1] if known else await User.filter(org_id=org.id, is_active=True).count(),
        "created_at": org.created_at.isoformat() if org.created_at else None,
    }
    if members:
        card["members"] = [{"id": u.id, "username": u.username, "name": u.display_name, "role": u.role}
                           for u in await User.filter(org_id=org.id).order_by("id")]
    if projects:
        card["projects"] = [project_card(p) for p in await Project.filter(org_id=org.id).order_by("id")]
    return card


async def list_orgs(*, kind: str | None = None, under: str | None = None, q: str | None = None,
                    page: PageRequest) -> dict:
    qs = Organisation.all()
    if kind:
        qs = qs.filter(kind=check_org_kind(kind).value)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code=q.strip().upper()))
    if under:
        area = await Area.filter(code=under).first()
        if area is None:
            raise NotFound(f"区域 {under} 不存在", f"area {under} not found", details={"under": under})
        # serving somewhere inside `under`, or serving an area that contains it
        inside = subtree.under("area_links__area__code", code_prefix(area.code, area.level))
        around = await Area.filter(code__in=_ancestor_candidates(area.code)).values_list("id", flat=True)
        qs = qs.filter(inside | Q(area_links__area_id__in=list(around)))
    qs = qs.distinct()
    total = await qs.count()
    found = await keyset_page(qs, "orgs", ("id",), page)
    # a page's areas and member counts in two queries, not two per organisation
    ids = [o.id for o in found.rows]
    areas: dict[int, list] = {i: [] for i in ids}
    for org_id, *row in await OrgArea.filter(org_id__in=ids).order_by("area__code").values_list(
            "org_id", "area__code", "area__name", "area__level"):
        areas[org_id].append(tuple(row))
    members = dict(await User.filter(org_id__in=ids, is_active=True).group_by("org_id").annotate(
        n=Count("id")).values_list("org_id", "n"))
    cards = [await org_card(o, known=(areas[o.id], members.get(o.id, 0))) for o in found.rows]
    return {"total": total, **found.body("orgs", cards)}


def _ancestor_candidates(code: str) -> list[str]:
    """Codes of the areas that may contain ``code`` (by the code scheme of domain.levels)."""
    out = {code[:4] + "00", code[:6]}
    if len(code) >= 12:
        out.add(code[:9] + "000")
        out.add(code[:12])
    if len(code) >= 15:
        out.add(code[:15])
    return sorted(out)


# ---------------------------------------------------------------------------- projects


async def _centre(area_code: str) -> tuple[float, float]:
    area = await Area.get(code=area_code)
    p = shapely.from_wkb(area.geometry).representative_point()
    return round(p.x, 6), round(p.y, 6)


def _lonlat(data: dict) -> tuple[float, float] | None:
    lon, lat = data.get("lon"), data.get("lat")
    if lon is None and lat is None:
        return None
    if (not isinstance(lon, (int, float)) or not isinstance(lat, (int, float)) or isinstance(lon, bool)
            or isinstance(lat, bool) or not (-180 <= lon <= 180 and -90 <= lat <= 90)):
        raise ValidationError("lon/lat 应为经纬度数字", "lon and lat must be numbers (WGS-84 degrees)",
                              code=ErrorCode.BAD_POSITION, details={"lon": lon, "lat": lat})
    return float(lon), float(lat)


async def create_project(org: Organisation, data: dict, *, actor: Principal | None, today: date) -> Project:
    """A project of ``org``: its areas must lie inside the organisation's service areas
    (default: all of them)."""
    p = check_project(data.get("name"), data.get("categories"), data.get("period_start") or today,
                      data.get("period_end"), data.get("capacity"))
    served = await org_areas(org.id)
    if data.get("areas") in (None, [], ""):
        areas = [c for c, _ in served]
    else:
        areas = [a.code for a in await check_service_areas(data.get("areas"))]
        for code in areas:
            if not any(is_within(code, c, lv) for c, lv in served):
                raise ValidationError(f"项目区域 {code} 不在该组织的服务区域内",
                                      f"project area {code} lies outside the organisation's service areas",
                                      code=ErrorCode.AREA_OUTSIDE_ORG,
                                      details={"code": code, "org_areas": [c for c, _ in served]})
    if not areas:
        raise ValidationError("该组织尚无服务区域", "the organisation has no service area", code=ErrorCode.BAD_AREAS)
    levels = dict(await Area.filter(code__in=areas).values_list("code", "level"))
    prefixes = sorted({code_prefix(c, levels[c]) for c in areas})
    pos = _lonlat(data) or await _centre(areas[0])
    description = _text(data, "description", 1000)
    async with in_transaction():
        project = await Project.create(
            org_id=org.id, name=p.name, description=description, categories=list(p.categories), areas=areas,
            prefixes=prefixes, period_start=p.period_start, period_end=p.period_end, capacity=p.capacity,
            lon=pos[0], lat=pos[1],
        )
        await ProjectArea.bulk_create([ProjectArea(project_id=project.id, prefix=pre) for pre in prefixes])
        await audit.record(actor, "project.create", "project", project.id, area_code=areas[0],
                           after=project_card(project))
    return project


async def get_project(project_id: Any) -> Project:
    return await get_or_404(Project, project_id, "项目", "project", key="project")


# ---------------------------------------------------------------------------- the record


async def org_record(org: Organisation) -> dict:
    """What an organisation took on: wishes claimed (by status), demand tasks and the places it
    committed, the ratings residents gave, and its members' hours."""
    claims = await Claim.filter(org_id=org.id).order_by("-id").values(
        "id", "wish_id", "wish__title", "wish__grid_code", "status", "claimed_at", "deadline", "project_id",
        "fulfilled_on")
    by_status: dict[str, int] = {}
    for c in claims:
        by_status[c["status"]] = by_status.get(c["status"], 0) + 1
    takes = await DemandTake.filter(org_id=org.id).order_by("-id").values(
        "id", "demand_id", "demand__title", "demand__starts_at", "demand__status", "count", "status")
    # flat=True gives bare values, not the tuples Tortoise's stubs say
    stars = cast(list[int], await Rating.filter(org_id=org.id).values_list("stars", flat=True))
    hours = cast(list[Decimal], await ServiceHours.filter(org_id=org.id).values_list("hours", flat=True))
    demand_ids = {t["demand_id"] for t in takes}
    return {
        "org": await org_card(org, projects=True),
        "wishes": {"total": len(claims), "by_status": by_status, "claims": [
            {"claim": c["id"], "wish": c["wish_id"], "title": c["wish__title"], "grid": c["wish__grid_code"],
             "status": c["status"], "claimed_at": c["claimed_at"].isoformat(), "deadline": c["deadline"].isoformat(),
             "project": c["project_id"], "fulfilled_on": c["fulfilled_on"].isoformat() if c["fulfilled_on"] else None}
            for c in claims[:200]]},
        "demands": {"total": len(demand_ids), "places": sum(t["count"] for t in takes if t["status"] == "active"),
                    "takes": [{"take": t["id"], "demand": t["demand_id"], "title": t["demand__title"],
                               "starts_at": t["demand__starts_at"].isoformat(), "demand_status": t["demand__status"],
                               "count": t["count"], "status": t["status"]} for t in takes[:200]]},
        "ratings": {"count": len(stars), "mean": round(sum(stars) / len(stars), 2) if stars else None},
        "service_hours": float(sum(hours)) if hours else 0.0,
    }


async def claimer_kind_of(user_id: int | None, org_id: int | None) -> str:
    """The claimer's standing when claiming: the organisation's type (社会组织, 驻区单位, 爱心企业)
    or, for a person, 在职党员 when their volunteer profile says so, else 志愿者."""
    if org_id is not None:
        org_type = await Organisation.filter(id=org_id).first().values_list("org_type", flat=True)
        return claimer_kind(org_type=str(org_type or "social_organisation"))
    prof = await VolunteerProfile.filter(user_id=user_id).first() if user_id else None
    return claimer_kind(party_member=bool(prof and prof.party_member))
