"""GeoJSON bodies (RFC 7946): Feature, FeatureCollection and the geometry types. Structure and
finite coordinates are checked here; the geometry rules (valid, inside the parent, no overlap)
stay with the domain and keep their own errors (422 with the rule and the place)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from . import Body, Finite, JsonObject, Scalar

Coordinate = Annotated[float, Field(ge=-1000, le=1000, allow_inf_nan=False)]
Position = Annotated[list[Coordinate], Field(min_length=2, max_length=3)]
Ring = list[Position]


class GeoJSON(BaseModel):
    # foreign members (id, bbox, crs, DataV's extras) are allowed by RFC 7946
    model_config = ConfigDict(extra="allow")


class Point(GeoJSON):
    type: Literal["Point"]
    coordinates: Position


class MultiPoint(GeoJSON):
    type: Literal["MultiPoint"]
    coordinates: list[Position]


class LineString(GeoJSON):
    type: Literal["LineString"]
    coordinates: list[Position]


class MultiLineString(GeoJSON):
    type: Literal["MultiLineString"]
    coordinates: list[list[Position]]


class Polygon(GeoJSON):
    type: Literal["Polygon"]
    coordinates: list[Ring]


class MultiPolygon(GeoJSON):
    type: Literal["MultiPolygon"]
    coordinates: list[list[Ring]]


class GeometryCollection(GeoJSON):
    type: Literal["GeometryCollection"]
    geometries: list[Geometry]


Geometry = Annotated[Union[Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon, GeometryCollection],
                     Field(discriminator="type")]
GeometryCollection.model_rebuild()


class Feature(GeoJSON):
    type: Literal["Feature"]
    geometry: Geometry | None
    properties: JsonObject | None = None


class FeatureCollection(GeoJSON):
    type: Literal["FeatureCollection"]
    features: list[Feature]


class AreaProperties(BaseModel):
    """A new area's properties; other properties are kept with the area (free-form)."""

    model_config = ConfigDict(extra="allow")
    code: Scalar = None
    name: Scalar = None
    level: Scalar = None
    parent: Scalar = None
    households: Scalar = None
    population: Scalar = None


class AreaFeature(GeoJSON):
    """POST /areas: a Feature whose properties name the area."""

    type: Literal["Feature"]
    geometry: Geometry | None = None
    properties: AreaProperties


class AreaPatch(Body):
    """PATCH /areas/{code}: properties to change, a new geometry, or both (a bare object of
    properties or a Feature)."""

    model_config = ConfigDict(extra="allow")
    type: Literal["Feature"] | None = None
    geometry: Geometry | None = None
    properties: JsonObject | None = None
    version: Scalar = None
    effective: date | None = Field(None, description="新边界的生效日期,缺省今天,不能晚于今天 "
                                                     "(the day a new geometry takes effect; default today, not later)")


class LocateBatch(Body):
    points: Annotated[list[Annotated[list[Finite], Field(min_length=2, max_length=2)]],
                      Field(min_length=1, max_length=10_000, description="[[经度, 纬度], ...] ([[lon, lat], ...])")]


