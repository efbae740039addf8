"""The place of a demand picked on the map (issue 10 item 3), in headless Chromium against a
real `gridsvc serve` on the demo city: at 390 px the worker taps a point inside their grid on
/demands/new, publishes, and the demand's page shows the place on its map; choosing a building
(the second choice of area) makes the demand the building's. Every page: no console error, no
request leaving 127.0.0.1, no element wider than the viewport. Screenshots: tests/artifacts/place-*.png."""

from __future__ import annotations

from datetime import timedelta

from gridsvc.domain import clock
from tests.kit.browser import ARTIFACTS, BROWSER, PASSWORD, Watch, wait_until

pytestmark = BROWSER

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# a point well inside the area's outline, in screen pixels: the centre-most of a lattice of the
# outline's bounding box that the drawn polygon fills (the outline need not be convex)
INSIDE = """() => {
  const path = document.querySelector("#picker-map svg path");
  const box = path.getBBox(), m = path.getScreenCTM();
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  let best = null;
  for (let i = 1; i < 40; i++) for (let j = 1; j < 40; j++) {
    const x = box.x + box.width * i / 40, y = box.y + box.height * j / 40;
    const p = new DOMPoint(x, y);
    if (!path.isPointInFill(p)) continue;
    const d = (x - cx) ** 2 + (y - cy) ** 2;
    if (!best || d < best.d) best = {x, y, d};
  }
  const s = new DOMPoint(best.x, best.y).matrixTransform(m);
  return [s.x, s.y];
}"""


def check(page, watch, name: str, width: int) -> None:
    page.screenshot(path=str(ARTIFACTS / f"place-{name}.png"), full_page=True)
    assert not [e for e in watch.errors if "favicon" not in e], (name, watch.errors)
    assert not watch.off_host(), (name, watch.off_host())
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    watch.reset()


def login(browser, base: str, viewport: dict, locale: str = "zh-CN", **more):
    ctx = browser.new_context(viewport=viewport, device_scale_factor=1, locale=locale, **more)
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(base + "/login")
    page.fill("#username", "worker")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    watch.reset()
    return ctx, page, watch


def fill_demand(page, title: str) -> None:
    start = clock.china(clock.now()).replace(hour=9, minute=0) + timedelta(days=5)
    page.fill("#title", title)
    page.fill("#starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#ends_at", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#volunteers_needed", "3")


def test_worker_taps_the_place_and_the_demand_shows_it(server, browser):
    ctx, page, watch = login(browser, server["base"], PHONE)
    try:
        page.goto(server["base"] + "/demands/new")
        page.wait_for_load_state("networkidle")
        wait_until(page, "!!document.querySelector('#picker-map svg path')")
        grid = page.input_value("#area")
        check(page, watch, "new-phone", PHONE["width"])
        assert page.input_value("input[name=lon]") == ""

        x, y = page.evaluate(INSIDE)
        page.mouse.click(x, y)
        lon, lat = page.input_value("input[name=lon]"), page.input_value("input[name=lat]")
        assert lon and lat and "已选位置" in page.inner_text("[data-picker-status]")
        assert page.input_value("#area") == grid
        check(page, watch, "picked-phone", PHONE["width"])

        fill_demand(page, "楼道杂物清理")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/demands/" in page.url and "楼道杂物清理" in page.inner_text("main")
        box = page.locator("#place-map")
        assert box.is_visible() and box.get_attribute("data-lon") == lon and box.get_attribute("data-lat") == lat
        wait_until(page, "document.querySelectorAll('#place-map svg path').length >= 2")  # outline and point
        check(page, watch, "detail-phone", PHONE["width"])

        # a building instead of a point: the area becomes the building, the point is the server's
        page.goto(server["base"] + "/demands/new")
        page.wait_for_load_state("networkidle")
        wait_until(page, "document.querySelectorAll('#within option').length > 1")
        # the first building of the grid (21 digits; groups come before their buildings)
        building = page.evaluate("[...document.querySelectorAll('#within option')]"
                                 ".map(o => o.value).find(v => v.length === 21)")
        page.select_option("#within", building)
        assert page.input_value("#area") == grid and page.input_value("input[name=lon]") == ""
        wait_until(page, f"document.querySelector('[data-chain]').textContent.includes('{building}')")
        fill_demand(page, "单元门禁维修协助")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.locator("#place-map").get_attribute("data-area") == building
        check(page, watch, "building-phone", PHONE["width"])
    finally:
        ctx.close()


def test_the_picker_in_english_on_a_desktop(server, browser):
    # the browser says the worker stands in Beijing: outside their grid, so the server refuses
    ctx, page, watch = login(browser, server["base"], DESKTOP, locale="en-US", permissions=["geolocation"],
                             geolocation={"longitude": 116.4074, "latitude": 39.9042})
    try:
        page.goto(server["base"] + "/demands/new?lang=en")
        page.wait_for_load_state("networkidle")
        wait_until(page, "!!document.querySelector('#picker-map svg path')")
        text = page.inner_text("main")
        assert "Tap the map to pick the place" in text and "在地图上点选" not in text
        check(page, watch, "new-desktop-en", DESKTOP["width"])

        page.click("[data-picker-locate]")
        wait_until(page, "document.querySelector('input[name=lon]').value !== ''")
        assert page.input_value("input[name=lon]") == "116.407400"
        fill_demand(page, "Stairwell clean-up")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        page.wait_for_load_state("networkidle")
        error = page.inner_text("[role=alert]")
        assert "116.407400,39.904200" in error and "outside the demand's area" in error, error
        # the point comes back on the map, so the worker can tap another
        assert "116.407400" in page.inner_text("[data-picker-status]")
        # the refused page answers 422: its console line is the status, not a script error
        watch.errors[:] = [e for e in watch.errors if "422" not in e]
        check(page, watch, "refused-desktop-en", DESKTOP["width"])
    finally:
        ctx.close()
