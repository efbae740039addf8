"""Chinese web-map coordinate systems: WGS-84 / CGCS2000, GCJ-02 and BD-09.

- WGS-84 (GPS) and CGCS2000 (China's geodetic datum) differ by centimetres; gridsvc treats
  them as one and stores WGS-84 longitude, latitude.
- GCJ-02 ("Mars coordinates", 国测局坐标) is the obfuscated system every map sold in China
  must use: AMap/Gaode, Tencent, DataV GeoAtlas. It shifts points by a few hundred metres.
- BD-09 is Baidu's further shift of GCJ-02.

The forward GCJ-02 formula is the widely published one (Krasovsky ellipsoid constants). Its
inverse has no closed form: `gcj02_to_wgs84` starts from the usual one-step approximation
(error up to ~1-2 m) and refines it by fixed-point iteration until the forward transform of
the answer reproduces the input to < 1e-9 degrees (~0.1 mm); the BD-09 inverse is refined the
same way. Points outside China's bounding box are left unchanged by every transform, the
convention of the published code.

Every function accepts scalars or numpy arrays (any shape, broadcast together) and returns
the same kind: Python floats for scalars, float arrays otherwise.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import shapely

from .error_codes import ErrorCode
from .errors import ValidationError

CRS_NAMES: tuple[str, ...] = ("wgs84", "cgcs2000", "gcj02", "bd09")

# Spellings accepted from the CLI and the API, normalised to CRS_NAMES.
_ALIASES = {
    "wgs84": "wgs84",
    "wgs-84": "wgs84",
    "wgs_84": "wgs84",
    "wgs 84": "wgs84",
    "epsg:4326": "wgs84",
    "4326": "wgs84",
    "gps": "wgs84",
    "cgcs2000": "cgcs2000",
    "cgcs-2000": "cgcs2000",
    "cgcs_2000": "cgcs2000",
    "epsg:4490": "cgcs2000",
    "4490": "cgcs2000",
    "gcj02": "gcj02",
    "gcj-02": "gcj02",
    "gcj_02": "gcj02",
    "gcj": "gcj02",
    "amap": "gcj02",
    "gaode": "gcj02",
    "bd09": "bd09",
    "bd-09": "bd09",
    "bd_09": "bd09",
    "bd09ll": "bd09",
    "baidu": "bd09",
}
# cgcs2000 and wgs84 differ by centimetres: one system for our purposes.
_CANONICAL = {"wgs84": "wgs84", "cgcs2000": "wgs84", "gcj02": "gcj02", "bd09": "bd09"}

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0

_ITER_TOL = 1e-9  # degrees; the inverses stop when the forward image is this close
_ITER_MAX = 30


def check_crs(name: str) -> str:
    """Normalise a CRS argument (`WGS84`, `gcj-02`, `EPSG:4326` ...) to one of CRS_NAMES."""
    key = str(name).strip().lower() if name is not None else ""
    if key in _ALIASES:
        return _ALIASES[key]
    raise ValidationError(
        f"未知的坐标系 {name!r},应为 {' '.join(CRS_NAMES)} 之一",
        f"unknown coordinate reference system {name!r}; expected one of {', '.join(CRS_NAMES)}",
        code=ErrorCode.UNKNOWN_CRS,
        details={"crs": name, "allowed": list(CRS_NAMES)},
    )


def _as_arrays(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray, bool]:
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    x, y = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return x, y, scalar


def _out(x: np.ndarray, y: np.ndarray, scalar: bool) -> tuple[Any, Any]:
    if scalar:
        return float(x), float(y)
    return x, y


def _out_of_china(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (x < 72.004) | (x > 137.8347) | (y < 0.8293) | (y > 55.8271)


def out_of_china(lon: Any, lat: Any) -> bool | np.ndarray:
    """True where a point lies outside China's bounding box (the GCJ-02 convention)."""
    x, y, scalar = _as_arrays(lon, lat)
    res = _out_of_china(x, y)
    return bool(res) if scalar else res


