"""Test harness: every store test runs on SQLite and, when GRIDSVC_TEST_PG_URL is set, on
PostgreSQL too. The schema comes from the real migrations, applied once per session; each
test starts from empty tables."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from dataclasses import dataclass
from datetime import timedelta
from typing import Iterator

import httpx
import pytest
from shapely.geometry import Point, box, mapping

from gridsvc.app import create_app
from gridsvc.config import Settings
from gridsvc.domain import clock
from gridsvc.store import db
from gridsvc.store.accounts.users import create_user
from gridsvc.store.areas import AreaInput, store_batch

# fixtures kept in the kit, shared by the test modules that name them
pytest_plugins = ["tests.kit.browser", "tests.kit.catalog"]

PG_URL = os.environ.get("GRIDSVC_TEST_PG_URL", "")

# real argon2, cheap parameters: the default profile costs ~0.1 s a hash and the suite makes thousands
from argon2 import PasswordHasher  # noqa: E402

from gridsvc.store.accounts import users as _users  # noqa: E402

_users.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
PASSWORD = "correct-horse-9"
STORES = ["sqlite", pytest.param("pg", marks=pytest.mark.pg)]


def pg_url_for(database: str) -> str:
    """The URL of another database on the server GRIDSVC_TEST_PG_URL names."""
    return f"{PG_URL.rsplit('/', 1)[0]}/{database}"


async def pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_URL.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextlib.contextmanager
def scratch_database(kind: str, tmp_path, name: str):
    """A database for server processes a test starts: a fresh SQLite file, or a PostgreSQL
    database of this process's own (dropped afterwards), never the suite's."""
    if kind == "sqlite":
        yield f"sqlite://{tmp_path / (name + '.sqlite3')}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL tests need GRIDSVC_TEST_PG_URL (e.g. postgres://postgres@127.0.0.1:5432/test)")
    full = f"{name}_{os.getpid()}"
    asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{full}" WITH (FORCE)'))
    asyncio.run(pg_admin(f'CREATE DATABASE "{full}"'))
    try:
        yield pg_url_for(full)
    finally:
        asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{full}" WITH (FORCE)'))


@dataclass(frozen=True)
class ServerPair:
    """Two `gridsvc serve` processes on one database, with an admin who logs in with PASSWORD."""

    a: str
    b: str
    db: str


@pytest.fixture(scope="session", params=STORES)
def server_pair(request, tmp_path_factory) -> Iterator[ServerPair]:
    """Shared by the tests of what one process sees of another's changes (each uses data of its
    own: areas, catalog items): starting servers is the slow part of those tests."""
    from tests.kit.commands import gridsvc
    from tests.servers import serve

    workdir = tmp_path_factory.mktemp("servers")
    with scratch_database(request.param, workdir, "gridsvc_pair") as url:
        for args, stdin in ((("init-db",), ""), (("create-user", "admin", "--role", "admin"), PASSWORD + "\n")):
            r = gridsvc(*args, db=url, stdin=stdin)
            assert r.returncode == 0, r.stdout + r.stderr
        with serve(url, workdir) as a, serve(url, workdir) as b:
            yield ServerPair(a, b, url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"

    async def go():
        await db.migrate(f"sqlite://{path}")
        await db.close()

    asyncio.run(go())
    return str(path)


@pytest.fixture(scope="session")
def pg_ready():
    """A database of this test session's own on the server GRIDSVC_TEST_PG_URL names, so that
    two suites running at once (two developers, CI) never truncate each other's tables."""
    if not PG_URL:
        pytest.skip("PostgreSQL tests need GRIDSVC_TEST_PG_URL (e.g. postgres://postgres@127.0.0.1:5432/test)")
    name = f"gridsvc_t{os.getpid()}"
    asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
    url = pg_url_for(name)

    async def go():
        await db.migrate(url)
        await db.close()

    asyncio.run(go())
    try:
        yield url
    finally:
        asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))




@pytest.fixture(params=STORES)
def scratch_db(request, tmp_path) -> Iterator[str]:
    """An empty database for the server processes a test starts, on each store: a fresh SQLite
    file, or a PostgreSQL database of this process's own, dropped afterwards."""
    with scratch_database(request.param, tmp_path, "gridsvc_scratch") as url:
        yield url


