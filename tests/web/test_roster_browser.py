"""The roster and contact-board pages in headless Chromium against a real server with the demo
city (issue 11 item 4): at 390 px and at desktop width, in Chinese and in English, nothing wider
than the screen and touch targets of at least 44 px; the board prints on one A4 page.
Screenshots go to tests/artifacts/roster-*.png."""

from __future__ import annotations

from tests.kit.browser import ARTIFACTS, BROWSER, PASSWORD, Watch

pytestmark = BROWSER

CHUANKOU = "610202004002"  # the demo's 川口社区, whose grid head is the demo account `head`

MEASURE = """() => {
  const vw = document.documentElement.clientWidth;
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p).overflowX; if (s === 'auto' || s === 'scroll') return true; } return false; };
  const wide = [...document.querySelectorAll('body *')].filter(el => {
      const r = el.getBoundingClientRect(); return r.width > 0 && r.right > vw + 1 && !scrolls(el); })
    .map(el => el.tagName + '.' + el.className + ' ' + (el.textContent || '').trim().slice(0, 30));
  const taps = [...document.querySelectorAll('main button, main summary, main select, main input, .tools a')]
    .filter(el => { const r = el.getBoundingClientRect(); return r.height > 0 && r.height < 43.5; })
    .map(el => el.tagName + ' ' + (el.textContent || el.name || '').trim().slice(0, 20));
  return {scrollWidth: document.documentElement.scrollWidth, vw: vw, wide: wide.slice(0, 5), taps: taps.slice(0, 5)};
}"""


def _login(page, base: str, who: str) -> None:
    page.goto(base + "/login")
    page.fill("#username", who)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_roster_and_board_fit_a_phone_and_a_desktop_in_both_languages(server, browser):
    base = server["base"]
    problems: dict[str, object] = {}
    for width, height in ((390, 844), (1280, 900)):
        for lang in ("zh-CN", "en"):
            ctx = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
            page = ctx.new_page()
            watch = Watch(page)
            _login(page, base, "head")
            for name, path in (("roster", f"/areas/{CHUANKOU}/roster"), ("board", f"/areas/{CHUANKOU}/board")):
                watch.reset()
                resp = page.goto(f"{base}{path}?lang={lang}")
                assert resp is not None and resp.status == 200, (path, resp and resp.status)
                page.wait_for_load_state("networkidle")
                if name == "roster":  # open one of each form, as a person would
                    for summary in page.locator("details.act summary").all()[:3]:
                        summary.click()
                m = page.evaluate(MEASURE)
                page.screenshot(path=str(ARTIFACTS / f"roster-{name}-{width}-{lang}.png"), full_page=True)
                page.screenshot(path=str(ARTIFACTS / f"roster-{name}-{width}-{lang}-top.png"))  # the first screen
                bad = {}
                if m["scrollWidth"] > m["vw"] or m["wide"]:
                    bad["wider than the screen"] = m["wide"] or m["scrollWidth"]
                if m["taps"]:
                    bad["small touch targets"] = m["taps"]
                errors = [e for e in watch.errors if "favicon" not in e]
                if errors or watch.off_host():
                    bad["console or off-host"] = errors + watch.off_host()
                if bad:
                    problems[f"{width} {lang} {name}"] = bad
            ctx.close()
    assert not problems, problems


def test_the_board_prints_on_one_a4_page(server, browser):
    base = server["base"]
    ctx = browser.new_context(viewport={"width": 794, "height": 1123}, device_scale_factor=1)
    page = ctx.new_page()
    page.goto(f"{base}/areas/{CHUANKOU}/board?lang=zh-CN")
    page.wait_for_load_state("networkidle")
    assert page.locator("button[data-action=print]").count() == 1
    page.emulate_media(media="print")
    assert page.locator("header").is_hidden() and page.locator(".tools").is_hidden()
    page.screenshot(path=str(ARTIFACTS / "roster-board-print.png"), full_page=True)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    (ARTIFACTS / "roster-board.pdf").write_bytes(pdf)
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") + pdf.count(b"/Type /Page/") == 1 or \
        pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1
    ctx.close()
