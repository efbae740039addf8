"""Area edits drawn on the map: the editor's data, redraw, split, merge, draw a child.

Each answers the areas it saved (GeoJSON, with their new versions), the codes created and
removed, and the parent's coverage; a refusal's `details.shapes` is what the page draws."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from gridsvc.store.areas import edits

from ...domain.geojson import to_feature
from ...store.areas.reading import area_summary, geom_of, get_area
from ..permissions import require
from ..schemas.area_edits import AreaChild, AreaMerge, AreaRedraw, AreaSplit
from . import endpoint, json_ok, param
from .areas import parse_geometry


def _answer(result: edits.EditResult, status: int = 200) -> Response:
    feats = []
    for a in result.saved:
        f = to_feature(geom_of(a), area_summary(a))
        f["id"] = a.code
        feats.append(f)
    return json_ok({"type": "FeatureCollection", "features": feats, "created": result.created,
                    "removed": result.removed, "coverage": result.coverage}, status)


async def editor(request: Request) -> Response:
    return json_ok(await edits.editor_view(request.path_params["code"]))


async def redraw(request: Request) -> Response:
    area = await get_area(request.path_params["code"])
    p = require(request, "area.edit", area.code)
    body: AreaRedraw = request.state.body
    geometry = parse_geometry(body.geometry, "geometry", "wgs84")
    result = await edits.redraw(area.code, geometry, version=body.version, actor=p, effective=body.effective)
    return _answer(result)


async def split(request: Request) -> Response:
    area = await get_area(request.path_params["code"])
    p = require(request, "area.edit", area.code)
    # the other half is a new area beside it: creating there is the parent's to allow
    require(request, "area.create", area.parent.code if area.parent else None)
    body: AreaSplit = request.state.body
    line = parse_geometry(body.line, "line", "wgs84")
    result = await edits.split(area.code, line, version=body.version, actor=p,
                               name=body.name, households=body.households, population=body.population,
                               effective=body.effective)
    return _answer(result)


async def merge(request: Request) -> Response:
    body: AreaMerge = request.state.body
    kept = await get_area(body.keep)
    p = require(request, "area.edit", kept.code)
    for code in body.codes:
        if code != kept.code:
            require(request, "area.delete", (await get_area(code)).code)
    result = await edits.merge(list(body.codes), kept.code, versions=dict(body.versions), actor=p, name=body.name,
                               effective=body.effective)
    return _answer(result)


async def add_child(request: Request) -> Response:
    parent = await get_area(request.path_params["code"])
    p = require(request, "area.create", parent.code)
    body: AreaChild = request.state.body
    geometry = parse_geometry(body.geometry, "geometry", "wgs84")
    result = await edits.add_child(parent.code, geometry, name=body.name, actor=p,
                                   households=body.households, population=body.population, effective=body.effective)
    return _answer(result, 201)


_CODE = param("code", "path")
_SAVED = {"200": {"description": "保存的区域 (the areas saved, GeoJSON, with created, removed, coverage)"}}
ROUTES = [
    endpoint("/areas/merge", merge, "POST", "合并相邻区域 (merge neighbouring areas)", tag="areas", auth="scoped",
             body=AreaMerge, responses=_SAVED, action="area.edit"),
    endpoint("/areas/{code}/editor", editor, "GET",
             "编辑地图数据:区域、上级、同级、下级、覆盖率 (the area editor's data)", tag="areas", params=[_CODE],
             action="area.read"),
    endpoint("/areas/{code}/redraw", redraw, "POST", "重画边界,共用边随之移动 (redraw; shared edges follow)",
             tag="areas", auth="scoped", params=[_CODE], body=AreaRedraw, responses=_SAVED, action="area.edit"),
    endpoint("/areas/{code}/split", split, "POST", "沿线分割区域 (split an area along a line)", tag="areas",
             auth="scoped", params=[_CODE], body=AreaSplit, responses=_SAVED, action="area.edit"),
    endpoint("/areas/{code}/children", add_child, "POST", "画一个下级区域 (draw a new sub-area)", tag="areas",
             auth="scoped", params=[_CODE], body=AreaChild,
             responses={"201": {"description": "created"}}, action="area.create"),
]


