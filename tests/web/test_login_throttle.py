"""Log-in throttling (issue 9 item 4): guesses slow down the guesser, never the real user."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from gridsvc.app import create_app
from gridsvc.store.accounts.models import LoginAttempt
from tests.conftest import PASSWORD, Client


def from_address(app, ip: str) -> Client:
    return Client(transport=httpx.ASGITransport(app=app, client=(ip, 4321)), base_url="http://testserver")


async def guess(c: Client, username: str, password: str = "wrong-pass") -> httpx.Response:
    return await c.post("/api/v1/auth/token", json={"username": username, "password": password})


async def age_failures(seconds: int) -> None:
    """Move every recorded failure back in time, as if the client had waited."""
    for row in await LoginAttempt.all():
        await LoginAttempt.filter(id=row.id).update(at=row.at - timedelta(seconds=seconds))


async def test_real_user_logs_in_from_a_fresh_address_while_the_attacker_waits(app, people):
    async with from_address(app, "203.0.113.7") as attacker, from_address(app, "198.51.100.20") as owner:
        for _ in range(5):
            assert (await guess(attacker, "admin")).status_code == 401
        r = await guess(attacker, "admin", PASSWORD)  # even the right password waits at the attacker's address
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert r.json()["error"]["code"] == "login_throttled"
        assert (await guess(owner, "admin", PASSWORD)).status_code == 200
        # the owner's success does not forgive the attacker's failures
        assert (await guess(attacker, "admin", PASSWORD)).status_code == 429


async def test_delays_grow_and_end(app, settings, people):
    free = settings.login_max_failures
    async with from_address(app, "203.0.113.7") as attacker:
        for _ in range(free):
            assert (await guess(attacker, "head")).status_code == 401
        waits = []
        for _ in range(4):
            r = await guess(attacker, "head")
            assert r.status_code == 429  # refused before the password is checked
            waits.append(int(r.headers["retry-after"]))
            await age_failures(waits[-1])  # wait exactly as long as told
            assert (await guess(attacker, "head")).status_code == 401  # one more guess allowed, then longer
        assert waits == [1, 2, 4, 8]
        await age_failures(16)
        assert (await guess(attacker, "head", PASSWORD)).status_code == 200


async def test_twenty_failures_from_one_address_do_not_block_other_accounts(app, people):
    async with from_address(app, "192.0.2.1") as office:  # a street office behind one NAT
        for name in ["ghost%d" % i for i in range(15)] + ["worker"] * 4 + ["head"] * 4:
            assert (await guess(office, name)).status_code == 401
        for name in ("official", "instructor", "worker2", "admin"):
            assert (await guess(office, name, PASSWORD)).status_code == 200, name


async def test_an_address_spraying_accounts_waits_at_the_accounts_it_failed_on(app, settings, people):
    async with from_address(app, "192.0.2.9") as sprayer:
        for i in range(settings.login_address_failures):
            assert (await guess(sprayer, f"ghost{i}")).status_code == 401
        assert (await guess(sprayer, "ghost0")).status_code == 429  # second guess at an account: wait
        assert (await guess(sprayer, "worker", PASSWORD)).status_code == 200  # never failed on: let in


@pytest.fixture
async def proxied_app(database, settings):
    from dataclasses import replace

    application = create_app(replace(settings, trusted_proxies=("10.0.0.0/8",)), manage_db=False)
    await application.state.index.start()
    try:
        yield application
    finally:
        await application.state.index.close()


async def test_forwarded_for_is_read_only_from_a_trusted_proxy(app, proxied_app, people):
    spoof = {"X-Forwarded-For": "198.51.100.99"}
    async with from_address(app, "203.0.113.7") as direct:
        for _ in range(5):
            await direct.post("/api/v1/auth/token", json={"username": "admin", "password": "x"}, headers=spoof)
        # the header was ignored: the failures count against the socket address
        assert {a.ip for a in await LoginAttempt.all()} == {"203.0.113.7"}
        r = await direct.post("/api/v1/auth/token", json={"username": "admin", "password": PASSWORD},
                              headers={"X-Forwarded-For": "198.51.100.100"})
        assert r.status_code == 429  # a new header value does not escape the delay
    await LoginAttempt.all().delete()
    async with from_address(proxied_app, "10.1.2.3") as proxy:
        # the right-most address the trusted proxies did not add is the client
        chain = {"X-Forwarded-For": "1.1.1.1, 198.51.100.5, 10.9.9.9"}
        for _ in range(3):
            await proxy.post("/api/v1/auth/token", json={"username": "admin", "password": "x"}, headers=chain)
        assert {a.ip for a in await LoginAttempt.all()} == {"198.51.100.5"}


def test_trusted_proxies_setting_is_checked():
    from gridsvc.config import Settings

    assert Settings.from_env({"GRIDSVC_TRUSTED_PROXIES": "10.0.0.1, 172.16.0.0/12"}).trusted_proxies == (
        "10.0.0.1", "172.16.0.0/12")
    assert Settings.from_env({}).trusted_proxies == ()
    with pytest.raises(ValueError, match="proxy.example"):
        Settings.from_env({"GRIDSVC_TRUSTED_PROXIES": "proxy.example"})
