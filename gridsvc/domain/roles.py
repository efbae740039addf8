"""Roles, the five staff tiers, and which level each tier is assigned to."""

from __future__ import annotations

from .error_codes import ErrorCode
from .errors import ValidationError
from .levels import group_leader_name_zh

ROLES: tuple[str, ...] = (
    "admin",
    "official",
    "instructor",
    "head",
    "worker",
    "group_leader",
    "building_head",
    "org_member",
    "volunteer",
    "resident",
)

ROLE_NAMES_ZH = {
    "admin": "平台管理员",
    "official": "民政干部",
    "instructor": "网格指导员",
    "head": "网格长",
    "worker": "网格员",
    "group_leader": "居(村)民小组长",  # 村民小组长 in a village: see `role_name_zh`
    "building_head": "楼栋长",
    "org_member": "社会组织成员",
    "volunteer": "志愿者",
    "resident": "居民",
}

# 五级网格组织体系: tier number, role, and the level of area the tier is assigned to.
STAFF_TIERS: tuple[str, ...] = ("instructor", "head", "worker", "group_leader", "building_head")
TIER_NUMBER = {role: i + 1 for i, role in enumerate(STAFF_TIERS)}
TIER_LEVEL = {
    "instructor": "community",
    "head": "community",
    "worker": "grid",
    "group_leader": "group",
    "building_head": "building",
}
# Which area levels a non-staff role may be given as its scope.
ROLE_AREA_LEVELS = {
    "official": ("city", "district", "street"),
    "resident": ("building",),
    "volunteer": ("district", "street", "community"),
    "org_member": (),
    "admin": (),
}


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError(
            f"未知角色 {role!r}", f"unknown role {role!r}; expected one of {', '.join(ROLES)}",
            code=ErrorCode.UNKNOWN_ROLE, details={"role": role, "roles": list(ROLES)},
        )
    return role


def is_staff(role: str) -> bool:
    return role in TIER_NUMBER


def allowed_area_levels(role: str) -> tuple[str, ...]:
    if role in TIER_LEVEL:
        return (TIER_LEVEL[role],)
    return ROLE_AREA_LEVELS.get(role, ())


def check_assignment(role: str, area_level: str, area_code: str) -> None:
    levels = allowed_area_levels(role)
    if area_level not in levels:
        want = "、".join(levels) if levels else "无"
        raise ValidationError(
            f"{ROLE_NAMES_ZH[role]}只能分配到层级为 {want} 的区域,{area_code} 是 {area_level}",
            f"a {role} is assigned to areas of level {', '.join(levels) or 'none'}; {area_code} is a {area_level}",
            code=ErrorCode.BAD_ASSIGNMENT_LEVEL,
            details={"role": role, "area": area_code, "level": area_level, "allowed": list(levels)},
        )


def supervisor_role(role: str) -> str | None:
    """The tier one above (网格员 reports to 网格长, ...); the instructor reports to nobody here."""
    n = TIER_NUMBER.get(role)
    if not n or n == 1:
        return None
    return STAFF_TIERS[n - 2]


def role_name_zh(role: str, area_code: str | None = None) -> str:
    """A role's Chinese title; a group leader is 居民小组长 in a community, 村民小组长 in a village."""
    if role == "group_leader" and area_code and len(area_code) >= 12:
        try:
            return group_leader_name_zh(area_code)
        except ValidationError:
            pass
    return ROLE_NAMES_ZH[role]
