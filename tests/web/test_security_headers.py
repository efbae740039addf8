"""Headers and cookies (issue 9 item 9): CSP and friends on every response, the pre-login
CSRF cookie Secure when sessions are, bodies without a Content-Type checked before login."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import replace

import httpx
import pytest

from gridsvc.app import create_app
from tests.conftest import PASSWORD, Client

HTML = {"accept": "text/html"}


def csp(r: httpx.Response) -> dict[str, str]:
    return {d.split()[0]: d for d in (x.strip() for x in r.headers["content-security-policy"].split(";"))}


def assert_secured(r: httpx.Response) -> None:
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    policy = csp(r)
    assert policy["default-src"] == "default-src 'self'" and policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]


def inline_scripts(html: str) -> list[str]:
    return re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S)


async def test_every_kind_of_response_carries_the_headers(client, people):
    responses = [
        await client.get("/healthz"),
        await client.get("/api/v1/areas/" + people.grid),
        await client.get("/api/v1/areas/999999"),  # JSON error
        await client.get("/nowhere", headers=HTML),  # HTML error page
        await client.post("/api/v1/auth/token", json={"username": "x", "password": "y"}),  # 401
        await client.get("/static/maps/gridmap.js"),
        await client.get("/login", headers=HTML),
        await client.get("/", headers=HTML),
        await client.get("/openapi.json"),
    ]
    for r in responses:
        assert_secured(r)
    assert responses[2].status_code == 404 and responses[3].status_code == 404


@pytest.mark.parametrize("path", ["/", "/services", "/maps/city", "/wishes/new", "/services/admissions"])
async def test_inline_scripts_of_pages_carry_this_requests_nonce(client, people, path):
    await client.login("official" if "admissions" in path else "resident")
    r = await client.get(path, headers=HTML, follow_redirects=True)
    assert r.status_code == 200, r.text
    nonce = re.search(r"'nonce-([^']+)'", csp(r)["script-src"]).group(1)
    for attrs, _ in inline_scripts(r.text):
        assert f'nonce="{nonce}"' in attrs
    assert not re.search(r"\son[a-z]+=", r.text)  # no inline event handlers: the CSP would block them
    again = await client.get(path, headers=HTML, follow_redirects=True)
    assert re.search(r"'nonce-([^']+)'", csp(again)["script-src"]).group(1) != nonce


@pytest.mark.parametrize("download", [False, True])
async def test_floor_plan_scripts_are_allowed_by_hash(client, people, download):
    r = await client.get(f"/maps/community/{people.community}" + ("?download=1" if download else ""), headers=HTML)
    assert r.status_code == 200
    assert_secured(r)
    scripts = inline_scripts(r.text)
    assert scripts
    for _, body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp(r)["script-src"]


async def test_img_src_allows_the_basemaps_tile_hosts(database, settings, people):
    app = create_app(replace(settings, basemap="osm", tianditu_key="k"), manage_db=False)
    async with Client(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        r = await c.get("/healthz")
    img = csp(r)["img-src"]
    assert "https://tile.openstreetmap.org" in img and "https://*.tianditu.gov.cn" in img
    assert "https://*.is.autonavi.com" in img


async def test_pre_login_csrf_cookie_is_secure_when_sessions_are(database, settings, people):
    for secure in (False, True):
        app = create_app(replace(settings, cookie_secure=secure), manage_db=False)
        async with Client(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as c:
            r = await c.get("/login", headers=HTML)
            cookie = r.headers["set-cookie"]
            assert cookie.startswith("gridsvc_csrf=")
            assert ("secure" in cookie.lower()) is secure


async def test_a_body_without_content_type_before_login_needs_the_token(client, people):
    body = b'{"username": "worker", "password": "%s"}' % PASSWORD.encode()
    r = await client.post("/api/v1/auth/login", content=body)  # what fetch() with a Blob sends cross-site
    assert "content-type" not in r.request.headers
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    assert "gridsvc_session" not in client.cookies
    # JSON (needs a CORS preflight another site cannot pass) and empty bodies are as before
    assert (await client.post("/api/v1/auth/login",
                              json={"username": "worker", "password": PASSWORD})).status_code == 200
    client.cookies.clear()
    assert (await client.post("/api/v1/auth/logout")).status_code == 204
