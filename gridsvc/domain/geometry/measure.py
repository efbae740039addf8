"""Measuring on the WGS-84 ellipsoid: metres per degree, areas in m², local metric planes, valid polygonal parts."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

_POLYGONAL = ("Polygon", "MultiPolygon")

# WGS-84 ellipsoid
_A = 6378137.0
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)
_E = math.sqrt(_E2)


def meters_to_degrees(m: float, lat: float) -> float:
    """Degrees of longitude that span `m` metres at latitude `lat` (WGS-84).

    A degree of longitude is the shorter of the two, so a tolerance converted with this is
    never tighter than asked in any direction.
    """
    return m / _m_per_deg_lon(lat)


def _m_per_deg_lon(lat: float) -> float:
    phi = math.radians(max(-89.9, min(89.9, lat)))  # keep finite near the poles
    s = math.sin(phi)
    return math.radians(1) * _A * math.cos(phi) / math.sqrt(1 - _E2 * s * s)


def _m_per_deg_lat(lat: float) -> float:
    s = math.sin(math.radians(lat))
    return math.radians(1) * _A * (1 - _E2) / (1 - _E2 * s * s) ** 1.5


def _fmt_point(p: tuple[float, float] | None) -> str:
    return f"({p[0]:.6f}, {p[1]:.6f})" if p else ""


def _fmt_m2(x: float) -> str:
    return f"{x:,.1f} m²"


# --------------------------------------------------------------------------- area


def _authalic_q(lat_deg: np.ndarray) -> np.ndarray:
    """Half of q(φ): with it, a²·Δλ·Δ(q/2) is the exact ellipsoidal area of a lon/lat cell."""
    s = np.sin(np.radians(lat_deg))
    return 0.5 * (1 - _E2) * (s / (1 - _E2 * s * s) + np.arctanh(_E * s) / _E)


def _polygon_parts(geoms: np.ndarray, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All polygons inside `geoms` (through multi-parts and collections) and whose they are."""
    polys, owners = [], []
    while len(geoms):
        types = shapely.get_type_id(geoms)
        keep = types == 3
        polys.append(geoms[keep])
        owners.append(index[keep])
        nested = (types == 6) | (types == 7)  # MultiPolygon, GeometryCollection
        geoms, sub = shapely.get_parts(geoms[nested], return_index=True)
        index = index[nested][sub]
    return np.concatenate(polys), np.concatenate(owners)


def areas_m2(geoms: Sequence | np.ndarray) -> np.ndarray:
    """Vectorised `area_m2`: the ellipsoidal area of each geometry, in m².

    Each ring's area is the shoelace formula in the cylindrical equal-area projection of the
    WGS-84 ellipsoid (x = λ, y = q(φ)/2): the spherical-excess method of turf/mapbox `area`,
    with the authalic latitude instead of a sphere, so a 1°×1° cell at the equator is the
    ellipsoid's 12,308 km² (the R=6378137 sphere says 12,391 km², 0.7% too much). Edges are
    straight in that projection; on grids and districts the difference from geodesic edges is
    far below digitising error.
    """
    arr = np.asarray(geoms, dtype=object).reshape(-1)
    out = np.zeros(len(arr))
    if not len(arr):
        return out
    types = shapely.get_type_id(arr)  # -1 for None
    if (types == 3).all():
        polys, owners = arr, np.arange(len(arr))
    else:
        present = np.flatnonzero(types >= 0)
        polys, owners = _polygon_parts(arr[present], present)
        if not len(polys):
            return out
    rings, ring_poly = shapely.get_rings(polys, return_index=True)
    if not len(rings):
        return out
    exterior = np.ones(len(rings), dtype=bool)  # get_rings lists each polygon's shell first
    exterior[1:] = ring_poly[1:] != ring_poly[:-1]
    xy, ring_of = shapely.get_coordinates(rings, return_index=True)
    x = np.radians(xy[:, 0])
    y = _authalic_q(xy[:, 1])
    same = ring_of[1:] == ring_of[:-1]  # consecutive vertices of one (closed) ring
    # trapezoids Δx·(y0+y1)/2: differences of x and sums of y, so no cancellation on small rings
    seg = (x[1:] - x[:-1]) * (y[1:] + y[:-1])
    ring_area = np.abs(np.bincount(ring_of[:-1][same], weights=seg[same], minlength=len(rings))) * (0.5 * _A * _A)
    ring_area[~exterior] *= -1
    poly_area = np.maximum(np.bincount(ring_poly, weights=ring_area, minlength=len(polys)), 0.0)
    out += np.bincount(owners, weights=poly_area, minlength=len(arr))
    return out


def area_m2(geom) -> float:
    """Ellipsoidal area in m² of a Polygon/MultiPolygon (its polygons in a collection); 0 for
    points and lines. See `areas_m2`."""
    if geom is None:
        return 0.0
    return float(areas_m2([geom])[0])


# --------------------------------------------------------------------------- helpers


def _polygonal(geom) -> BaseGeometry:
    """The polygonal part of a geometry as a Polygon or MultiPolygon (possibly empty)."""
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    if geom.geom_type in _POLYGONAL:
        return geom
    parts, _ = _polygon_parts(np.array([geom], dtype=object), np.zeros(1, dtype=int))
    polys = [p for p in parts if not p.is_empty]
    if not polys:
        return shapely.Polygon()
    if len(polys) == 1:
        return polys[0]
    return shapely.union_all(polys)  # parts of a valid collection may touch: merge them


def _valid(geom) -> BaseGeometry:
    """`geom` itself when valid, else its repaired polygonal part (GEOS overlay needs valid input)."""
    if geom is None:
        return shapely.Polygon()
    if shapely.is_valid(geom):
        return geom
    if geom.geom_type == "Point":
        return geom
    return _polygonal(shapely.make_valid(geom))


def _valid_many(arr: np.ndarray) -> np.ndarray:
    bad = ~shapely.is_valid(arr)
    if bad.any():
        arr = arr.copy()
        for i in np.flatnonzero(bad):
            arr[i] = _valid(arr[i])
    return arr


def _local_metres(geoms, lon0: float, lat0: float):
    """Geometries in a local equirectangular plane in metres around (lon0, lat0).

    Good to well below a metre over the few kilometres a tolerance check looks at.
    """
    kx, ky = _m_per_deg_lon(lat0), _m_per_deg_lat(lat0)

    def fn(c: np.ndarray) -> np.ndarray:
        return np.column_stack(((c[:, 0] - lon0) * kx, (c[:, 1] - lat0) * ky))

    return shapely.transform(geoms, fn)


def _from_local_metres(p: tuple[float, float], lon0: float, lat0: float) -> tuple[float, float]:
    return (lon0 + p[0] / _m_per_deg_lon(lat0), lat0 + p[1] / _m_per_deg_lat(lat0))