def _gcj_delta(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 minus WGS-84 at WGS-84 point (x, y), in degrees, without the China mask."""
    dx0 = x - 105.0
    dy0 = y - 35.0
    sq = np.sqrt(np.abs(dx0))
    common = (20.0 * np.sin(6.0 * np.pi * dx0) + 20.0 * np.sin(2.0 * np.pi * dx0)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * dx0 + 3.0 * dy0 + 0.2 * dy0 * dy0 + 0.1 * dx0 * dy0 + 0.2 * sq
    dlat = dlat + common
    dlat = dlat + (20.0 * np.sin(dy0 * np.pi) + 40.0 * np.sin(dy0 / 3.0 * np.pi)) * 2.0 / 3.0
    dlat = dlat + (160.0 * np.sin(dy0 / 12.0 * np.pi) + 320.0 * np.sin(dy0 * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + dx0 + 2.0 * dy0 + 0.1 * dx0 * dx0 + 0.1 * dx0 * dy0 + 0.1 * sq
    dlon = dlon + common
    dlon = dlon + (20.0 * np.sin(dx0 * np.pi) + 40.0 * np.sin(dx0 / 3.0 * np.pi)) * 2.0 / 3.0
    dlon = dlon + (150.0 * np.sin(dx0 / 12.0 * np.pi) + 300.0 * np.sin(dx0 / 30.0 * np.pi)) * 2.0 / 3.0
    radlat = y / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def _wgs_to_gcj_raw(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dlon, dlat = _gcj_delta(x, y)
    return x + dlon, y + dlat


def _gcj_to_bd_raw(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _bd_to_gcj_approx(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = x - 0.0065
    y = y - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def _invert(
    forward: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    x: np.ndarray,
    y: np.ndarray,
    x0: np.ndarray,
    y0: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Solve forward(u, v) = (x, y) by fixed-point iteration from (x0, y0).

    The shifts are smooth and change by far less than 1 per unit (|d shift / d coord| is of
    the order of 1e-3), so u <- u - (forward(u) - x) contracts quickly: 2-4 rounds reach 1e-9.
    """
    u, v = x0.copy(), y0.copy()
    for _ in range(_ITER_MAX):
        fx, fy = forward(u, v)
        ex, ey = fx - x, fy - y
        u = u - ex
        v = v - ey
        if ex.size == 0 or max(float(np.max(np.abs(ex))), float(np.max(np.abs(ey)))) < _ITER_TOL:
            break
    return u, v


def wgs84_to_gcj02(lon: Any, lat: Any) -> tuple[Any, Any]:
    x, y, scalar = _as_arrays(lon, lat)
    gx, gy = _wgs_to_gcj_raw(x, y)
    out = _out_of_china(x, y)
    return _out(np.where(out, x, gx), np.where(out, y, gy), scalar)


def gcj02_to_wgs84(lon: Any, lat: Any) -> tuple[Any, Any]:
    """The exact inverse of wgs84_to_gcj02 (iterative; < 1e-9 degrees residual)."""
    x, y, scalar = _as_arrays(lon, lat)
    dlon, dlat = _gcj_delta(x, y)
    wx, wy = _invert(_wgs_to_gcj_raw, x, y, x - dlon, y - dlat)
    out = _out_of_china(x, y)
    return _out(np.where(out, x, wx), np.where(out, y, wy), scalar)


def gcj02_to_bd09(lon: Any, lat: Any) -> tuple[Any, Any]:
    x, y, scalar = _as_arrays(lon, lat)
    bx, by = _gcj_to_bd_raw(x, y)
    out = _out_of_china(x, y)
    return _out(np.where(out, x, bx), np.where(out, y, by), scalar)


def bd09_to_gcj02(lon: Any, lat: Any) -> tuple[Any, Any]:
    """The inverse of gcj02_to_bd09: the published formula, refined iteratively."""
    x, y, scalar = _as_arrays(lon, lat)
    ax, ay = _bd_to_gcj_approx(x, y)
    gx, gy = _invert(_gcj_to_bd_raw, x, y, ax, ay)
    out = _out_of_china(x, y)
    return _out(np.where(out, x, gx), np.where(out, y, gy), scalar)


def wgs84_to_bd09(lon: Any, lat: Any) -> tuple[Any, Any]:
    x, y, scalar = _as_arrays(lon, lat)
    gx, gy = wgs84_to_gcj02(x, y)
    return _out(*gcj02_to_bd09(gx, gy), scalar)


def bd09_to_wgs84(lon: Any, lat: Any) -> tuple[Any, Any]:
    x, y, scalar = _as_arrays(lon, lat)
    gx, gy = bd09_to_gcj02(x, y)
    return _out(*gcj02_to_wgs84(gx, gy), scalar)


_PAIRS: dict[tuple[str, str], Callable[[Any, Any], tuple[Any, Any]]] = {
    ("wgs84", "gcj02"): wgs84_to_gcj02,
    ("gcj02", "wgs84"): gcj02_to_wgs84,
    ("gcj02", "bd09"): gcj02_to_bd09,
    ("bd09", "gcj02"): bd09_to_gcj02,
    ("wgs84", "bd09"): wgs84_to_bd09,
    ("bd09", "wgs84"): bd09_to_wgs84,
}


def transform_coords(lon: Any, lat: Any, src: str, dst: str) -> tuple[Any, Any]:
    """Transform coordinates between any two of CRS_NAMES (scalars or arrays)."""
    s, d = _CANONICAL[check_crs(src)], _CANONICAL[check_crs(dst)]
    if s == d:
        x, y, scalar = _as_arrays(lon, lat)
        return _out(x.copy(), y.copy(), scalar)
    return _PAIRS[(s, d)](lon, lat)


def transform_geometry(geom: Any, src: str, dst: str) -> Any:
    """Transform a shapely geometry (or an array of them) from `src` to `dst`.

    Vectorised over all vertices with shapely.transform. Z values, where present, are kept.
    Returns the input unchanged when the systems are the same (cgcs2000 = wgs84).
    """
    s, d = _CANONICAL[check_crs(src)], _CANONICAL[check_crs(dst)]
    if s == d:
        return geom
    func = _PAIRS[(s, d)]

    def _xy(coords: np.ndarray) -> np.ndarray:
        out = np.array(coords, dtype=float, copy=True)
        if len(out):
            tx, ty = func(out[:, 0], out[:, 1])
            out[:, 0] = tx
            out[:, 1] = ty
        return out

    return shapely.transform(geom, _xy, include_z=None)
