"""Account pages in headless Chromium against a real `gridsvc serve` on the demo city: the
official of 王益区 creates a grid worker on a phone (390 px) and the new person logs in with the
password shown once; the same pages at desktop width in English. Every page is checked for console
errors, off-host requests, width beyond the screen and touch targets under 44 px.
Screenshots: tests/artifacts/accounts-*.png."""

from __future__ import annotations

import re

import httpx

from tests.kit.browser import ARTIFACTS, BROWSER, PASSWORD, Watch

pytestmark = BROWSER

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SMALL = """[...document.querySelectorAll('main button, main input:not([type=hidden]), main select, .subnav a')]
  .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44 && e.type !== 'radio')
  .map(e => e.outerHTML.slice(0, 80))"""


def _check(page, watch, name: str, width: int) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / f"accounts-{name}.png"), full_page=True)
    assert not [e for e in watch.errors if "favicon" not in e], (name, watch.errors)
    assert not watch.off_host(), (name, watch.off_host())
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    assert page.evaluate(SMALL) == [], (name, page.evaluate(SMALL))
    watch.reset()


def _login(browser, base: str, who: str, password: str, viewport: dict, locale: str):
    ctx = browser.new_context(viewport=viewport, device_scale_factor=1, locale=locale)
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(base + "/login")
    page.fill("#username", who)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    return ctx, page, watch


def _vacate(base: str, grid: str) -> None:
    token = httpx.post(f"{base}/api/v1/auth/token", json={"username": "official", "password": PASSWORD})
    h = {"Authorization": f"Bearer {token.json()['access_token']}"}
    roster = httpx.get(f"{base}/api/v1/areas/{grid[:12]}/roster", headers=h).json()
    term = next(p for p in roster["posts"] if p["area"]["code"] == grid and p["role"] == "worker")["holders"][0]
    assert httpx.post(f"{base}/api/v1/appointments/{term['id']}/end", headers=h, json={}).status_code == 200


def test_official_creates_a_worker_who_then_logs_in(server, browser):
    base = server["base"]
    ctx, page, watch = _login(browser, base, "official", PASSWORD, PHONE, "zh-CN")
    page.click("a.tile[href='/accounts']")
    _check(page, watch, "phone-list", PHONE["width"])
    assert page.locator(".card.account").count() > 0
    page.click(".subnav a[href='/accounts/new']")
    _check(page, watch, "phone-new", PHONE["width"])
    page.select_option("#pick-role", "worker")
    with page.expect_navigation():
        page.click("main form[method=get] button[type=submit]")
    _check(page, watch, "phone-new-worker", PHONE["width"])
    assert "网格员" in page.inner_text("main")
    # every grid of the demo has its worker and a post has one holder: the chooser offers none of
    # them (tests/web/test_account_pages.py); a grid vacated on its roster becomes choosable
    assert page.locator("#area option:not([disabled])").count() == 0
    grid = page.locator("#area option").first.get_attribute("value")
    _vacate(base, grid)
    page.reload()
    assert page.locator("#area option:not([disabled])").count() == 1 and page.input_value("#area") == grid
    page.fill("#name", "陈晓")
    page.fill("#username", "chenxiao")
    page.fill("#phone", "13912345678")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    _check(page, watch, "phone-created", PHONE["width"])
    assert "账号已创建" in page.inner_text("main")
    password = page.inner_text("#one-time-password").strip()
    assert re.fullmatch(r"[A-Za-z2-9]{12}", password)
    ctx.close()

    ctx, page, watch = _login(browser, base, "chenxiao", password, PHONE, "zh-CN")
    _check(page, watch, "phone-new-worker-home", PHONE["width"])
    assert "陈晓" in page.inner_text("header") and "工作台" in page.inner_text("main")
    ctx.close()


def test_admin_pages_at_desktop_width_in_english(server, browser):
    base = server["base"]
    ctx, page, watch = _login(browser, base, "admin", PASSWORD, DESKTOP, "en-US")
    page.goto(base + "/accounts?lang=en")
    _check(page, watch, "desktop-en-list", DESKTOP["width"])
    assert "Accounts" in page.inner_text("main") and "账号" not in page.inner_text("main")
    page.goto(base + "/accounts/new?role=official")
    _check(page, watch, "desktop-en-new", DESKTOP["width"])
    page.goto(base + "/accounts?role=worker")
    page.locator(".card.account a.title").first.click()
    _check(page, watch, "desktop-en-detail", DESKTOP["width"])
    text = page.inner_text("main")
    assert "Reset password" in text and "Deactivate account" in text and "重置" not in text
    page.check("input[value=type]")
    page.fill("#password", "typed-pass-2026")
    with page.expect_navigation():
        page.click("form[action$='/password'] button[type=submit]")
    _check(page, watch, "desktop-en-reset", DESKTOP["width"])
    assert "Password reset" in page.inner_text("main") and page.locator("#one-time-password").count() == 0
    ctx.close()

    ctx, page, watch = _login(browser, base, "admin", PASSWORD, PHONE, "en-US")
    for path, name in (("/accounts?lang=en", "phone-en-list"), ("/accounts/new?role=resident", "phone-en-new")):
        page.goto(base + path)
        _check(page, watch, name, PHONE["width"])
    assert "Building" in page.inner_text("main") and "楼栋长" not in page.inner_text("main")
    ctx.close()
