"""Micro-wishes (微心愿): what a wish may say, its life cycle, claims and ratings.

A resident posts a wish (``submitted``); grid staff screen it: publish it, send it back with a
reason (``returned``, the resident edits and resubmits) or merge it into a duplicate. An
organisation member or a volunteer claims a published wish; the claim has a deadline (14 days,
never past the wish-by date), which the claimer may extend once (+7 days). A claim not
fulfilled by its deadline expires and the wish is published again; the expired claim stays in
the history (the claim has its own status, see `ClaimStatus`). The claimer records fulfilment;
the resident confirms it (and rates it), or says it was not done, which reopens the wish.

    action     from                              to          who
    publish    submitted                         published   grid_staff
    return     submitted                         returned    grid_staff          (reason)
    resubmit   returned                          submitted   resident_owner
    withdraw   submitted, returned, published    withdrawn   resident_owner, grid_staff
    merge      submitted, returned, published    merged      grid_staff          (into)
    claim      published                         claimed     org_member, volunteer
    extend     claimed                           claimed     claimer             (once)
    release    claimed                           published   claimer, grid_staff
    expire     claimed                           published   system
    fulfil     claimed                           fulfilled   claimer             (note, date)
    confirm    fulfilled                         confirmed   resident_owner, grid_staff
    reopen     fulfilled                         published   resident_owner, grid_staff (reason)

``withdrawn``, ``merged`` and ``confirmed`` are final. Grid staff act for residents who do not
use a phone (代办: withdraw, confirm, reopen); the store records who acted.

The store applies a transition with a conditional update (``WHERE id=? AND status IN
sources``) so that of many concurrent claims exactly one wins; `transition` is the rule, the
row count is the proof.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Iterable

from .error_codes import ErrorCode
from .errors import Conflict, Forbidden, ValidationError

# China has used UTC+8 without daylight saving since 1991: a fixed offset needs no tz database.
CITY_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

# ---------------------------------------------------------------------------- catalogues


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


# ---------------------------------------------------------------------------- wish content

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
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError(
        f"{field} 应为日期(YYYY-MM-DD),收到 {value!r}",
        f"{field} must be a date (YYYY-MM-DD), got {value!r}",
        code=ErrorCode.BAD_DATE, details={"field": field, "value": str(value)},
    )


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

    ``today`` is the city's date (see `CITY_TZ`), passed in so the rule stays pure.
    """
    norm_title = check_title(title)
    cat = check_category(category)
    cap = parse_value_yuan(value_cap)
    if cap <= 0:
        raise ValidationError(
            "心愿估价上限应大于 0", "the value cap must be positive", code=ErrorCode.BAD_VALUE_CAP,
            details={"value_cap": str(cap)},
        )
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
    ben = check_beneficiary(beneficiary) if beneficiary is not None else None
    return WishInput(norm_title, cat, value, by, ben)


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


# ---------------------------------------------------------------------------- state machine


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


def _t(action, sources, target, actors, zh, requires=()):  # type: ignore[no-untyped-def]
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


# ---------------------------------------------------------------------------- claims


class ClaimStatus(StrEnum):
    """A claim's own status: the history of a wish keeps every claim, expired ones included."""

    ACTIVE = "active"
    RELEASED = "released"  # the claimer gave it up (or staff cancelled it)
    EXPIRED = "expired"  # not fulfilled by its deadline
    FULFILLED = "fulfilled"  # fulfilment recorded, waiting for the resident
    CONFIRMED = "confirmed"
    REJECTED = "rejected"  # the resident said it was not done (the wish reopened)

    @property
    def zh(self) -> str:
        return {"active": "进行中", "released": "已放弃", "expired": "已超期", "fulfilled": "待确认",
                "confirmed": "已确认", "rejected": "未完成"}[self.value]


# What a wish action does to the wish's current claim (None: no claim involved / unchanged).
CLAIM_STATUS_AFTER: dict[WishAction, ClaimStatus] = {
    WishAction.CLAIM: ClaimStatus.ACTIVE,
    WishAction.RELEASE: ClaimStatus.RELEASED,
    WishAction.EXPIRE: ClaimStatus.EXPIRED,
    WishAction.FULFIL: ClaimStatus.FULFILLED,
    WishAction.CONFIRM: ClaimStatus.CONFIRMED,
    WishAction.REOPEN: ClaimStatus.REJECTED,
}

CLAIM_DAYS_DEFAULT = 14
EXTEND_DAYS_DEFAULT = 7
MAX_EXTENSIONS = 1


def end_of_day(d: date) -> datetime:
    """The first instant after ``d`` in the city (aware, UTC+8)."""
    return datetime.combine(d + timedelta(days=1), time(0), tzinfo=CITY_TZ)


