"""Residential compounds (小区, 院落; seeds 002 §5, 004): the unit of micro-governance.

A compound belongs to one community and records its property-management company (物业), its
owners' committee (业主委员会) and its party branch (小区党支部). It is an overlay inside the
community, not a level of the tree: a compound may span several grids and a grid may hold
several compounds. Compounds of one community do not overlap each other; buildings belong to
at most one compound and lie inside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from shapely.geometry.base import BaseGeometry

from . import geometry as geo
from .error_codes import ErrorCode
from .errors import ValidationError
from .levels import check_community_code
from .text import field_text

COMPOUND_KINDS: dict[str, str] = {"estate": "小区", "courtyard": "院落"}
MIN_COMPOUND_M2 = 100.0  # a small courtyard; less is a digitising slip


@dataclass(frozen=True)
class CompoundData:
    community: str
    name: str
    kind: str
    property_company: str = ""  # 物业服务企业; empty: none (many 院落 have no property company)
    owners_committee: str = ""  # 业主委员会
    party_branch: str = ""  # 小区党支部
    households: int | None = None


_text = partial(field_text, required=False, max_len=100, text_only=True)


def check_compound(data: Any) -> CompoundData:
    if not isinstance(data, Mapping):
        raise ValidationError("小区应为对象", "a compound must be an object", code=ErrorCode.BAD_TYPE)
    community = check_community_code(_text(data, "community", "所属社区代码", required=True, max_len=12))
    kind = _text(data, "kind", "类型", max_len=12) or "estate"
    for key, zh in COMPOUND_KINDS.items():
        if kind in (key, zh):
            kind = key
            break
    else:
        raise ValidationError(f"小区类型应为 {'、'.join(COMPOUND_KINDS.values())} 之一",
                              "kind must be estate (小区) or courtyard (院落)", code=ErrorCode.BAD_KIND,
                              details={"field": "kind", "allowed": list(COMPOUND_KINDS)})
    households = data.get("households")
    if households is not None and (isinstance(households, bool) or not isinstance(households, int)
                                   or not 0 <= households <= 100_000):
        raise ValidationError("户数应为 0-100000 的整数", "households must be a whole number 0-100000",
                              code=ErrorCode.BAD_HOUSEHOLDS, details={"field": "households"})
    return CompoundData(
        community=community, name=_text(data, "name", "小区名称", required=True), kind=kind,
        property_company=_text(data, "property_company", "物业服务企业"),
        owners_committee=_text(data, "owners_committee", "业主委员会"),
        party_branch=_text(data, "party_branch", "小区党支部"), households=households,
    )


def compound_geometry_problems(geom: BaseGeometry, community_geom: BaseGeometry, *, community: str,
                               others: Sequence[tuple[str, BaseGeometry]]) -> list[geo.GeometryProblem]:
    """Shape, inside the community, no overlap with the community's other compounds. Grids are
    not checked: a compound may span them."""
    problems = geo.check_shape(geom, "group", min_area_m2=MIN_COMPOUND_M2)
    if problems:
        return problems
    out = geo.check_within_parent(geom, community_geom, parent_code=community)
    if out:
        problems.append(out)
    problems.extend(geo.check_siblings(geom, others))
    return problems


def grids_spanned(geom: BaseGeometry, grids: Sequence[tuple[str, BaseGeometry]], *,
                  min_m2: float = 1.0) -> list[str]:
    """The codes of the grids a compound lies in (by more than a sliver), in code order."""
    out = []
    for code, g in grids:
        if g is not None and geom.intersects(g) and geo.area_m2(geom.intersection(g)) > min_m2:
            out.append(code)
    return sorted(out)
