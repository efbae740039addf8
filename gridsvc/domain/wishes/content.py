"""What a wish may say: title, value, dates, description, and the reasons staff give."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

# China has used UTC+8 without daylight saving since 1991: a fixed offset needs no tz database.
from ..dates import require_day
from ..error_codes import ErrorCode
from ..errors import FieldProblems, ValidationError
from .categories import Beneficiary, WishCategory, check_beneficiary, check_category

TITLE_MIN, TITLE_MAX = 2, 50
VALUE_CAP_DEFAULT = Decimal(500)  # yuan; each district may set its own cap
WISH_BY_MAX_DAYS = 365


@dataclass(frozen=True)
class WishInput:
    """A wish's content after `check_wish`: stripped title, value in yuan as an exact
    Decimal (two places at most), the wish-by date as a date."""

    title: str
    category: WishCategory
    value_yuan: Decimal
    wish_by: date
    beneficiary: Beneficiary | None = None


def _yuan(v: Decimal) -> str:
    """500 -> '500', 99.5 -> '99.5' (for messages)."""
    s = format(v.normalize(), "f")
    return s


def parse_value_yuan(value: object) -> Decimal:
    """An amount in yuan as a Decimal: ints, floats, Decimals and numeric strings, finite and
    with at most two decimal places (fen). Raises ``bad_value``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise ValidationError(
            "心愿估价应为数字(元)", "the value must be a number of yuan",
            code=ErrorCode.BAD_VALUE, details={"value": repr(value)},
        )
    try:
        d = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise ValidationError(
            f"心愿估价 {value!r} 不是数字", f"the value {value!r} is not a number",
            code=ErrorCode.BAD_VALUE, details={"value": str(value)},
        ) from None
    if not d.is_finite():
        raise ValidationError(
            "心愿估价应为有限数字", "the value must be a finite number", code=ErrorCode.BAD_VALUE,
            details={"value": str(value)},
        )
    if d != d.quantize(Decimal("0.01")):
        raise ValidationError(
            "心愿估价最多精确到分(两位小数)", "the value has at most two decimal places (fen)",
            code=ErrorCode.BAD_VALUE, details={"value": str(value)},
        )
    return d


def _as_date(value: object, field: str) -> date:
    return require_day(value, field)


def check_title(title: object, *, field: str = "title") -> str:
    norm = " ".join(title.split()) if isinstance(title, str) else ""
    if not TITLE_MIN <= len(norm) <= TITLE_MAX:
        raise ValidationError(
            f"标题应为 {TITLE_MIN}-{TITLE_MAX} 个字,现为 {len(norm)} 个",
            f"the title has {TITLE_MIN}-{TITLE_MAX} characters, got {len(norm)}",
            code=ErrorCode.BAD_TITLE, details={"field": field, "length": len(norm), "min": TITLE_MIN, "max": TITLE_MAX},
        )
    return norm


def check_wish(
    title: str,
    category: str,
    value_yuan: object,
    wish_by: date | str,
    today: date,
    value_cap: Decimal | int | float | str = VALUE_CAP_DEFAULT,
    *,
    beneficiary: str | None = None,
) -> WishInput:
    """Check a wish's content; return it normalised as a `WishInput`.

    - title: 2-50 characters once whitespace is collapsed (``bad_title``)
    - category: one of `WISH_CATEGORIES` (``unknown_category``)
    - value_yuan: 0 < value <= value_cap, fen precision (``bad_value``, ``value_over_cap``:
      the message names the district's cap, 500 yuan unless the district set another)
    - wish_by: from today up to 365 days ahead (``wish_by_past``, ``wish_by_too_far``)
    - beneficiary, when given: one of `BENEFICIARIES` (``unknown_beneficiary``)

    ``today`` is the city's date (see `clock.CHINA`), passed in so the rule stays pure. Every
    field's problem is found, not the first: one error names them all (`FieldProblems`).
    """
    problems = FieldProblems()
    norm_title = problems.check("title", check_title, title)
    cat = problems.check("category", check_category, category)
    cap = parse_value_yuan(value_cap)  # the district's setting, not the resident's input: raised at once
    if cap <= 0:
        raise ValidationError(
            "心愿估价上限应大于 0", "the value cap must be positive", code=ErrorCode.BAD_VALUE_CAP,
            details={"value_cap": str(cap)},
        )
    value = problems.check("value_yuan", check_value, value_yuan, cap)
    by = problems.check("wish_by", check_wish_by, wish_by, today)
    ben = problems.check("beneficiary", check_beneficiary, beneficiary) if beneficiary is not None else None
    problems.raise_any()
    return WishInput(norm_title, cat, value, by, ben)


