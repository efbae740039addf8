"""Driving headless Chromium (Debian's package) with Playwright against a real `gridsvc serve`:
the server and browser fixtures, a watch on console errors and requests, and a poll that the
site's Content-Security-Policy does not forbid. Test modules import the fixtures they use."""

from __future__ import annotations

import os
import shutil
import time
from urllib.parse import urlsplit

import pytest

from tests.kit import REPO
from tests.servers import serve

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "tests" / "artifacts"
PASSWORD = "gridsvc-demo"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the test extra is not installed
    sync_playwright = None

# what a browser test module sets as its `pytestmark`
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason=f"Chromium is not installed at {CHROMIUM} (`make chromium` installs Debian's package)"),
    pytest.mark.skipif(sync_playwright is None, reason="playwright is not installed (pip install -e '.[test]')"),
]


def wait_until(page, expression: str, timeout: float = 30.0) -> None:
    """Poll a condition from the test. Playwright's wait_for_function builds its predicate with
    eval inside the page, which the site's Content-Security-Policy rightly forbids; an evaluate
    from the driver is not the page's own script and is not subject to it."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(50)


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDSVC_")}
    env.update({"GRIDSVC_SECRET_KEY": "browser-test", "GRIDSVC_BASEMAP": "none"})
    return env


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_sqlite_template):
    """`gridsvc serve` on a free port with the demo city in a SQLite file of its own (a copy of
    the session's demo database), shared by the module's tests."""
    tmp = tmp_path_factory.mktemp("browser")
    shutil.copy(demo_sqlite_template.location, tmp / "demo.sqlite3")
    db_url = f"sqlite://{tmp / 'demo.sqlite3'}"
    with serve(db_url, tmp, environ=_env()) as base:
        yield {"base": base, "db": db_url, "tmp": tmp}


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                                               "--disable-component-update"])
        try:
            yield b
        finally:
            b.close()


class Watch:
    """Console errors, page errors, dialogs and every request of a page."""

    def __init__(self, page):
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def reset(self) -> None:
        self.errors.clear()
        self.requests.clear()

    def off_host(self) -> list[str]:
        return [u for u in self.requests if not u.startswith("data:") and urlsplit(u).hostname != "127.0.0.1"]
