"""The request body limit, answered by the one error renderer.

Starlette's own `max_body_size` answers with plain text, and replaces any response once the
declared length is over the limit, so it cannot give the JSON error body; this does the same
check and lets `web.errors` answer (JSON for API clients, a page for people)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..domain.error_codes import ErrorCode
from ..domain.errors import DomainError
from .errors import error_response


class BodyTooLarge(DomainError):
    code = ErrorCode.TOO_LARGE


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    def _error(self) -> BodyTooLarge:
        mb = self.max_body / (1024 * 1024)
        return BodyTooLarge(f"请求内容超过 {mb:g} MB", f"the request body is larger than {mb:g} MB",
                            code=ErrorCode.TOO_LARGE, details={"max_bytes": self.max_body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Request(scope).headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            await error_response(Request(scope), self._error())(scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:  # a chunked body that outgrows the limit
                raise self._error()
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge as e:
            # raised while a middleware (outside the exception handlers) was reading the body
            if started:
                raise
            await error_response(Request(scope), e)(scope, receive, send)
