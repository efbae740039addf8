"""Errors over HTTP: one code per condition wherever it is raised, the registry's status, one
language per message (Chinese unless the request prefers English), an HTML page for people and
the error body for API clients, and /openapi.json listing every code."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys

import httpx
import pytest

from gridsvc.app import create_app
from gridsvc.domain.error_codes import ErrorCode

GLUED = re.compile(r"[\u4e00-\u9fff].*\([A-Za-z][^)]*\)")  # "中文 (English)"
LATIN_WORDS = re.compile(r"[A-Za-z]{4,}")


def _main(html: str) -> str:
    """What the page says (the header holds the navigation and the CSRF meta tag)."""
    return html.split("<main>", 1)[1].split("</main>", 1)[0]


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


async def test_stale_edit_is_one_code_with_the_registry_status_in_areas_and_catalog(client, people):
    h = await client.token_for("admin")
    v = (await client.get(f"/api/v1/areas/{people.grid}")).json()["properties"]["version"]
    assert (await client.patch(f"/api/v1/areas/{people.grid}", json={"households": 1, "version": v},
                               headers=h)).status_code == 200
    area = await client.patch(f"/api/v1/areas/{people.grid}", json={"households": 2, "version": v}, headers=h)

    item = {"code": "GS-SB-801", "name": "测试事项", "category": "social_security", "list": "public_service",
            "legal_basis": "《社会救助暂行办法》", "materials": ["身份证"], "time_limit_days": 30, "fee": "不收费",
            "venues": [{"kind": "community_window", "name": "社区服务站"}], "areas": [people.street]}
    created = await client.post("/api/v1/services", json=item, headers=h)
    assert created.status_code == 201, created.text
    etag = created.headers["etag"]
    ok = await client.patch("/api/v1/services/GS-SB-801", json={"time_limit_days": 7}, headers={**h, "If-Match": etag})
    assert ok.status_code == 200, ok.text
    item_r = await client.patch("/api/v1/services/GS-SB-801", json={"time_limit_days": 8},
                                headers={**h, "If-Match": etag})

    for r in (area, item_r):
        assert r.status_code == ErrorCode.STALE.status == 409
        assert r.json()["error"]["code"] == "stale"


async def test_unknown_area_is_one_code_in_the_area_and_catalog_apis(client, people):
    a = await client.get("/api/v1/areas/610299999999")
    b = await client.get("/api/v1/services", params={"area": "610299999999"})
    assert a.status_code == b.status_code == 404
    assert a.json()["error"]["code"] == b.json()["error"]["code"] == "not_found"


async def test_message_is_chinese_by_default_with_no_english_glued(client, people):
    r = await client.get("/api/v1/areas/610299999999")
    msg = r.json()["error"]["message"]
    assert _cjk(msg) and not GLUED.search(msg) and not LATIN_WORDS.search(msg), msg
    r = await client.post("/api/v1/auth/token", json={"username": "admin", "password": "wrong"})
    assert r.status_code == 401 and r.json()["error"]["message"] == "用户名或密码错误"


@pytest.mark.parametrize("how", ["header", "query", "cookie"])
async def test_message_is_english_when_the_request_prefers_it(client, people, how):
    headers = {"Accept-Language": "en-US,en;q=0.9,zh-CN;q=0.8"} if how == "header" else {}
    params = {"lang": "en"} if how == "query" else {}
    if how == "cookie":
        client.cookies.set("gridsvc_lang", "en")
    r = await client.get("/api/v1/areas/610299999999", headers=headers, params=params)
    assert r.status_code == 404
    body = r.json()["error"]
    assert body["code"] == "not_found" and body["message"] == "area 610299999999 not found"
    r = await client.get("/api/v1/areas", params={"bbox": "1,2,3", **params}, headers=headers)
    assert r.status_code == 400 and not _cjk(r.json()["error"]["message"])


async def test_chinese_first_choice_wins_over_a_later_english(client, people):
    r = await client.get("/api/v1/areas/610299999999", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert _cjk(r.json()["error"]["message"])
    r = await client.get("/api/v1/areas/610299999999", headers={"Accept-Language": "zh;q=0.5,en;q=0.9"})
    assert not _cjk(r.json()["error"]["message"])


async def test_nested_problem_messages_follow_the_language(client, people):
    h = await client.token_for("admin")
    bad = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[109.1, 35.0], [109.11, 35.01],
                                                                              [109.11, 35.0], [109.1, 35.01],
                                                                              [109.1, 35.0]]]},
           "properties": {"code": "610202001001009", "name": "蝴蝶", "level": "grid", "parent": people.community}}
    for lang, want_cjk in (("zh", True), ("en", False)):
        r = await client.post("/api/v1/areas", json=bad, headers=h, params={"lang": lang})
        assert r.status_code == 422, r.text
        problems = r.json()["error"]["details"]["rejected"][0]["problems"]
        assert problems and all(_cjk(p["message"]) == want_cjk and not GLUED.search(p["message"]) for p in problems)


async def test_a_failing_form_post_gets_a_page_in_words(client, people):
    await client.login("resident")
    # no CSRF token: the middleware refuses, the one renderer answers with a page
    r = await client.post("/wishes/new", data={"title": "修水龙头"}, headers={"Accept": "text/html"})
    assert r.status_code == 403 and r.headers["content-type"].startswith("text/html")
    main = _main(r.text)
    assert "表单已过期" in main and "403" not in main and "csrf" not in main.lower()
    # the same refusal to an API client is the error body
    r = await client.post("/api/v1/wishes", json={"title": "修水龙头"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"


async def test_a_form_post_to_a_missing_record_gets_a_page(client, people):
    csrf = await client.login("worker")
    r = await client.post("/wishes/999999/act", data={"action": "publish", "csrf_token": csrf})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "<h1>找不到该页面或记录</h1>" in _main(r.text) and "404" not in _main(r.text)


async def test_a_403_page_names_no_permission(client, people):
    await client.login("resident")
    r = await client.get("/me", headers={"Accept": "text/html"})
    assert r.status_code == 403 and r.headers["content-type"].startswith("text/html")
    main = _main(r.text)
    assert "我的网格" in main and "403" not in main and "myarea" not in main
    r = await client.get("/me", headers={"Accept": "text/html", "Accept-Language": "en"})
    main = _main(r.text)
    assert "my area is for staff and officials" in main and not _cjk(main)


async def test_openapi_lists_every_code(client):
    spec = (await client.get("/openapi.json")).json()
    error = spec["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["properties"]["code"]["enum"] == [c.value for c in ErrorCode]
    table = error["x-error-codes"]
    assert set(table) == {c.value for c in ErrorCode}
    assert table["stale"] == {"status": 409, "zh": ErrorCode.STALE.zh, "en": ErrorCode.STALE.en}


@pytest.mark.parametrize(("lang", "said"), [("C.UTF-8", "错误: 未知角色 'wizard'"),
                                           ("en_US.UTF-8", "error: unknown role")])
def test_cli_prints_one_language_by_its_locale(tmp_path, lang, said):
    env = {**os.environ, "LANG": lang, "GRIDSVC_SECRET_KEY": "t"}
    r = subprocess.run([sys.executable, "-m", "gridsvc.cli", "create-user", "bob", "--role", "wizard",
                        "--db", f"sqlite://{tmp_path / 'cli.sqlite3'}"], input="", capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 1 and said in r.stderr, r.stderr
    assert ("unknown role" in r.stderr) == (lang.startswith("en")) and ("未知角色" in r.stderr) != lang.startswith("en")


async def test_a_403_page_says_in_words_what_may_not_be_done(client, people):
    await client.login("resident")
    for lang, words in (("zh", "您无权查看“我的网格”"), ("en", "you may not open “my area”")):
        r = await client.get("/maps/mine", headers={"Accept": "text/html"}, params={"lang": lang})
        assert r.status_code == 403 and r.headers["content-type"].startswith("text/html")
        main = _main(r.text)
        assert words in main and "myarea" not in main and "403" not in main, main
    # the API client still gets the permission in the details
    r = await client.get("/api/v1/me/area")
    assert r.status_code == 403 and r.json()["error"]["details"]["action"] == "myarea.read"


def test_every_permission_has_words():
    from gridsvc.domain.action_words import ACTION_WORDS
    from gridsvc.domain.scope import RULES

    assert set(ACTION_WORDS) == set(RULES)


@pytest.fixture
async def small_client(database, settings):
    """The app with a 2 KB body limit."""
    app = create_app(dataclasses.replace(settings, max_body_bytes=2048), manage_db=False)
    await app.state.index.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
            yield c
    finally:
        await app.state.index.close()


async def test_a_body_over_the_limit_gets_the_error_body(small_client, people):
    big = b'{"points": [' + b"[109.1, 35.0]," * 400 + b"[109.1, 35.0]]}"
    r = await small_client.post("/api/v1/locate", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large", r.text

    async def chunks():  # no Content-Length: the limit is found while reading
        for _ in range(8):
            yield b" " * 1024

    r = await small_client.post("/api/v1/locate", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large", r.text
    r = await small_client.post("/api/v1/locate", json={"points": [[109.1, 35.0]]})
    assert r.status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/areas/{long}", "/api/v1/services?area={long}", "/areas/{long}"])
async def test_an_error_echoes_at_most_a_bounded_piece_of_a_huge_input(client, people, url):
    """A 10,000-digit value is refused without being repeated whole: what the error repeats of
    it is cut to 100 characters with an ellipsis, in the message and in the details."""
    huge = "1" * 10_000
    accept = {"accept": "text/html"} if not url.startswith("/api/") else {}
    r = await client.get(url.format(long=huge), headers=accept)
    assert 400 <= r.status_code < 500, r.status_code
    if accept:
        # the message a person reads (the language switch links back to the address as asked)
        assert "1" * 101 not in _main(r.text)
    else:
        assert len(r.content) < 2_000, len(r.content)
        assert "1" * 101 not in r.text and "1" * 99 + "…" in r.text
        error = r.json()["error"]
        assert error["code"] and error["message"]
        assert "1" * 101 not in str(error["details"])


async def test_a_bounded_error_keeps_what_the_client_needs(client, people):
    """Bounding cuts only the long run: the code, the parameter named and the value's first 100
    characters stay, with an ellipsis where it was cut; a short value is repeated whole."""
    r = await client.get("/api/v1/services", params={"area": "1" * 10_000})
    assert r.status_code == 404, r.text
    error = r.json()["error"]
    assert error["code"] == "not_found"
    assert error["details"]["parameter"] == "area"
    assert error["details"]["area"] == "1" * 100 + "…"
    assert "1" * 100 + "…" in error["message"]
    short = (await client.get("/api/v1/services", params={"area": "610299999999"})).json()["error"]
    assert short["details"]["area"] == "610299999999" and "610299999999 " in short["message"]
