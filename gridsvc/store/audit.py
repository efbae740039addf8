"""Writing the audit log: one call for every change to areas and staff and every full view of
personal data."""

from __future__ import annotations

from typing import Any

from ..domain.scope import Principal
from . import subtree
from .models import AuditLog
from .paging import Page, PageRequest, keyset_page


async def record(
    actor: Principal | None,
    action: str,
    target_type: str,
    target_id: Any,
    *,
    area_code: str = "",
    before: Any = None,
    after: Any = None,
    ip: str = "",
) -> None:
    await AuditLog.create(
        actor_id=actor.user_id if actor else None,
        actor_name=(actor.username if actor else "") or "system",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        area_code=area_code or "",
        before=before,
        after=after,
        ip=ip or (actor.extra.get("ip", "") if actor else ""),
    )


async def entries(*, prefixes: list[str] | None, target_type: str | None = None, target_id: str | None = None,
                  action: str | None = None, page: PageRequest) -> Page:
    qs = AuditLog.all()
    if prefixes is not None:
        qs = qs.filter(subtree.under_any("area_code", prefixes)) if prefixes else qs.filter(id=-1)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    if action:
        qs = qs.filter(action=action)
    result = await keyset_page(qs, "audit", ("-id",), page)
    result.rows = [
        {
            "id": r.id, "at": r.at.isoformat(), "actor": r.actor_name, "action": r.action,
            "target_type": r.target_type, "target_id": r.target_id, "area": r.area_code,
            "before": r.before, "after": r.after, "ip": r.ip,
        }
        for r in result.rows
    ]
    return result
