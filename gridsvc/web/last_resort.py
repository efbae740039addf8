"""The answer to an error nobody handled: a logged JSON 500 that leaves the connection usable.

Starlette's ServerErrorMiddleware answers and then re-raises, so uvicorn drops the keep-alive
connection and the client's next request on it is reset. This middleware sits innermost (just
outside the exception handlers): it answers the 500 itself and does not re-raise. Only when the
response had already started is there nothing to answer with, and the error goes on up."""

from __future__ import annotations

import logging

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
            body = {"error": {"code": "internal", "message": "服务器内部错误 (internal error)", "details": None}}
            await JSONResponse(body, status_code=500)(scope, receive, send)
