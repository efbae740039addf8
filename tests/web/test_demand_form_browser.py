"""Choosing a demand's area by name on /demands/new, in headless Chromium against a real
`gridsvc serve` on the demo city (铜川市): the district official (王益区: 7 streets, 20
communities, 2,034 buildings) picks a community, its grids and buildings arrive from
/api/v1/areas for that community alone, a building is chosen by name and the published demand
shows the names above it; a community head in English on a desktop chooses a grid and taps the
map; the same without JavaScript through the "list its grids" button; a refused form keeps the
choice. Every page: at least 44 px for each field and button, nothing wider than the viewport,
no console error, no request leaving 127.0.0.1. Screenshots: tests/artifacts/demand-form-*.png."""

from __future__ import annotations

from datetime import timedelta

from gridsvc.domain import clock
from tests.kit.browser import ARTIFACTS, BROWSER, PASSWORD, Watch, wait_until

pytestmark = BROWSER

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CHUANKOU = "610202004002"  # 川口社区 of 王益区's 红旗街道

# fields and buttons lower than a thumb, or sticking out of the screen
MEASURE = """() => {
  const out = {low: [], wide: []};
  for (const el of document.querySelectorAll(
      'main input:not([type=hidden]):not([type=checkbox]), main select, main textarea, main button')) {
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    if (r.height < 44) out.low.push((el.id || el.name || el.textContent) + ' ' + r.height);
    if (r.right > innerWidth + .5) out.wide.push(el.id || el.name || el.tagName);
  }
  return out;
}"""

# the centre-most point of the drawn outline, in screen pixels (see test_demand_place_browser)
INSIDE = """() => {
  const path = document.querySelector("#picker-map svg path");
  const box = path.getBBox(), m = path.getScreenCTM();
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  let best = null;
  for (let i = 1; i < 40; i++) for (let j = 1; j < 40; j++) {
    const x = box.x + box.width * i / 40, y = box.y + box.height * j / 40;
    if (!path.isPointInFill(new DOMPoint(x, y))) continue;
    const d = (x - cx) ** 2 + (y - cy) ** 2;
    if (!best || d < best.d) best = {x, y, d};
  }
  const s = new DOMPoint(best.x, best.y).matrixTransform(m);
  return [s.x, s.y];
}"""


def check(page, watch, name: str, width: int) -> None:
    page.screenshot(path=str(ARTIFACTS / f"demand-form-{name}.png"), full_page=True)
    assert not [e for e in watch.errors if "favicon" not in e], (name, watch.errors)
    assert not watch.off_host(), (name, watch.off_host())
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    sizes = page.evaluate(MEASURE)
    assert sizes == {"low": [], "wide": []}, (name, sizes)
    watch.reset()


def login(browser, base: str, user: str, viewport: dict, locale: str = "zh-CN", **more):
    ctx = browser.new_context(viewport=viewport, device_scale_factor=1, locale=locale, **more)
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(base + "/login")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    watch.reset()
    return ctx, page, watch


