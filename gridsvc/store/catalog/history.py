"""What the catalog pages read besides the items themselves: an item's history (who created,
edited, published, revoked it, and when, from the audit log that every change writes), the
drafts waiting for publication, the names of items, and the next free code of a list.
"""

from __future__ import annotations

from typing import Any, cast

from gridsvc.domain.catalog import CATEGORY_BY_ID, LIST_BY_ID, suggest_code
from gridsvc.store.audit.models import AuditLog
from gridsvc.store.catalog.models import ServiceItem, ServiceItemVersion
from gridsvc.store.catalog.reading import get_item, scope_areas

# the audit actions of an item, in the order a reader follows them
HISTORY_ACTIONS = ("catalog.create", "catalog.edit", "catalog.publish", "catalog.revoke", "catalog.discard")


async def item_history(code: str, *, limit: int = 100) -> list[dict[str, Any]]:
    """The steps of an item, newest first: ``{"action", "by", "at", "version", "on", "reason"}``
    with ``action`` the part after ``catalog.`` and ``by`` a login name ("system" for the CLI).
    A spreadsheet import is one audit entry for all its items, so it is not among them."""
    item = await get_item(code)
    rows = await AuditLog.filter(target_type="service_item", target_id=item.code,
                                 action__in=HISTORY_ACTIONS).order_by("-id").limit(limit)
    out = []
    for r in rows:
        after = r.after if isinstance(r.after, dict) else {}
        on = after.get("published_on") or after.get("revoked_on")
        out.append({"action": r.action.removeprefix("catalog."), "by": r.actor_name, "at": r.at,
                    "version": after.get("version"), "on": on, "reason": after.get("reason") or ""})
    return out


async def open_drafts(*, limit: int = 200) -> list[dict[str, Any]]:
    """Items whose latest version is a draft, most recently edited first, each with the areas
    whose officials answer for it (``scope``: empty means everywhere)."""
    rows = await ServiceItemVersion.filter(status="draft").select_related("item").order_by("-updated_at") \
        .limit(limit)
    out = []
    for r in rows:
        item: ServiceItem = r.item
        out.append({"code": item.code, "name": r.name, "version": r.version, "edited_by": r.edited_by,
                    "updated_at": r.updated_at, "admission_required": item.admission_required,
                    "scope": await scope_areas(item)})
    return out


async def item_names(codes: list[str]) -> dict[str, str]:
    """code -> the name of the item's latest version."""
    if not codes:
        return {}
    rows = await ServiceItemVersion.filter(item__code__in=sorted(set(codes))).order_by("version") \
        .values_list("item__code", "name")
    return dict(cast(list[tuple[str, str]], rows))  # later versions overwrite earlier ones


async def next_code(list_: str, category: str) -> str:
    """The next free code of a list and category (GS-SB-007), for a form that leaves it empty."""
    head = f"{LIST_BY_ID[list_].prefix}-{CATEGORY_BY_ID[category].prefix}-"
    # flat=True gives bare values, not the tuples Tortoise's stubs say
    codes = cast(list[str], await ServiceItem.filter(code__startswith=head).values_list("code", flat=True))
    return suggest_code(list_, category, codes)


async def admission_items() -> list[dict[str, str]]:
    """The admission items one may apply for again (for more areas or another period): those with
    a draft or published version, by code, each with its latest name."""
    rows = await ServiceItemVersion.filter(item__admission_required=True, status__in=("draft", "published")) \
        .order_by("item__code", "version").values_list("item__code", "name")
    return [{"code": c, "name": n} for c, n in dict(cast(list[tuple[str, str]], rows)).items()]
