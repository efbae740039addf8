"""Claims of a wish (deadline, extension, expiry, fulfilment and its photo) and the resident's rating."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from ..clock import CHINA
from ..error_codes import ErrorCode
from ..errors import Conflict, ValidationError
from .content import _as_date
from .lifecycle import WishAction


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
    return datetime.combine(d + timedelta(days=1), time(0), tzinfo=CHINA)


def _aware(moment: datetime) -> datetime:
    """Naive datetimes are read as city time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CHINA)


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
    claimed_day = _aware(claimed_at).astimezone(CHINA).date()
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
            f"照片不能超过 {PHOTO_MAX_BYTES // 1024 // 1024} MB",
            f"a photo has at most {PHOTO_MAX_BYTES // 1024 // 1024} MB",
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
    return Rating(int(f), text)
