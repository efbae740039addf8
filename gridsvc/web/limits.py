"""The request body size limit, answered with the JSON error body.

Starlette's own limit (`max_body_size`) answers 413 in plain text from outside the exception
handlers, so API clients get no `{"error": ...}`. Here a declared Content-Length over the limit
is refused before anything is read, and a body that grows past it while being read raises
`TooLarge`, a DomainError the one error renderer turns into the JSON body (or, when a middleware
was reading, this middleware answers with the same body)."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..domain.error_codes import ErrorCode
from ..domain.errors import DomainError


class TooLarge(DomainError):
    code = ErrorCode.TOO_LARGE


def too_large(limit: int) -> TooLarge:
    mb = limit / (1024 * 1024)
    return TooLarge(f"请求体超过 {mb:g} MB", f"the request body is larger than {mb:g} MB",
                    details={"max_bytes": limit})


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body_size: int):
        self.app = app
        self.limit = max_body_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        size = 0
        started = False

        async def counted() -> Message:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > self.limit:
                    raise too_large(self.limit)
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except TooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        err = too_large(self.limit)
        refusal = JSONResponse({"error": err.to_dict()}, status_code=413, headers={"Connection": "close"})
        await refusal(scope, receive, send)
