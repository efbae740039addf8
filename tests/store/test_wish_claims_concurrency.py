"""Fifty claims of one wish at once: exactly one wins, the other 49 get a 409 naming the holder;
and twelve claims of one volunteer at once: exactly their limit (3) wins.

Twice over: through a real `gridsvc serve --workers 2` (two processes sharing the database,
fifty real HTTP requests in flight together) on a temporary SQLite file and on a scratch
PostgreSQL database made for the test and dropped after it (conftest's `scratch_db`); and in
process, through the ASGI client with asyncio.gather, on both stores.
"""

from __future__ import annotations

import asyncio
import os

import httpx

from gridsvc.domain.privacy import mask_name
from gridsvc.store import db
from gridsvc.store.accounts.users import create_user, issue_token
from gridsvc.store.wishes.models import Claim, Wish, WishEvent
from tests.conftest import PASSWORD, build_tree
from tests.kit.commands import gridsvc_async
from tests.servers import serve
from tests.wishkit import wish_body

N = 50


class _Settings:
    token_hours = 1


async def claim(post, url: str, **kw) -> httpx.Response:
    """POST a claim as a client would: once more if the connection dropped before any answer.
    On the 2-core machine, with the rest of the suite running beside two server workers, a few of
    fifty simultaneous connections are occasionally closed before the server has read the request
    (the server logs the client as gone while reading the body): no claim was made, so asking
    again is what a real client does. An answered request is never repeated."""
    try:
        return await post(url, **kw)
    except (httpx.ReadError, httpx.RemoteProtocolError):
        return await post(url, **kw)


async def _prepare():
    """A published wish in the test grid and N volunteers with a bearer token each."""
    t = await build_tree()
    await create_user("resident", role="resident", password=PASSWORD, areas=[t.building], phone="13812341234")
    await create_user("worker", role="worker", password=PASSWORD, areas=[t.grid])
    heads = {}
    for i in range(N):
        name = f"claimer{i:02d}"
        user = await create_user(name, role="volunteer", areas=[t.district], display_name=f"志愿者{i:02d}")
        token, _ = await issue_token(user, settings=_Settings)
        heads[name] = {"Authorization": f"Bearer {token}"}
    return t, heads


async def _seed_wish(t, *, resident_token: str, worker_token: str, post) -> int:
    w = await post("/api/v1/wishes", headers={"Authorization": f"Bearer {resident_token}"}, json=wish_body())
    assert w.status_code == 201, w.text
    wid = w.json()["id"]
    r = await post(f"/api/v1/wishes/{wid}/publish", headers={"Authorization": f"Bearer {worker_token}"})
    assert r.status_code == 200, r.text
    return wid


def _check(results: list[tuple[str, httpx.Response]]) -> str:
    """Exactly one 200; every other answer a 409 ``already_claimed`` naming the winner."""
    codes = sorted(r.status_code for _, r in results)
    assert codes == [200] + [409] * (N - 1), codes
    winner = next(name for name, r in results if r.status_code == 200)
    expected = mask_name(f"志愿者{winner[-2:]}")
    for _name, r in results:
        if r.status_code == 409:
            err = r.json()["error"]
            assert err["code"] == "already_claimed", err
            assert err["details"]["holder"]["kind"] == "volunteer" and err["details"]["holder"]["name"] == expected
            assert expected in err["message"]
    return winner


async def _check_store(wish_id: int) -> None:
    wish = await Wish.get(id=wish_id)
    assert wish.status == "claimed"
    claims = await Claim.filter(wish_id=wish_id)
    assert len(claims) == 1 and claims[0].status == "active" and wish.current_claim_id == claims[0].id
    assert await WishEvent.filter(wish_id=wish_id, action="claim").count() == 1


# ---------------------------------------------------------------------------- in process


async def test_fifty_concurrent_claims_in_process(client, database):
    t, heads = await _prepare()
    resident = (await client.token_for("resident"))["Authorization"][7:]
    worker = (await client.token_for("worker"))["Authorization"][7:]
    wid = await _seed_wish(t, resident_token=resident, worker_token=worker, post=client.post)
    names = list(heads)
    responses = await asyncio.gather(*[client.post(f"/api/v1/wishes/{wid}/claim", headers=heads[n]) for n in names])
    _check(list(zip(names, responses, strict=True)))
    await _check_store(wid)


# ---------------------------------------------------------------------------- a real server, two workers


