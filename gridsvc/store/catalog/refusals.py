"""Refusals of work that was never admitted (社区“两委”可拒绝执行, seed 004).

A department that hands a community work outside its duty and assist lists without admission
can be refused; the refusal is recorded, so that the street and the district see who tried.
If the work *was* admitted for that community (an admission in force today), it is not a
refusal the rules allow, and the record is refused instead.
"""

from __future__ import annotations

from typing import Any

from gridsvc.domain import clock
from gridsvc.domain.admission import check_refusal
from gridsvc.domain.catalog import infer_level
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import Conflict, NotFound
from gridsvc.domain.levels import is_within
from gridsvc.domain.scope import Principal
from gridsvc.store import audit, subtree
from gridsvc.store.areas.models import Area
from gridsvc.store.catalog.authority import Authorize, actor_name, authorize_change
from gridsvc.store.catalog.models import Admission, AdmissionRefusal


def refusal_view(row: AdmissionRefusal) -> dict[str, Any]:
    return {"id": row.id, "community": row.community, "department": row.department, "work": row.work,
            "reason": row.reason, "refused_on": row.refused_on.isoformat(), "recorded_by": row.recorded_by_name}


async def record_refusal(data: dict[str, Any], *, actor: Principal | None, authorize: Authorize = None) -> dict:
    day = clock.today()
    refusal = check_refusal(data, on=day)
    area = await Area.filter(code=refusal.community).first()
    if area is None or area.level != "community":
        raise NotFound(f"社区 {refusal.community} 不存在", f"community {refusal.community} not found",
                       code=ErrorCode.NOT_FOUND, details={"field": "community"})
    await authorize_change(authorize, actor, "refusal.record", [refusal.community])
    item_code = str(data.get("item_code") or "").strip().upper()
    if item_code:
        admitted = await Admission.filter(item__code=item_code, state__in=["approved", "active"],
                                          period_start__lte=day, period_end__gte=day).values_list("areas", flat=True)
        if any(is_within(refusal.community, code, infer_level(code)) for areas in admitted for code in areas):
            raise Conflict(f"事项 {item_code} 已准入社区 {refusal.community},不能作为未准入事项拒绝",
                           f"item {item_code} is admitted for {refusal.community}; it cannot be refused as unadmitted",
                           code=ErrorCode.ADMITTED_WORK, details={"field": "item_code"})
    row = await AdmissionRefusal.create(community=refusal.community, department=refusal.department, work=refusal.work,
                                        reason=refusal.reason, refused_on=refusal.refused_on,
                                        recorded_by_name=actor_name(actor))
    await audit.record(actor, "admission.refuse", "admission_refusal", row.id, area_code=refusal.community,
                       after={"department": refusal.department, "work": refusal.work})
    return refusal_view(row)


async def list_refusals(prefixes: list[str] | None, *, limit: int = 200, offset: int = 0) -> list[dict]:
    """Refusals within the given code prefixes (None: all)."""
    qs = AdmissionRefusal.all()
    if prefixes is not None:
        if not prefixes:
            return []
        qs = qs.filter(subtree.under_any("community", prefixes))
    return [refusal_view(r) for r in await qs.order_by("-id").offset(offset).limit(limit)]
