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


async def tell(message: str, user_ids, wish: Wish, /, *, skip: int | None = None, **params: object) -> None:
    """Tell of a step of ``wish``: a message of domain.notices with ``params``. The wish is named
    as it is at this step (``wish=`` in ``params`` when the step renames it) and keeps that name
    in this news when renamed later, as its history does."""
    await inbox.notify(user_ids, message, {"wish": wish.title, **params}, link=f"/wishes/{wish.id}", wish_id=wish.id,
                       skip=skip)


async def claimer_ids(claim: Claim | None) -> list[int]:
    if claim is None:
        return []
    if claim.org_id is not None:
        return await inbox.org_member_ids(claim.org_id)
    return [claim.claimer_id] if claim.claimer_id else []
