"""What the allocation plan's review page needs beyond the API's view of a plan: where each
wish is (rounded, as on every map) and which projects may take it, so staff change an
assignment by picking among the projects that pass its hard filters rather than typing ids.
The change itself goes through `allocations.edit_plan`, which checks again.
"""

from __future__ import annotations

from datetime import date

from gridsvc.domain.matching import ProviderIndex
from gridsvc.domain.privacy import mask_position
from gridsvc.store.orgs.models import Organisation
from gridsvc.store.wishes.matching import project_providers, wish_need
from gridsvc.store.wishes.models import AllocationItem, AllocationPlan, Wish


async def plan_choices(plan: AllocationPlan, *, today: date) -> dict[int, dict]:
    """Per wish of the plan: its rounded position and the projects eligible for it (id, name,
    position, places left), best-placed first as the index orders them."""
    wish_ids = await AllocationItem.filter(plan_id=plan.id).values_list("wish_id", flat=True)
    providers, by_id = await project_providers()
    index = ProviderIndex(providers)
    orgs = dict(await Organisation.filter(id__in={p.org_id for p in by_id.values()}).values_list("id", "name"))
    out: dict[int, dict] = {}
    for wish in await Wish.filter(id__in=list(wish_ids)):
        lon, lat = mask_position(wish.lon, wish.lat)
        fits = [index.providers[i] for i in index.eligible(wish_need(wish, today)).tolist()]
        out[wish.id] = {"lon": lon, "lat": lat, "projects": [
            {"id": p.id, "name": by_id[p.id].name, "org": orgs.get(by_id[p.id].org_id, ""), "lon": p.lon, "lat": p.lat,
             "left": p.capacity_left} for p in fits]}
    return out
