"""The answer to an error nobody handled: a logged JSON 500 that leaves the connection usable.

Starlette's ServerErrorMiddleware answers and then re-raises, so uvicorn drops the keep-alive
connection and the client's next request on it is reset. This middleware sits innermost (just
outside the exception handlers): it answers the 500 itself and does not re-raise. Only when the
response had already started is there nothing to answer with, and the error goes on up."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..domain.error_codes import ErrorCode
from ..domain.errors import DomainError
from .errors import error_response

log = logging.getLogger("gridsvc.web")


class LastResortMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            if started:
                raise
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            # through the one renderer: the error body (or page) in the request's language
            await error_response(Request(scope), DomainError(code=ErrorCode.INTERNAL))(scope, receive, send)
