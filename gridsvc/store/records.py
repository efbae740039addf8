"""Fetching one record by the id a user sent: anything but a positive 32-bit integer names no
record (404), instead of reaching the database as a value the column cannot hold."""

from __future__ import annotations

from typing import Any, TypeVar

from tortoise.models import Model

from gridsvc.domain.errors import NotFound

MAX_ID = 2**31 - 1  # the id columns are 32-bit on PostgreSQL

M = TypeVar("M", bound=Model)


def record_id(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).strip()
        if not text.isascii() or not text.isdigit():
            return None
        value = int(text)
    return value if 0 < value <= MAX_ID else None


async def get_or_404(model: type[M], raw: Any, what_zh: str, what_en: str, *, key: str = "id") -> M:
    rid = record_id(raw)
    row = await model.filter(id=rid).first() if rid is not None else None
    if row is None:
        shown = str(raw)[:40]
        raise NotFound(f"{what_zh} {shown} 不存在", f"{what_en} {shown} not found", details={key: shown})
    return row
