"""Residential compounds (小区/院落): an overlay inside a community that maps can show."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from gridsvc.store.areas import compounds as store

from ...domain.error_codes import ErrorCode
from ...domain.errors import BadRequest
from ..permissions import require
from ..schemas.compounds import CompoundBuildings, CompoundCreate
from . import endpoint, json_ok, param, path_id, query_bbox, read_json
from .areas import parse_geometry


async def create_compound(request: Request) -> Response:
    p = require(request, "compound.manage")
    data = await read_json(request)
    raw = data.pop("geometry", None)
    geometry = parse_geometry(raw, "geometry", "wgs84") if raw is not None else None
    view = await store.create_compound(data, geometry, actor=p,
                                       authorize=lambda action, code: require(request, action, code))
    return json_ok(view, 201, headers={"Location": f"/api/v1/compounds/{view['id']}"})


async def list_compounds(request: Request) -> Response:
    require(request, "compound.read")
    community = request.query_params.get("community")
    bbox = query_bbox(request)
    if community:
        views = await store.compounds_of(community)
    elif bbox is not None:
        views = await store.compounds_in(bbox)
    else:
        raise BadRequest("缺少参数 community 或 bbox", "give community or bbox", code=ErrorCode.MISSING_PARAMETER,
                         details={"parameter": "community"})
    return json_ok({"type": "FeatureCollection", "features": [store.compound_feature(v) for v in views]})


async def get_compound(request: Request) -> Response:
    require(request, "compound.read")
    row = await store.get_compound(path_id(request))
    return json_ok(await store.compound_view(row))


async def add_buildings(request: Request) -> Response:
    row = await store.get_compound(path_id(request))
    p = require(request, "compound.manage", row.community.code)
    data = await read_json(request)
    return json_ok(await store.add_buildings(row, data.get("buildings"), actor=p))


_ID = param("id", "path", type_="integer", required=True)
ROUTES = [
    endpoint("/compounds", create_compound, "POST", "登记小区/院落 (record a residential compound)", tag="areas",
             auth="scoped", body=CompoundCreate,
             responses={"201": {"description": "recorded, with the grids it spans"}}, action="compound.manage"),
    endpoint("/compounds", list_compounds, "GET", "社区的小区/院落 (a community's compounds, GeoJSON)", tag="areas",
             params=[param("community"), param("bbox", description="minlon,minlat,maxlon,maxlat (WGS-84)")],
             action="compound.read"),
    endpoint("/compounds/{id}", get_compound, "GET", "小区详情:物业、业委会、党支部、所跨网格、楼栋 (a compound)",
             tag="areas", params=[_ID], action="compound.read"),
    endpoint("/compounds/{id}/buildings", add_buildings, "POST", "楼栋归属小区 (put buildings into a compound)",
             tag="areas", auth="scoped", params=[_ID], body=CompoundBuildings,
             action="compound.manage"),
]
