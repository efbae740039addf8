""""Which area is this point in": the check of the point and the shape of the answer, shared by
the locate API and the home page's form (both ask the same in-process index)."""

from __future__ import annotations

from .error_codes import ErrorCode
from .errors import ValidationError, in_language
from .geometry import CHINA_BOUNDS


def check_point(lon: float, lat: float, where: str = "") -> None:
    """Coordinates out of range are refused; swapped longitude and latitude are named as such."""
    if -180 <= lon <= 180 and -90 <= lat <= 90:
        return
    hint_zh, hint_en = "", ""
    if -90 <= lon <= 90 and -180 <= lat <= 180:
        hint_zh, hint_en = ",经纬度可能写反了(先经度后纬度)", "; longitude and latitude look swapped (lon first)"
    raise ValidationError(f"{where}坐标 ({lon}, {lat}) 超出范围{hint_zh}",
                          f"{where}coordinates ({lon}, {lat}) out of range{hint_en}",
                          code=ErrorCode.BAD_COORDINATES, details={"lon": lon, "lat": lat})


def answer(chain: list, lon: float, lat: float) -> dict:
    """The locate answer: the chain of areas, and a hint when a point in China's bounds (read
    the other way round) found nothing: longitude and latitude are often swapped."""
    body: dict = {"lon": lon, "lat": lat, "found": bool(chain), "areas": chain}
    if not chain and CHINA_BOUNDS[0] <= lat <= CHINA_BOUNDS[2] and CHINA_BOUNDS[1] <= lon <= CHINA_BOUNDS[3]:
        body["hint"] = in_language("经纬度可能写反了", "lon and lat may be swapped")
    return body
