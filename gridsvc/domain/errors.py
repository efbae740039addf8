"""Typed domain errors.

Every error a user can cause is a `DomainError` carrying a code of the registry
(`gridsvc.domain.error_codes.ErrorCode`), a message in Chinese and in English, and optional
details. The code decides the HTTP status. People read one language at a time: the web layer
asks for `message_in(language)` in one place, the CLI prints the language of its locale.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Any, Literal

from .error_codes import ErrorCode

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")

# The language messages are read in when no one names it: Chinese, unless the caller (the CLI
# from its locale, the web layer per request) sets another for the current context.
message_language: ContextVar[Language] = ContextVar("message_language", default="zh")


# What an error repeats of the input it refuses is bounded, so a 10,000-digit path segment or a
# megabyte field is not echoed back whole: any unbroken run of more than ECHO_LIMIT characters
# (a value; words of a sentence are shorter) and any text of more than TEXT_LIMIT characters is
# cut there, with an ellipsis.
ECHO_LIMIT = 100
TEXT_LIMIT = 500
_LONG_RUN = re.compile(r"\S{%d,}" % (ECHO_LIMIT + 1))


def bounded(value: Any) -> Any:
    """`value` with every string in it (inside dicts, lists and tuples too) cut to the limits."""
    if isinstance(value, str):
        text = _LONG_RUN.sub(lambda m: m.group()[:ECHO_LIMIT] + "…", value)
        return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT] + "…"
    if isinstance(value, dict):
        return {k: bounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [bounded(v) for v in value]
    return value


def in_language(zh: str, en: str) -> str:
    """One of the two, by the current context's language (for messages listed inside details)."""
    return en if message_language.get() == "en" else zh


class DomainError(Exception):
    code: ErrorCode = ErrorCode.INVALID

    def __init__(
        self,
        message_zh: str = "",
        message_en: str = "",
        *,
        code: ErrorCode | None = None,
        details: Any = None,
    ) -> None:
        if code is not None:
            self.code = code
        # A site without its own wording falls back to the registry's, per language, so an
        # English reader never gets a Chinese-only sentence.
        self.message_zh = message_zh or self.code.zh
        self.message_en = message_en or self.code.en
        self.details = details
        # the field problems behind an error that lists several (`FieldProblems`), each as raised
        self.parts: list[tuple[str, DomainError]] = []
        super().__init__(self.message_zh)

    @property
    def status(self) -> int:
        return self.code.status

    def message_in(self, language: Language) -> str:
        """The message for a reader, what it repeats of the input bounded (`bounded`)."""
        return bounded(self.message_en if language == "en" else self.message_zh)

    @property
    def message(self) -> str:
        """The message in the current context's language (Chinese unless set)."""
        return self.message_in(message_language.get())

    @property
    def problems(self) -> list[dict[str, Any]]:
        """What a refusal of several rows or items lists one by one (``details["problems"]``);
        empty for any other error."""
        found = self.details.get("problems") if isinstance(self.details, dict) else None
        return list(found or [])

    def message_with_problems(self) -> str:
        """The message followed by each listed problem's, for a page's one-line notice."""
        return self.message + (":" + ";".join(str(p["message"]) for p in self.problems) if self.problems else "")

    def to_dict(self, language: Language | None = None) -> dict[str, Any]:
        message = self.message if language is None else self.message_in(language)
        return {"code": str(self.code), "message": message, "details": bounded(self.details)}


class ValidationError(DomainError):
    """Input breaks a rule (422)."""

    code = ErrorCode.INVALID


class BadRequest(DomainError):
    """Input cannot be read at all (400): not JSON, missing fields of the wrong type."""

    code = ErrorCode.BAD_REQUEST


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND


class Conflict(DomainError):
    """The thing exists already or is held by someone else (409)."""

    code = ErrorCode.CONFLICT


class Unauthenticated(DomainError):
    code = ErrorCode.UNAUTHENTICATED


class Forbidden(DomainError):
    code = ErrorCode.FORBIDDEN


class TooManyRequests(DomainError):
    code = ErrorCode.TOO_MANY_REQUESTS


class FieldProblems:
    """Collects what is wrong with each field of a form or body, so that one refusal names every
    problem at once instead of the first (a user fixes them all in one go).

    ``check(field, fn, ...)`` runs one field's check and keeps its 422 (the field named);
    ``raise_any()`` raises one error: the first problem's code, message and details on top, as a
    single problem would read, and ``details["problems"]`` listing each as ``{field, code,
    message}`` (the way an import lists its rows' problems)."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, DomainError]] = []

    def add(self, field: str, error: DomainError) -> None:
        """Keep `error` as the problem of `field` (of each field it lists); a field keeps the first
        problem found, the one its reader fixes first."""
        if error.parts:  # raised by another collector: each of its problems as it was
            for f, e in error.parts:
                self.add(f, e)
            return
        listed = error.problems
        if listed:  # an error that lists problems already: each is kept as listed
            for p in listed:
                self.add(str(p.get("field") or field), _listed(p))
            return
        if field not in self.fields():
            self.errors.append((field, error))

    def check(self, field: str, check: Any, *args: Any, **kwargs: Any) -> Any:
        """`check(*args, **kwargs)`; None when it refused with a 422 (kept, its field named)."""
        try:
            return check(*args, **kwargs)
        except DomainError as e:
            if e.status != 422:
                raise
            self.add(_field_of(e) or field, e)
            return None

    def __bool__(self) -> bool:
        return bool(self.errors)

    def fields(self) -> set[str]:
        return {f for f, _ in self.errors}

    def raise_any(self) -> None:
        if not self.errors:
            return
        problems = [{"field": f, "code": str(e.code), "message": e.message} for f, e in self.errors]
        field, first = self.errors[0]
        details = dict(first.details) if isinstance(first.details, dict) else {}
        details.setdefault("field", field)
        error = type(first)(first.message_zh, first.message_en, code=first.code,
                            details={**details, "problems": problems})
        error.parts = list(self.errors)  # for a collector that gathers it in turn
        raise error


def _field_of(error: DomainError) -> str | None:
    details = error.details if isinstance(error.details, dict) else {}
    field = details.get("field")
    return field if isinstance(field, str) and field else None


def _listed(problem: dict[str, Any]) -> DomainError:
    code = next((c for c in ErrorCode if c == problem.get("code")), ErrorCode.INVALID)
    message = str(problem.get("message") or "")
    return DomainError(message, message, code=code, details={"field": problem.get("field")})
