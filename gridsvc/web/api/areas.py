"""Areas as GeoJSON, edits within scope, and where-is-this-point."""

from __future__ import annotations

import functools
from datetime import date
from typing import cast

import numpy as np
import shapely
from shapely.geometry import shape
from starlette.requests import Request
from starlette.responses import Response

from gridsvc.store import areas as store
from gridsvc.store.accounts import staff_board
from gridsvc.store.areas import generations
from gridsvc.store.areas.importer import import_boundaries

from ...domain import clock
from ...domain import crs as crs_mod
from ...domain import geometry as geo
from ...domain.error_codes import ErrorCode
from ...domain.errors import BadRequest, ValidationError
from ...domain.geojson import feature_collection, to_feature
from ...domain.levels import LEVELS
from ...domain.locate import answer, check_point
from ..permissions import can, require
from ..schemas.geojson import AreaFeature, AreaPatch, FeatureCollection, LocateBatch
from . import endpoint, json_ok, param, query_bbox, query_bool, query_date, query_float, query_int, read_json

MAX_BATCH = 10_000


async def past_day(request: Request) -> date | None:
    """The day of `on=` when it is before today (None: today, the current rows and index). A
    malformed day or one before the first generation is a 400. Later days read as today: no
    generation is ever recorded ahead (store.areas.generations)."""
    day = query_date(request, "on")
    if day is None:
        return None
    # the first day comes with the point index (no query per request)
    generations.refuse_before(day, await request.app.state.index.first_day())
    return day if day < clock.today() else None


async def index_for(request: Request):
    """The point index of the day asked for (`on=`), today's by default."""
    day = await past_day(request)
    holder = request.app.state.index
    return await holder.on(day) if day is not None else await holder.get()


