"""Maps in a real browser: headless Chromium (Debian's package) driven by Playwright against a
real `gridsvc serve` on 127.0.0.1 with the demo city and the basemap `none`.

A grid worker logs in through the form, opens "my area" on a phone-sized screen, sees their
grid drawn as SVG paths, zooms out and in and sees the buildings load for the visible area,
opens a building's popup; no console errors, and no request leaves 127.0.0.1. The floor plan
opens from a file with the network off, prints on A4, and shows a community named like an HTML
tag as text. Screenshots go to tests/artifacts/ (ignored by git): look at them.
"""

from __future__ import annotations

import json
import shutil
import urllib.request

from tests.kit.browser import ARTIFACTS, BROWSER, PASSWORD, Watch, wait_until
from tests.kit.commands import gridsvc_process

EVIL = "<img src=x onerror=alert(1)>"
EVIL_COMMUNITY = "610202004001"  # a neighbour of the worker's community: renamed for the escaping test

pytestmark = BROWSER


def _layer_count(page, layer: str) -> int:
    return page.evaluate(f"document.querySelectorAll('path.gm-{layer}').length")


def test_worker_sees_own_grid_and_buildings_load_on_zoom(server, browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                              has_touch=True,
                              locale="zh-CN")
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(server["base"] + "/login?next=/maps/mine")
    page.fill("#username", "worker")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/maps/mine")
    watch.reset()  # from here on: the map page alone
    page.reload()
    page.wait_for_selector("path.gm-scope")

    # the worker's grid, drawn as an SVG path, with its name and code as a label
    assert _layer_count(page, "scope") == 1
    assert page.evaluate("document.querySelector('path.gm-scope').closest('svg') !== null")
    labels = page.locator(".leaflet-tooltip-pane").inner_text()
    assert "川口社区第1网格" in labels and "610202004002001" in labels

    # zoomed out below the buildings' zoom: none drawn, and the map says why
    page.evaluate("GridMap.map.setZoom(15, {animate: false})")
    wait_until(page, "document.querySelectorAll('path.gm-building').length === 0")
    wait_until(page, "document.querySelector('.gm-status').textContent.includes('放大可见')")
    assert "楼栋" in page.locator(".gm-status").inner_text()

    # zoomed in: the buildings of the visible area come from the API, as SVG paths
    with page.expect_response(lambda r: "/api/v1/areas?" in r.url and "level=building" in r.url) as resp:
        page.evaluate("GridMap.map.setZoom(17, {animate: false})")
    assert resp.value.status == 200
    assert "under=610202004002001" in resp.value.url and "bbox=" in resp.value.url
    wait_until(page, "document.querySelectorAll('path.gm-building').length > 0")
    assert _layer_count(page, "group") > 0

    # a building's popup lists the staff, fetched when it opens
    page.evaluate("GridMap.layers.find(l => l.id === 'building').group.getLayers()[0].openPopup()")
    page.wait_for_selector(".leaflet-popup .gm-staff li")
    popup = page.locator(".leaflet-popup").inner_text()
    assert "楼栋" in popup and "网格员" in popup and "文斌丽" in popup
    page.evaluate("GridMap.map.closePopup()")
    page.click(".gm-home a")  # back to the whole grid
    page.wait_for_timeout(400)
    page.screenshot(path=str(ARTIFACTS / "maps-mine-phone.png"))

    assert watch.errors == []
    assert watch.off_host() == [], "requests left 127.0.0.1 with the basemap `none`"
    assert any("/static/vendor/leaflet/leaflet.js" in u for u in watch.requests)
    ctx.close()


def test_city_map_loads_levels_with_the_zoom(server, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(server["base"] + "/maps/city")
    wait_until(page, "document.querySelectorAll('path.gm-street').length > 0")
    page.wait_for_timeout(300)
    asked = {u.split("level=")[1].split("&")[0] for u in watch.requests if "/api/v1/areas?" in u}
    assert asked == {"city", "district", "street"}  # city zoom: nothing below streets
    page.screenshot(path=str(ARTIFACTS / "maps-city.png"))
    with page.expect_response(lambda r: "level=grid" in r.url):
        page.evaluate("GridMap.map.setView([35.0575, 109.0575], 15, {animate: false})")
    wait_until(page, "document.querySelectorAll('path.gm-grid').length > 0")
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "maps-city-grid-zoom.png"))
    grid_urls = [u for u in watch.requests if "level=grid" in u]
    assert all("bbox=" in u and "zoom=15" in u for u in grid_urls)
    assert watch.errors == [] and watch.off_host() == []
    ctx.close()