async def test_fifty_concurrent_claims_over_http_two_workers(scratch_db, tmp_path):
    # the schema (by the command a user runs) and the people, written before the server starts
    served_db = scratch_db
    init = await gridsvc_async("init-db", db=served_db)
    assert init.returncode == 0, init.stderr
    await db.connect(served_db)
    try:
        t, heads = await _prepare()
        from gridsvc.store.accounts.models import User

        resident = (await issue_token(await User.get(username="resident"), settings=_Settings))[0]
        worker = (await issue_token(await User.get(username="worker"), settings=_Settings))[0]
    finally:
        await db.close()

    with serve(served_db, tmp_path, workers=2,
               environ={**os.environ, "GRIDSVC_SECRET_KEY": "concurrency-test"}) as base:
        limits = httpx.Limits(max_connections=N + 5, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(60.0), limits=limits) as c:
            wid = await _seed_wish(t, resident_token=resident, worker_token=worker, post=c.post)
            names = list(heads)
            start = asyncio.Event()

            async def fire(name: str) -> tuple[str, httpx.Response]:
                await start.wait()
                return name, await claim(c.post, f"/api/v1/wishes/{wid}/claim", headers=heads[name])

            tasks = [asyncio.create_task(fire(n)) for n in names]
            await asyncio.sleep(0)
            start.set()
            results = await asyncio.wait_for(asyncio.gather(*tasks), timeout=120)
            _check(results)
            detail = await c.get(f"/api/v1/wishes/{wid}", headers={"Authorization": f"Bearer {worker}"})
            assert detail.status_code == 200 and detail.json()["status"] == "claimed"
    log = "".join(p.read_text() for p in tmp_path.glob("serve-*.log"))
    assert log.count("Started server process") == 2, log[-3000:]  # two workers served

    await db.connect(served_db)
    try:
        await _check_store(wid)
    finally:
        await db.close()


# ---------------------------------------------------------------------------- one volunteer, many wishes

LIMIT = 3
WISHES = 12


async def _prepare_limit():
    """A volunteer (default limit of 3 active claims), a resident and a worker with tokens."""
    t = await build_tree()
    await create_user("resident", role="resident", password=PASSWORD, areas=[t.building], phone="13812341234")
    await create_user("worker", role="worker", password=PASSWORD, areas=[t.grid])
    await create_user("eager", role="volunteer", areas=[t.district], display_name="热心志愿者")
    from gridsvc.store.accounts.models import User

    return t, {name: (await issue_token(await User.get(username=name), settings=_Settings))[0]
               for name in ("resident", "worker", "eager")}


async def _claim_all(post, t, tokens) -> list[httpx.Response]:
    wids = [await _seed_wish(t, resident_token=tokens["resident"], worker_token=tokens["worker"], post=post)
            for _ in range(WISHES)]
    head = {"Authorization": f"Bearer {tokens['eager']}"}
    start = asyncio.Event()

    async def fire(wid: int) -> httpx.Response:
        await start.wait()
        return await claim(post, f"/api/v1/wishes/{wid}/claim", headers=head)

    tasks = [asyncio.create_task(fire(w)) for w in wids]
    await asyncio.sleep(0)
    start.set()
    return list(await asyncio.wait_for(asyncio.gather(*tasks), timeout=120))


async def _check_limit(responses: list[httpx.Response]) -> None:
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * LIMIT + [409] * (WISHES - LIMIT), [(r.status_code, r.text[:200]) for r in responses]
    for r in responses:
        if r.status_code == 409:
            assert r.json()["error"]["code"] == "too_many_claims", r.text
    from gridsvc.store.accounts.models import User

    eager = await User.get(username="eager")
    assert await Claim.filter(claimer_id=eager.id, status="active").count() == LIMIT
    assert await Wish.filter(status="claimed").count() == LIMIT
    assert await Wish.filter(status="published").count() == WISHES - LIMIT  # the refused claims left no trace


async def test_volunteer_limit_holds_under_parallel_claims_in_process(client, database):
    t, tokens = await _prepare_limit()
    await _check_limit(await _claim_all(client.post, t, tokens))


async def test_volunteer_limit_holds_over_http_two_workers(scratch_db, tmp_path):
    served_db = scratch_db
    init = await gridsvc_async("init-db", db=served_db)
    assert init.returncode == 0, init.stderr
    await db.connect(served_db)
    try:
        t, tokens = await _prepare_limit()
    finally:
        await db.close()
    with serve(served_db, tmp_path, workers=2,
               environ={**os.environ, "GRIDSVC_SECRET_KEY": "concurrency-test"}) as base:
        limits = httpx.Limits(max_connections=WISHES + 5, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(60.0), limits=limits) as c:
            responses = await _claim_all(c.post, t, tokens)
    await db.connect(served_db)
    try:
        await _check_limit(responses)
    finally:
        await db.close()
