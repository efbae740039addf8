"""A day written in a body or a form is read by one reader (gridsvc.domain.dates `read_day`): an
unreadable one is the same 422 `bad_date` with the same words everywhere (the catalog's publish
and revoke, the roster's appoint, end and transfer, a wish's wish-by date, the governance records'
days), pages and API alike, in the reader's language, and nothing is stored. Before, the roster
answered `bad_term_date` (the code of a term's date rules) and each reader had its own words."""

from __future__ import annotations

import html
import re

from gridsvc.store.accounts.models import User
from gridsvc.store.catalog.models import ServiceItemVersion
from tests.kit.catalog import STREET_ITEM
from tests.wishkit import Kit, wish_body

HTML = {"accept": "text/html"}
TYPED = "29/11/2026"
ZH = f"日期应写作 YYYY-MM-DD(如 2026-11-29),收到 '{TYPED}'"
EN = f"a date is written YYYY-MM-DD (e.g. 2026-11-29), got '{TYPED}'"


def bad_date(r, field: str, words: str = ZH) -> None:
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "bad_date" and err["details"]["field"] == field and err["message"] == words, err


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


async def test_the_api_reads_every_body_day_alike(client, people, catalog):
    h = await client.token_for("official")
    code = STREET_ITEM["code"]
    bad_date(await client.post(f"/api/v1/services/{code}/publish", json={"on": TYPED}, headers=h), "on")
    bad_date(await client.post(f"/api/v1/services/{code}/revoke", json={"on": TYPED, "reason": "停办"}, headers=h),
             "on")
    bad_date(await client.post(f"/api/v1/services/{code}/revoke", json={"on": TYPED, "reason": "停办"},
                               headers={**h, "accept-language": "en"}), "on", EN)
    kit = Kit(client, people)
    bad_date(await client.post("/api/v1/wishes", json=wish_body(wish_by=TYPED), headers=await kit.h("resident")),
             "wish_by")
    assert (await client.get(f"/api/v1/services/{code}", headers=h)).json()["status"] == "published"


async def test_pages_read_every_form_day_alike(client, people, catalog):
    await client.login("head")
    r = await client.get(f"/areas/{people.community}/roster", headers=HTML)
    token = csrf_of(r.text)
    appoint = {"csrf_token": token, "action": "appoint", "area": people.grid2, "role": "worker", "name": "吴新",
               "on": TYPED}
    r = await client.post(f"/areas/{people.community}/roster/act", data=appoint, headers=HTML)
    assert r.status_code == 422 and ZH in html.unescape(r.text) and "bad_term_date" not in r.text
    r = await client.post(f"/areas/{people.community}/roster/act?lang=en", data=appoint, headers=HTML)
    assert r.status_code == 422 and EN in html.unescape(r.text)
    assert not await User.filter(display_name="吴新").exists()
    term = re.search(r'name="action" value="end"><input type="hidden" name="term" value="(\d+)"', r.text).group(1)
    r = await client.post(f"/areas/{people.community}/roster/act?lang=zh",
                          data={"csrf_token": token, "action": "end", "term": term, "on": TYPED}, headers=HTML)
    assert r.status_code == 422 and ZH in html.unescape(r.text)

    client.cookies.clear()
    code = STREET_ITEM["code"]
    r = await client.patch(f"/api/v1/services/{code}", json={"name": "老年人助餐服务登记(新)"},
                           headers=await client.token_for("official"))  # a draft to publish
    assert r.status_code == 200, r.text
    await client.login("official")
    page = await client.get(f"/services/{code}", headers=HTML)
    r = await client.post(f"/services/{code}/publish", data={"on": TYPED, "csrf_token": csrf_of(page.text)},
                          headers=HTML)
    assert r.status_code == 422 and ZH in html.unescape(r.text)
    r = await client.post(f"/services/{code}/revoke",
                          data={"on": TYPED, "reason": "停办", "csrf_token": csrf_of(page.text)}, headers=HTML)
    assert r.status_code == 422 and ZH in html.unescape(r.text)
    assert await ServiceItemVersion.filter(item__code=code, status="revoked").count() == 0
