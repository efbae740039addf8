"""What a name may contain. A person's, an account's or a place's name is shown on pages,
cards and printed floor plans and searched for: control characters, NUL and invisible
(zero-width, bidirectional) characters make two names look alike or break the display, so
they are refused wherever a name comes in (API bodies, the store, `gridsvc create-user`).

`field_text` reads a text field of a record as its form or body gives it (a compound, a seal
use, an admission's papers or a refusal): NFKC, trimmed, required or not, of bounded length."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from .error_codes import ErrorCode
from .errors import ValidationError

# Cf "format" characters that are invisible: zero-width space/joiners, word joiner, BOM, and the
# bidirectional overrides that can reverse how a name reads
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e",
              *(chr(c) for c in range(0x202A, 0x202F)), *(chr(c) for c in range(0x2066, 0x206A))}


def name_problem(value: str) -> str | None:
    """Why `value` is no acceptable name (in English), or None when it is fine."""
    for i, ch in enumerate(value):
        cat = unicodedata.category(ch)
        if ch == "\x00":
            return f"NUL character at position {i}"
        if cat == "Cc":
            return f"control character U+{ord(ch):04X} at position {i}"
        if cat == "Cs":
            return f"lone surrogate U+{ord(ch):04X} at position {i}"
        if ch in _INVISIBLE or cat == "Cf":
            return f"invisible character U+{ord(ch):04X} at position {i}"
    return None


def check_name(value: str, field: str = "name") -> str:
    """`value` when it is an acceptable name, else a 422 naming the field and the character."""
    problem = name_problem(value)
    if problem is not None:
        raise ValidationError(f"{field} 含有不可见字符或控制字符({problem})", f"{field} contains a {problem}",
                              code=ErrorCode.BAD_CHARACTERS, details={"field": field})
    return value


def field_text(data: Mapping[str, Any], key: str, label: str, *, required: bool = True, max_len: int,
               text_only: bool = False) -> str:
    """`data[key]` as text (NFKC, trimmed; "" when absent); a 422 naming the field, with `label`
    in the Chinese message, when it is required and empty or longer than `max_len`. With
    `text_only` a value that is not a string is refused, else it is read as its text."""
    value = data.get(key)
    if text_only and value is not None and not isinstance(value, str):
        raise ValidationError(f"{label}应为文本", f"{key} must be text", code=ErrorCode.BAD_TYPE,
                              details={"field": key})
    value = "" if value is None else unicodedata.normalize("NFKC", str(value)).strip()
    if required and not value:
        raise ValidationError(f"须写明{label}", f"{key} is required", code=ErrorCode.REQUIRED, details={"field": key})
    if len(value) > max_len:
        raise ValidationError(f"{label}不能超过 {max_len} 字", f"{key} is longer than {max_len} characters",
                              code=ErrorCode.TOO_LONG, details={"field": key, "max_len": max_len})
    return value


def whole_number(value: object) -> int | None:
    """The whole number a person typed (ASCII digits after trimming), or None for anything else.

    `str.isdigit()` also says yes to ², ① and other characters `int()` refuses, so a form field
    checked with it and then converted answered 500; every typed count, id or year goes
    through here instead."""
    text = str(value if value is not None else "").strip()
    if not text or not text.isascii() or not text.isdigit():
        return None
    return int(text)
