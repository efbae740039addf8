"""The pages on a phone (issue 10 item 6), in headless Chromium at 390 px against a real server
with the demo city, in Chinese and in English: nothing wider than the screen, a header of at
most 56 px, navigation tabs of at least 44 px that never break a word, touch targets of at least
44 px (the header's links, and titles, names and summaries that stand alone as a row's tap), no
console errors.
Screenshots go to tests/artifacts/phone-<who>-<lang>-<page>.png."""

from __future__ import annotations

import re

from tests.kit.browser import ARTIFACTS, BROWSER, PASSWORD, Watch

pytestmark = BROWSER

PAGES = {
    None: ["/", "/login", "/services", "/services/GS-LD-001", "/areas/610202004002"],
    "worker": ["/", "/me", "/wishes", "/inbox"],
    "resident": ["/wishes", "/wishes/new"],
    "admin": ["/orgs", "/areas/610202004002/roster"],
    "official": ["/services/admissions", "/me", "/allocations"],
}

# What overflows the viewport, ignoring what sits inside a horizontally scrolling box (wide
# tables scroll inside their own box by design).
MEASURE = """() => {
  const vw = document.documentElement.clientWidth;
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p).overflowX; if (s === 'auto' || s === 'scroll') return true; } return false; };
  const wide = [...document.querySelectorAll('body *')].filter(el => {
      const r = el.getBoundingClientRect(); return r.width > 0 && r.right > vw + 1 && !scrolls(el); })
    .map(el => el.tagName + '.' + el.className + ' ' + (el.textContent || '').trim().slice(0, 30));
  const tabs = [...document.querySelectorAll('nav.tabs a')].map(a => {
      const range = document.createRange(); range.selectNodeContents(a);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
      return {text: a.textContent.trim(), height: a.getBoundingClientRect().height, lines: lines}; });
  // the header's links, the tabs, and what stands alone as a row's main tap: a wish's or an
  // organisation's title, an area's name in a list, a summary that opens a list
  const taps = [...document.querySelectorAll('header a, header button, nav.tabs a, a.tap-line, summary')]
    .filter(el => el.getClientRects().length > 0)
    .filter(el => el.getBoundingClientRect().height < 44).map(el => el.textContent.trim());
  return {scrollWidth: document.documentElement.scrollWidth, vw: vw, wide: wide, tabs: tabs, taps: taps,
          header: document.querySelector('header').getBoundingClientRect().height};
}"""


def _login(page, base: str, who: str) -> None:
    page.goto(base + "/login")
    page.fill("#username", who)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_every_page_fits_a_phone_in_both_languages(server, browser):  # noqa: F811
    base = server["base"]
    problems: dict[str, object] = {}
    for lang in ("zh-CN", "en"):
        for who, paths in PAGES.items():
            ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="zh-CN")
            page = ctx.new_page()
            watch = Watch(page)
            if who:
                _login(page, base, who)
            for path in paths:
                watch.reset()
                sep = "&" if "?" in path else "?"
                resp = page.goto(f"{base}{path}{sep}lang={lang}")
                assert resp is not None and resp.status == 200, (path, resp and resp.status)
                page.wait_for_load_state("networkidle")
                m = page.evaluate(MEASURE)
                name = re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()) or "home"
                page.screenshot(path=str(ARTIFACTS / f"phone-{who or 'anonymous'}-{lang}-{name}.png"), full_page=True)
                key = f"{lang} {who or 'anonymous'} {path}"
                bad = {}
                if m["scrollWidth"] > m["vw"] or m["wide"]:
                    bad["wider than the screen"] = m["wide"][:5] or m["scrollWidth"]
                if m["header"] > 56.5:
                    bad["header"] = m["header"]
                if [t for t in m["tabs"] if t["lines"] != 1 or t["height"] < 44]:
                    bad["tabs"] = m["tabs"]
                if m["taps"]:
                    bad["small touch targets"] = m["taps"]
                errors = [e for e in watch.errors if "favicon" not in e]
                if errors or watch.off_host():
                    bad["console or off-host"] = errors + watch.off_host()
                if bad:
                    problems[key] = bad
            ctx.close()
    assert not problems, problems
