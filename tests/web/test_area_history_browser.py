"""An area's boundary history in headless Chromium against a real server with the demo city: a grid
redrawn through the API shows two versions, the map draws the new one solid and the old one dashed
(the vendored Leaflet, no request off the host), and the page fits a phone and a desktop in Chinese
and English with touch targets of at least 44 px. Screenshots: tests/artifacts/history-*.png."""

from __future__ import annotations

import httpx
import shapely
from shapely import affinity
from shapely.geometry import mapping, shape

from tests.kit.browser import ARTIFACTS, BROWSER, PASSWORD, Watch, server  # noqa: F401
from tests.web.test_phone_layout_browser import MEASURE, _login

pytestmark = BROWSER

# the phone test's measure, but what a map clips (Leaflet's SVG overhangs its pane by design, inside
# a container with overflow: hidden) is not wider than the screen either
CLIPPED_MEASURE = MEASURE.replace("s === 'auto' || s === 'scroll'", "s === 'auto' || s === 'scroll' || s === 'hidden'")
assert CLIPPED_MEASURE != MEASURE

COMMUNITY = "610202004002"


def _redraw_a_grid(base: str) -> tuple[str, str]:
    """Redraw a grid of the community as the admin; its code and the admin's display name."""
    with httpx.Client(base_url=base, timeout=30) as c:
        token = c.post("/api/v1/auth/token", json={"username": "admin", "password": PASSWORD}).json()["access_token"]
        h = {"Authorization": f"Bearer {token}"}
        me = c.get("/api/v1/auth/me", headers=h).json()
        grids = c.get("/api/v1/areas", params={"level": "grid", "under": COMMUNITY}).json()["features"]
        grid = grids[0]
        g = affinity.scale(shape(grid["geometry"]), 0.999, 0.999, origin="centroid")
        r = c.patch(f"/api/v1/areas/{grid['properties']['code']}", json={"geometry": mapping(shapely.normalize(g))},
                    headers=h)
        assert r.status_code == 200, r.text
        return grid["properties"]["code"], me.get("name") or me["username"]


def test_history_page_draws_the_versions_and_fits_phone_and_desktop(server, browser):  # noqa: F811
    base = server["base"]
    code, admin_name = _redraw_a_grid(base)
    problems: dict[str, object] = {}
    for width, height in ((390, 844), (1280, 800)):
        for lang in ("zh-CN", "en"):
            ctx = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
            page = ctx.new_page()
            watch = Watch(page)
            _login(page, base, "admin")
            watch.reset()
            resp = page.goto(f"{base}/areas/{code}/history?lang={lang}")
            assert resp is not None and resp.status == 200
            page.wait_for_load_state("networkidle")
            drawn = page.evaluate("""() => [...document.querySelectorAll('#hist-map path.leaflet-interactive')]
                .map(p => p.getAttribute('stroke-dasharray'))""")
            assert sorted(drawn, key=str) == ["6 5", None] or sorted(drawn, key=str) == [None, "6 5"], drawn
            cards = page.locator(".hist-version")
            assert cards.count() == 2
            assert admin_name in cards.nth(0).inner_text()  # the newest first, with who changed it
            # the older version on the map: it is solid now, with nothing before it
            page.click("[data-show-version='0']")
            assert page.evaluate("document.querySelectorAll('#hist-map path.leaflet-interactive').length") == 1
            m = page.evaluate(CLIPPED_MEASURE)
            buttons = page.evaluate("""() => [...document.querySelectorAll('.hist-version button')]
                .map(b => b.getBoundingClientRect().height)""")
            page.screenshot(path=str(ARTIFACTS / f"history-{width}-{lang}.png"), full_page=True)
            bad = {}
            if m["scrollWidth"] > m["vw"] or m["wide"]:
                bad["wider than the screen"] = m["wide"][:5] or m["scrollWidth"]
            if [h for h in buttons if h < 44]:
                bad["small buttons"] = buttons
            errors = [e for e in watch.errors if "favicon" not in e]
            if errors or watch.off_host():
                bad["console or off-host"] = errors + watch.off_host()
            if bad:
                problems[f"{width} {lang}"] = bad
            ctx.close()
    assert not problems, problems
