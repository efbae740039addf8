"""Community service space (issue 12 item 6, seeds 002 and 003): the service rooms (综合服务设施)
should give at least 30 m² per 100 households, and the outdoor activity space 1,000 m² (settings
`Targets.service_m2_per_100_households`, `Targets.outdoor_m2`)."""

from __future__ import annotations

from ..error_codes import ErrorCode
from ..errors import ValidationError

KINDS = ("room", "outdoor")  # a service room (indoor) or an outdoor activity space
NAME_MAX = 100
MAX_M2 = 1_000_000  # a square kilometre: more is a unit slip (hectares, square feet)


def rooms_met(room_m2: float, households: int | None, per_100: int) -> bool | None:
    """Rooms reach `per_100` m² per 100 households; None without a household count. Areas are kept
    to 0.1 m², so the test is in whole tenths (m² × 1,000 ≥ per_100 × households × 10): exactly at
    the target meets it, with no float rounding in the way (495.9 × 100 is not 49,590 in floats)."""
    if not households:
        return None
    return round(room_m2 * 10) * 100 >= per_100 * households * 10


def m2_per_100(room_m2: float, households: int | None) -> float | None:
    return round(room_m2 * 100 / households, 1) if households else None


def outdoor_met(outdoor_m2: float, target: int) -> bool:
    return outdoor_m2 >= target


def check_space(name: str, kind: str, m2: float) -> None:
    if not name.strip() or len(name) > NAME_MAX:
        raise ValidationError(f"名称应为 1-{NAME_MAX} 个字", f"the name must be 1-{NAME_MAX} characters",
                              code=ErrorCode.BAD_FIELD, details={"field": "name"})
    if kind not in KINDS:
        raise ValidationError("类型应为服务用房(room)或户外活动场地(outdoor)", "kind must be room or outdoor",
                              code=ErrorCode.BAD_FIELD, details={"field": "kind", "choices": list(KINDS)})
    if not 0 < m2 <= MAX_M2:
        raise ValidationError(f"面积应在 0-{MAX_M2:,} m² 之间", f"the area must be within 0-{MAX_M2:,} m²",
                              code=ErrorCode.BAD_SPACE, details={"field": "m2"})
