"""Demo compounds (小区/院落) in the demo community: one estate with a property company that
spans two grids, and an old courtyard without one, with their buildings."""

from __future__ import annotations

import shapely
from shapely.geometry.base import BaseGeometry

from gridsvc.config import DEFAULTS, Settings
from gridsvc.store import subtree
from gridsvc.store.areas.compounds import add_buildings, create_compound, get_compound
from gridsvc.store.areas.models import Area

COMMUNITY = "610202004002"  # 川口社区


def _estate_shape(g1: BaseGeometry, g2: BaseGeometry, community: BaseGeometry) -> BaseGeometry:
    """A band ~80 m either side of the edge two grids share, inside the community."""
    edge = g1.boundary.intersection(g2.boundary)
    band = edge.buffer(80 / 111_000, cap_style="flat") if not edge.is_empty else g1.buffer(0)
    return band.intersection(community).buffer(0)


async def load(settings: Settings = DEFAULTS) -> dict:
    community = await Area.filter(code=COMMUNITY).first()
    if community is None:
        return {}
    grids = await Area.filter(subtree.under("code", COMMUNITY), level="grid").order_by("code")
    if len(grids) < 3:
        return {}
    cgeom = shapely.from_wkb(community.geometry)
    g = [shapely.from_wkb(x.geometry) for x in grids[:3]]
    estate = _estate_shape(g[0], g[1], cgeom)
    courtyard = g[2].representative_point().buffer(50 / 111_000).intersection(g[2])
    made = []
    for data, geom in (
        ({"community": COMMUNITY, "name": "川口花园", "kind": "estate",
          "property_company": "铜川市川口物业服务有限公司",
          "owners_committee": "川口花园业主委员会", "party_branch": "川口花园小区党支部"}, estate),
        ({"community": COMMUNITY, "name": "川口矿务局老院", "kind": "courtyard", "property_company": "",
          "owners_committee": "", "party_branch": "川口社区第三党支部"}, courtyard),
    ):
        view = await create_compound(data, geom, actor=None)
        made.append(view)
    # buildings inside each compound belong to it
    for view in made:
        row = await get_compound(view["id"])
        geom = shapely.from_wkb(row.geometry)
        inside = [b.code for b in await Area.filter(subtree.under("code", COMMUNITY), level="building")
                  if geom.contains(shapely.from_wkb(b.geometry))]
        if inside:
            await add_buildings(row, inside, actor=None)
    return {"compounds": len(made)}
