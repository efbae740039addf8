"""An official's registry page at 390 px and at desktop width, in Chinese and in English (issue 10
item 4): the export buttons download a workbook, a bad sheet shows its rows in a table that fits
the phone, and nothing is wider than the screen. Screenshots: tests/artifacts/registry-*.png."""

from __future__ import annotations

import io

from openpyxl import Workbook

from gridsvc.domain.org_sheet import HEADERS
from tests.kit.browser import ARTIFACTS, BROWSER, PASSWORD, Watch

pytestmark = BROWSER

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def _bad_sheet(path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(list(HEADERS))
    ws.append(["邻里调解会", "", "", "吵架类", "备案", "610202004002", "", "", ""])
    ws.append(["远方社", "", "", "文体活动类", "备案", "不存在的社区", "", "", "nobody"])
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())


def test_official_exports_and_imports_the_registry(server, browser, tmp_path):
    bad = tmp_path / "名录.xlsx"
    _bad_sheet(bad)
    for size, viewport in SIZES.items():
        for lang in ("zh-CN", "en"):
            ctx = browser.new_context(viewport=viewport, device_scale_factor=1, locale=lang, accept_downloads=True)
            page = ctx.new_page()
            watch = Watch(page)
            try:
                page.goto(server["base"] + "/login")
                page.fill("#username", "official")
                page.fill("#password", PASSWORD)
                page.click("main button[type=submit]")
                page.wait_for_load_state("networkidle")
                page.goto(server["base"] + f"/orgs?lang={lang}")
                with page.expect_download() as dl:
                    page.click("a[href^='/api/v1/orgs/export.xlsx']")
                assert dl.value.suggested_filename.endswith(".xlsx")
                page.set_input_files("#sheet-file", str(bad))
                with page.expect_navigation():
                    page.click("form[action='/orgs/import'] button[type=submit]")
                rows = page.locator("table.problems tbody tr")
                assert rows.count() >= 3, page.inner_text("main")
                assert ("导入被拒绝" if lang == "zh-CN" else "nothing was stored") in page.inner_text("main")
                page.locator("#sheet").scroll_into_view_if_needed()
                page.screenshot(path=str(ARTIFACTS / f"registry-{size}-{lang}.png"), full_page=True)
                assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
                for button in page.locator("#sheet ~ p.actions a, form[action='/orgs/import'] button").all():
                    assert button.bounding_box()["height"] >= 44
                # the rejected sheet answers 422, which the console reports; nothing else may
                assert not [e for e in watch.errors if "favicon" not in e and "status of 422" not in e]
                assert not watch.off_host()
            finally:
                ctx.close()
