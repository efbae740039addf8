"""Typed domain errors.

Every error a user can cause is a `DomainError` with a stable machine code, a message in
Chinese and English, optional details, and the HTTP status the web layer answers with. The
web layer turns them into `{"error": {"code", "message", "details"}}` in one place; the CLI
prints the same message.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 422
    code = "invalid"

    def __init__(
        self,
        message_zh: str,
        message_en: str = "",
        *,
        code: str | None = None,
        details: Any = None,
        status: int | None = None,
    ) -> None:
        self.message_zh = message_zh
        self.message_en = message_en or message_zh
        if code:
            self.code = code
        if status:
            self.status = status
        self.details = details
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if self.message_en and self.message_en != self.message_zh:
            return f"{self.message_zh} ({self.message_en})"
        return self.message_zh

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class ValidationError(DomainError):
    """Input breaks a rule (422)."""

    status = 422
    code = "invalid"


class BadRequest(DomainError):
    """Input cannot be read at all (400): not JSON, missing fields of the wrong type."""

    status = 400
    code = "bad_request"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The thing exists already or is held by someone else (409)."""

    status = 409
    code = "conflict"


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"
