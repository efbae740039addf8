"""Reads wait their turn (web/read_queue.py): a few at work at once, the rest admitted in arrival
order; changes never wait behind reads."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from gridsvc.web.read_queue import ReadQueueMiddleware


def _app(release: asyncio.Event, entered: list[str]) -> Starlette:
    async def read(request: Request) -> PlainTextResponse:
        entered.append(request.query_params["n"])
        await release.wait()
        return PlainTextResponse(request.query_params["n"])

    async def change(request: Request) -> PlainTextResponse:
        entered.append("change")
        return PlainTextResponse("changed")

    return Starlette(routes=[Route("/read", read), Route("/change", change, methods=["POST"])],
                     middleware=[Middleware(ReadQueueMiddleware, at_work=2)])


async def _settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_two_at_work_the_rest_in_arrival_order_and_changes_never_wait():
    release, entered = asyncio.Event(), []
    app = _app(release, entered)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        reads = []
        for n in range(6):
            reads.append(asyncio.create_task(c.get("/read", params={"n": n})))
            await _settle()
        assert entered == ["0", "1"]  # the other four wait
        r = await c.post("/change")
        assert r.status_code == 200 and entered == ["0", "1", "change"]
        release.set()
        answers = await asyncio.gather(*reads)
    assert [a.text for a in answers] == [str(n) for n in range(6)]
    assert entered[3:] == ["2", "3", "4", "5"]  # admitted in the order they came


def test_one_app_in_several_event_loops():
    """Each loop gets its own places: a semaphore made in one loop cannot be waited on in another."""
    app = Starlette(routes=[Route("/read", lambda request: PlainTextResponse("ok"))],
                    middleware=[Middleware(ReadQueueMiddleware, at_work=1)])

    async def crowd() -> list[int]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            return [r.status_code for r in await asyncio.gather(*(c.get("/read") for _ in range(5)))]

    assert asyncio.run(crowd()) == [200] * 5
    assert asyncio.run(crowd()) == [200] * 5
