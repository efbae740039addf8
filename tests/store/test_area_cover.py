"""The covering index of the governance roll-up (issue 12, timings): the migration creates
(code, level, households) on both databases, and SQLite answers the subtree query from it alone."""

from __future__ import annotations

import pytest
from tortoise import connections

from gridsvc.store import db


async def test_area_cover_index_exists(database, store_kind):
    conn = connections.get("default")
    if store_kind == "sqlite":
        names = [r["name"] for r in await conn.execute_query_dict("PRAGMA index_list('area')")]
        columns = {n: [c["name"] for c in await conn.execute_query_dict(f"PRAGMA index_info('{n}')")]
                   for n in names}
    else:
        rows = await conn.execute_query_dict(
            "SELECT i.relname AS name, a.attname AS col, k.ord FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord) "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
            "WHERE t.relname = 'area' ORDER BY i.relname, k.ord")
        columns = {}
        for r in rows:
            columns.setdefault(r["name"], []).append(r["col"])
    assert ["code", "level", "households"] in columns.values(), columns


async def test_subtree_posts_read_from_the_index_alone(demo_db_url):
    """The dashboard's posts query (store/governance/indicators._posts) on the demo city, analysed."""
    if not demo_db_url.startswith("sqlite"):
        pytest.skip("the plan's wording is SQLite's; PostgreSQL picks by its own statistics")
    async with db.connected(demo_db_url):
        conn = connections.get("default")
        await conn.execute_script("ANALYZE")
        top = (await conn.execute_query_dict("SELECT code FROM area WHERE level = 'district' ORDER BY code"))[0]
        prefix = top["code"][:6]
        plan = await conn.execute_query_dict(
            "EXPLAIN QUERY PLAN SELECT code, level, households FROM area "
            f"WHERE code >= '{prefix}' AND code < '{prefix[:-1]}{chr(ord(prefix[-1]) + 1)}' "
            "AND level IN ('community', 'grid', 'group', 'building')")
    details = " ".join(r["detail"] for r in plan)
    assert "COVERING INDEX" in details, details