def _clipped(g, box: tuple[float, float, float, float]):
    """For drawing: the part of a polygon inside `box` (None when nothing is). A district seen
    at street zoom is a few hundred metres of its boundary, not all of it."""
    if g.geom_type not in ("Polygon", "MultiPolygon"):
        return g
    minx, miny, maxx, maxy = g.bounds
    if minx >= box[0] and miny >= box[1] and maxx <= box[2] and maxy <= box[3]:
        return g
    out = shapely.clip_by_rect(g, *box)
    if out.geom_type not in ("Polygon", "MultiPolygon"):
        parts = [p for p in shapely.get_parts(out) if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
        out = shapely.union_all(parts) if parts else shapely.Polygon()
    return None if out.is_empty else out


_PARENT = object()


def _drawing(g, zoom: int | None, crs: str) -> dict | None:
    """The GeoJSON geometry of `g` as a map draws it at `zoom`: simplified, converted, rounded."""
    if zoom is not None:
        g = geo.simplify_for_zoom(g, zoom)
    if crs != "wgs84":  # maps on GCJ-02 tiles (AMap): converted on the way out
        g = crs_mod.transform_geometry(g, "wgs84", crs)
    return to_feature(g, {})["geometry"]


@functools.lru_cache(maxsize=4096)
def _stored_drawing(wkb: bytes, zoom: int | None, crs: str) -> dict | None:
    """`_drawing` of a stored boundary, remembered: a pure function of the stored bytes, so it can
    never be stale, and map viewports ask for the same grids over and over (it was most of their
    cost). The answer is shared between responses: read it, never change it."""
    return _drawing(shapely.from_wkb(wkb), zoom, crs)


def _inside(area, box: tuple[float, float, float, float]) -> bool:
    return area.minx >= box[0] and area.miny >= box[1] and area.maxx <= box[2] and area.maxy <= box[3]


def area_feature(area, *, zoom: int | None = None, extra: dict | None = None, crs: str = "wgs84",
                 clip: tuple[float, float, float, float] | None = None, parent_code=_PARENT) -> dict | None:
    if clip is None or _inside(area, clip):  # the stored bounds are those of the stored geometry
        wkb = area.geometry
        geometry = _stored_drawing(wkb if isinstance(wkb, bytes) else bytes(wkb), zoom, crs)
    else:
        g = _clipped(store.geom_of(area), clip)
        if g is None:
            return None
        geometry = _drawing(g, zoom, crs)
    if parent_code is _PARENT:
        parent_code = area.parent.code if area.parent else None
    props = store.area_summary(area, parent_code)
    if extra:
        props.update(extra)
    return {"type": "Feature", "properties": props, "geometry": geometry, "id": area.code}


async def list_areas(request: Request) -> Response:
    level = request.query_params.get("level") or None
    under = request.query_params.get("under") or None
    zoom = request.query_params.get("zoom")
    z = query_int(request, "zoom", 0, lo=0, hi=22) if zoom else None
    limit = query_int(request, "limit", 20_000, lo=1, hi=200_000)
    crs = crs_mod.check_crs(request.query_params.get("crs") or "wgs84")
    bbox = query_bbox(request, crs)  # the bbox is in the map's system too
    clip = None
    if query_bool(request, "clip", False) and bbox:
        # a margin of a quarter of the box on each side: the cut lies beyond what the map shows
        # until it asks again for the area it has panned to
        mx, my = (bbox[2] - bbox[0]) / 4, (bbox[3] - bbox[1]) / 4
        clip = (bbox[0] - mx, bbox[1] - my, bbox[2] + mx, bbox[3] + my)
    day = await past_day(request)
    if day is not None:
        past = await generations.versions_on(day, level=level, under=under, bbox=bbox, limit=limit + 1)
        truncated = len(past) > limit
        feats = (area_feature(v, zoom=z, crs=crs, clip=clip, parent_code=v.parent_code,
                              extra=_valid(v)) for v in past[:limit])
    else:
        rows = await store.list_areas(level=level, under=under, bbox=bbox, limit=limit + 1, with_parent=False)
        truncated = len(rows) > limit
        parents = await store.parent_codes(rows[:limit])
        feats = (area_feature(a, zoom=z, crs=crs, clip=clip,
                              parent_code=parents.get(a.parent_id or 0)) for a in rows[:limit])
    fc = feature_collection([f for f in feats if f is not None])
    if truncated:
        fc["truncated"] = True
    return json_ok(fc)


def _valid(v: generations.VersionView) -> dict:
    return {"valid_from": v.valid_from.isoformat(), "valid_to": v.valid_to.isoformat() if v.valid_to else None}


async def get_area(request: Request) -> Response:
    day = await past_day(request)
    if day is not None:
        code = request.path_params["code"]
        v = await generations.version_on(code, day)
        kids = await generations.children_on(code, day)
        stats = {"count": len(kids), "households": sum(k.households or 0 for k in kids),
                 "population": sum(k.population or 0 for k in kids)}
        chain = [{"code": a.code, "name": a.name, "level": a.level} for a in await generations.chain_on(code, day)]
        return json_ok(area_feature(v, parent_code=v.parent_code, extra={"ancestors": chain, "children": stats,
                                                                        **_valid(v)}))
    area = await store.get_area(request.path_params["code"])
    chain = [{"code": a.code, "name": a.name, "level": a.level} for a in await store.ancestors(area)]
    stats = await store.children_stats(area)
    feat = area_feature(area, extra={"ancestors": chain, "children": stats})
    return json_ok(feat)


def parse_geometry(obj, where: str, crs: str):
    """A GeoJSON geometry of a body (the member `where`) in WGS-84; a 422 naming it when unreadable."""
    if not isinstance(obj, dict):
        raise ValidationError(f"{where} 应为 GeoJSON 几何对象", f"{where} must be a GeoJSON geometry",
                              code=ErrorCode.BAD_GEOMETRY)
    try:
        g = shape(obj)
    except Exception as e:  # shapely raises several types for malformed input
        raise ValidationError(f"{where} 无法解析:{e}", f"{where} cannot be read: {e}", code=ErrorCode.BAD_GEOMETRY,
                              details={"field": where}) from None
    return crs_mod.transform_geometry(g, crs, "wgs84")


def _int_or_none(props: dict, key: str):
    v = props.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValidationError(f"{key} 应为整数", f"{key} must be an integer",
                              code=ErrorCode.BAD_NUMBER, details={"field": key})
    return v


async def create_area(request: Request) -> Response:
    data = await read_json(request)
    if data.get("type") != "Feature":
        raise BadRequest("请求体应为 GeoJSON Feature", "the body must be a GeoJSON Feature", code=ErrorCode.BAD_JSON)
    props = data.get("properties") or {}
    crs = crs_mod.check_crs(request.query_params.get("crs", "wgs84"))
    missing = [k for k in ("code", "name", "level") if not props.get(k)]
    if missing:
        raise ValidationError(f"properties 缺少 {', '.join(missing)}", f"properties lack {', '.join(missing)}",
                              code=ErrorCode.REQUIRED, details={"fields": missing})
    level = str(props["level"])
    if level not in LEVELS:
        raise ValidationError(f"未知层级 {level}", f"unknown level {level}",
                              code=ErrorCode.UNKNOWN_LEVEL, details={"levels": list(LEVELS)})
    parent = props.get("parent")
    if parent:
        require(request, "area.create", str(parent))
    else:
        require(request, "area.create_top")
    item = store.AreaInput(
        code=str(props["code"]), name=str(props["name"]), level=level,
        geometry=parse_geometry(data.get("geometry"), "geometry", crs), parent_code=str(parent) if parent else None,
        households=_int_or_none(props, "households"), population=_int_or_none(props, "population"),
        properties={k: v for k,
                    v in props.items() if k not in ("code", "name", "level", "parent", "households", "population")},
    )
    report = await store.store_batch([item], actor=request.state.principal, settings=request.app.state.settings,
                                     audit_action="area.create")
    area = await store.get_area(item.code)
    feat = cast(dict, area_feature(area))  # None only where a clip box leaves nothing of the area
    feat["properties"]["warnings"] = report.warnings
    return json_ok(feat, 201, headers={"Location": f"/api/v1/areas/{area.code}"})


async def import_areas(request: Request) -> Response:
    """The same import as `gridsvc import-boundaries`, for officials in their scope: the body
    is the GeoJSON / DataV file itself."""
    q = request.query_params
    parent = q.get("parent") or None
    if parent:
        require(request, "area.create", parent)
    else:
        require(request, "area.create_top")
    level = q.get("level") or None
    crs = q.get("crs") or None
    repair = query_bool(request, "repair", False)
    clip = query_bool(request, "clip_to_parent", False)
    tolerance = query_float(request, "tolerance", required=False)
    body = await request.body()
    if not body:
        raise BadRequest("请求体为空,需要 GeoJSON 文件内容", "the body is empty; send the GeoJSON file",
                         code=ErrorCode.EMPTY_BODY)
    plan, report = await import_boundaries(body, level=level, parent=parent, crs=crs, repair=repair,
                                           clip_to_parent=clip, tolerance_percent=tolerance,
                                           actor=request.state.principal, settings=request.app.state.settings)
    return json_ok({"crs": plan.crs, **report.to_dict()}, 201)


async def patch_area(request: Request) -> Response:
    code = request.path_params["code"]
    area = await store.get_area(code)
    require(request, "area.edit", area.code)
    data = await read_json(request)
    if data.get("type") == "Feature":
        props = data.get("properties", {})
    else:
        props = {k: v for k, v in data.items() if k not in ("geometry", "version", "effective")}
    if not isinstance(props, dict):
        raise BadRequest("properties 应为对象", "properties must be an object", code=ErrorCode.BAD_JSON)
    unknown = set(props) - set(store.EDITABLE) - {"code", "level", "parent", "version"}
    if unknown:
        raise ValidationError(f"不能修改字段 {', '.join(sorted(unknown))}",
                              f"cannot change {', '.join(sorted(unknown))}",
                              code=ErrorCode.NOT_EDITABLE,
                              details={"fields": sorted(unknown), "editable": list(store.EDITABLE)})
    for fixed in ("code", "level", "parent"):
        current = getattr(area, fixed) if fixed != "parent" else (area.parent.code if area.parent else None)
        if fixed in props and str(props[fixed]) != str(current):
            raise ValidationError(f"不能修改 {fixed}:请删除后重建",
                                  f"{fixed} cannot change; delete and recreate the area",
                                  code=ErrorCode.NOT_EDITABLE, details={"field": fixed})
    crs = crs_mod.check_crs(request.query_params.get("crs", "wgs84"))
    geometry = parse_geometry(data["geometry"], "geometry", crs) if data.get("geometry") is not None else None
    version = data.get("version", props.get("version"))
    if_match = request.headers.get("if-match")
    if version is None and if_match:
        version = if_match.strip('"W/')
    try:
        version = int(version) if version is not None else None
    except ValueError:
        raise BadRequest("version 应为整数", "version must be an integer", code=ErrorCode.BAD_PARAMETER) from None
    effective = request.state.body.effective  # a date, validated by AreaPatch
    area = await store.update_area(code, {k: v for k, v in props.items() if k in store.EDITABLE}, geometry,
                                   actor=request.state.principal, expected_version=version,
                                   settings=request.app.state.settings, effective=effective)
    return json_ok(area_feature(area))


async def delete_area(request: Request) -> Response:
    code = request.path_params["code"]
    area = await store.get_area(code)
    require(request, "area.delete", area.code)
    await store.delete_area(code, actor=request.state.principal)
    return Response(status_code=204)


async def coverage(request: Request) -> Response:
    return json_ok(await store.coverage_of(request.path_params["code"]))


async def area_staff(request: Request) -> Response:
    """Contact cards of the staff serving an area (staff_board.serving_area)."""
    area = await store.get_area(request.path_params["code"])
    require(request, "staff.read", area.code)
    cards = await staff_board.serving_area(area, public=not can(request, "staff.manage"))
    return json_ok({"area": {"code": area.code, "name": area.name, "level": area.level}, "staff": cards})


async def area_history(request: Request) -> Response:
    """Every version of an area with what changed (the history page draws the same)."""
    code = request.path_params["code"]
    require(request, "area.read", code)
    names = can(request, "audit.read", code)  # who changed a boundary: audit information
    entries = await generations.history(code)
    versions = [history_entry(e, names=names) for e in entries]
    for v, e in zip(versions, entries, strict=True):
        v["geometry"] = to_feature(shapely.from_wkb(e.geometry), {})["geometry"]
    return json_ok({"code": code, "versions": versions})


def history_entry(e: generations.HistoryEntry, *, names: bool) -> dict:
    """A version in words and figures (no geometry): dates, area and vertex change, who and when;
    against the version before, whether the boundary moved and what else changed (`changes`:
    name, households, population, each with `from` and `to`)."""
    return {"valid_from": e.valid_from.isoformat(), "valid_to": e.valid_to.isoformat() if e.valid_to else None,
            "name": e.name, "level": e.level, "area_m2": round(e.area_m2, 1), "vertices": e.vertices,
            "delta_m2": None if e.delta_m2 is None else round(e.delta_m2, 1), "delta_vertices": e.delta_vertices,
            "changed_by": (e.changed_by or None) if names else None,
            "changed_at": clock.china(e.changed_at).strftime("%Y-%m-%d %H:%M"), "note": e.note,
            "households": e.households, "population": e.population, "geometry_changed": e.geometry_changed,
            "changes": [{"field": k, "from": old, "to": new} for k, old, new in e.changes]}


# ---- locate ------------------------------------------------------------------------------


async def locate(request: Request) -> Response:
    lon = query_float(request, "lon")
    lat = query_float(request, "lat")
    assert lon is not None and lat is not None  # required parameters
    check_point(lon, lat)
    index = await index_for(request)
    return json_ok(answer(index.locate(lon, lat), lon, lat))


async def locate_batch(request: Request) -> Response:
    data = await read_json(request)
    pts = data.get("points")
    if not isinstance(pts, list) or not pts:
        raise ValidationError("需要 points: [[经度, 纬度], ...]", "points: [[lon, lat], ...] is required",
                              code=ErrorCode.REQUIRED)
    if len(pts) > MAX_BATCH:
        raise ValidationError(f"一次最多 {MAX_BATCH} 个点", f"at most {MAX_BATCH} points per request",
                              code=ErrorCode.TOO_MANY_POINTS)
    try:
        arr = np.asarray(pts, dtype=float)
    except (TypeError, ValueError):
        arr = np.empty((0,))
    if arr.ndim != 2 or arr.shape[1] != 2 or not np.isfinite(arr).all():
        raise BadRequest("points 应为 [[经度, 纬度], ...] 数字对", "points must be [[lon, lat], ...] number pairs",
                         code=ErrorCode.BAD_POINTS)
    bad = np.nonzero((np.abs(arr[:, 0]) > 180) | (np.abs(arr[:, 1]) > 90))[0]
    if len(bad):
        i = int(bad[0])
        check_point(float(arr[i, 0]), float(arr[i, 1]), f"points[{i}] ")
    index = await index_for(request)
    finest = index.locate_many(arr[:, 0], arr[:, 1])
    cache: dict = {}
    results = []
    for code in finest:
        if code not in cache:
            cache[code] = [a["code"] for a in index.chain(code)] if code is not None else []
        results.append({"code": code, "chain": cache[code]})
    names = {c: index.name_of(c) for c in {c for r in results for c in r["chain"]}}
    return json_ok({"results": results, "names": names})


_ON = param("on", description="日期 YYYY-MM-DD:按当日的边界回答,缺省为今天 (the boundaries as they stood that day)",
            format="date")

GEOJSON = {"200": {"description": "GeoJSON",
                   "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FeatureCollection"}}}}}

