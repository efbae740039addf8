"""The Content-Security-Policy in a real browser (issue 9 item 9): headless Chromium against a real
`gridsvc serve` with the demo city; every page loads and runs its scripts with no CSP violation
(Chromium reports each one on the console) and no page error."""

from __future__ import annotations

from tests.kit.browser import ARTIFACTS, BROWSER, PASSWORD, Watch

pytestmark = BROWSER

COMMUNITY = "610202004002"  # 川口社区, the demo worker's community

PAGES = {
    None: ["/", "/login", "/maps/city", f"/maps/community/{COMMUNITY}", f"/maps/community/{COMMUNITY}?download=1",
           "/services", "/maps/area/610202?by=households"],
    "worker": ["/maps/mine", "/me", "/wishes", "/inbox"],
    "resident": ["/wishes", "/wishes/new"],
    "official": ["/services/admissions"],
}


def _visit(page, watch: Watch, url: str) -> list[str]:
    watch.reset()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    if url.endswith("download=1"):
        # served as an attachment, which a browser saves instead of showing: show the served text
        # with the served policy at a page URL of its own
        resp = page.request.get(url)
        policy = resp.headers["content-security-policy"]
        assert "sha256-" in policy
        body = resp.text()
        view = url.split("?")[0] + "/as-downloaded"
        page.route(view, lambda route: route.fulfill(status=200, body=body, headers={
            "content-type": "text/html; charset=utf-8", "content-security-policy": policy}))
        page.goto(view)
    else:
        resp = page.goto(url)
        assert resp is not None and resp.status == 200, (url, resp and resp.status)
        policy = resp.headers["content-security-policy"]
        assert "nonce-" in policy or "sha256-" in policy
    page.wait_for_load_state("networkidle")
    return [e for e in watch.errors if "favicon" not in e] + violations


def test_pages_run_under_the_csp(server, browser):  # noqa: F811
    base = server["base"]
    problems: dict[str, list[str]] = {}
    for who, paths in PAGES.items():
        ctx = browser.new_context(locale="zh-CN")
        page = ctx.new_page()
        watch = Watch(page)
        if who:
            page.goto(base + "/login")
            page.fill("#username", who)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
        for path in paths:
            found = _visit(page, watch, base + path)
            if found:
                problems[f"{who or 'anonymous'} {path}"] = found
        if who == "worker":
            page.goto(base + "/maps/mine")
            page.wait_for_selector("path.gm-scope")  # the map's scripts ran
        ctx.close()
    assert not problems, problems


def test_a_select_still_submits_its_form_without_inline_handlers(server, browser):  # noqa: F811
    page = browser.new_context(locale="zh-CN").new_page()
    watch = Watch(page)
    page.goto(server["base"] + "/maps/area/610202?by=households")
    with page.expect_navigation():
        page.select_option("#gm-by", index=1)
    assert "by=" in page.url and not [e for e in watch.errors if "favicon" not in e]
    page.screenshot(path=str(ARTIFACTS / "csp-area-map.png"))
