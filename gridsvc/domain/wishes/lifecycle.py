"""The state machine of a wish: statuses, actions, who may take them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Iterable

# China has used UTC+8 without daylight saving since 1991: a fixed offset needs no tz database.
from ..error_codes import ErrorCode
from ..errors import Conflict, Forbidden, ValidationError


class WishStatus(StrEnum):
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    CLAIMED = "claimed"
    FULFILLED = "fulfilled"
    CONFIRMED = "confirmed"
    MERGED = "merged"

    @property
    def zh(self) -> str:
        return _STATUS_ZH[self]


_STATUS_ZH = {
    WishStatus.SUBMITTED: "待审核",
    WishStatus.PUBLISHED: "待认领",
    WishStatus.RETURNED: "已退回",
    WishStatus.WITHDRAWN: "已撤回",
    WishStatus.CLAIMED: "已认领",
    WishStatus.FULFILLED: "已完成待确认",
    WishStatus.CONFIRMED: "已实现",
    WishStatus.MERGED: "已合并",
}
WISH_STATUSES: dict[str, str] = {s.value: s.zh for s in WishStatus}
FINAL_STATUSES = frozenset({WishStatus.WITHDRAWN, WishStatus.MERGED, WishStatus.CONFIRMED})


class WishAction(StrEnum):
    PUBLISH = "publish"
    RETURN = "return"
    RESUBMIT = "resubmit"
    WITHDRAW = "withdraw"
    MERGE = "merge"
    CLAIM = "claim"
    EXTEND = "extend"
    RELEASE = "release"
    EXPIRE = "expire"
    FULFIL = "fulfil"
    CONFIRM = "confirm"
    REOPEN = "reopen"

    @property
    def zh(self) -> str:
        return TRANSITIONS[self].zh


class Actor(StrEnum):
    """How the acting user stands to this wish; the web layer works it out (owner of the wish,
    staff whose scope holds the wish's grid, the holder of the active claim, ...)."""

    RESIDENT_OWNER = "resident_owner"  # the resident who posted it
    GRID_STAFF = "grid_staff"  # staff whose areas contain the wish's grid
    ORG_MEMBER = "org_member"  # a member of an organisation, claiming for it
    VOLUNTEER = "volunteer"  # an individual volunteer, claiming for themself
    CLAIMER = "claimer"  # the holder of the active claim (the volunteer, or any member of the org)
    SYSTEM = "system"  # the scheduler


@dataclass(frozen=True)
class Transition:
    action: WishAction
    sources: frozenset[WishStatus]
    target: WishStatus  # == the source for `extend`
    actors: frozenset[Actor]
    zh: str
    requires: tuple[str, ...] = ()  # fields the request carries (checked by the caller)


S, A, R = WishStatus, WishAction, Actor


def _t(action, sources, target, actors, zh, requires=()):
    return Transition(action, frozenset(sources), target, frozenset(actors), zh, tuple(requires))


TRANSITIONS: dict[WishAction, Transition] = {
    t.action: t
    for t in (
        _t(A.PUBLISH, [S.SUBMITTED], S.PUBLISHED, [R.GRID_STAFF], "审核发布"),
        _t(A.RETURN, [S.SUBMITTED], S.RETURNED, [R.GRID_STAFF], "退回", ["reason"]),
        _t(A.RESUBMIT, [S.RETURNED], S.SUBMITTED, [R.RESIDENT_OWNER], "重新提交"),
        _t(A.WITHDRAW, [S.SUBMITTED, S.RETURNED, S.PUBLISHED], S.WITHDRAWN,
           [R.RESIDENT_OWNER, R.GRID_STAFF], "撤回"),
        _t(A.MERGE, [S.SUBMITTED, S.RETURNED, S.PUBLISHED], S.MERGED, [R.GRID_STAFF], "合并重复心愿", ["into"]),
        _t(A.CLAIM, [S.PUBLISHED], S.CLAIMED, [R.ORG_MEMBER, R.VOLUNTEER], "认领"),
        _t(A.EXTEND, [S.CLAIMED], S.CLAIMED, [R.CLAIMER], "延期"),
        _t(A.RELEASE, [S.CLAIMED], S.PUBLISHED, [R.CLAIMER, R.GRID_STAFF], "放弃认领"),
        _t(A.EXPIRE, [S.CLAIMED], S.PUBLISHED, [R.SYSTEM], "认领超期"),
        _t(A.FULFIL, [S.CLAIMED], S.FULFILLED, [R.CLAIMER], "登记完成", ["note", "fulfilled_on"]),
        _t(A.CONFIRM, [S.FULFILLED], S.CONFIRMED, [R.RESIDENT_OWNER, R.GRID_STAFF], "确认完成"),
        _t(A.REOPEN, [S.FULFILLED], S.PUBLISHED, [R.RESIDENT_OWNER, R.GRID_STAFF], "未完成,重新发布",
           ["reason"]),
    )
}
del S, A, R

ACTOR_FOR_ACTION: dict[WishAction, frozenset[Actor]] = {a: t.actors for a, t in TRANSITIONS.items()}


def check_action(action: str) -> WishAction:
    try:
        return WishAction(action)
    except ValueError:
        raise ValidationError(
            f"未知的心愿操作 {action!r}", f"unknown wish action {action!r}; expected one of "
            f"{', '.join(a.value for a in WishAction)}",
            code=ErrorCode.UNKNOWN_ACTION, details={"action": action, "actions": [a.value for a in WishAction]},
        ) from None


def check_status(status: str) -> WishStatus:
    try:
        return WishStatus(status)
    except ValueError:
        raise ValidationError(
            f"未知的心愿状态 {status!r}", f"unknown wish status {status!r}",
            code=ErrorCode.UNKNOWN_STATUS, details={"status": status, "statuses": list(WISH_STATUSES)},
        ) from None


def transition(status: str, action: str) -> WishStatus:
    """The status a wish in ``status`` moves to by ``action``.

    Raises `Conflict` ``bad_transition`` (409) when the action is not allowed from that status,
    naming both (a wish already claimed cannot be claimed again, a confirmed one not reopened),
    and `ValidationError` for an unknown status or action.
    """
    st, act = check_status(status), check_action(action)
    t = TRANSITIONS[act]
    if st not in t.sources:
        raise Conflict(
            f"心愿当前状态为「{st.zh}」,不能{t.zh}",
            f"cannot {act.value} a wish that is {st.value}",
            code=ErrorCode.BAD_TRANSITION,
            details={"status": st.value, "action": act.value,
                     "allowed": [a.value for a in allowed_actions(st)]},
        )
    return t.target


def allowed_actions(status: str, actors: Iterable[str] | None = None) -> list[WishAction]:
    """The actions possible from ``status`` (in table order), for the given actor kinds if any."""
    st = check_status(status)
    kinds = None if actors is None else {Actor(a) for a in actors}
    return [
        a for a, t in TRANSITIONS.items()
        if st in t.sources and (kinds is None or kinds & t.actors)
    ]


def check_actor(action: str, actors: Iterable[str]) -> None:
    """Raise `Forbidden` ``wrong_actor`` unless one of ``actors`` (how the user stands to the
    wish, see `Actor`) may take ``action``."""
    act = check_action(action)
    kinds = {Actor(a) for a in actors}
    allowed = TRANSITIONS[act].actors
    if not kinds & allowed:
        raise Forbidden(
            f"无权对该心愿执行「{TRANSITIONS[act].zh}」",
            f"not allowed to {act.value} this wish (allowed: {', '.join(sorted(allowed))})",
            code=ErrorCode.WRONG_ACTOR,
            details={"action": act.value, "actors": sorted(kinds), "allowed": sorted(allowed)},
        )
