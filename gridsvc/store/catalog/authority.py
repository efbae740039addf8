"""Who may change the catalog: every change is checked against the scope of the areas of an item
before and after it (an empty list means everywhere: every top-level area). The check is
`authorizer_for(actor)` unless the caller hands in its own ``authorize(action, areas)``; the system
itself (CLI, demo loader) passes ``actor=SYSTEM``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence

from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import Forbidden
from gridsvc.domain.scope import Principal
from gridsvc.domain.scope import authorize as authorize_in_scope
from gridsvc.store.catalog.reading import top_area_codes

Authorize = Callable[[str, Sequence[str]], Awaitable[None]] | None


def actor_name(actor: Principal | None) -> str:
    return (actor.username if actor else "") or "system"


def authorizer_for(actor: Principal | None) -> Callable[[str, Sequence[str]], Awaitable[None]]:
    """``authorize(action, areas)`` by the permission table for ``actor``: every area, an empty
    list (everywhere) for every top-level area of the deployment."""

    async def check(action: str, areas: Sequence[str]) -> None:
        if actor is None:
            raise Forbidden("未指明操作者", "the store changes the catalog for someone: pass an actor",
                            code=ErrorCode.NO_ACTOR, details={"action": action})
        codes = list(areas) or await top_area_codes() or ["-"]  # "-": within nobody's scope
        for code in codes:
            authorize_in_scope(actor, action, code)

    return check


async def authorize_change(authorize: Authorize, actor: Principal | None, action: str, areas: Iterable[str]) -> None:
    await (authorize or authorizer_for(actor))(action, list(areas))


async def granted(action: str, areas: Sequence[str]) -> None:
    """The ``authorize`` of a step inside a change that was authorised as a whole (the item an
    admission application brings is created under the application's own check)."""
