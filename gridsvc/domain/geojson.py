"""Reading boundary files (GeoJSON, DataV GeoAtlas) and writing RFC 7946 GeoJSON.

Reading separates two kinds of trouble. A file that cannot be read as a whole (not JSON, not
GeoJSON, a feature without a "geometry" member) raises `ValidationError(code=ErrorCode.BAD_GEOJSON)`
naming the place. Everything about one feature (a missing code, a ring of three points, a
household count of "abc") goes into that feature's `problems`, so an import can report every
feature's trouble in one pass. Whether a geometry is *valid* is `geometry.check_shape`'s job.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from .error_codes import ErrorCode
from .errors import ValidationError, in_language
from .geometry import round_coords
from .levels import LEVELS

_GEOMETRY_TYPES = {
    "Point": 0,  # nesting depth of "coordinates" above a position
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
_MAX_FILE_ERRORS = 20  # enough to see a pattern without flooding the response


@dataclass
class ParsedFeature:
    index: int  # position in the file (0-based), as in "features[3]"
    code: str | None
    name: str | None
    level: str | None
    parent_code: str | None
    households: int | None
    population: int | None
    properties: dict
    geometry: BaseGeometry | None
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """"#3 110113 顺义区": how reports name a feature."""
        return " ".join(p for p in (f"#{self.index}", self.code, self.name) if p)


def _bad(message_zh: str, message_en: str, **details: Any) -> ValidationError:
    return ValidationError(message_zh, message_en, code=ErrorCode.BAD_GEOJSON, details=details)


def _load(data: bytes | str | dict) -> Any:
    if isinstance(data, dict):
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise _bad(
                f"文件不是 UTF-8 编码:第 {e.start} 字节无法解码;请另存为 UTF-8(GBK 等编码不支持)",
                f"the file is not UTF-8: byte {e.start} cannot be decoded; save it as UTF-8",
                place=f"byte {e.start}",
                offset=e.start,
            ) from None
    if not isinstance(data, str):
        raise _bad(
            f"无法读取类型为 {type(data).__name__} 的输入",
            f"cannot read input of type {type(data).__name__}",
            place="(input)",
        )
    try:
        return json.loads(data.lstrip("\ufeff"))
    except json.JSONDecodeError as e:
        raise _bad(
            f"不是有效的 JSON:第 {e.lineno} 行第 {e.colno} 列:{e.msg}",
            f"not valid JSON: line {e.lineno}, column {e.colno}: {e.msg}",
            place=f"line {e.lineno}, column {e.colno}",
            line=e.lineno,
            column=e.colno,
            error=e.msg,
        ) from None


def _type_name(v: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(v), "number" if isinstance(v, (int, float)) else type(v).__name__
    )


def _top_level(obj: Any) -> tuple[list[tuple[str, Any]], str]:
    """The (path, feature) pairs of a file and what kind of file it was ("FeatureCollection",
    "Feature" or "Geometry")."""
    if not isinstance(obj, dict):
        raise _bad(
            f"GeoJSON 顶层应为对象,实际为 {_type_name(obj)}",
            f"the top level of GeoJSON must be an object, got {_type_name(obj)}",
            place="(top level)",
        )
    kind = obj.get("type")
    if kind == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, list):
            raise _bad(
                f"FeatureCollection 的 features 应为数组,"
                f"实际为 {_type_name(features) if 'features' in obj else '缺失'}",
                f"a FeatureCollection's features must be an array, "
                f"got {_type_name(features) if 'features' in obj else 'nothing'}",
                place="features",
            )
        return [(f"features[{i}]", f) for i, f in enumerate(features)], kind
    if kind == "Feature":
        return [("feature", obj)], kind
    if kind in _GEOMETRY_TYPES or kind == "GeometryCollection":
        return [("", {"type": "Feature", "properties": {}, "geometry": obj})], "Geometry"
    raise _bad(
        f"不是 GeoJSON:type 应为 FeatureCollection、Feature 或几何类型,实际为 {kind!r}",
        f"not GeoJSON: type must be FeatureCollection, Feature or a geometry type, got {kind!r}",
        place="type",
        type=kind,
    )


def _structure_errors(path: str, f: Any) -> list[tuple[str, str, str]]:
    """What keeps a feature from being read at all: (place, zh, en)."""
    if not isinstance(f, dict):
        return [(path, f"应为对象,实际为 {_type_name(f)}", f"must be an object, got {_type_name(f)}")]
    errs = []
    if f.get("type") != "Feature":
        errs.append((f"{path}.type", f'应为 "Feature",实际为 {f.get("type")!r}',
                     f'must be "Feature", got {f.get("type")!r}'))
    if "geometry" not in f:
        errs.append((f"{path}.geometry", "缺失(无几何时应写 null)", "is missing (write null for no geometry)"))
    elif f["geometry"] is not None and not isinstance(f["geometry"], dict):
        errs.append((f"{path}.geometry", f"应为对象或 null,实际为 {_type_name(f['geometry'])}",
                     f"must be an object or null, got {_type_name(f['geometry'])}"))
    props = f.get("properties")
    if props is not None and not isinstance(props, dict):
        errs.append((f"{path}.properties", f"应为对象或 null,实际为 {_type_name(props)}",
                     f"must be an object or null, got {_type_name(props)}"))
    return errs


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _position_problem(pos: Any, path: str) -> tuple[str, str] | None:
    if not isinstance(pos, list) or not 2 <= len(pos) <= 3 or not all(_is_number(v) for v in pos):
        shown = json.dumps(pos, ensure_ascii=False)[:60]
        return (f"{path} 应为 [经度, 纬度] 数字坐标,实际为 {shown}",
                f"{path} must be a [lon, lat] position of numbers, got {shown}")
    return None


def _coordinates_problem(coords: Any, depth: int, kind: str, path: str) -> tuple[str, str] | None:
    """The first place where `coords` is not `depth` arrays deep around positions, or has too
    few points for its kind (a line needs 2, a ring 4 with the first repeated at the end)."""
    if depth == 0:
        return _position_problem(coords, path)
    if not isinstance(coords, list):
        return f"{path} 应为数组,实际为 {_type_name(coords)}", f"{path} must be an array, got {_type_name(coords)}"
    for i, c in enumerate(coords):
        problem = _coordinates_problem(c, depth - 1, kind, f"{path}[{i}]")
        if problem:
            return problem
    if depth == 1 and kind in ("Polygon", "MultiPolygon"):
        closed = bool(coords) and coords[0][:2] == coords[-1][:2]
        if len(coords) + (0 if closed else 1) < 4:  # shapely closes an open ring by itself
            return (
                f"{path} 是只有 {len(coords)} 个点的环,至少需要 4 个(首尾相同)",
                f"{path} is a ring of {len(coords)} position(s); a ring needs 4, the first repeated last",
            )
    if depth == 1 and kind in ("LineString", "MultiLineString") and len(coords) < 2:
        return (
            f"{path} 是只有 {len(coords)} 个点的线,至少需要 2 个",
            f"{path} is a line of {len(coords)} position(s); a line needs 2",
        )
    return None


def _geometry_problem(g: dict, path: str) -> tuple[str, str] | None:
    kind = g.get("type")
    if kind == "GeometryCollection":
        parts = g.get("geometries")
        if not isinstance(parts, list):
            return f"{path}.geometries 应为数组", f"{path}.geometries must be an array"
        for i, part in enumerate(parts):
            if not isinstance(part, dict):
                return f"{path}.geometries[{i}] 应为对象", f"{path}.geometries[{i}] must be an object"
            problem = _geometry_problem(part, f"{path}.geometries[{i}]")
            if problem:
                return problem
        return None
    if kind not in _GEOMETRY_TYPES:
        return f"{path}.type 不是几何类型:{kind!r}", f"{path}.type is not a geometry type: {kind!r}"
    if "coordinates" not in g:
        return f"{path}.coordinates 缺失", f"{path}.coordinates is missing"
    if g["coordinates"] == []:
        return None  # an empty geometry is legal GeoJSON; check_shape reports it as "empty"
    return _coordinates_problem(g["coordinates"], _GEOMETRY_TYPES[kind], kind, f"{path}.coordinates")


def _build_geometry(g: dict, path: str) -> tuple[BaseGeometry | None, str | None]:
    problem = _geometry_problem(g, path)
    if problem is None:
        try:
            with np.errstate(invalid="ignore"):  # NaN coordinates are check_shape's to report
                geom = shape(g)
        except Exception as e:  # shapely raises several kinds for malformed input
            problem = f"{path}:{e}", f"{path}: {e}"
        else:
            if shapely.has_z(geom):
                geom = shapely.force_2d(geom)  # altitude means nothing for a boundary
            return geom, None
    zh, en = problem
    return None, in_language(f"几何无法读取:{zh}", f"unreadable geometry: {en}")


def _as_code(v: Any) -> str | None:
    """A code as a string (DataV writes adcodes as numbers); None when absent or unusable."""
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        return None
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else None
    return str(v).strip() or None


def _as_count(v: Any, key: str, path: str, problems: list[str]) -> int | None:
    """A non-negative whole number; spreadsheets give "1,234" and 12.0, both fine."""
    if v is None or v == "":
        return None
    n: int | None = None
    if isinstance(v, bool):
        n = None
    elif isinstance(v, int):
        n = v
    elif isinstance(v, float) and v.is_integer():
        n = int(v)
    elif isinstance(v, str):
        s = v.strip().replace(",", "").replace(",", "")
        if s.isascii() and s.isdigit():
            n = int(s)
    if n is None or n < 0:
        shown = json.dumps(v, ensure_ascii=False)
        problems.append(in_language(f"{path}.properties.{key} 应为非负整数,实际为 {shown}",
                                    f"{path}.properties.{key} must be a whole number ≥ 0, got {shown}"))
        return None
    return n


def read_features(data: bytes | str | dict) -> list[ParsedFeature]:
    """The features of a FeatureCollection, a single Feature or a bare geometry.

    Properties read: code (else DataV's adcode), name, level (one of levels.LEVELS), parent
    (else the last of DataV's acroutes), households, population.
    """
    pairs, kind = _top_level(_load(data))
    errors = [e for path, f in pairs for e in _structure_errors(path, f)]
    if errors:
        place, zh, en = errors[0]
        more_zh = f"(共 {len(errors)} 处)" if len(errors) > 1 else ""
        more_en = f" ({len(errors)} places)" if len(errors) > 1 else ""
        raise _bad(
            f"GeoJSON 结构错误:{place} {zh}{more_zh}",
            f"malformed GeoJSON: {place} {en}{more_en}",
            place=place,
            errors=[{"place": p, "message": in_language(z, e)} for p, z, e in errors[:_MAX_FILE_ERRORS]],
            count=len(errors),
        )

    out = []
    for i, (path, f) in enumerate(pairs):
        props = f.get("properties") or {}
        problems: list[str] = []
        key = "code" if props.get("code") not in (None, "") else "adcode"
        code = _as_code(props.get(key))
        if code is None and props.get(key) not in (None, ""):
            shown = json.dumps(props[key], ensure_ascii=False)[:40]
            problems.append(in_language(f"{path}.properties.{key} 不是有效的代码:{shown}",
                                        f"{path}.properties.{key} is not a usable code: {shown}"))
        elif code is None and kind != "Geometry":  # a bare geometry is just a shape: no code to miss
            problems.append(in_language(f"{path} 缺少代码 (properties.code 或 adcode)",
                                        f"{path} has no code: properties.code or adcode"))
        name = props.get("name")
        name = str(name).strip() if name is not None and str(name).strip() else None
        if name is None and kind != "Geometry":
            problems.append(in_language(f"{path} 缺少名称 (properties.name)", f"{path} has no name: properties.name"))
        level = props.get("level") if props.get("level") in LEVELS else None
        parent = _as_code(props.get("parent"))
        if parent is None:
            parent = _as_code(props.get("parent_code"))
        routes = props.get("acroutes")
        if parent is None and isinstance(routes, list) and routes:
            parent = _as_code(routes[-1])
        households = _as_count(props.get("households"), "households", path, problems)
        population = _as_count(props.get("population"), "population", path, problems)
        geom = None
        gpath = f"{path}.geometry" if path else "geometry"
        if f["geometry"] is None:
            problems.append(in_language(f"{gpath} 为 null,没有边界", f"{gpath} is null: no boundary"))
        else:
            geom, problem = _build_geometry(f["geometry"], gpath)
            if problem:
                problems.append(problem)
        out.append(ParsedFeature(i, code, name, level, parent, households, population, props, geom, problems))
    return out


def _lists(obj: Any) -> Any:
    """Coordinates as nested lists of plain floats, as json would give them back."""
    if isinstance(obj, (tuple, list)):
        return [_lists(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _lists(v) for k, v in obj.items()}
    if isinstance(obj, np.floating):
        return float(obj)
    return obj


def to_feature(geom, properties: dict, *, ndigits: int = 6) -> dict:
    """An RFC 7946 Feature: coordinates rounded to `ndigits` (6 ≈ 0.1 m), polygon shells
    counter-clockwise and holes clockwise (right-hand rule), no "crs" (always WGS-84)."""
    geometry = None
    if geom is not None:
        g = round_coords(geom, ndigits)
        g = shapely.orient_polygons(g, exterior_cw=False)
        geometry = _lists(mapping(g))
    return {"type": "Feature", "properties": dict(properties or {}), "geometry": geometry}


def feature_collection(features: Iterable[dict], *, bbox: bool = True) -> dict:
    """A FeatureCollection; with `bbox` (and any coordinates) its [west, south, east, north]."""
    feats = list(features)
    fc: dict[str, Any] = {"type": "FeatureCollection", "features": feats}
    if bbox:
        # read from the coordinates: building a shape of every feature again only for its
        # bounds was a third of the cost of a map viewport
        boxes = [b for f in feats if f.get("geometry") for b in _bounds(f["geometry"])]
        if boxes:
            b = np.array(boxes, dtype=float)
            total = [b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()]
            if np.isfinite(total).all():
                fc["bbox"] = [float(v) for v in total]
    return fc


_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def _bounds(geometry: dict) -> list[tuple[float, float, float, float]]:
    """[west, south, east, north] of a GeoJSON geometry's positions ([] when it has none)."""
    kind = geometry.get("type") or ""
    if kind == "GeometryCollection":
        return [b for g in geometry.get("geometries") or [] for b in _bounds(g)]
    depth = _DEPTH.get(kind, -1)
    positions: list[Any] = [geometry.get("coordinates") or []]
    for _ in range(depth):
        positions = [p for part in positions for p in part]
    positions = [p[:2] for p in positions if len(p) >= 2]
    if depth < 0 or not positions:
        return []
    xy = np.array(positions, dtype=np.float64)
    return [(xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max())]