def check_value(value_yuan: object, cap: Decimal) -> Decimal:
    """More than 0 and at most the district's cap, in fen (``bad_value``, ``value_over_cap``)."""
    value = parse_value_yuan(value_yuan)
    if value <= 0:
        raise ValidationError(
            "心愿估价应大于 0 元", "the value must be more than 0 yuan", code=ErrorCode.BAD_VALUE,
            details={"value": str(value)},
        )
    if value > cap:
        raise ValidationError(
            f"心愿估价不能超过本区上限 {_yuan(cap)} 元,现为 {_yuan(value)} 元",
            f"the value may not exceed the district's cap of {_yuan(cap)} yuan; got {_yuan(value)}",
            code=ErrorCode.VALUE_OVER_CAP, details={"value": str(value), "value_cap": str(cap)},
        )
    return value


def check_wish_by(wish_by: object, today: date) -> date:
    """From today up to 365 days ahead (``wish_by_past``, ``wish_by_too_far``)."""
    by = _as_date(wish_by, "wish_by")
    if by < today:
        raise ValidationError(
            f"期望完成日期 {by} 已过", f"the wish-by date {by} is in the past",
            code=ErrorCode.WISH_BY_PAST, details={"wish_by": by.isoformat(), "today": today.isoformat()},
        )
    latest = today + timedelta(days=WISH_BY_MAX_DAYS)
    if by > latest:
        raise ValidationError(
            f"期望完成日期 {by} 超过一年(最晚 {latest})",
            f"the wish-by date {by} is more than a year ahead (latest {latest})",
            code=ErrorCode.WISH_BY_TOO_FAR, details={"wish_by": by.isoformat(), "latest": latest.isoformat()},
        )
    return by


REASON_MIN, REASON_MAX = 2, 200


def check_reason(reason: object) -> str:
    """The reason given when staff return a wish or a resident reopens one (2-200 chars)."""
    norm = reason.strip() if isinstance(reason, str) else ""
    if not REASON_MIN <= len(norm) <= REASON_MAX:
        raise ValidationError(
            f"请填写原因({REASON_MIN}-{REASON_MAX} 个字)",
            f"give a reason of {REASON_MIN}-{REASON_MAX} characters",
            code=ErrorCode.BAD_REASON, details={"length": len(norm), "min": REASON_MIN, "max": REASON_MAX},
        )
    return norm


DESCRIPTION_MAX = 500


def check_description(text: object) -> str:
    """An optional longer description of a wish (at most 500 characters; blank means none)."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise ValidationError("描述应为文本", "the description must be text", code=ErrorCode.BAD_DESCRIPTION,
                              details={"field": "description"})
    norm = text.strip()
    if len(norm) > DESCRIPTION_MAX:
        raise ValidationError(
            f"描述最多 {DESCRIPTION_MAX} 个字,现为 {len(norm)} 个",
            f"a description has at most {DESCRIPTION_MAX} characters, got {len(norm)}",
            code=ErrorCode.BAD_DESCRIPTION,
            details={"field": "description", "length": len(norm), "max": DESCRIPTION_MAX},
        )
    return norm
