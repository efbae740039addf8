"""Consultations (协商议事, seed 002 §4-5, 003 §15) as a state machine, by the five steps of the
seeds: 民事民提 (a matter is raised) → 民议 (discussed in a meeting with minutes) → 民决 (decided)
→ 民办 (carried out) → 民评 (the residents evaluate it; the matter is concluded). A matter raised
or discussed may be dropped with a reason (not every matter is the community's to settle).

Decided, carried-out and concluded matters are made public (居务公开) on the community's page;
meetings are published by date, head count and the kinds of participant (never names: the
minutes, which may quote residents, stay with the staff)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from ..error_codes import ErrorCode
from ..errors import Conflict, ValidationError


class Status(StrEnum):
    RAISED = "raised"
    DISCUSSED = "discussed"
    DECIDED = "decided"
    CARRIED_OUT = "carried_out"
    CONCLUDED = "concluded"
    DROPPED = "dropped"


STATUS_ZH = {Status.RAISED: "已提出(民事民提)", Status.DISCUSSED: "已议事(民议)", Status.DECIDED: "已决策(民决)",
             Status.CARRIED_OUT: "已实施(民办)", Status.CONCLUDED: "已评议办结(民评)", Status.DROPPED: "已终止"}
# action -> (from, to, words)
STEPS: dict[str, tuple[tuple[Status, ...], Status, str]] = {
    "meet": ((Status.RAISED, Status.DISCUSSED), Status.DISCUSSED, "记录议事会议"),
    "decide": ((Status.DISCUSSED,), Status.DECIDED, "作出决定"),
    "carry_out": ((Status.DECIDED,), Status.CARRIED_OUT, "登记实施结果"),
    "evaluate": ((Status.CARRIED_OUT,), Status.CONCLUDED, "登记居民评议"),
    "drop": ((Status.RAISED, Status.DISCUSSED), Status.DROPPED, "终止"),
}
PUBLIC = (Status.DECIDED, Status.CARRIED_OUT, Status.CONCLUDED)
RAISERS = ("resident", "group", "staff", "organisation")  # 居民, 居民小组/楼栋, 社区工作人员, 社会组织或驻区单位
RAISER_ZH = {"resident": "居民", "group": "居民小组或楼栋", "staff": "社区工作人员",
             "organisation": "社会组织或驻区单位"}
# who took part in a meeting, by kind: a public record without anyone's name
PARTICIPANTS = ("residents", "building_heads", "committee", "grid_workers", "property", "owners_committee",
                "party_members", "units", "organisations")
PARTICIPANT_ZH = {"residents": "居民代表", "building_heads": "楼栋长", "committee": "社区两委成员",
                  "grid_workers": "网格员", "property": "物业服务企业", "owners_committee": "业主委员会",
                  "party_members": "党员", "units": "驻区单位", "organisations": "社会组织"}
TEXT_MAX = 5000
TITLE_MAX = 200


def next_status(status: str, action: str) -> Status:
    """The status `action` leads to from `status`; 409 `bad_transition` naming what is allowed."""
    if action not in STEPS:
        raise ValidationError(f"未知的操作 {action[:20]!r}", f"unknown action {action[:20]!r}",
                              code=ErrorCode.UNKNOWN_ACTION, details={"action": action, "actions": list(STEPS)})
    st = Status(status)
    sources, target, words = STEPS[action]
    if st not in sources:
        raise Conflict(f"议事当前为「{STATUS_ZH[st]}」,不能{words}",
                       f"cannot {action} a consultation that is {st.value}", code=ErrorCode.BAD_TRANSITION,
                       details={"status": st.value, "action": action, "allowed": allowed(st)})
    return target


def allowed(status: str) -> list[str]:
    return [a for a, (sources, _t, _w) in STEPS.items() if status in sources]


def is_public(status: str) -> bool:
    return status in PUBLIC


def _text(value: str, field: str, limit: int = TEXT_MAX) -> None:
    if not value.strip() or len(value) > limit:
        raise ValidationError(f"{field} 应为 1-{limit} 个字", f"{field} must be 1-{limit} characters",
                              code=ErrorCode.BAD_TITLE if field == "title" else ErrorCode.BAD_FIELD,
                              details={"field": field})


def check_date(day: date, after: date | None, today: date, field: str) -> None:
    """A step is dated between the step before it and today."""
    if day > today:
        raise ValidationError("日期不能晚于今天", "the date cannot be in the future", code=ErrorCode.BAD_DATE,
                              details={"field": field})
    if after is not None and day < after:
        raise ValidationError(f"日期不能早于上一步({after.isoformat()})",
                              f"the date cannot precede the step before ({after.isoformat()})",
                              code=ErrorCode.BAD_DATE, details={"field": field, "after": after.isoformat()})


def check_raise(title: str, matter: str, raised_by: str) -> None:
    _text(title, "title", TITLE_MAX)
    _text(matter, "matter")
    if raised_by not in RAISERS:
        raise ValidationError("提出方应为居民、居民小组或楼栋、社区工作人员、社会组织或驻区单位之一",
                              f"raised_by must be one of {', '.join(RAISERS)}", code=ErrorCode.BAD_FIELD,
                              details={"field": "raised_by", "choices": list(RAISERS)})


def check_meeting(participants: int, kinds: list[str], minutes: str) -> None:
    if not 2 <= participants <= 10_000:
        raise ValidationError("参加人数应为 2-10000", "a meeting has 2-10,000 participants", code=ErrorCode.BAD_COUNT,
                              details={"field": "participants"})
    bad = [k for k in kinds if k not in PARTICIPANTS]
    if not kinds or bad:
        raise ValidationError("参加人员类别无效(按类别登记,不登记姓名)", "participant kinds are invalid",
                              code=ErrorCode.BAD_FIELD,
                              details={"field": "participant_kinds", "bad": bad, "choices": list(PARTICIPANTS)})
    _text(minutes, "minutes")


def check_evaluation(satisfied: int, fair: int, dissatisfied: int) -> None:
    """民评: the residents' votes (满意, 基本满意, 不满意); at least one vote."""
    if min(satisfied, fair, dissatisfied) < 0 or satisfied + fair + dissatisfied == 0:
        raise ValidationError("评议票数应为非负整数,且至少一票", "evaluation needs at least one vote, none negative",
                              code=ErrorCode.BAD_EVALUATION, details={"field": "satisfied"})


def satisfaction(satisfied: int, fair: int, dissatisfied: int) -> float | None:
    """The share of 满意 and 基本满意 votes (the seeds judge work by residents' satisfaction)."""
    total = satisfied + fair + dissatisfied
    return (satisfied + fair) / total if total else None


def check_text(value: str, field: str) -> None:
    _text(value, field)
