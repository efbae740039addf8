"""Answers that are the same for every anonymous caller, kept in memory until the database changes.

The public staff board, a community's floor plan and the choropleths are read far more often
than anything they show is changed, and each costs milliseconds of CPU to build (a floor plan
30 ms). For anonymous callers such an answer depends only on the URL, the language and the
database, so each process keeps the last ones it built, stamped with the database's change mark
(`store.changes.DataChanges`: a change to shown data, committed by any process or server, moves
it; other databases on the same PostgreSQL server do not). The mark is read before each use, and
an answer built before the last change is built again: never stale.
Signed-in callers are never served from here (what they see depends on who they are), and only
successful answers are kept.
"""

from __future__ import annotations

import asyncio
import functools
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from gridsvc.store.changes import DataChanges

from .language import request_language
from .permissions import principal

MAX_ANSWERS = 512  # per process; a floor plan is ~50 KB
MAX_BODY = 4 * 1024 * 1024


@dataclass(frozen=True)
class _Kept:
    mark: Hashable
    status: int
    body: bytes
    headers: tuple[tuple[bytes, bytes], ...]

    def response(self) -> Response:
        r = Response(self.body, status_code=self.status)
        r.raw_headers = list(self.headers)  # a new list: middleware adds to the one it is given
        return r


class PublicAnswers:
    def __init__(self, changes: DataChanges):
        self.mark = changes
        self.kept: OrderedDict[tuple[str, str], _Kept] = OrderedDict()
        # answers being built: requests for the same one at the same mark wait for it instead of
        # each drawing it again (after a change, every floor-plan request in flight missed at once)
        self.building: dict[tuple[tuple[str, str], Hashable], asyncio.Future[_Kept | None]] = {}
        self.hits = self.misses = self.shared = 0

    async def answer(self, key: tuple[str, str], build: Callable[[], Awaitable[Response]]) -> Response:
        mark = await self.mark.read()
        if mark is None:
            return await build()
        kept = self.kept.get(key)
        if kept is not None and kept.mark == mark:
            self.hits += 1
            self.kept.move_to_end(key)
            return kept.response()
        flight = (key, mark)
        pending = self.building.get(flight)
        if pending is not None:
            done = await asyncio.shield(pending)
            if done is not None:
                self.shared += 1
                return done.response()
            return await build()  # not kept (a failure, a cookie): each builds its own
        self.misses += 1
        self.building[flight] = future = asyncio.get_running_loop().create_future()
        done = None
        try:
            response = await build()
            body = getattr(response, "body", None)  # streamed answers have none and are not kept
            if (response.status_code == 200 and isinstance(body, bytes) and len(body) <= MAX_BODY
                    and b"set-cookie" not in {k for k, _ in response.raw_headers}):
                done = self.kept[key] = _Kept(mark, response.status_code, body, tuple(response.raw_headers))
                self.kept.move_to_end(key)
                while len(self.kept) > MAX_ANSWERS:
                    self.kept.popitem(last=False)
            return response
        finally:
            self.building.pop(flight, None)
            future.set_result(done)


def public_answers(request: Request) -> PublicAnswers:
    state = request.app.state
    if getattr(state, "public_answers", None) is None:
        state.public_answers = PublicAnswers(state.data_changes)
    return state.public_answers


def same_for_everyone(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """Wraps a GET handler whose answer to an anonymous caller depends only on the URL, the
    language and the database."""

    @functools.wraps(handler)
    async def kept_for_anonymous(request: Request) -> Response:
        if principal(request).is_authenticated:
            return await handler(request)
        key = (str(request.url), request_language(request))
        return await public_answers(request).answer(key, lambda: handler(request))

    return kept_for_anonymous
