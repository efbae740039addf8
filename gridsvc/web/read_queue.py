"""At most a few reads at work at once in each server process; the others wait their turn in
arrival order.

An asyncio server runs every request it has accepted side by side, a slice each time round the
event loop, and a request waits a whole round for each database answer it needs. Under 100
connections the rounds grow long, and a request that asks the database ten times (a wish list)
waited ten long rounds while a lookup that needs none came and went: the cheap requests starved
the others, whose answers took tens of seconds. With a few requests at work at a time the rounds
stay short and each request waits about its turn in the queue, the same for all.

Only GET and HEAD wait here: they have no body to upload, so a slow client cannot hold a place
while it sends one, and a change is never queued behind reads.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

READS_AT_WORK = 8  # per process: enough to keep the database and the CPU busy, few enough for short rounds


class ReadQueueMiddleware:
    def __init__(self, app: ASGIApp, *, at_work: int = READS_AT_WORK):
        self.app = app
        self.at_work = at_work
        # made in the loop that serves: a semaphore belongs to one event loop, and an app may
        # outlive a loop (tests run one app in several)
        self._places = asyncio.Semaphore(at_work)
        self._loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._places, self._loop = asyncio.Semaphore(self.at_work), loop
        async with self._places:
            await self.app(scope, receive, send)
