"""Pages of a list: the page size rule and the opaque cursor.

A cursor is the sort key of the last row a client saw, plus the name of the list it belongs to,
as URL-safe base64 of a small JSON array. The next page is "rows after that key" (keyset
pagination), so rows inserted or deleted between two requests neither repeat nor skip rows,
and the database seeks with an index instead of counting past an OFFSET. A cursor is not a
secret: every list still applies the caller's scope, so a forged one can only start the same
list at another place.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from .error_codes import ErrorCode
from .errors import BadRequest

DEFAULT_PAGE = 50
# Above this a request is capped, not refused: old clients asking for "everything" get a page
# and a next_cursor instead of an error, and no request can make the server build a huge answer.
MAX_PAGE = 200
_MAX_CURSOR_CHARS = 512


def page_size(requested: int | None, *, default: int = DEFAULT_PAGE, maximum: int = MAX_PAGE) -> int:
    """The page size to use: the default when none is asked for, never more than `maximum`."""
    if requested is None:
        return min(default, maximum)
    return max(1, min(requested, maximum))


def encode_cursor(list_name: str, key: list[Any]) -> str:
    raw = json.dumps([list_name, *key], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def bad_cursor(reason_zh: str, reason_en: str) -> BadRequest:
    return BadRequest(f"参数 cursor 无效:{reason_zh}", f"cursor is invalid: {reason_en}", code=ErrorCode.BAD_CURSOR,
                      details={"parameter": "cursor"})


def decode_cursor(list_name: str, cursor: str, kinds: tuple[type, ...]) -> list[Any]:
    """The key a cursor carries, checked against the list it must come from and the types of
    its sort key (`kinds`, one per column: int, str or float)."""
    if len(cursor) > _MAX_CURSOR_CHARS:
        raise bad_cursor("过长", "too long")
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad_cursor("无法解码", "not a cursor this server issued") from None
    if not isinstance(data, list) or not data or data[0] != list_name:
        raise bad_cursor("不属于此列表", "it belongs to another list")
    key = data[1:]
    if len(key) != len(kinds):
        raise bad_cursor("格式不符", "its key has the wrong shape")
    for value, kind in zip(key, kinds, strict=True):
        # bool is an int to Python; a key never holds one
        ok = value is None or (isinstance(value, kind) and not isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if kind is int and ok and value is not None and not -2**63 <= value < 2**63:
            ok = False
        if not ok:
            raise bad_cursor("格式不符", "its key has the wrong shape")
    return key