def fill_demand(page, title: str, *, days: int = 6) -> None:
    start = clock.china(clock.now()).replace(hour=14, minute=0) + timedelta(days=days)
    page.fill("#title", title)
    page.fill("#starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#ends_at", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#volunteers_needed", "6")


def publish(page) -> None:
    with page.expect_navigation():
        page.click("main button[data-publish]")
    page.wait_for_load_state("networkidle")


def test_the_district_official_chooses_a_building_by_name_on_a_phone(server, browser):
    ctx, page, watch = login(browser, server["base"], "official", PHONE)
    try:
        page.goto(server["base"] + "/demands/new")
        page.wait_for_load_state("networkidle")
        # the streets and communities of the district by name, nothing below them yet
        labels = page.eval_on_selector_all("#area option", "os => os.map(o => o.textContent)")
        assert "川口社区" in labels and len(labels) == 1 + 7 + 20, labels
        assert page.locator("[data-within-row]").is_hidden()
        assert page.locator("[data-refine]").count() == 0  # JS lists the community itself
        check(page, watch, "official-phone", PHONE["width"])

        page.select_option("#area", label="川口社区")
        wait_until(page, "document.querySelectorAll('#within option').length > 100")
        asked = [u for u in watch.requests if "/api/v1/areas" in u]
        assert all(CHUANKOU in u for u in asked), asked  # that community's areas only
        page.select_option("#within", label="\u00a0" * 4 + "3号楼")
        wait_until(page, "document.querySelector('[data-chain]').textContent.includes('3号楼')")
        chain = page.inner_text("[data-chain]")
        assert "川口社区 › 川口社区第1网格 › 第1居民小组 › 3号楼" in chain and "编码 " + CHUANKOU in chain, chain
        assert page.input_value("#area") == CHUANKOU and page.input_value("#within").startswith(CHUANKOU)
        check(page, watch, "official-building-phone", PHONE["width"])

        fill_demand(page, "楼道扶手清洁")
        publish(page)
        text = page.inner_text("main")
        assert "楼道扶手清洁" in text and "川口社区 › 川口社区第1网格 › 第1居民小组 › 3号楼" in text, text
        check(page, watch, "official-published-phone", PHONE["width"])
    finally:
        ctx.close()


def test_a_head_chooses_a_grid_and_taps_the_map_in_english(server, browser):
    ctx, page, watch = login(browser, server["base"], "head", DESKTOP, locale="en-US")
    try:
        page.goto(server["base"] + "/demands/new?lang=en")
        page.wait_for_load_state("networkidle")
        assert page.input_value("#area") == CHUANKOU  # their one community, chosen already
        text = page.inner_text("main")
        assert "Grid, group or building" in text and "Community or street" in text and "社区或街道" not in text
        wait_until(page, "!!document.querySelector('#picker-map svg path')")
        check(page, watch, "head-desktop-en", DESKTOP["width"])

        page.select_option("#within", label="川口社区第2网格(whole grid)")
        wait_until(page, "document.querySelector('[data-chain]').textContent.includes('第2网格')")
        x, y = page.evaluate(INSIDE)  # the grid's outline is the one drawn now
        page.mouse.click(x, y)
        assert page.input_value("input[name=lon]") and page.input_value("#within") == CHUANKOU + "002"
        fill_demand(page, "Reading to the elderly")
        publish(page)
        text = page.inner_text("main")
        assert "Reading to the elderly" in text and "川口社区 › 川口社区第2网格" in text, text
        check(page, watch, "head-published-desktop-en", DESKTOP["width"])

        # refused (the end before the start): the field named in English, the choice kept
        page.goto(server["base"] + "/demands/new?lang=en")
        page.wait_for_load_state("networkidle")
        wait_until(page, "document.querySelectorAll('#within option').length > 100")
        page.select_option("#within", label="\u00a0" * 4 + "5号楼")
        fill_demand(page, "Stairwell lights")
        page.fill("#ends_at", page.input_value("#starts_at").replace("T14:", "T08:"))
        publish(page)
        alert = page.inner_text("[role=alert]")
        assert "Ends" in alert and "must be after the start" in alert, alert
        wait_until(page, "document.querySelectorAll('#within option').length > 100")  # the list again, live
        assert page.locator("#within option:checked").inner_text() == "\u00a0" * 4 + "5号楼"
        assert page.input_value("#title") == "Stairwell lights"
        watch.errors[:] = [e for e in watch.errors if "422" not in e]  # the refused page's status line
        check(page, watch, "head-refused-desktop-en", DESKTOP["width"])
    finally:
        ctx.close()


def test_without_javascript_the_list_comes_from_the_server(server, browser):
    ctx, page, watch = login(browser, server["base"], "official", PHONE, java_script_enabled=False)
    try:
        page.goto(server["base"] + "/demands/new")
        fill_demand(page, "社区义诊引导")
        page.select_option("#area", label="川口社区")
        with page.expect_navigation():
            page.click("[data-refine]")
        assert page.input_value("#title") == "社区义诊引导"  # typed values kept
        page.select_option("#within", label="川口社区第3网格(全网格)")
        check(page, watch, "nojs-phone", PHONE["width"])
        with page.expect_navigation():
            page.click("main button[data-publish]")
        text = page.inner_text("main")
        assert "社区义诊引导" in text and "川口社区 › 川口社区第3网格" in text, text
    finally:
        ctx.close()
