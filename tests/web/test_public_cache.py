"""Answers kept for anonymous callers (web/public_cache.py): served again while the database is
unchanged, built again after any change, by this server or anyone else, never shown to a
signed-in caller; writes to other databases on the same server leave them kept."""

from __future__ import annotations

import asyncio
import sqlite3

from gridsvc.store import changes
from gridsvc.store.areas import AreaInput, store_batch
from tests.conftest import pg_admin, square


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


async def test_writes_to_another_database_leave_the_floor_plan_kept(client, app, people, store_kind, tmp_path):
    """On PostgreSQL the mark was the cluster's WAL position, which every database's writes move:
    the floor plans were drawn anew at almost every request on a shared server."""
    url = f"/maps/community/{people.community}"
    plan = await client.get(url)
    assert plan.status_code == 200
    hits, misses = _counts(app)
    for n in range(3):
        if store_kind == "pg":  # the database GRIDSVC_TEST_PG_URL names; the suite's is another
            await pg_admin("CREATE TABLE IF NOT EXISTS gridsvc_elsewhere (n int); DELETE FROM gridsvc_elsewhere; "
                           f"INSERT INTO gridsvc_elsewhere VALUES ({n})")
        else:
            with sqlite3.connect(tmp_path / "elsewhere.sqlite3") as other:
                other.execute("CREATE TABLE IF NOT EXISTS elsewhere (n int)")
                other.execute("INSERT INTO elsewhere VALUES (?)", (n,))
        assert (await client.get(url)).text == plan.text
    assert _counts(app) == (hits + 3, misses)


async def test_every_shown_table_is_watched(database, store_kind):
    """PostgreSQL: the change trigger is on every table but the sign-in and audit bookkeeping, so
    a table a later migration adds is watched too (db.migrate puts it on)."""
    if store_kind != "pg":
        return  # SQLite's mark is the database file's wal-index: every table moves it
    from tortoise import connections

    rows = await connections.get("default").execute_query_dict(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    tables = {r["tablename"] for r in rows}
    assert "wish_claim" in tables and "area" in tables
    assert await changes.watched_tables(database) == tables - changes.UNSHOWN


async def test_requests_arriving_together_share_one_drawing(client, app, people):
    url = f"/maps/community/{people.community}"
    pages = await asyncio.gather(*[client.get(url) for _ in range(6)])
    assert {p.status_code for p in pages} == {200} and len({p.text for p in pages}) == 1
    kept = app.state.public_answers
    assert (kept.misses, kept.shared) == (1, 5)
