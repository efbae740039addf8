"""Bodies of the area edits drawn on the map (issue 11 item 1): redraw, split, merge, draw a child.

`version` is the version the editor started from (a later edit by someone else is refused);
`effective` the date the edit takes effect (today when left out). Geometries are objects here and
read by the handler after the scope check (`api.areas.parse_geometry`, 422 naming the field): someone
out of scope hears 403 whatever they sent; the geometry rules then judge the shape."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import Field, WithJsonSchema

from . import Body, Code, Count, Name

Shape = Annotated[dict[str, Any], WithJsonSchema(
    {"type": "object", "description": "GeoJSON Polygon / MultiPolygon (楼栋可为 Point), WGS-84"})]
Line = Annotated[dict[str, Any], WithJsonSchema(
    {"type": "object", "description": "GeoJSON LineString 分割线 (a line across the area), WGS-84"})]

Version = Annotated[int, Field(ge=1, le=2**31 - 1, description="编辑开始时的版本 (the version the edit started from)")]
Effective = Annotated[dt.date | None, Field(description="生效日期,默认今天 (the date it takes effect; today)")]


class AreaRedraw(Body):
    geometry: Shape
    version: Version
    effective: Effective = None


class AreaSplit(Body):
    line: Line
    version: Version
    name: Name | None = Field(None, description="新区域名称 (the new half's name)")
    households: Count | None = Field(None, description="新区域户数,默认按面积分 (default: by area)")
    population: Count | None = Field(None, description="新区域人口,默认按面积分 (default: by area)")
    effective: Effective = None


class AreaMerge(Body):
    codes: Annotated[list[Code], Field(min_length=2, max_length=20, description="要合并的区域 (areas to merge)")]
    keep: Code = Field(description="保留代码的区域 (the area whose code stays)")
    versions: dict[Code, Version] = Field(description="每个区域编辑开始时的版本 (each area's version)")
    name: Name | None = None
    effective: Effective = None


class AreaChild(Body):
    name: Name
    geometry: Shape
    households: Count | None = None
    population: Count | None = None
    effective: Effective = None