def _aware(moment: datetime) -> datetime:
    """Naive datetimes are read as city time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CITY_TZ)


def check_claimable(wish_by: date, now: datetime) -> None:
    """A wish whose wish-by day is over cannot be claimed (``wish_overdue``, 409): staff should
    agree a new date with the resident, or withdraw it."""
    if _aware(now) >= end_of_day(wish_by):
        raise Conflict(
            f"心愿的期望完成日期 {wish_by} 已过,不能认领",
            f"the wish-by date {wish_by} has passed; the wish cannot be claimed",
            code=ErrorCode.WISH_OVERDUE, details={"wish_by": wish_by.isoformat()},
        )


def claim_deadline(claimed_at: datetime, wish_by: date, *, days: int = CLAIM_DAYS_DEFAULT) -> datetime:
    """When a claim made at ``claimed_at`` must be fulfilled: ``days`` later, but no later than
    the end of the wish-by day (city time). Raises ``wish_overdue`` if that day is over.
    The result is aware (UTC+8 when the cap applies, else ``claimed_at``'s zone)."""
    check_claimable(wish_by, claimed_at)
    at = _aware(claimed_at)
    return min(at + timedelta(days=days), end_of_day(wish_by))


def extend_deadline(
    deadline: datetime,
    now: datetime,
    extensions_used: int,
    *,
    days: int = EXTEND_DAYS_DEFAULT,
    max_extensions: int = MAX_EXTENSIONS,
) -> datetime:
    """The claim's new deadline after the claimer extends it.

    Only while the claim runs (``claim_expired``, 409) and only ``max_extensions`` times
    (``extension_used``, 409). The extension is not capped by the wish-by date: it is the
    claimer's explicit request for more time, and the resident sees the new deadline.
    """
    if claim_expired(deadline, now):
        raise Conflict(
            "认领已超期,不能延期", "the claim has expired and cannot be extended",
            code=ErrorCode.CLAIM_EXPIRED, details={"deadline": _aware(deadline).isoformat()},
        )
    if extensions_used >= max_extensions:
        raise Conflict(
            f"认领只能延期 {max_extensions} 次", f"a claim can be extended {max_extensions} time(s) only",
            code=ErrorCode.EXTENSION_USED, details={"extensions_used": extensions_used, "max": max_extensions},
        )
    return _aware(deadline) + timedelta(days=days)


def claim_expired(deadline: datetime, now: datetime) -> bool:
    """True once ``now`` has reached the deadline (naive datetimes are city time)."""
    return _aware(now) >= _aware(deadline)


NOTE_MAX = 500


@dataclass(frozen=True)
class Fulfilment:
    note: str
    fulfilled_on: date


def check_fulfilment(note: object, fulfilled_on: date | str, claimed_at: datetime, today: date) -> Fulfilment:
    """What the claimer records: a note (1-500 chars) and the date it was done, between the
    claim's day and today (``bad_note``, ``bad_fulfilment_date``)."""
    norm = note.strip() if isinstance(note, str) else ""
    if not 1 <= len(norm) <= NOTE_MAX:
        raise ValidationError(
            f"请填写完成情况(1-{NOTE_MAX} 个字)", f"describe what was done in 1-{NOTE_MAX} characters",
            code=ErrorCode.BAD_NOTE, details={"length": len(norm), "max": NOTE_MAX},
        )
    on = _as_date(fulfilled_on, "fulfilled_on")
    claimed_day = _aware(claimed_at).astimezone(CITY_TZ).date()
    if not claimed_day <= on <= today:
        raise ValidationError(
            f"完成日期 {on} 应在认领日 {claimed_day} 与今天 {today} 之间",
            f"the fulfilment date {on} lies between the claim day {claimed_day} and today {today}",
            code=ErrorCode.BAD_FULFILMENT_DATE,
            details={"fulfilled_on": on.isoformat(), "claimed_on": claimed_day.isoformat(), "today": today.isoformat()},
        )
    return Fulfilment(norm, on)


PHOTO_MAX_BYTES = 2 * 1024 * 1024
_PHOTO_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def check_photo(data: bytes) -> str:
    """The optional photo of a fulfilment: a JPEG, PNG or WebP image of at most 2 MB; returns its
    media type (``bad_photo``). The type is read from the bytes, not from what the client says."""
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise ValidationError("照片为空", "the photo is empty", code=ErrorCode.BAD_PHOTO, details={"field": "photo"})
    if len(data) > PHOTO_MAX_BYTES:
        raise ValidationError(
            f"照片不能超过 {PHOTO_MAX_BYTES // 1024 // 1024} MB", f"a photo has at most {PHOTO_MAX_BYTES // 1024 // 1024} MB",
            code=ErrorCode.BAD_PHOTO, details={"field": "photo", "bytes": len(data), "max": PHOTO_MAX_BYTES},
        )
    for magic, media in _PHOTO_MAGIC:
        if data.startswith(magic):
            return media
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    raise ValidationError("照片应为 JPEG、PNG 或 WebP 图片", "the photo must be a JPEG, PNG or WebP image",
                          code=ErrorCode.BAD_PHOTO, details={"field": "photo"})


# ---------------------------------------------------------------------------- ratings

RATING_MIN, RATING_MAX = 1, 5
RATING_COMMENT_MAX = 500


@dataclass(frozen=True)
class Rating:
    stars: int
    comment: str | None = None


def check_rating(stars: object, comment: object = None) -> Rating:
    """A resident's rating of a fulfilled wish: 1-5 whole stars (``bad_rating``) and an
    optional comment of at most 500 characters (``bad_comment``; blank means none)."""
    if isinstance(stars, bool) or not isinstance(stars, (int, float, str)):
        ok = False
    else:
        try:
            f = float(stars)
            ok = f.is_integer() and RATING_MIN <= f <= RATING_MAX
        except ValueError:
            ok = False
    if not ok:
        raise ValidationError(
            f"评分应为 {RATING_MIN}-{RATING_MAX} 的整数星", f"a rating is {RATING_MIN}-{RATING_MAX} whole stars",
            code=ErrorCode.BAD_RATING, details={"stars": str(stars)},
        )
    if comment is not None and not isinstance(comment, str):
        raise ValidationError("评价应为文本", "the comment must be text", code=ErrorCode.BAD_COMMENT)
    text = (comment or "").strip() or None
    if text is not None and len(text) > RATING_COMMENT_MAX:
        raise ValidationError(
            f"评价最多 {RATING_COMMENT_MAX} 个字", f"a comment has at most {RATING_COMMENT_MAX} characters",
            code=ErrorCode.BAD_COMMENT, details={"length": len(text), "max": RATING_COMMENT_MAX},
        )
    return Rating(int(float(stars)), text)  # type: ignore[arg-type]
