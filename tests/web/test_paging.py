"""Every list pages by cursor with a capped page size (issue 9, item 5): walks that see each row
once while rows are added, the cap, refused cursors, the public staff board and its query count.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib

import pytest
from tortoise import connections

from gridsvc.domain.paging import MAX_PAGE, encode_cursor
from gridsvc.store import audit
from gridsvc.store.accounts.models import User, UserArea
from gridsvc.store.accounts.staff_board import PUBLIC_FIELDS


async def add_workers(grid: str, n: int, start: int = 0) -> list[int]:
    """n grid workers on the board (no login), in bulk: the board is what is measured, not this."""
    from gridsvc.store.areas.models import Area

    area = await Area.get(code=grid)
    users = [User(username=f"bulk{start + i}", role="worker", display_name=f"网格员{start + i}",
                  phone=f"1390001{start + i:04d}") for i in range(n)]
    await User.bulk_create(users)
    made = await User.filter(username__in=[u.username for u in users]).values_list("id", flat=True)
    await UserArea.bulk_create([UserArea(user_id=uid, area_id=area.id) for uid in made])
    return list(made)


async def walk(client, url: str, name: str, *, between=None, headers=None, **params) -> list[dict]:
    """Every row of a list, page by page; `between(page_number)` runs after each page."""
    seen, cursor, pages = [], None, 0
    while True:
        r = await client.get(url, params={**params, **({"cursor": cursor} if cursor else {})}, headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        seen += body[name]
        cursor = body["next_cursor"]
        pages += 1
        assert pages < 100
        if cursor is None:
            return seen
        if between:
            await between(pages)


async def test_staff_board_walk_sees_each_person_once_while_staff_are_added(client, people):
    await add_workers(people.grid2, 23)
    before = {c["id"] for c in (await client.get("/api/v1/staff", params={"limit": MAX_PAGE})).json()["staff"]}
    added: list[int] = []

    async def add(page: int) -> None:
        added.extend(await add_workers(people.grid2, 2, start=100 + 2 * page))

    seen = await walk(client, "/api/v1/staff", "staff", between=add, limit=7)
    ids = [c["id"] for c in seen]
    assert len(ids) == len(set(ids)), "a row came twice"
    assert before <= set(ids), "a row was skipped"
    assert set(ids) == before | set(added)  # rows added behind the cursor show up later, in order
    assert ids == sorted(ids)


async def test_audit_walk_newest_first_does_not_repeat_rows_when_entries_are_added(client, people):
    h = await client.token_for("admin")
    for i in range(12):
        await audit.record(None, "test.entry", "area", i, area_code=people.grid)
    first = {e["id"] for e in (await client.get("/api/v1/audit", params={"limit": MAX_PAGE},
                                                headers=h)).json()["entries"]}

    async def add(page: int) -> None:
        # newer entries land before the cursor: with OFFSET they would push old rows onto the next page twice
        for i in range(3):
            await audit.record(None, "test.entry", "area", 1000 + page * 10 + i, area_code=people.grid)

    seen = await walk(client, "/api/v1/audit", "entries", between=add, headers=h, limit=5)
    ids = [e["id"] for e in seen]
    assert len(ids) == len(set(ids))
    assert set(ids) == first
    assert ids == sorted(ids, reverse=True)


async def test_limit_above_the_maximum_is_capped(client, people):
    await add_workers(people.grid2, MAX_PAGE + 5)
    r = await client.get("/api/v1/staff", params={"limit": 5000})
    assert r.status_code == 200
    body = r.json()
    assert body["limit"] == MAX_PAGE and len(body["staff"]) == MAX_PAGE and body["next_cursor"]
    rest = (await client.get("/api/v1/staff", params={"limit": 5000, "cursor": body["next_cursor"]})).json()
    assert rest["next_cursor"] is None
    assert not {c["id"] for c in rest["staff"]} & {c["id"] for c in body["staff"]}
    assert (await client.get("/api/v1/staff", params={"limit": 0})).status_code == 400


BAD_CURSORS = [
    "not a cursor!",
    "%%%%",
    "A" * 2000,
    encode_cursor("audit", [5]),  # another list's
    encode_cursor("staff", ["5"]),  # wrong type
    encode_cursor("staff", [5, 6]),  # wrong shape
    encode_cursor("staff", [2**70]),  # past any column
    encode_cursor("staff", [None]),
    encode_cursor("staff", [True]),
]


@pytest.mark.parametrize("cursor", BAD_CURSORS)
async def test_bad_cursor_is_a_400_error_body(client, people, cursor):
    r = await client.get("/api/v1/staff", params={"cursor": cursor})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "bad_cursor"
    assert r.json()["error"]["details"] == {"parameter": "cursor"}


@pytest.mark.parametrize("url,who", [
    ("/api/v1/audit", "admin"), ("/api/v1/wishes", "admin"), ("/api/v1/inbox", "worker"), ("/api/v1/orgs", None),
    ("/api/v1/demands", None), ("/api/v1/allocations", "official"), ("/api/v1/services", None),
    ("/api/v1/admissions", "official"),
])
async def test_every_list_refuses_a_forged_cursor(client, people, url, who):
    h = await client.token_for(who) if who else None
    for cursor in ("garbage", encode_cursor("staff", [1, 2, 3])):
        r = await client.get(url, params={"cursor": cursor}, headers=h)
        assert r.status_code == 400, (url, r.text)
        assert r.json()["error"]["code"] == "bad_cursor"


async def test_catalog_search_pages_by_header_cursor(client, people):
    from gridsvc.store.demo import catalog as catalog_demo

    await catalog_demo.load()  # items without areas apply everywhere
    r = await client.get("/api/v1/services", params={"limit": 10})
    assert r.status_code == 200 and len(r.json()) == 10
    nxt = r.headers["x-next-cursor"]
    assert 'rel="next"' in r.headers["link"]
    r2 = await client.get("/api/v1/services", params={"limit": 10, "cursor": nxt})
    codes = [s["code"] for s in r.json()] + [s["code"] for s in r2.json()]
    assert len(set(codes)) == 20
    all_ = (await client.get("/api/v1/services", params={"limit": 20})).json()
    assert [s["code"] for s in all_] == codes


async def test_anonymous_staff_board_shows_only_the_public_card(client, people):
    cards = (await client.get("/api/v1/staff")).json()["staff"]
    assert cards
    for c in cards:
        assert set(c) == set(PUBLIC_FIELDS), c  # no login name, no supervisor chain
    cards = (await client.get(f"/api/v1/areas/{people.grid}/staff")).json()["staff"]
    assert all(set(c) == set(PUBLIC_FIELDS) for c in cards)
    # a manager of staff still sees the login names they manage by
    h = await client.token_for("head")
    worker = next(c for c in (await client.get("/api/v1/staff", headers=h)).json()["staff"] if c["role"] == "worker")
    assert worker["username"] and worker["supervisor"]["username"] == "head"


@contextlib.contextmanager
def counting_statements():
    """Counts the SQL statements the app sends through Tortoise's connection."""
    conn = connections.get("default")
    counted = {"n": 0}
    originals = {}
    for name in ("execute_query", "execute_query_dict", "execute_insert", "execute_many", "execute_script"):
        original = getattr(conn, name)
        originals[name] = original

        def wrap(original=original):
            async def run(*args, **kwargs):
                counted["n"] += 1
                return await original(*args, **kwargs)
            return run

        setattr(conn, name, wrap())
    try:
        yield counted
    finally:
        for name, original in originals.items():
            setattr(conn, name, original)


