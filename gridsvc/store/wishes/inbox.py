"""The in-app inbox: notifications of the events that concern a user, and who is concerned.

Notifications are written in the same transaction as the change they report, so a rolled-back
claim leaves no "your wish was claimed" behind.
"""

from __future__ import annotations

from typing import Iterable, cast

from gridsvc.domain import clock
from gridsvc.domain.errors import NotFound, message_language
from gridsvc.store.accounts.models import User, UserArea
from gridsvc.store.paging import PageRequest, keyset_page
from gridsvc.store.wishes.models import Notification

# what each kind means, for the pages and the API listing
KINDS_ZH = {
    "submitted": "新心愿待审核",
    "published": "心愿已发布",
    "returned": "心愿被退回",
    "resubmitted": "心愿重新提交",
    "withdrawn": "心愿已撤回",
    "merged": "心愿已合并",
    "claimed": "心愿被认领",
    "extended": "认领已延期",
    "released": "认领已放弃",
    "expired": "认领已超期",
    "fulfilled": "心愿已完成待确认",
    "confirmed": "心愿已确认完成",
    "reopened": "心愿未完成,重新发布",
    "rated": "收到评价",
    "allocated": "分配方案指派",
    "demand_taken": "志愿需求被认领",
    "demand_changed": "志愿需求有变化",
    "hours": "服务时长已登记",
}



async def notify(user_ids: Iterable[int | None], kind: str, title: str, body: str = "", *,
                 en: tuple[str, str] | None = None, link: str = "", wish_id: int | None = None,
                 demand_id: int | None = None, skip: int | None = None) -> int:
    """One notification per distinct user (``skip``: the user who acted, who needs no news of
    their own step). Returns how many were written.

    ``title`` and ``body`` are the Chinese words, ``en`` the English (title, body): the reader
    is not the writer, so both are kept and each reader is shown their language."""
    ids = sorted({int(u) for u in user_ids if u is not None and u != skip})
    if not ids:
        return 0
    await Notification.bulk_create([
        Notification(user_id=u, kind=kind, title=title[:200], body=body, link=link, wish_id=wish_id,
                     demand_id=demand_id, words={"en": [en[0][:200], en[1]]} if en else None)
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


def _entry(n: Notification) -> dict:
    # rows written before the English was kept show their words as stored
    title, body = (n.words or {}).get(message_language.get()) or (n.title, n.body)
    return {
        "id": n.id, "kind": n.kind, "kind_zh": KINDS_ZH.get(n.kind, n.kind), "title": title, "body": body,
        "link": n.link, "wish_id": n.wish_id, "demand_id": n.demand_id, "created_at": n.created_at.isoformat(),
        "read": n.read_at is not None, "read_at": n.read_at.isoformat() if n.read_at else None,
    }


async def unread_count(user_id: int) -> int:
    return await Notification.filter(user_id=user_id, read_at__isnull=True).count()


async def listing(user_id: int, *, unread_only: bool = False, page: PageRequest) -> dict:
    """A page of the user's notifications, newest first, with the unread count and the total."""
    qs = Notification.filter(user_id=user_id)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    total = await qs.count()
    result = await keyset_page(qs, "inbox", ("-id",), page)
    return {"unread": await unread_count(user_id), "total": total,
            **result.body("items", [_entry(n) for n in result.rows])}


async def mark_read(user_id: int, notification_id: int) -> dict:
    """Mark one of the user's notifications read (reading it twice changes nothing)."""
    n = await Notification.filter(id=notification_id, user_id=user_id).first()
    if n is None:
        raise NotFound("通知不存在", "notification not found", details={"id": notification_id})
    if n.read_at is None:
        await Notification.filter(id=n.id, read_at__isnull=True).update(read_at=clock.now())
        n = await Notification.get(id=n.id)
    return {**_entry(n), "unread": await unread_count(user_id)}


async def mark_all_read(user_id: int) -> dict:
    changed = await Notification.filter(user_id=user_id, read_at__isnull=True).update(read_at=clock.now())
    return {"marked": changed, "unread": await unread_count(user_id)}