def _token(base: str, username: str) -> str:
    req = urllib.request.Request(base + "/api/v1/auth/token",
                                 data=json.dumps({"username": username, "password": PASSWORD}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["access_token"]


def _rename(base: str, token: str, code: str, name: str) -> None:
    req = urllib.request.Request(f"{base}/api/v1/areas/{code}", data=json.dumps({"name": name}).encode(),
                                 method="PATCH",
                                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200


def test_floor_plan_opens_offline_prints_and_shows_tags_as_text(server, browser):
    base = server["base"]
    token = _token(base, "admin")
    _rename(base, token, EVIL_COMMUNITY, EVIL)
    _rename(base, token, EVIL_COMMUNITY + "001", "第一网格" + EVIL)

    # the served plan: Leaflet from this server, nothing else
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(f"{base}/maps/community/{EVIL_COMMUNITY}")
    page.wait_for_selector(".gm-fp-label")
    assert page.locator("h1").inner_text().startswith(EVIL)
    assert watch.off_host() == [] and watch.errors == [] and watch.dialogs == []
    ctx.close()

    # the standalone file from `gridsvc render-map`, opened with the network off
    out = server["tmp"] / "plan.html"
    # a real process: Playwright's sync API keeps an event loop running in this thread
    r = gridsvc_process("render-map", EVIL_COMMUNITY, "-o", str(out), "--db", server["db"], cwd=server["tmp"],
                        env={"GRIDSVC_SECRET_KEY": "browser-test", "GRIDSVC_BASEMAP": "none"}, timeout=120)
    assert r.returncode == 0, r.stderr
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, offline=True)
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(out.as_uri())
    page.wait_for_selector(".gm-fp-label")
    assert [u for u in watch.requests if not u.startswith("data:")] == [out.as_uri()]  # nothing but the file itself
    assert page.locator("h1").inner_text().startswith(EVIL)
    assert page.locator("img[src='x']").count() == 0 and watch.dialogs == []
    grids = page.evaluate("document.querySelectorAll('.fp-grids tbody tr').length")
    assert grids == page.evaluate("document.querySelectorAll('.gm-fp-label').length") > 0
    assert "第一网格" + EVIL in page.locator(".fp-grids").inner_text()
    # its label on the map (shown whole, or as its number when the grid is too narrow for the name)
    assert "第一网格" + EVIL in page.evaluate("document.querySelector('.leaflet-marker-pane').textContent")
    # a grid's popup: the name as text
    page.evaluate("""() => { let done = false; GridMap.map.eachLayer(l => {
        if (!done && l.feature && l.feature.properties.level === 'grid' && l.feature.properties.code.endsWith('001')) {
            l.openPopup(); done = true; } }); }""")
    page.wait_for_selector(".leaflet-popup .gm-card-title")
    assert page.locator(".leaflet-popup .gm-card-title").inner_text() == "第一网格" + EVIL
    assert page.locator("img[src='x']").count() == 0 and watch.dialogs == []
    page.evaluate("GridMap.map.closePopup()")
    page.screenshot(path=str(ARTIFACTS / "floorplan-screen.png"))

    # print on A4 landscape: the map takes its size on paper and the whole community fits
    page.emulate_media(media="print")
    page.evaluate("GridMap.plan.before()")
    page.wait_for_timeout(300)
    box = page.locator(".fp-map").bounding_box()
    assert abs(box["width"] - 189 * 96 / 25.4) < 3 and abs(box["height"] - 176 * 96 / 25.4) < 3
    inside = page.evaluate("""() => { const m = GridMap.map, b = m.getBounds(); let ok = true;
        m.eachLayer(l => {
            if (l.feature && l.feature.properties.level === 'community') ok = b.contains(l.getBounds()); });
        return ok; }""")
    assert inside
    page.set_viewport_size({"width": 1123, "height": 794})  # A4 landscape at 96 dpi
    page.screenshot(path=str(ARTIFACTS / "floorplan-a4-print.png"))
    page.pdf(path=str(ARTIFACTS / "floorplan-a4.pdf"), format="A4", landscape=True, print_background=True)
    assert watch.errors == [] and watch.dialogs == []
    ctx.close()
    shutil.copy(out, ARTIFACTS / "floorplan-standalone.html")


# Leaflet's own control words (its zoom buttons' titles, the layer switcher) in the page's language,
# on folium's maps and on the pages that make their own Leaflet map
MAP_WORDS = {
    "zh-CN": {"zoom_in": "放大", "zoom_out": "缩小", "layers": "图层"},
    "en": {"zoom_in": "Zoom in", "zoom_out": "Zoom out", "layers": "Layers"},
}
CONTROLS = """() => {
  const title = sel => { const el = document.querySelector(sel); return el ? el.title : null; };
  const small = [...document.querySelectorAll('.gm-bar a, .leaflet-bar a')].filter(a => a.getClientRects().length > 0)
    .filter(a => a.getBoundingClientRect().height < 44).map(a => a.title || a.textContent.trim());
  return {zoom_in: title('.leaflet-control-zoom-in'), zoom_out: title('.leaflet-control-zoom-out'),
          layers: title('.leaflet-control-layers-toggle'), small: small};
}"""

# scrolled so that the zoom buttons pass under the phone's tab bar, the bar stays on top (None
# where there is no tab bar, or the buttons never reach it: a map at the top of its page)
UNDER_THE_TABS = """() => {
  const tabs = document.querySelector('nav.tabs'), zoom = document.querySelector('.leaflet-control-zoom-in');
  if (!tabs || getComputedStyle(tabs).position !== 'fixed') return null;
  window.scrollBy(0, zoom.getBoundingClientRect().top - tabs.getBoundingClientRect().top);
  const z = zoom.getBoundingClientRect(), t = tabs.getBoundingClientRect();
  const x = z.left + z.width / 2, y = z.top + z.height / 2;
  const under = y > t.top && y < t.bottom;  // a page too short to scroll that far has nothing to check
  const hit = under ? document.elementFromPoint(x, y) : null;
  window.scrollTo(0, 0);
  return under ? tabs.contains(hit) : null;
}"""


def test_every_map_speaks_the_page_language(server, browser):
    base = server["base"]
    pages = [("worker", "/maps/mine", True), (None, "/maps/city", False),
             ("admin", "/areas/610202004002/history", False), ("admin", "/areas/610202004002/edit", False)]
    problems: dict[str, object] = {}
    for lang, words in MAP_WORDS.items():
        for who, path, switcher in pages:
            ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="zh-CN")
            page = ctx.new_page()
            watch = Watch(page)
            if who:
                page.goto(base + "/login")
                page.fill("#username", who)
                page.fill("#password", PASSWORD)
                page.click("main button[type=submit]")
                page.wait_for_load_state("networkidle")
            watch.reset()
            resp = page.goto(f"{base}{path}?lang={lang}")
            assert resp is not None and resp.status == 200, (path, resp and resp.status)
            wait_until(page, "document.querySelector('.leaflet-control-zoom-in') !== null")
            seen = page.evaluate(CONTROLS)
            want = dict(words) if switcher else {k: v for k, v in words.items() if k != "layers"}
            got = {k: seen[k] for k in want}
            if got != want:
                problems[f"{lang} {path} words"] = got
            if seen["small"]:
                problems[f"{lang} {path} links under 44 px"] = seen["small"]
            page.set_viewport_size({"width": 390, "height": 600})  # a short screen: the map starts below the bar
            under_the_tabs = page.evaluate(UNDER_THE_TABS)
            page.set_viewport_size({"width": 390, "height": 844})
            if under_the_tabs is False:
                problems[f"{lang} {path} zoom buttons drawn over the tab bar"] = True
            if watch.errors:
                problems[f"{lang} {path} console"] = watch.errors
            if path == "/maps/mine":
                page.screenshot(path=str(ARTIFACTS / f"maps-mine-words-{lang}.png"))
            ctx.close()
    assert not problems, problems