async def test_staff_board_query_count_does_not_grow_with_the_page(client, people):
    async def statements(params) -> int:
        with counting_statements() as counted:
            r = await client.get("/api/v1/staff", params=params)
        assert r.status_code == 200
        return counted["n"]

    small = await statements({"limit": 5, "under": people.district})
    await add_workers(people.grid2, 150)
    for params in ({"limit": 5, "under": people.district}, {"limit": MAX_PAGE, "under": people.district},
                   {"limit": MAX_PAGE}):
        n = await statements(params)
        assert n <= small, (params, n, small)
    assert small <= 4  # the area, the people, their areas (and nothing per person)


def test_subtree_range_covers_exactly_the_prefix():
    from gridsvc.store.subtree import prefix_end

    assert prefix_end("6102") == "6103"
    assert prefix_end("6109") == "611"
    assert prefix_end("610299") == "6103"
    assert prefix_end("999") is None
    codes = ["610", "6109", "61090", "610999999", "611", "6110", "6108999"]
    for prefix in ("6109", "610", "61", "6"):
        end = prefix_end(prefix)
        in_range = [c for c in codes if prefix <= c and (end is None or c < end)]
        assert in_range == [c for c in codes if c.startswith(prefix)]


async def test_staff_under_an_area_whose_code_ends_in_nine(client, people):
    from shapely.geometry import box

    from gridsvc.store.accounts.users import create_user
    from gridsvc.store.areas import AreaInput, store_batch

    # a 9th community: its range ends at the next street's prefix ("610202001010"), not at a ':'
    await store_batch([AreaInput("610202001009", "九号社区", "community", box(109.4, 35.3, 109.45, 35.35),
                                 "610202001000")], actor=None)
    await create_user("nine", role="head", areas=["610202001009"], phone="13900000099")
    cards = (await client.get("/api/v1/staff", params={"under": "610202001009"})).json()["staff"]
    assert [c["phone"] for c in cards] == ["13900000099"]
    street = {c["phone"] for c in (await client.get("/api/v1/staff", params={"under": people.street})).json()["staff"]}
    assert "13900000099" in street and "13900000003" in street