# ---- the demo city, loaded once per session ------------------------------------------------


@dataclass(frozen=True)
class DemoTemplate:
    """A database holding the demo city: a SQLite file to copy, or a PostgreSQL database to use
    as the TEMPLATE of another; `loaded` is what `load_demo` answered."""

    location: str
    loaded: dict


async def _load_demo_into(url: str) -> dict:
    from gridsvc.store.demo import load_demo

    await db.connect(url)
    try:
        return await load_demo()
    finally:
        await db.close()


@pytest.fixture(scope="session")
def demo_sqlite_template(tmp_path_factory, sqlite_template) -> DemoTemplate:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    return DemoTemplate(str(path), asyncio.run(_load_demo_into(f"sqlite://{path}")))


@pytest.fixture(scope="session")
def demo_pg_template(pg_ready) -> Iterator[DemoTemplate]:
    name = f"gridsvc_demo{os.getpid()}"
    asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
    try:
        url = pg_url_for(name)

        async def go() -> dict:
            await db.migrate(url)
            await db.close()
            return await _load_demo_into(url)

        yield DemoTemplate(name, asyncio.run(go()))
    finally:
        asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=STORES)
def demo_db_url(request, tmp_path) -> Iterator[str]:
    """A database of this test's own holding the demo city: a copy of the session's template
    (a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL)."""
    if request.param == "sqlite":
        path = tmp_path / "demo.sqlite3"
        shutil.copy(request.getfixturevalue("demo_sqlite_template").location, path)
        yield f"sqlite://{path}"
        return
    template = request.getfixturevalue("demo_pg_template").location
    name = f"{template}_copy"
    asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield pg_url_for(name)
    finally:
        asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=STORES)
def store_kind(request) -> str:
    return request.param


@pytest.fixture
def db_url(store_kind, request, tmp_path) -> str:
    if store_kind == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "gridsvc.sqlite3"
        shutil.copy(template, path)
        return f"sqlite://{path}"
    return request.getfixturevalue("pg_ready")


