"""Keeping the catalog in a browser (issue 11 item 5, "Done when"): at desktop width an official
of the demo city creates an item with the form (a row of materials added with its button, an
area ticked), edits the draft, publishes it, and a resident who is not logged in finds it in
办事指南 by searching. On a 390 px phone, in Chinese and in English, the item form (with its
problems shown), the edit form, the upkeep panel, the admission form and the desk fit the
screen with touch targets of at least 44 px and buttons on one line. Screenshots go to
tests/artifacts/catalog-*.png."""

from __future__ import annotations

import re

from tests.kit.browser import ARTIFACTS, BROWSER, PASSWORD, Watch

pytestmark = BROWSER

STREET = "610202004000"  # 青年路街道, the demo official's district's street
COMMUNITY = "610202004002"  # 川口社区, under it

# what is wider than the screen, what can be tapped but is under 44 px, which buttons wrap
MEASURE = """() => {
  const vw = document.documentElement.clientWidth;
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.right > 0; };
  const wide = [...document.querySelectorAll('body *')].filter(el => {
      const r = el.getBoundingClientRect(); return r.width > 0 && r.right > vw + 1; })
    .map(el => el.tagName + '.' + el.className + ' ' + (el.textContent || '').trim().slice(0, 30));
  const targets = 'main button, main a.tap, main select, main input[type=text], main input[type=number], ' +
                  'main input[type=date], main label.check, main textarea';
  const small = [...document.querySelectorAll(targets)].filter(visible)
    .filter(el => el.getBoundingClientRect().height < 44)
    .map(el => el.tagName + ' ' + (el.name || el.textContent || '').trim().slice(0, 30));
  const lines = el => { const range = document.createRange(); range.selectNodeContents(el);
      return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; };
  const wrapped = [...document.querySelectorAll('main button, main a.tap')].filter(visible)
    .filter(el => lines(el) > 1).map(el => el.textContent.trim());
  return {scrollWidth: document.documentElement.scrollWidth, vw: vw, wide: wide, small: small, wrapped: wrapped};
}"""


def _login(page, base: str, who: str) -> None:
    page.goto(base + "/login")
    page.fill("#username", who)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def _create(page, base: str, name: str) -> str:
    """Fill the item form as an official does; returns the new item's code."""
    page.goto(base + "/services/new")
    page.fill("#name", name)
    page.select_option("#category", "social_security")
    page.fill("#summary", "困难家庭子女冬季取暖补助的申领。")
    page.fill("#legal_basis", "《社会救助暂行办法》")
    page.fill("#materials-0-name", "居民身份证")
    page.check("input[name=materials-0-electronic_ok]")
    page.click("button[value='add:materials']")  # a submit that answers with the form, a row more
    page.wait_for_load_state("networkidle")
    page.fill("#materials-1-name", "取暖费票据")
    page.fill("#materials-1-note", "原件")
    page.fill("#venues-0-name", "川口社区党群服务中心")
    page.fill("#venues-0-address", "王益区川口路 1 号")
    page.fill("#time_limit_days", "10")
    page.check(f"input[name=areas][value='{STREET}']")
    page.click("form button[value=save]:not(.enter-saves)")
    page.wait_for_load_state("networkidle")
    m = re.search(r"/services/([A-Z]{2}-[A-Z]{2}-\d{3,4})", page.url)
    assert m, page.url
    return m.group(1)


def test_an_official_publishes_and_a_resident_finds_it(server, browser):
    base = server["base"]
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    watch = Watch(page)
    _login(page, base, "official")
    page.goto(base + "/services?all=1")
    page.click("a[href='/services/new']")
    page.wait_for_load_state("networkidle")
    code = _create(page, base, "冬季取暖补助申领")
    assert "草稿预览" in page.inner_text("main")
    # the draft is edited: a venue's hours added, then published today
    page.click(f"a[href='/services/{code}/edit']")
    page.wait_for_load_state("networkidle")
    page.fill("#venues-0-hours", "周一至周五 8:30-17:30")
    page.fill("#keywords", "取暖费、暖气补贴")
    page.press("#keywords", "Enter")  # Enter saves: it never presses a row's delete button
    page.wait_for_load_state("networkidle")
    assert "done=saved" in page.url and "8:30-17:30" in page.inner_text("main")
    page.click("#upkeep button:has-text('发布第 1 版')")
    page.wait_for_load_state("networkidle")
    text = page.inner_text("main")
    assert "已发布" in text and re.search(r"董卫军 发布第 1 版 \d{4}-\d\d-\d\d \d\d:\d\d", text), text
    page.screenshot(path=str(ARTIFACTS / "catalog-desktop-published.png"), full_page=True)
    assert not [e for e in watch.errors if "favicon" not in e], watch.errors
    ctx.close()

    # a resident, not logged in, searches 办事指南 in their community
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(f"{base}/services?area={COMMUNITY}")
    page.fill("input[name=q]", "取暖")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("a.svc:has-text('冬季取暖补助申领')")
    page.wait_for_load_state("networkidle")
    text = page.inner_text("main")
    assert "取暖费票据" in text and "居民身份证" in text and "8:30-17:30" in text and "事项维护" not in text
    assert f"/services/{code}" in page.url
    ctx.close()


def _phone_pages(code: str) -> list[tuple[str, str, str | None]]:
    """(who, path, what to do on it before measuring: "errors" submits the form as it comes)."""
    return [("official", "/services/new", None), ("official", "/services/new", "errors"),
            ("official", f"/services/{code}/edit", None), ("official", f"/services/{code}", None),
            ("official", "/services/drafts", None), ("street", "/services/admissions/new", None),
            ("street", "/services/admissions/new", "errors"), ("official", "/services/admissions", None)]


def test_the_forms_fit_a_phone_in_both_languages(server, browser):
    base = server["base"]
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    _login(page, base, "official")
    code = _create(page, base, "高龄老人冬季慰问登记")
    ctx.close()
    problems: dict[str, object] = {}
    for lang in ("zh-CN", "en"):
        sessions: dict[str, object] = {}
        for who, path, action in _phone_pages(code):
            if who not in sessions:
                ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
                page = ctx.new_page()
                _login(page, base, who)
                sessions[who] = (ctx, page, Watch(page))
            ctx, page, watch = sessions[who]
            watch.reset()
            resp = page.goto(f"{base}{path}?lang={lang}")
            assert resp is not None and resp.status == 200, (path, resp and resp.status)
            if action == "errors":
                page.click("form button[value=save]:not(.enter-saves)")
                page.wait_for_load_state("networkidle")
                assert page.locator(".field-error").count() > 0, (lang, path)
            page.wait_for_load_state("networkidle")
            m = page.evaluate(MEASURE)
            name = re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()) + (f"-{action}" if action else "")
            page.screenshot(path=str(ARTIFACTS / f"catalog-phone-{lang}-{name}.png"), full_page=True)
            bad = {}
            if m["scrollWidth"] > m["vw"] or m["wide"]:
                bad["wider than the screen"] = m["wide"][:5] or m["scrollWidth"]
            if m["small"]:
                bad["touch targets under 44 px"] = m["small"][:8]
            if m["wrapped"]:
                bad["buttons on two lines"] = m["wrapped"][:8]
            # the form sent back with its problems answers 422, which the console notes
            errors = [e for e in watch.errors if "favicon" not in e and not (action and "status of 422" in e)]
            if errors or watch.off_host():
                bad["console or off-host"] = errors + watch.off_host()
            if bad:
                problems[f"{lang} {who} {path} {action or ''}"] = bad
        for ctx, _, _ in sessions.values():
            ctx.close()
    assert not problems, problems
