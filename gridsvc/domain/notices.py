"""The messages of the inbox: what a notification says, kept as a message key and its parameters.

A notification stores which message it is (``wish.claimed``) and the words to put into it
(``{"wish": "给独居老人买一台电暖器", "by": "川口爱心社", "due": "2026-12-07 18:00"}``), never the
sentence itself, so it is worded when read: in the reader's language, with today's wording. The
Chinese below is the message id of the gettext catalog (`make messages` extracts it through
`gridsvc.locale.vocabulary`); the English lives in ``messages.po`` only.

Parameters are the names and figures as they stood when the event happened (a wish renamed later
keeps its old name in the news of what happened before): they are display strings, stored as
given. A message without a body template shows the ``note`` parameter as its body, as written
(a reason, a comment someone typed, which no catalog can translate).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# what each kind of notification is, for the pages and the API listing (`kind`, `kind_zh`)
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


@dataclass(frozen=True)
class Notice:
    kind: str  # one of KINDS_ZH: the inbox's category of the message
    title: str  # Chinese, with %(name)s for each parameter
    body: str = ""  # Chinese; "": the body is the `note` parameter as written

    @property
    def catalog_words(self) -> tuple[str, ...]:
        """The messages the catalog needs (gridsvc.locale.vocabulary)."""
        return (self.title, self.body) if self.body else (self.title,)

    @property
    def names(self) -> set[str]:
        """The parameters the message needs."""
        names = set(PLACEHOLDER.findall(self.title + self.body))
        return names if self.body else names | {"note"}


PLACEHOLDER = re.compile(r"%\((\w+)\)s")

NOTICES: dict[str, Notice] = {
    # a wish's steps (store.wishes.lifecycle, claims, placement); `wish` is its title
    "wish.submitted": Notice("submitted", "新心愿待审核:「%(wish)s」"),
    "wish.published": Notice("published", "您的心愿已审核发布:「%(wish)s」"),
    "wish.returned": Notice("returned", "您的心愿被退回,请修改后重新提交:「%(wish)s」", "原因:%(reason)s"),
    "wish.resubmitted": Notice("resubmitted", "心愿已修改并重新提交:「%(wish)s」"),
    "wish.withdrawn": Notice("withdrawn", "居民撤回了心愿:「%(wish)s」"),
    "wish.withdrawn_for_you": Notice("withdrawn", "网格员已代您撤回心愿:「%(wish)s」"),
    "wish.merged": Notice("merged", "您的心愿与重复心愿 #%(into)s 合并办理:「%(wish)s」"),
    "wish.claimed": Notice("claimed", "心愿已被认领:「%(wish)s」", "认领方:%(by)s,完成期限 %(due)s"),
    "wish.allocated": Notice("allocated", "分配方案将该心愿指派给贵组织:「%(wish)s」", "完成期限 %(due)s"),
    "wish.extended": Notice("extended", "认领方申请延期:「%(wish)s」", "新的完成期限 %(due)s"),
    "wish.released": Notice("released", "认领已取消,心愿重新发布:「%(wish)s」"),
    "wish.expired": Notice("expired", "认领超期未完成,心愿重新发布:「%(wish)s」", "原期限 %(due)s"),
    "wish.fulfilled": Notice("fulfilled", "心愿已完成,请确认并评价:「%(wish)s」", "%(day)s:%(note)s"),
    "wish.confirmed": Notice("confirmed", "居民已确认心愿完成:「%(wish)s」"),
    "wish.reopened": Notice("reopened", "居民反映心愿未完成,已重新发布:「%(wish)s」", "原因:%(reason)s"),
    "wish.reopened_for_you": Notice("reopened", "网格员已代您反映未完成,心愿重新发布:「%(wish)s」"),
    "wish.rated": Notice("rated", "居民评价 %(stars)s 星:「%(wish)s」"),
    # a volunteer demand's (store.orgs.demands); `demand` is its title
    "demand.taken": Notice("demand_taken", "志愿需求「%(demand)s」:%(by)s 认领 %(n)s 个名额"),
    "demand.released": Notice("demand_changed", "志愿需求「%(demand)s」有 %(n)s 个名额被取消"),
    "demand.closed": Notice("demand_changed", "志愿需求「%(demand)s」已截止招募"),
    "demand.reopened": Notice("demand_changed", "志愿需求「%(demand)s」已重新招募"),
    "demand.cancelled": Notice("demand_changed", "志愿需求「%(demand)s」已取消"),
    "demand.hours": Notice("hours", "志愿服务「%(demand)s」登记时长 %(hours)s 小时"),
}


def notice(message: str, params: Mapping[str, object]) -> tuple[Notice, dict[str, str]]:
    """The message and its parameters as stored (display strings). An unknown message or a
    missing parameter is the code's mistake, not the user's: ValueError, before anything is
    written. ``note`` may be left out (an empty body)."""
    found = NOTICES.get(message)
    if found is None:
        raise ValueError(f"unknown notification message {message!r}")
    missing = found.names - set(params) - {"note"}
    if missing:
        raise ValueError(f"notification {message!r} lacks {sorted(missing)}")
    return found, {k: str(v) for k, v in params.items()}


class _Words(dict):
    def __missing__(self, key: str) -> str:
        return ""  # a parameter a later wording added reads empty in older rows, not as an error


def render(message: str, params: Mapping[str, object] | None,
           gettext: Callable[[str], str]) -> tuple[str, str] | None:
    """(title, body) of a stored message in the language of ``gettext``; None when the message
    is not one of NOTICES (the caller shows what the row holds)."""
    found = NOTICES.get(message)
    if found is None:
        return None
    words = _Words(params or {})
    title = gettext(found.title) % words
    body = gettext(found.body) % words if found.body else str(words["note"])
    return title, body
