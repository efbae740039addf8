"""Information reports (信息报送, seeds 000 and 001): the rating of a year's count and the
checks on one report.

Each community files at least one report a month (001); the bureau rates the year's count:
0-9 差, 10-19 良, 20 or more 优 (000; the thresholds are settings, `Targets`).
"""

from __future__ import annotations

from datetime import date

from ..error_codes import ErrorCode
from ..errors import ValidationError
from .targets import Targets

RATINGS = ("优", "良", "差")
RATING_EN = {"优": "excellent", "良": "good", "差": "poor"}
TITLE_MAX = 200
BODY_MAX = 20000


def rate(reports: int, targets: Targets) -> str:
    """优, 良 or 差 for a year's count of reports."""
    if reports >= targets.report_excellent_from:
        return "优"
    if reports >= targets.report_good_from:
        return "良"
    return "差"


def rule_text(targets: Targets) -> str:
    """The rule as the table's last header states it (seed 000: 上报信息0—9篇为差;10—19为良;20篇以上为优)."""
    good, excellent = targets.report_good_from, targets.report_excellent_from
    return f"上报信息0—{good - 1}篇为差;{good}—{excellent - 1}为良;{excellent}篇以上为优"


def months_without_report(filed_months: set[int], year: int, today: date) -> list[int]:
    """The months of `year` (up to the current one) in which no report was filed (001: at least
    one a month). The current month is not missed yet while it lasts."""
    last = 12 if year < today.year else (today.month - 1 if year == today.year else 0)
    return [m for m in range(1, last + 1) if m not in filed_months]


def check_report(title: str, filed_on: date, pushed: bool, pushed_on: date | None, today: date) -> None:
    """A report names what it is, is not dated in the future, and is pushed after it was filed."""
    if not title.strip() or len(title) > TITLE_MAX:
        raise ValidationError(f"标题应为 1-{TITLE_MAX} 个字", f"the title must be 1-{TITLE_MAX} characters",
                              code=ErrorCode.BAD_TITLE, details={"field": "title"})
    if filed_on > today:
        raise ValidationError("上报日期不能晚于今天", "the report cannot be dated in the future",
                              code=ErrorCode.BAD_DATE, details={"field": "filed_on"})
    if pushed_on is not None and not pushed:
        raise ValidationError("未推送的信息不应有推送日期", "a report not pushed has no push date",
                              code=ErrorCode.BAD_DATE, details={"field": "pushed_on"})
    if pushed_on is not None and not filed_on <= pushed_on <= today:
        raise ValidationError("推送日期应在上报日期与今天之间", "the push date lies between the filing date and today",
                              code=ErrorCode.BAD_DATE, details={"field": "pushed_on"})
