"""Logins, sessions, tokens, CSRF and throttling, driven through HTTP."""

from __future__ import annotations

from tests.conftest import PASSWORD


async def test_token_login_and_me(client, people):
    headers = await client.token_for("worker")
    r = await client.get("/api/v1/auth/me", headers=headers)
    assert r.status_code == 200
    assert r.json()["role"] == "worker"
    assert r.json()["areas"][0]["code"] == people.grid


async def test_wrong_password_is_401_with_error_body(client, people):
    r = await client.post("/api/v1/auth/token", json={"username": "worker", "password": "nope-nope"})
    assert r.status_code == 401
    body = r.json()["error"]
    assert body["code"] == "bad_credentials" and "密码" in body["message"]


async def test_unknown_user_and_staff_without_password_cannot_log_in(client, people):
    for name in ("ghost", "nobody"):
        r = await client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD})
        assert r.status_code == 401


async def test_login_is_throttled_after_repeated_failures(client, people):
    for _ in range(5):
        r = await client.post("/api/v1/auth/token", json={"username": "head", "password": "wrong-pass"})
        assert r.status_code == 401
    r = await client.post("/api/v1/auth/token", json={"username": "head", "password": PASSWORD})
    assert r.status_code == 429
    assert r.headers["retry-after"]


async def test_anonymous_me_is_401(client, people):
    r = await client.get("/api/v1/auth/me")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"


async def test_bad_bodies_are_400_not_500(client, people):
    r = await client.post("/api/v1/auth/token", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_json"
    # a body of the wrong shape is refused by the operation's schema (issue 9 item 2: 422 invalid_body)
    r = await client.post("/api/v1/auth/token", json=["a"])
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_body"
    r = await client.post("/api/v1/auth/token", json={"username": 1})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "username"


async def test_session_cookie_changes_need_csrf_token(client, people):
    csrf = await client.login("official")
    body = {"name": "新名字"}
    r = await client.patch(f"/api/v1/areas/{people.grid}", json=body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    r = await client.patch(f"/api/v1/areas/{people.grid}", json=body, headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    r = await client.patch(f"/api/v1/areas/{people.grid}", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    assert r.json()["properties"]["name"] == "新名字"


async def test_logout_ends_the_session_server_side(client, people):
    csrf = await client.login("official")
    cookie = client.cookies.get("gridsvc_session")
    assert (await client.get("/api/v1/auth/me")).status_code == 200
    r = await client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 204
    client.cookies.set("gridsvc_session", cookie)  # a stolen copy of the cookie is dead too
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_password_change_ends_sessions_and_tokens(client, people):
    from gridsvc.store.accounts.models import User
    from gridsvc.store.accounts.users import set_password

    headers = await client.token_for("worker")
    await client.login("worker")
    await set_password(await User.get(username="worker"), "another-pass-1", actor=None)
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 401
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_html_login_form_with_csrf_and_redirect(client, people):
    page = await client.get("/login?next=/me", headers={"accept": "text/html"})
    assert page.status_code == 200 and 'name="csrf_token"' in page.text
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"username": "worker", "password": PASSWORD, "next": "/me", "csrf_token": token}
    r = await client.post("/api/v1/auth/login", data=form, headers={"accept": "text/html"})
    assert r.status_code == 303 and r.headers["location"] == "/me"
    me = await client.get("/me", headers={"accept": "text/html"})
    assert me.status_code == 200 and "川口一网格" in me.text and "我的网格" in me.text


async def test_html_login_form_without_token_is_refused(client, people):
    await client.get("/login", headers={"accept": "text/html"})  # sets the pre-login cookie
    r = await client.post("/api/v1/auth/login", data={"username": "worker", "password": PASSWORD},
                          headers={"accept": "text/html"})
    assert r.status_code == 403


async def test_login_redirect_only_to_local_paths(client, people):
    page = await client.get("/login", headers={"accept": "text/html"})
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = await client.post("/api/v1/auth/login", headers={"accept": "text/html"},
                          data={"username": "worker", "password": PASSWORD, "next": "//evil.example/x",
                                "csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == "/"


async def test_login_page_of_a_logged_in_user_redirects_only_to_local_paths(client, people):
    """GET /login?next= for someone already logged in bounced them anywhere (an open redirect:
    a link to the real site that lands on a look-alike asking for the password again)."""
    await client.login("worker")
    for target in ("https://evil.example/login", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        r = await client.get("/login", params={"next": target}, headers={"accept": "text/html"})
        assert r.status_code == 303 and r.headers["location"] == "/", (target, r.headers.get("location"))
    r = await client.get("/login", params={"next": "/me"}, headers={"accept": "text/html"})
    assert r.status_code == 303 and r.headers["location"] == "/me"


async def test_token_request_after_viewing_a_page_needs_no_csrf(client, people):
    await client.get("/login", headers={"accept": "text/html"})  # leaves the pre-login cookie
    r = await client.post("/api/v1/auth/token", json={"username": "worker", "password": PASSWORD})
    assert r.status_code == 200


async def test_session_json_change_still_needs_the_header(client, people):
    await client.login("admin")
    r = await client.patch(f"/api/v1/areas/{people.grid}", json={"households": 5})
    assert r.status_code == 403


async def test_oversized_form_is_refused_not_cut(client, people):
    await client.login("admin")
    big = "x" * (11 * 1024 * 1024)
    r = await client.post("/api/v1/auth/logout", data={"filler": big})  # no header: the form must be read
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    assert (await client.get("/api/v1/auth/me")).status_code == 200  # nothing happened
