"""Writing the audit log: one call for every change to areas and staff and every full view of
personal data."""

from __future__ import annotations

from typing import Any

from gridsvc.domain.privacy import FullViewReason, holds_private_person, mask_people
from gridsvc.domain.scope import Principal, allows
from gridsvc.store import subtree
from gridsvc.store.audit.models import AuditLog
from gridsvc.store.paging import Page, PageRequest, keyset_page


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


async def entries(viewer: Principal, *, prefixes: list[str] | None, target_type: str | None = None,
                  target_id: str | None = None, action: str | None = None, page: PageRequest) -> Page:
    """The log as ``viewer`` may see it, a page at a time. The log keeps the truth; what leaves is
    masked per viewer: a private person's card (a resident's name, phone, address) in full only to
    the staff of the entry's area (scope ``resident.pii``), and that full view is itself audited;
    the actor's IP address only to those with ``audit.ip`` (the admin)."""
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
    see_ip = allows(viewer, "audit.ip")
    out = []
    for r in result.rows:
        personal = holds_private_person(r.before) or holds_private_person(r.after)
        full = personal and bool(r.area_code) and allows(viewer, "resident.pii", r.area_code)
        out.append({
            "id": r.id, "at": r.at.isoformat(), "actor": r.actor_name, "action": r.action,
            "target_type": r.target_type, "target_id": r.target_id, "area": r.area_code,
            "before": r.before if full else mask_people(r.before),
            "after": r.after if full else mask_people(r.after),
            "ip": r.ip if see_ip else None,
        })
        if full:
            await record(viewer, "pii.view", r.target_type, r.target_id, area_code=r.area_code,
                         after={"reason": FullViewReason.GRID_STAFF.value, "via": "audit", "entry": r.id})
    result.rows = out
    return result