ROUTES = [
    endpoint("/areas", list_areas, "GET", "区域列表 GeoJSON (areas as a FeatureCollection)", tag="areas",
             params=[param("level", enum=list(LEVELS)), param("under", description="祖先区域代码 (ancestor code)"),
                     param("bbox", description="minlon,minlat,maxlon,maxlat"),
                     param("zoom", type_="integer", description="按缩放级别简化 (simplify for this zoom)"),
                     param("limit", type_="integer"),
                     param("crs", enum=["wgs84", "gcj02", "bd09"],
                           description="bbox 与返回几何的坐标系,默认 wgs84 "
                                       "(system of bbox and of the answer; gcj02 for AMap)"),
                     param("clip", type_="boolean", description="true: 几何裁剪到 bbox 外扩 1/4 的范围,供地图绘制 "
                           "(geometries cut to bbox plus a quarter on each side: for drawing, not for analysis)"),
                     _ON],
             responses=GEOJSON, action="area.read"),
    endpoint("/areas", create_area, "POST", "新建区域 (create an area from a GeoJSON Feature)", tag="areas",
             auth="scoped",
             params=[param("crs", enum=["wgs84", "gcj02", "bd09"])], body=AreaFeature,
             responses={"201": {"description": "created"}}, action="area.create"),
    endpoint("/areas/import", import_areas, "POST",
             "导入边界文件,全部成功或全部不存 (import a GeoJSON/DataV file, all or nothing)",
             tag="areas", auth="scoped",
             params=[param("level", enum=list(LEVELS)), param("parent"), param("crs", enum=["wgs84", "gcj02", "bd09"]),
                     param("repair", type_="boolean"), param("clip_to_parent", type_="boolean"),
                     param("tolerance", type_="number", exclusiveMinimum=0, maximum=100)],
             body=FeatureCollection,
             responses={"201": {"description": "imported: counts, repairs, clipped, warnings, coverage"}},
             action="area.create"),
    endpoint("/areas/{code}", get_area, "GET", "区域详情 (one area)", tag="areas",
             params=[param("code", "path"), _ON], action="area.read"),
    endpoint("/areas/{code}/history", area_history, "GET", "区域边界的各个版本 (every boundary version of an area)",
             tag="areas", params=[param("code", "path")], action="area.read"),
    endpoint("/areas/{code}", patch_area, "PATCH", "修改区域 (edit an area's properties or geometry)", tag="areas",
             auth="scoped", params=[param("code", "path"), param("crs", enum=["wgs84", "gcj02", "bd09"])],
             body=AreaPatch, action="area.edit"),
    endpoint("/areas/{code}", delete_area, "DELETE", "删除区域 (delete an area without children)", tag="areas",
             auth="scoped", params=[param("code", "path")], responses={"204": {"description": "deleted"}},
             action="area.delete"),
    endpoint("/areas/{code}/coverage", coverage, "GET", "下级区域覆盖率 (coverage by children)", tag="areas",
             params=[param("code", "path")], action="area.read"),
    endpoint("/areas/{code}/staff", area_staff, "GET", "区域网格人员名片 (staff contact cards)", tag="staff",
             params=[param("code", "path")], action="staff.read"),
    endpoint("/locate", locate, "GET", "查询坐标所在区域 (areas containing a point)", tag="locate",
             params=[param("lon", type_="number", required=True), param("lat", type_="number", required=True), _ON],
             action="area.read"),
    endpoint("/locate", locate_batch, "POST", "批量定位 (batch point lookup, up to 10,000 points)", tag="locate",
             params=[_ON], body=LocateBatch, action="area.read"),
]
