"""Sessions and tokens can be ended (issue 9 item 6): password change and reset, token logout,
listing and revocation, expiry, deactivation."""

from __future__ import annotations

from datetime import timedelta

import httpx

from gridsvc.domain.clock import now
from gridsvc.store.accounts.models import ApiToken, Session, User
from tests.conftest import PASSWORD, Client

NEW = "brand-new-pass-1"


def other_client(app) -> Client:
    return Client(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def me(c: Client, headers: dict | None = None) -> int:
    return (await c.get("/api/v1/auth/me", headers=headers)).status_code


async def test_password_change_ends_other_sessions_and_tokens_and_keeps_this_one(app, client, people):
    token = await client.token_for("worker")
    async with other_client(app) as laptop:
        await laptop.login("worker")
        csrf = await client.login("worker")
        r = await client.post("/api/v1/auth/password", json={"old_password": PASSWORD, "new_password": NEW},
                              headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200, r.text
        assert r.json()["sessions_ended"] == 2 and r.json()["tokens_revoked"] == 1
        assert await me(laptop) == 401 and await me(client, token) == 401
        assert await me(client) == 200  # the changing session was re-issued
        new_csrf = r.json()["csrf_token"]
        r = await client.patch(f"/api/v1/areas/{people.grid}", json={"name": "改名"}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 403  # the old session's CSRF token died with it
        assert (await client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": new_csrf})).status_code == 204
    assert (await client.post("/api/v1/auth/token",
                              json={"username": "worker", "password": PASSWORD})).status_code == 401
    await client.token_for("worker", NEW)


async def test_password_change_needs_the_old_password_and_a_long_new_one(client, people):
    headers = await client.token_for("worker")
    r = await client.post("/api/v1/auth/password", json={"old_password": "wrong-one", "new_password": NEW},
                          headers=headers)
    assert r.status_code == 403 and r.json()["error"]["code"] == "wrong_password"
    r = await client.post("/api/v1/auth/password", json={"old_password": PASSWORD, "new_password": "short"},
                          headers=headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "weak_password"
    r = await client.post("/api/v1/auth/password", json={"old_password": PASSWORD}, headers=headers)
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "new_password"
    assert await me(client, headers) == 200  # nothing changed
    r = await client.post("/api/v1/auth/password", json={"old_password": PASSWORD, "new_password": NEW})
    assert r.status_code == 401
    # a token caller is logged out by the change: every token of the account ends
    r = await client.post("/api/v1/auth/password", json={"old_password": PASSWORD, "new_password": NEW},
                          headers=headers)
    assert r.status_code == 200 and "csrf_token" not in r.json()
    assert await me(client, headers) == 401


async def test_admin_resets_a_password_and_others_cannot(app, client, people):
    worker = await User.get(username="worker")
    victim = await client.token_for("worker")
    # an official of another district and staff may not (their own official may: test_account_pages.py)
    for name in ("official2", "head", "worker2"):
        r = await client.post(f"/api/v1/users/{worker.id}/password", json={"password": NEW},
                              headers=await client.token_for(name))
        assert r.status_code == 403, name
    assert (await client.post(f"/api/v1/users/{worker.id}/password", json={"password": NEW})).status_code == 401
    admin = await client.token_for("admin")
    r = await client.post(f"/api/v1/users/{worker.id}/password", json={"password": "short"}, headers=admin)
    assert r.status_code == 422
    assert (await client.post("/api/v1/users/999999/password", json={"password": NEW},
                              headers=admin)).status_code == 404
    r = await client.post(f"/api/v1/users/{worker.id}/password", json={"password": NEW}, headers=admin)
    assert r.status_code == 200 and r.json()["tokens_revoked"] >= 1
    assert await me(client, victim) == 401
    await client.token_for("worker", NEW)


async def test_logout_with_a_bearer_token_revokes_it(client, people):
    headers = await client.token_for("head")
    other = await client.token_for("head")
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    assert await me(client, headers) == 401
    assert await me(client, other) == 200  # only that token


async def test_tokens_are_listed_without_secrets_and_revoked_by_their_owner(client, people):
    r = await client.post("/api/v1/auth/token", json={"username": "head", "password": PASSWORD, "label": "报表脚本"})
    secret = r.json()["access_token"]
    script = {"Authorization": f"Bearer {secret}"}
    mine = await client.token_for("head")
    listed = (await client.get("/api/v1/auth/tokens", headers=mine)).json()["tokens"]
    assert len(listed) == 2
    assert {t["label"] for t in listed} == {"报表脚本", ""}
    assert [t["current"] for t in listed].count(True) == 1
    assert secret not in str(listed)
    assert all(set(t) >= {"id", "created_at", "last_used_at", "expires_at"} for t in listed)
    script_id = next(t["id"] for t in listed if t["label"] == "报表脚本")
    assert next(t for t in listed if t["id"] == script_id)["last_used_at"] is None
    await client.get("/api/v1/auth/me", headers=script)
    listed = (await client.get("/api/v1/auth/tokens", headers=mine)).json()["tokens"]
    assert next(t for t in listed if t["id"] == script_id)["last_used_at"] is not None
    # someone else's token is not found, whoever asks
    other = await client.token_for("worker")
    assert (await client.delete(f"/api/v1/auth/tokens/{script_id}", headers=other)).status_code == 404
    assert (await client.delete(f"/api/v1/auth/tokens/{script_id}",
                                headers=await client.token_for("admin"))).status_code == 404
    assert (await client.delete("/api/v1/auth/tokens/abc", headers=mine)).status_code == 404
    assert (await client.delete(f"/api/v1/auth/tokens/{script_id}")).status_code == 401
    assert (await client.delete(f"/api/v1/auth/tokens/{script_id}", headers=mine)).status_code == 204
    assert await me(client, script) == 401 and await me(client, mine) == 200
    r = await client.post("/api/v1/auth/token", json={"username": "head", "password": PASSWORD, "label": "x" * 101})
    assert r.status_code == 422


async def test_tokens_and_sessions_expire(client, people):
    headers = await client.token_for("worker")
    await client.login("worker")
    past = now() - timedelta(seconds=1)
    await ApiToken.all().update(expires_at=past)
    await Session.all().update(expires_at=past)
    assert await me(client, headers) == 401 and await me(client) == 401
    assert (await client.get("/api/v1/auth/tokens", headers=await client.token_for("worker"))).json()["tokens"][0][
        "expires_at"] > now().isoformat()


async def test_token_lifetime_is_the_setting(app, client, people):
    r = await client.post("/api/v1/auth/token", json={"username": "worker", "password": PASSWORD})
    from datetime import datetime

    expires = datetime.fromisoformat(r.json()["expires_at"])
    hours = app.state.settings.token_hours
    assert timedelta(hours=hours) - timedelta(minutes=1) < expires - now() <= timedelta(hours=hours)


async def test_deactivation_ends_everything_and_reactivation_revives_nothing(app, client, people):
    worker = await User.get(username="worker")
    token = await client.token_for("worker")
    async with other_client(app) as browser:
        await browser.login("worker")
        session_cookie = browser.cookies.get("gridsvc_session")
        admin = await client.token_for("admin")
        assert (await client.post(f"/api/v1/users/{worker.id}/deactivate",
                                  headers=await client.token_for("official2"))).status_code == 403
        r = await client.post(f"/api/v1/users/{worker.id}/deactivate", headers=admin)
        assert r.status_code == 200 and r.json()["tokens_revoked"] == 1 and r.json()["sessions_ended"] == 1
        assert (await client.post(f"/api/v1/users/{worker.id}/deactivate", headers=admin)).status_code == 409
        assert await me(client, token) == 401 and await me(browser) == 401
        r = await client.post("/api/v1/auth/token", json={"username": "worker", "password": PASSWORD})
        assert r.status_code == 401
        assert (await client.post(f"/api/v1/users/{worker.id}/reactivate", headers=admin)).status_code == 200
        assert (await client.post(f"/api/v1/users/{worker.id}/reactivate", headers=admin)).status_code == 409
        browser.cookies.set("gridsvc_session", session_cookie)
        assert await me(client, token) == 401 and await me(browser) == 401  # not revived
        await client.token_for("worker")  # a fresh login works


async def test_deactivation_through_staff_patch_also_ends_sessions(client, people):
    worker = await User.get(username="worker")
    token = await client.token_for("worker")
    admin = await client.token_for("admin")
    assert (await client.patch(f"/api/v1/staff/{worker.id}", json={"is_active": False},
                               headers=admin)).status_code == 200
    assert (await client.patch(f"/api/v1/staff/{worker.id}", json={"is_active": True},
                               headers=admin)).status_code == 200
    assert await me(client, token) == 401


async def test_admin_cannot_deactivate_themself(client, people):
    admin_user = await User.get(username="admin")
    admin = await client.token_for("admin")
    r = await client.post(f"/api/v1/users/{admin_user.id}/deactivate", headers=admin)
    assert r.status_code == 409 and r.json()["error"]["code"] == "own_account"
