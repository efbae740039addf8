"""Request bodies are checked against the operation's schema before any handler runs (issue 9,
items 2 and 7): the inputs that answered 500 answer 4xx naming the place; names refuse control
and invisible characters; login-only operations answer 401 before reading the body; a body over
the limit gets the JSON error body; a 500 leaves the keep-alive connection usable."""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import replace

import httpx
import pytest
import uvicorn
from starlette.routing import Route

from gridsvc.app import create_app
from gridsvc.domain.errors import ValidationError
from gridsvc.store.accounts.users import create_user
from tests.conftest import feature, square

DEEP = b'{"points": ' + b"[" * 1000 + b"]" * 1000 + b"}"


def _raw(obj) -> bytes:
    # json.dumps escapes a lone surrogate as \ud800, as a careless client would send it
    return json.dumps(obj).encode()


def cases(t):
    grid_feature = feature("610202001001003", "新网格", "grid", square(109.0, 35.1, 0.05), t.community)
    return [
        ("post", "/api/v1/areas", {**grid_feature, "properties": []}, "properties"),
        ("patch", f"/api/v1/areas/{t.grid}", {"properties": ["name", "x"]}, "properties"),
        ("post", "/api/v1/staff", {"username": "w9", "role": {"a": 1}, "areas": [t.grid]}, "role"),
        ("post", "/api/v1/locate", DEEP, None),
        ("post", "/api/v1/wishes", b'{"title": ' + b"[" * 1000 + b"]" * 1000 + b"}", None),
        ("post", "/api/v1/areas", {**grid_feature, "properties": {**grid_feature["properties"], "households": 2**64}},
         "properties.households"),
        ("post", "/api/v1/staff", {"username": "w9", "role": "worker", "areas": [t.grid], "name": 2**70}, "name"),
        ("post", "/api/v1/wishes", {"title": "给老人买电暖器", "category": "elderly_care", "value_yuan": 1e308,
                                    "wish_by": "2099-01-01", "building": t.building}, "value_yuan"),
        ("post", "/api/v1/staff", {"username": "w9", "role": "worker", "areas": [t.grid], "name": "王\ud800"}, "name"),
        ("post", "/api/v1/orgs", {"name": "爱心\udfff社", "kind": "community_service", "status": "filed",
                                  "areas": [t.community]}, "name"),
        ("post", "/api/v1/allocations", {"under": t.community, "wishes": [2**63 + 5]}, "wishes.0"),
        ("post", "/api/v1/allocations", {"under": t.community, "wishes": [-1, 0]}, "wishes.0"),
        ("patch", "/api/v1/allocations/1", {"items": [{"wish": 10**30, "project": -4}]}, "items.0.wish"),
        ("post", "/api/v1/areas/import?level=grid", {"type": {"x": 1}, "features": []}, "type"),
    ]


async def test_inputs_that_were_500_are_4xx_naming_the_place(client, people):
    h = await client.token_for("admin")
    assert len(cases(people)) == 14
    for method, url, body, field in cases(people):
        content = body if isinstance(body, bytes) else _raw(body)
        r = await client.request(method.upper(), url, content=content,
                                 headers={**h, "content-type": "application/json"})
        assert 400 <= r.status_code < 500, f"{method} {url}: {r.status_code} {r.text[:300]}"
        err = r.json()["error"]
        if field is None:
            assert err["code"] == "too_deep", r.text
        else:
            assert err["code"] in ("invalid_body", "bad_unicode"), r.text
            assert err["details"]["field"] == field, r.text
    # nothing was stored on the way
    # (as the admin: login names are not on the public board)
    assert (await client.get("/api/v1/staff?role=worker", headers=h)).json()["staff"][-1]["username"] != "w9"


async def test_the_error_lists_each_problem_with_its_path(client, people):
    h = await client.token_for("admin")
    r = await client.post("/api/v1/staff", headers=h, json={"username": "w9", "role": [], "areas": "x", "extra": 1})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "invalid_body"
    assert {p["field"] for p in err["details"]["problems"]} == {"role", "areas", "extra"}
    assert all(p["loc"][0] == "body" for p in err["details"]["problems"])


async def test_a_field_an_operation_does_not_take_is_422(client, people):
    h = await client.token_for("admin")
    worker = (await client.get("/api/v1/staff?role=worker")).json()["staff"][0]
    r = await client.patch(f"/api/v1/staff/{worker['id']}", headers=h, json={"password": "new-secret-1"})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "password"


@pytest.mark.parametrize("name", ["王\x00五", "王\x07五", "王\u200b五", "王\u202e五", "\ufeff王五"])
async def test_names_refuse_control_and_invisible_characters(client, people, name):
    h = await client.token_for("admin")
    r = await client.post("/api/v1/staff", headers=h, json={"username": "w9", "role": "worker", "areas": [people.grid],
                                                            "name": name})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "name", r.text
    r = await client.post("/api/v1/staff", headers=h, json={"username": f"w{name}", "role": "worker",
                                                            "areas": [people.grid]})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "username", r.text
    # the store (and so `gridsvc create-user`) applies the same rule
    with pytest.raises(ValidationError) as caught:
        await create_user(f"u{name}", role="resident", password="x" * 12)
    assert caught.value.code == "bad_characters"


@pytest.mark.parametrize("method, url", [
    ("post", "/api/v1/staff"), ("patch", "/api/v1/staff/1"), ("post", "/api/v1/areas"),
    ("post", "/api/v1/wishes/1/claim"), ("post", "/api/v1/orgs/1/projects"), ("post", "/api/v1/demands/1/hours"),
])
async def test_login_only_operations_answer_401_before_reading_the_body(client, people, method, url):
    r = await client.request(method.upper(), url, content=b'{"not json', headers={"content-type": "application/json"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated", r.text


async def test_a_body_over_the_limit_gets_the_json_error(database, settings):
    app = create_app(replace(settings, max_body_bytes=1000), manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        r = await c.post("/api/v1/locate", content=b"x" * 2000, headers={"content-type": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


def _boom(request):
    raise RuntimeError("a bug")


def test_a_500_leaves_the_keep_alive_connection_usable(settings):
    app = create_app(settings, manage_db=False)
    app.router.routes.insert(0, Route("/boom", _boom))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.05)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            first = _exchange(conn, b"GET /boom HTTP/1.1\r\nHost: x\r\n\r\n")
            assert first.startswith(b"HTTP/1.1 500") and b'"code":"internal"' in first, first
            second = _exchange(conn, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert second.startswith(b"HTTP/1.1 200"), second
    finally:
        server.should_exit = True
        thread.join(10)


def _exchange(conn: socket.socket, request: bytes) -> bytes:
    """One request and its whole answer (Content-Length framed) on an open connection."""
    conn.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length"))
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body
