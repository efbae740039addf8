"""The history of every step of a wish and the notifications it sends."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gridsvc.domain.scope import Principal
from gridsvc.domain.wishes import Actor
from gridsvc.store.wishes import inbox
from gridsvc.store.wishes.models import Claim, Wish, WishEvent

# ---------------------------------------------------------------------------- history and news


async def record_event(wish: Wish, action: str, actor: Principal | None, actor_kind: Actor | None, from_status: str,
                       to_status: str, *, reason: str = "", note: str = "", claim_id: int | None = None,
                       on_behalf: bool = False, now: datetime | None = None) -> None:
    at: dict[str, Any] = {"at": now} if now else {}  # else the column's auto_now_add
    await WishEvent.create(
        wish_id=wish.id, actor_id=actor.user_id if actor else None,
        actor_name=(actor.display_name or actor.username) if actor else "系统 system",
        actor_kind=actor_kind.value if actor_kind else Actor.SYSTEM.value, on_behalf=on_behalf, action=action,
        from_status=str(from_status), to_status=str(to_status), reason=reason, note=note, claim_id=claim_id,
        **at,
    )


async def tell(kind: str, user_ids, wish: Wish, zh: str, en: str, *, detail_zh: str = "", detail_en: str = "",
               skip: int | None = None) -> None:
    # both languages are written now and the reader's is shown (inbox.notify); a detail without
    # its English (a reason someone typed) is shown as written
    await inbox.notify(user_ids, kind, f"{zh}:「{wish.title}」", detail_zh,
                       en=(f"{en[:1].upper()}{en[1:]}: “{wish.title}”", detail_en or detail_zh),
                       link=f"/wishes/{wish.id}", wish_id=wish.id, skip=skip)


async def claimer_ids(claim: Claim | None) -> list[int]:
    if claim is None:
        return []
    if claim.org_id is not None:
        return await inbox.org_member_ids(claim.org_id)
    return [claim.claimer_id] if claim.claimer_id else []
