"""Answers kept for anonymous callers (web/public_cache.py): served again while the database is
unchanged, built again after any change, by this server or anyone else, never shown to a
signed-in caller."""

from __future__ import annotations

from gridsvc.store.areas import AreaInput, store_batch
from tests.conftest import square


def _counts(app) -> tuple[int, int]:
    kept = app.state.public_answers
    return kept.hits, kept.misses


async def test_the_public_board_is_kept_until_a_change(client, app, people, store_kind):
    url = f"/api/v1/staff?under={people.community}"
    first = await client.get(url)
    assert first.status_code == 200
    hits, misses = _counts(app)
    again = await client.get(url)
    assert again.json() == first.json()
    if store_kind == "sqlite":  # PostgreSQL's mark is the cluster's WAL position: other databases move it too
        assert _counts(app) == (hits + 1, misses)

    h = await client.token_for("head")
    worker = next(c for c in first.json()["staff"] if c["name"] == "张网格")
    r = await client.patch(f"/api/v1/staff/{worker['id']}", json={"phone": "13700000099"}, headers=h)
    assert r.status_code == 200, r.text
    after = await client.get(url)
    assert next(c for c in after.json()["staff"] if c["id"] == worker["id"])["phone"] == "13700000099"
    assert _counts(app)[1] > misses


async def test_a_signed_in_caller_is_never_served_a_kept_answer(client, app, people):
    url = f"/api/v1/staff?under={people.community}"
    public = await client.get(url)
    assert all("username" not in c for c in public.json()["staff"])
    counts = _counts(app)
    managed = await client.get(url, headers=await client.token_for("head"))
    assert any(c.get("username") == "worker" for c in managed.json()["staff"])
    assert _counts(app) == counts  # neither served from nor stored in the public answers
    assert all("username" not in c for c in (await client.get(url)).json()["staff"])


async def test_a_change_made_outside_this_server_is_seen_at_once(client, app, people, store_kind):
    """As the CLI or another app server would: straight through the store, not through this app."""
    plan = await client.get(f"/maps/community/{people.community}")
    assert plan.status_code == 200 and "川口三网格" not in plan.text
    if store_kind == "sqlite":  # PostgreSQL's mark is the cluster's WAL position: other databases move it too
        # served again as kept: a page drawn anew would carry new element ids
        assert (await client.get(f"/maps/community/{people.community}")).text == plan.text
    await store_batch([AreaInput("610202001001003", "川口三网格", "grid", square(109.0, 35.1, 0.1), people.community)],
                      actor=None)
    again = await client.get(f"/maps/community/{people.community}")
    assert again.status_code == 200 and "川口三网格" in again.text
    assert again.headers["content-security-policy"] != ""


async def test_failures_are_not_kept(client, app, people):
    r = await client.get("/maps/community/619999999999")
    assert r.status_code == 404
    counts = _counts(app)
    assert (await client.get("/maps/community/619999999999")).status_code == 404
    assert _counts(app)[0] == counts[0]
