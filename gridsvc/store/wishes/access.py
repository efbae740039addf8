"""Who is asking about a wish (their `Standing`, decided by the web layer), and loading a wish with
its current claim and holder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone
from typing import Any, Callable

from tortoise.expressions import Q

from gridsvc.domain.privacy import mask_name
from gridsvc.domain.scope import Principal, acts_for_org
from gridsvc.domain.wishes import Actor, ClaimStatus, WishStatus
from gridsvc.store.accounts.models import User
from gridsvc.store.orgs.models import Organisation, Project
from gridsvc.store.records import get_or_404
from gridsvc.store.wishes.models import Claim, Wish

UTC = timezone.utc
VOLUNTEER_MAX_ACTIVE_DEFAULT = 3
LIVE_CLAIM = (ClaimStatus.ACTIVE.value, ClaimStatus.FULFILLED.value)  # the claim holds the wish




# ---------------------------------------------------------------------------- who is asking


@dataclass(frozen=True)
class Standing:
    """How the asking user stands to one wish, as the web layer decided it.

    ``actors`` are the domain's actor kinds (owner, grid staff, org member, volunteer, claimer);
    ``can_read`` is scope action ``wish.read`` on the grid (staff, officials: every status),
    ``can_browse`` is ``wish.browse`` (published wishes in a service area), ``pii`` is
    ``resident.pii`` (the grid's staff see contact data in full)."""

    principal: Principal
    actors: frozenset[Actor] = frozenset()
    can_read: bool = False
    can_browse: bool = False
    pii: bool = False

    @property
    def user_id(self) -> int | None:
        return self.principal.user_id

    def has(self, actor: Actor) -> bool:
        return actor in self.actors


StandingOf = Callable[[Wish, "Claim | None"], Standing]


def holds(claim: Claim | None, principal: Principal) -> bool:
    """The principal is the claimer of ``claim``: the volunteer who made it, or any member of
    the organisation it was made for."""
    if claim is None or claim.status not in LIVE_CLAIM or not principal.is_authenticated:
        return False
    if claim.org_id is not None:
        return acts_for_org(principal) and principal.org_id == claim.org_id
    return claim.claimer_id == principal.user_id


async def ever_claimed(wish: Wish, principal: Principal) -> bool:
    """The principal (or their organisation) held a claim of this wish once: they still see it."""
    if not principal.is_authenticated:
        return False
    q = Q(claimer_id=principal.user_id, org_id=None)
    if acts_for_org(principal):
        q |= Q(org_id=principal.org_id)
    return await Claim.filter(q, wish_id=wish.id).exists()


async def can_view(wish: Wish, st: Standing) -> bool:
    if st.has(Actor.RESIDENT_OWNER) or st.can_read or st.has(Actor.CLAIMER):
        return True
    if wish.status == WishStatus.PUBLISHED and st.can_browse:
        return True
    return await ever_claimed(wish, st.principal)


# ---------------------------------------------------------------------------- loading


async def get_wish(wish_id: Any) -> Wish:
    return await get_or_404(Wish, wish_id, "心愿", "wish")


async def current_claim(wish: Wish) -> Claim | None:
    if wish.current_claim_id is None:
        return None
    return await Claim.filter(id=wish.current_claim_id).first()


async def holder_of(wish: Wish, claim: Claim | None = None, *, full: bool = False) -> dict | None:
    """Who holds the wish: the organisation by name (a public body), a volunteer by masked
    name unless ``full``."""
    claim = claim if claim is not None else await current_claim(wish)
    if claim is None:
        return None
    if claim.org_id is not None:
        org = await Organisation.filter(id=claim.org_id).first()
        project = await Project.filter(id=claim.project_id).first() if claim.project_id else None
        return {"kind": "org", "org": {"id": claim.org_id, "name": org.name if org else ""},
                "project": {"id": project.id, "name": project.name} if project else None,
                "name": org.name if org else ""}
    user = await User.filter(id=claim.claimer_id).first() if claim.claimer_id else None
    name = (user.display_name or user.username) if user else ""
    return {"kind": "volunteer", "org": None, "project": None, "name": name if full else mask_name(name),
            "user_id": claim.claimer_id if full else None}
