"""The indexes of the governance roll-up (issue 12, timings): the migrations create
(code, level, households), (parent_id) and (level, code, households) on both databases, and
SQLite answers the dashboard's grouped subtree reads from an index alone."""

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
    assert ["parent_id"] in columns.values() and ["level", "code", "households"] in columns.values(), columns


async def test_subtree_posts_read_from_the_index_alone(demo_db_url):
    """The dashboard's reads of the grids (posts.staffing, indicators.grid_sizes: counted per
    community in the database) and of the communities, on the demo city, analysed."""
    if not demo_db_url.startswith("sqlite"):
        pytest.skip("the plan's wording is SQLite's; PostgreSQL picks by its own statistics")
    async with db.connected(demo_db_url):
        conn = connections.get("default")
        await conn.execute_script("ANALYZE")
        top = (await conn.execute_query_dict("SELECT code FROM area WHERE level = 'district' ORDER BY code"))[0]
        prefix = top["code"][:6]
        end = f"{prefix[:-1]}{chr(ord(prefix[-1]) + 1)}"
        plan = await conn.execute_query_dict(
            "EXPLAIN QUERY PLAN SELECT SUBSTR(code, 1, 12) AS c, level, COUNT(id), SUM(households) FROM area "
            f"WHERE code >= '{prefix}' AND code < '{end}' "
            "AND level IN ('community', 'grid', 'group', 'building') GROUP BY c, level")
        communities = await conn.execute_query_dict(
            "EXPLAIN QUERY PLAN SELECT code, name FROM area "
            f"WHERE level = 'community' AND code >= '{prefix}' AND code < '{end}'")
    details = " ".join(r["detail"] for r in plan)
    assert "COVERING INDEX" in details, details
    # the communities from the range of their own level, not from every area of the subtree
    details = " ".join(r["detail"] for r in communities)
    assert "level=? AND code>? AND code<?" in details, details
