"""Bodies of residential compounds (小区/院落, issue 14 §11)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from . import Body, Code, Codes, Scalar
from .geojson import MultiPolygon, Polygon


class CompoundCreate(Body):
    community: Code = Field(description="所属社区代码 (12 digits)")
    name: Scalar = None
    kind: Scalar = Field(None, description="estate (小区) | courtyard (院落)")
    property_company: Scalar = Field(None, description="物业服务企业")
    owners_committee: Scalar = Field(None, description="业主委员会")
    party_branch: Scalar = Field(None, description="小区党支部")
    households: Scalar = None
    geometry: Annotated[Polygon | MultiPolygon, Field(description="GeoJSON Polygon/MultiPolygon, WGS-84")] | None = None


class CompoundBuildings(Body):
    buildings: Codes
