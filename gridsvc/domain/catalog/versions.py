"""Versions of an item: draft -> published -> superseded | revoked, and the catalog as it stood on a day."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from ..error_codes import ErrorCode
from ..errors import Conflict, ValidationError
from .item import ServiceItemData


class ItemStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"  # a later version was published
    REVOKED = "revoked"


STATUS_NAMES_ZH = {"draft": "草稿", "published": "已发布", "superseded": "已被新版本替代", "revoked": "已撤销"}

_VERSION_MOVES: dict[tuple[ItemStatus, str], ItemStatus] = {
    (ItemStatus.DRAFT, "publish"): ItemStatus.PUBLISHED,
    (ItemStatus.PUBLISHED, "supersede"): ItemStatus.SUPERSEDED,
    (ItemStatus.PUBLISHED, "revoke"): ItemStatus.REVOKED,
}


def version_transition(status: ItemStatus | str, action: str) -> ItemStatus:
    """The status after ``action`` (publish, supersede, revoke), or Conflict."""
    status = ItemStatus(status)
    try:
        return _VERSION_MOVES[(status, action)]
    except KeyError:
        allowed = [a for (s, a) in _VERSION_MOVES if s is status]
        raise Conflict(f"{STATUS_NAMES_ZH[status]}的版本不能执行 {action}",
                       f"a {status} version cannot {action}", code=ErrorCode.BAD_TRANSITION,
                       details={"status": str(status), "action": action, "allowed": allowed}) from None


@dataclass(frozen=True)
class ItemVersion:
    """One version record of an item: in force on ``valid_from <= day < valid_to``."""

    code: str
    version: int
    status: ItemStatus = ItemStatus.DRAFT
    published_on: date | None = None
    superseded_on: date | None = None
    revoked_on: date | None = None
    item: ServiceItemData | None = None

    @property
    def valid_from(self) -> date | None:
        return self.published_on

    @property
    def valid_to(self) -> date | None:
        """First day no longer in force (exclusive), or None while open-ended."""
        return self.superseded_on or self.revoked_on

    def in_force_on(self, day: date) -> bool:
        if self.status is ItemStatus.DRAFT or self.published_on is None:
            return False
        return self.published_on <= day and (self.valid_to is None or day < self.valid_to)


def _one_item(versions: Sequence[ItemVersion]) -> list[ItemVersion]:
    codes = {v.code for v in versions}
    if len(codes) > 1:
        raise ValidationError("版本记录属于多个事项", "version records of more than one item",
                              code=ErrorCode.MIXED_VERSIONS, details={"codes": sorted(codes)})
    return sorted(versions, key=lambda v: v.version)


def current_version(versions: Sequence[ItemVersion]) -> ItemVersion | None:
    """The published version of one item, if any."""
    live = [v for v in _one_item(versions) if v.status is ItemStatus.PUBLISHED]
    return live[-1] if live else None


def next_version(versions: Sequence[ItemVersion], item: ServiceItemData) -> ItemVersion:
    """The record to store for an edit of an item.

    No versions yet: version 1, draft. The latest is a draft: that draft, edited in place
    (same number). The latest is published or revoked: version n+1 as a new draft; the
    published one stays in force until the draft is published.
    """
    ordered = _one_item(versions)
    if ordered and ordered[0].code != item.code:
        raise ValidationError(f"事项代码 {item.code} 与版本记录 {ordered[0].code} 不符,代码不可修改",
                              f"item code {item.code} differs from {ordered[0].code}; codes cannot change",
                              code=ErrorCode.CODE_CHANGED, details={"field": "code"})
    if not ordered:
        return ItemVersion(code=item.code, version=1, item=item)
    latest = ordered[-1]
    if latest.status is ItemStatus.DRAFT:
        return replace(latest, item=item)
    return ItemVersion(code=item.code, version=latest.version + 1, item=item)


def publish(versions: Sequence[ItemVersion], on: date) -> list[ItemVersion]:
    """Publish the draft on ``on``; returns the changed records (the new one first).

    The version in force until then is superseded on the same day.
    """
    ordered = _one_item(versions)
    draft = ordered[-1] if ordered and ordered[-1].status is ItemStatus.DRAFT else None
    if draft is None:
        raise Conflict("没有待发布的草稿版本", "there is no draft version to publish", code=ErrorCode.NO_DRAFT,
                       details={"code": ordered[-1].code if ordered else None})
    changed = [replace(draft, status=version_transition(draft.status, "publish"), published_on=on)]
    live = current_version(ordered)
    if live is not None:
        if live.published_on and on < live.published_on:
            raise ValidationError(f"发布日期 {on} 早于现行版本的发布日期 {live.published_on}",
                                  f"publication date {on} is before the current version's {live.published_on}",
                                  code=ErrorCode.PUBLISH_BEFORE_CURRENT, details={"field": "published_on"})
        changed.append(replace(live, status=version_transition(live.status, "supersede"), superseded_on=on))
    return changed


def revoke(versions: Sequence[ItemVersion], on: date) -> ItemVersion:
    """Revoke the published version on ``on`` (no longer in force from that day)."""
    live = current_version(versions)
    if live is None:
        raise Conflict("该事项没有已发布的版本,无法撤销", "the item has no published version to revoke",
                       code=ErrorCode.NOT_PUBLISHED)
    if live.published_on and on < live.published_on:
        raise ValidationError(f"撤销日期 {on} 早于发布日期 {live.published_on}",
                              f"revocation date {on} is before publication on {live.published_on}",
                              code=ErrorCode.REVOKE_BEFORE_PUBLISH, details={"field": "revoked_on"})
    return replace(live, status=version_transition(live.status, "revoke"), revoked_on=on)


def catalog_on(versions: Iterable[ItemVersion], day: date) -> dict[str, ItemVersion]:
    """Which version of each item was in force on ``day`` (code -> version, by code)."""
    found: dict[str, ItemVersion] = {}
    for v in versions:
        if v.in_force_on(day) and (v.code not in found or v.version > found[v.code].version):
            found[v.code] = v
    return dict(sorted(found.items()))
