"""Links two taps from the workbench (the browser walk, test_tour_browser, stops at one): on the demo
city, each page listed here, as the account that reaches it, shows only links that answer that
account (no 403, 404 or 422 behind a link it was shown)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.kit.browser import PASSWORD as DEMO_PASSWORD

HTML = {"accept": "text/html"}
PAGES = {
    "head": ["/governance?under=610202004002", "/services/admissions", "/areas/610202004002/roster",
             "/areas/610202004002/board"],
    "street": ["/services/admissions", "/services/admissions?state=applied", "/areas/610202004000/roster"],
    "worker": ["/areas/610202004002001/roster", "/areas/610202004002/board"],
    "resident": ["/areas/610202004001/board"],
    "volunteer": ["/areas/610202004001/board"],
    "official": ["/areas/610202/roster", "/governance?under=610202"],
}
NOT_A_PAGE = re.compile(r"^/(api/|static/|logout)|[?&](lang|download)=")


@pytest.mark.parametrize("who", sorted(PAGES))
async def test_every_link_shown_answers_the_reader(demo, who):
    await demo.login(who, DEMO_PASSWORD)
    failing = []
    for path in PAGES[who]:
        r = await demo.get(path, headers=HTML)
        assert r.status_code == 200, (path, r.status_code)
        for href in sorted({unescape(h) for h in re.findall(r'<a [^>]*href="(/[^"]*)"', r.text)}):
            if NOT_A_PAGE.search(href):
                continue
            status = (await demo.get(href, headers=HTML)).status_code
            if status >= 400:
                failing.append((path, href, status))
    assert failing == []


async def test_a_step_by_the_system_reads_in_the_readers_language(demo):
    """The demo's wish 18 was published again by the scheduler (its claim ran out)."""
    await demo.login("volunteer", DEMO_PASSWORD)
    zh = (await demo.get("/wishes/18", headers=HTML)).text
    en = (await demo.get("/wishes/18?lang=en", headers=HTML)).text
    assert "· 系统" in zh and "system" not in re.sub(r"<(script|style).*?</\1>", "", zh, flags=re.DOTALL)
    assert "· the system" in en and "系统" not in en
