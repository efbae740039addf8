"""What a wish is for and for whom: its categories and beneficiaries."""

from __future__ import annotations

from enum import StrEnum

# China has used UTC+8 without daylight saving since 1991: a fixed offset needs no tz database.
from ..error_codes import ErrorCode
from ..errors import ValidationError


class WishCategory(StrEnum):
    ELDERLY_CARE = "elderly_care"
    CHILDREN = "children"
    DISABILITY = "disability"
    STUDY = "study"
    DAILY_NECESSITIES = "daily_necessities"
    REPAIRS = "repairs"
    HEALTH = "health"
    COMPANIONSHIP = "companionship"
    OTHER = "other"

    @property
    def zh(self) -> str:
        return _CATEGORY_ZH[self]


_CATEGORY_ZH = {
    WishCategory.ELDERLY_CARE: "助老",
    WishCategory.CHILDREN: "关爱儿童",
    WishCategory.DISABILITY: "助残",
    WishCategory.STUDY: "助学",
    WishCategory.DAILY_NECESSITIES: "生活用品",
    WishCategory.REPAIRS: "维修",
    WishCategory.HEALTH: "医疗健康",
    WishCategory.COMPANIONSHIP: "陪伴",
    WishCategory.OTHER: "其他",
}
WISH_CATEGORIES: dict[str, str] = {c.value: c.zh for c in WishCategory}


class Beneficiary(StrEnum):
    """Who the wish is for: above all residents in difficulty (DOMAIN.md)."""

    ELDERLY = "elderly"
    DISABLED = "disabled"
    CHILDREN = "children"
    POOR_HOUSEHOLD = "poor_household"
    OTHER = "other"

    @property
    def zh(self) -> str:
        return _BENEFICIARY_ZH[self]


_BENEFICIARY_ZH = {
    Beneficiary.ELDERLY: "老年人",
    Beneficiary.DISABLED: "残疾人",
    Beneficiary.CHILDREN: "儿童",
    Beneficiary.POOR_HOUSEHOLD: "困难家庭",
    Beneficiary.OTHER: "其他",
}
BENEFICIARIES: dict[str, str] = {b.value: b.zh for b in Beneficiary}


def check_category(category: str) -> WishCategory:
    try:
        return WishCategory(category)
    except ValueError:
        raise ValidationError(
            f"未知的心愿类别 {category!r},应为 {'、'.join(WISH_CATEGORIES.values())} 之一",
            f"unknown wish category {category!r}; expected one of {', '.join(WISH_CATEGORIES)}",
            code=ErrorCode.UNKNOWN_CATEGORY, details={"category": category, "categories": list(WISH_CATEGORIES)},
        ) from None


def check_beneficiary(beneficiary: str) -> Beneficiary:
    try:
        return Beneficiary(beneficiary)
    except ValueError:
        raise ValidationError(
            f"未知的服务对象 {beneficiary!r},应为 {'、'.join(BENEFICIARIES.values())} 之一",
            f"unknown beneficiary group {beneficiary!r}; expected one of {', '.join(BENEFICIARIES)}",
            code=ErrorCode.UNKNOWN_BENEFICIARY,
            details={"beneficiary": beneficiary, "beneficiaries": list(BENEFICIARIES)},
        ) from None
