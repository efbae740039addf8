"""The in-app inbox: notifications of the events that concern a user, and who is concerned.

Notifications are written in the same transaction as the change they report, so a rolled-back
claim leaves no "your wish was claimed" behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import cast

from gridsvc.domain import clock, notices
from gridsvc.domain.errors import NotFound, message_language
from gridsvc.domain.notices import KINDS_ZH
from gridsvc.store.accounts.models import User, UserArea
from gridsvc.store.paging import PageRequest, keyset_page
from gridsvc.store.wishes.models import Notification

Say = Callable[[str], str]  # the reader's gettext (gridsvc.locale.gettext): a message in their language


async def notify(user_ids: Iterable[int | None], message: str, params: Mapping[str, object], *, link: str = "",
                 wish_id: int | None = None, demand_id: int | None = None, skip: int | None = None) -> int:
    """One notification per distinct user (``skip``: the user who acted, who needs no news of
    their own step). Returns how many were written.

    ``message`` is one of domain.notices.NOTICES and ``params`` the words it takes: the reader
    is not the writer, so the sentence is made when read, in the reader's language."""
    found, words = notices.notice(message, params)
    ids = sorted({int(u) for u in user_ids if u is not None and u != skip})
    if not ids:
        return 0
    await Notification.bulk_create([
        Notification(user_id=u, kind=found.kind, message=message, params=words, title="", link=link,
                     wish_id=wish_id, demand_id=demand_id)
        for u in ids
    ])
    return len(ids)


async def grid_staff_ids(grid_code: str) -> list[int]:
    """Who looks after a grid: its grid workers (网格员); where it has none, the heads and
    instructors of its community."""
    workers = cast(list[int], await UserArea.filter(  # flat=True: bare ids, not the tuples Tortoise's stubs say
        area__code=grid_code, user__role="worker", user__is_active=True).values_list("user_id", flat=True))
    if workers:
        return workers
    return cast(list[int], await UserArea.filter(
        area__code=grid_code[:12], user__role__in=["head", "instructor"], user__is_active=True,
    ).values_list("user_id", flat=True))


async def org_member_ids(org_id: int | None) -> list[int]:
    if org_id is None:
        return []
    # flat=True gives bare values, not the tuples Tortoise's stubs say
    return cast(list[int], await User.filter(org_id=org_id, is_active=True).values_list("id", flat=True))


def _entry(n: Notification, say: Say) -> dict:
    shown = notices.render(n.message, n.params, say)
    if shown is None:  # a row wishes/0006_notice_messages could not read: its words as stored
        shown = (n.words or {}).get(message_language.get()) or (n.title, n.body)
    title, body = shown
    return {
        "id": n.id, "kind": n.kind, "kind_zh": KINDS_ZH.get(n.kind, n.kind), "title": title, "body": body,
        "link": n.link, "wish_id": n.wish_id, "demand_id": n.demand_id, "created_at": n.created_at.isoformat(),
        "read": n.read_at is not None, "read_at": n.read_at.isoformat() if n.read_at else None,
    }


async def unread_count(user_id: int) -> int:
    return await Notification.filter(user_id=user_id, read_at__isnull=True).count()


async def listing(user_id: int, *, unread_only: bool = False, page: PageRequest, say: Say) -> dict:
    """A page of the user's notifications, newest first, with the unread count and the total,
    each worded by ``say``."""
    qs = Notification.filter(user_id=user_id)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    total = await qs.count()
    result = await keyset_page(qs, "inbox", ("-id",), page)
    return {"unread": await unread_count(user_id), "total": total,
            **result.body("items", [_entry(n, say) for n in result.rows])}


async def mark_read(user_id: int, notification_id: int, *, say: Say) -> dict:
    """Mark one of the user's notifications read (reading it twice changes nothing)."""
    n = await Notification.filter(id=notification_id, user_id=user_id).first()
    if n is None:
        raise NotFound("通知不存在", "notification not found", details={"id": notification_id})
    if n.read_at is None:
        await Notification.filter(id=n.id, read_at__isnull=True).update(read_at=clock.now())
        n = await Notification.get(id=n.id)
    return {**_entry(n, say), "unread": await unread_count(user_id)}


async def mark_all_read(user_id: int) -> dict:
    changed = await Notification.filter(user_id=user_id, read_at__isnull=True).update(read_at=clock.now())
    return {"marked": changed, "unread": await unread_count(user_id)}
