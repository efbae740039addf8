"""Privacy has no side door: every GET operation of /openapi.json and every page, as every
role, shows a resident's full name, phone and address only where DESIGN.md allows it (the
resident, the staff of the grid, the organisation or volunteer holding the accepted claim),
and it does show them there (so the walk can fail both ways). Staff boards carry staff only;
the server's log names nobody.

Two residents of the test grid: 欧阳娜娜 (``resident``; one wish claimed by an organisation,
one published) and 司马光明 (``neighbour``; one wish claimed by a volunteer)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from starlette.routing import Mount, Route

from gridsvc.domain.roles import STAFF_TIERS
from gridsvc.store import db
from gridsvc.store.accounts.models import User
from gridsvc.store.accounts.users import create_user, issue_token, principal_for
from tests.conftest import PASSWORD, build_tree
from tests.servers import serve
from tests.wishkit import Kit, wish_body

# each resident's secrets: full name, full phone, and the door part of the address (the masked
# address keeps only the text before the first digit)
SECRETS = {
    "resident": ("欧阳娜娜", "13812341234", "3单元502"),
    "neighbour": ("司马光明", "13655556666", "1单元101"),
}
ALLOWED = {  # role -> whose data they may see in full
    "resident": {"resident"}, "neighbour": {"neighbour"},
    "worker": {"resident", "neighbour"}, "head": {"resident", "neighbour"},
    "orgmember": {"resident"},  # their organisation holds the claim of the resident's wish
    "volunteer": {"neighbour"},  # holds the claim of the neighbour's wish
}
ROLES = ["anonymous", "admin", "official", "street", "head", "worker", "worker2", "resident", "neighbour",
         "volunteer", "volunteer2", "orgmember", "orgmember2"]
class _TokenSettings:
    token_hours = 1


PRIVATE_USERS = ("resident", "neighbour", "volunteer", "volunteer2", "orgmember", "orgmember2")


@pytest.fixture
async def seeded(client, people):
    t = people
    await User.filter(username="resident").update(display_name="欧阳娜娜", address="川口社区1号楼3单元502")
    head = await principal_for(await User.get(username="head"))
    await create_user("neighbour", role="resident", password=PASSWORD, areas=[t.building], display_name="司马光明",
                      phone="13655556666", address="川口社区2号楼1单元101", actor=head)
    await create_user("street", role="official", password=PASSWORD, areas=[t.street])
    await create_user("volunteer2", role="volunteer", password=PASSWORD, areas=[t.district])
    await create_user("orgmember2", role="org_member", password=PASSWORD)
    k = Kit(client, people)
    org1 = await k.org("川口爱心社")
    org2 = await k.org("川口二社", n=2, members=("orgmember2",))
    a = await k.wish_in("claimed", claimer="orgmember")
    b = await k.post("neighbour")
    await k.do(b["id"], "publish", "worker")
    await k.do(b["id"], "claim", "volunteer")
    c = await k.wish_in("published")
    ids = {u: (await User.get(username=u)).id for u in ("resident", "neighbour", "volunteer", "worker")}
    return k, {"wishes": [a["id"], b["id"], c["id"]], "orgs": [org1["id"], org2["id"]], "users": ids}


def _fill(path: str, t, seeds) -> list[str]:
    """Concrete URLs for a path template, its parameters filled with real ids and codes."""
    if "{" not in path:
        return [path]
    users = seeds["users"]
    if path.startswith("/api/v1/wishes/{id}") or path.startswith("/wishes/{id"):
        values = seeds["wishes"]
    elif path.startswith("/api/v1/staff/{id}"):
        values = [users["resident"], users["neighbour"], users["volunteer"], users["worker"]]
    elif path.startswith("/api/v1/orgs/{id}"):
        values = seeds["orgs"]
    elif path.startswith("/api/v1/volunteers/{id}"):
        values = [users["volunteer"], users["resident"]]
    elif "{code}" in path and "area" in path:
        values = [t.grid, t.building, t.community]
    elif "{fmt}" in path:
        values = ["csv"]
    else:
        values = [1]
    head, _, tail = path.partition("{")
    tail = tail.partition("}")[2]
    return [f"{head}{v}{tail}" for v in values]


EXTRA = [  # list operations with the filters that change what they show
    "/api/v1/wishes?format=geojson", "/api/v1/wishes?view=mine", "/api/v1/wishes?status=claimed",
    "/api/v1/staff?under=610202001001001", "/api/v1/locate?lon=109.01&lat=35.01",
    "/api/v1/audit?target_type=user", "/api/v1/audit?action=pii.view", "/api/v1/inbox?unread=1",
    "/api/v1/maps/choropleth?by=staff_coverage&level=grid", "/maps/community/610202001001",
]


def _page_paths(app) -> list[str]:
    out = []

    def walk(routes, prefix=""):
        for r in routes:
            if isinstance(r, Mount):
                walk(r.routes, prefix + r.path)
            elif isinstance(r, Route) and "GET" in (r.methods or ()):
                out.append(prefix + r.path.replace("{id:int}", "{id}"))
    walk(app.routes)
    return out


async def _headers(k: Kit, role: str) -> dict:
    return {} if role == "anonymous" else await k.h(role)


@pytest.mark.parametrize("store_kind", ["sqlite"])  # a rule of the web layer: one store suffices
async def test_every_get_as_every_role(client, app, people, seeded, store_kind):
    k, seeds = seeded
    spec = (await client.get("/openapi.json")).json()
    api = [p for p, ops in spec["paths"].items() if "get" in ops]
    routes = _page_paths(app)
    missing = [p for p in routes if p not in api and p.startswith("/api/")]
    assert not missing, f"GET routes missing from /openapi.json: {missing}"
    paths = sorted(set(api) | {p for p in routes if not p.startswith("/api/")} - {"/openapi.json", "/static"})
    urls = [u for p in paths for u in _fill(p, people, seeds)] + EXTRA
    seen_full: dict[str, set[str]] = {role: set() for role in ROLES}
    leaks = []
    for role in ROLES:
        h = await _headers(k, role)
        for url in urls:
            r = await client.get(url, headers=h)
            assert r.status_code < 500, (role, url, r.status_code, r.text[:300])
            text = r.text
            for whose, secrets in SECRETS.items():
                shown = [s for s in secrets if s in text]
                if not shown:
                    continue
                if whose in ALLOWED.get(role, set()):
                    seen_full[role].add(whose)
                else:
                    leaks.append((role, url, whose, shown))
            if r.status_code == 200 and ("/staff" in url or url == "/api/v1/staff"):
                body = r.json()
                cards = body.get("staff", []) if isinstance(body, dict) and "staff" in body else (
                    [body] if isinstance(body, dict) and "role" in body else [])
                assert all(c["role"] in STAFF_TIERS for c in cards), (role, url, cards)
    assert not leaks, leaks
    # where the rules allow it, the data is there (the walk would notice a blanket mask)
    assert seen_full == {role: ALLOWED.get(role, set()) for role in ROLES}


@pytest.mark.parametrize("store_kind", ["sqlite"])
async def test_the_staff_board_carries_staff_only(client, people, seeded, store_kind):
    k, seeds = seeded
    for url in ("/api/v1/staff", "/api/v1/staff?limit=5000", f"/api/v1/areas/{people.building}/staff",
                f"/api/v1/areas/{people.community}/staff"):
        r = await client.get(url)
        assert r.status_code == 200, r.text
        for who in PRIVATE_USERS:
            assert f'"username":"{who}"' not in r.text.replace(" ", ""), (url, who)
    for uid in (seeds["users"]["resident"], seeds["users"]["volunteer"]):
        assert (await client.get(f"/api/v1/staff/{uid}")).status_code == 404


async def test_the_server_log_names_nobody(tmp_path):
    """A real `gridsvc serve` (access log on): a resident posts, staff screen and read the
    audit log, a bad phone number is refused; the log carries no resident's name, phone or address."""
    url = f"sqlite://{tmp_path / 'log.sqlite3'}"
    init = subprocess.run([str(Path(sys.executable).parent / "gridsvc"), "init-db", "--db", url],
                          capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    await db.connect(url)
    try:
        t = await build_tree()
        tokens = {}
        for name, role, area, extra in (
                ("resident", "resident", t.building, {"display_name": "欧阳娜娜", "phone": "13812341234",
                                                      "address": "川口社区1号楼3单元502"}),
                ("worker", "worker", t.grid, {}), ("head", "head", t.community, {})):
            user = await create_user(name, role=role, password=PASSWORD, areas=[area], **extra)
            tokens[name] = {"Authorization": f"Bearer {(await issue_token(user, settings=_TokenSettings))[0]}"}
    finally:
        await db.close()
    with serve(url, tmp_path, environ={**os.environ, "GRIDSVC_SECRET_KEY": "log-test"}) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            w = await c.post("/api/v1/wishes", headers=tokens["resident"], json=wish_body())
            assert w.status_code == 201, w.text
            wid = w.json()["id"]
            assert (await c.get(f"/api/v1/wishes/{wid}", headers=tokens["worker"])).json()["contact"]["masked"] is False
            assert (await c.get("/api/v1/audit", headers=tokens["head"])).status_code == 200
            r = await c.post("/api/v1/staff", headers=tokens["head"], json={
                "username": "w2", "role": "worker", "areas": [t.grid2], "name": "司马光明", "phone": "13655x"})
            assert r.status_code == 422
            await c.get("/api/v1/wishes", headers=tokens["resident"], params={"q": "x"})
    log = "".join(p.read_text() for p in tmp_path.glob("serve-*.log"))
    assert "POST /api/v1/wishes" in log  # the access log is on, so the test sees what it would write
    for secret in ("欧阳娜娜", "13812341234", "3单元502", "司马光明", "13655x"):
        assert secret not in log, secret