async def _truncate_pg() -> None:
    from tortoise import connections

    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'tortoise_migrations'")
    if rows:
        names = ", ".join(f'"{r["tablename"]}"' for r in rows)
        await conn.execute_script(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture
async def database(db_url, store_kind):
    await db.connect(db_url)
    try:
        if store_kind == "pg":
            await _truncate_pg()
        yield db_url
    finally:
        await db.close()


@pytest.fixture
def settings(db_url) -> Settings:
    return Settings(db_url=db_url, secret_key="test-secret", login_max_failures=5)


@pytest.fixture
async def app(database, settings):
    application = create_app(settings, manage_db=False)
    await application.state.index.start()
    try:
        yield application
    finally:
        await application.state.index.close()


class Client(httpx.AsyncClient):
    """An HTTP client for the app with helpers to act as a user."""

    async def token_for(self, username: str, password: str = PASSWORD) -> dict:
        r = await self.post("/api/v1/auth/token", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    async def login(self, username: str, password: str = PASSWORD) -> str:
        """Session login; returns the CSRF token to send with changes."""
        r = await self.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return r.json()["csrf_token"]


@pytest.fixture
async def client(app):
    async with Client(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


# ---- a canned tree: small squares near Tongchuan --------------------------------------------



@pytest.fixture
async def demo(demo_db_url):
    """An HTTP client on the app over a copy of the demo city (read-only: tests that write use
    `people`)."""
    await db.connect(demo_db_url)
    app = create_app(Settings(db_url=demo_db_url, secret_key="test-secret"), manage_db=False)
    await app.state.index.start()
    try:
        async with Client(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
            yield c
    finally:
        await app.state.index.close()
        await db.close()

def square(x0: float, y0: float, size: float):
    return box(x0, y0, x0 + size, y0 + size)


@dataclass
class Tree:
    district: str = "610202"
    other_district: str = "610203"
    street: str = "610202001000"
    community: str = "610202001001"
    community2: str = "610202001002"
    grid: str = "610202001001001"
    grid2: str = "610202001001002"
    other_grid: str = "610202001002001"
    group: str = "610202001001001001"
    building: str = "610202001001001001001"
    far_grid: str = "610203001001001"


async def build_tree() -> Tree:
    """District 610202 (1.0° square) with one street, two communities, grids, a group and a
    building; a second district 610203 beside it with its own chain down to a grid."""
    t = Tree()
    items = [
        AreaInput("610202", "王益区", "district", square(109.0, 35.0, 1.0)),
        AreaInput("610203", "印台区", "district", square(110.0, 35.0, 1.0)),
        AreaInput("610202001000", "七一路街道", "street", square(109.0, 35.0, 0.5), "610202"),
        AreaInput("610203001000", "城关街道", "street", square(110.0, 35.0, 0.5), "610203"),
        AreaInput("610202001001", "川口社区", "community", square(109.0, 35.0, 0.2), "610202001000", households=2000),
        AreaInput("610202001002", "大同路社区", "community", square(109.2, 35.0, 0.2), "610202001000", households=1800),
        AreaInput("610203001001", "南苑社区", "community", square(110.0, 35.0, 0.2), "610203001000"),
        AreaInput("610202001001001", "川口一网格", "grid", square(109.0, 35.0, 0.1), "610202001001", households=200),
        AreaInput("610202001001002", "川口二网格", "grid", square(109.1, 35.0, 0.1), "610202001001", households=210),
        AreaInput("610202001002001", "大同路一网格", "grid", square(109.2, 35.0, 0.1), "610202001002", households=190),
        AreaInput("610203001001001", "南苑一网格", "grid", square(110.0, 35.0, 0.1), "610203001001"),
        AreaInput("610202001001001001", "第一居民小组", "group", square(109.0, 35.0, 0.05), "610202001001001"),
        AreaInput("610202001001001001001", "1号楼", "building", Point(109.01, 35.01), "610202001001001001"),
    ]
    await store_batch(items, actor=None)
    return t


@pytest.fixture
async def tree(database) -> Tree:
    return await build_tree()


@pytest.fixture
async def people(tree):
    """One account per role, each logging in with PASSWORD."""
    t = tree
    await create_user("admin", role="admin", password=PASSWORD)
    await create_user("official", role="official", password=PASSWORD, areas=[t.district])
    await create_user("official2", role="official", password=PASSWORD, areas=[t.other_district])
    await create_user("instructor", role="instructor", password=PASSWORD, areas=[t.community], phone="13900000001")
    await create_user("head", role="head", password=PASSWORD, areas=[t.community], phone="13900000002",
                      supervisor="instructor")
    await create_user("head2", role="head", password=PASSWORD, areas=[t.community2], phone="13900000012")
    await create_user("worker", role="worker", password=PASSWORD, areas=[t.grid], phone="13900000003",
                      supervisor="head",
                      display_name="张网格")
    await create_user("worker2", role="worker", password=PASSWORD, areas=[t.grid2], phone="13900000004",
                      supervisor="head")
    await create_user("leader", role="group_leader", password=PASSWORD, areas=[t.group], supervisor="worker")
    await create_user("bhead", role="building_head", password=PASSWORD, areas=[t.building], supervisor="leader")
    await create_user("resident", role="resident", password=PASSWORD, areas=[t.building], phone="13812341234")
    await create_user("volunteer", role="volunteer", password=PASSWORD, areas=[t.district])
    await create_user("orgmember", role="org_member", password=PASSWORD)
    return t


def feature(code: str, name: str, level: str, geom, parent: str | None = None, **props) -> dict:
    return {"type": "Feature", "geometry": mapping(geom),
            "properties": {"code": code, "name": name, "level": level, "parent": parent, **props}}


@pytest.fixture
def tomorrow():
    """The clock a day on: what the fixtures stored happened 'yesterday' (the day yielded), so
    boundary generations can be asked about the day before an edit."""
    first = clock.today()
    clock.set_now(lambda: clock._system_now() + timedelta(days=1))
    try:
        yield first
    finally:
        clock.set_now(None)
