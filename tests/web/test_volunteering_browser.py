"""The volunteering walks of issue 10 ("Done when"), in headless Chromium at 390 px against a real
`gridsvc serve` on the demo city: an organisation member claims a demand for three members; a
worker publishes a demand and records hours in the table; a volunteer signs up and later sees
the hours staff recorded, with the star level; a street official edits and accepts an
allocation plan; the workbench counts follow. Every page visited is checked for console errors,
requests leaving 127.0.0.1 and a page wider than the phone. The tests share one server and run
in file order (a later walk sees what an earlier one did). Screenshots: tests/artifacts/walk-*.png."""

from __future__ import annotations

from datetime import timedelta

from gridsvc.domain import clock
from tests.kit.browser import ARTIFACTS, BROWSER, PASSWORD, Watch

pytestmark = BROWSER

PHONE = {"width": 390, "height": 844}


class Walk:
    """One person's phone: log in, visit, and after every page the same three checks."""

    def __init__(self, browser, base: str, who: str):
        self.ctx = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="zh-CN")
        self.page = self.ctx.new_page()
        self.watch = Watch(self.page)
        self.base, self.who, self.shots = base, who, 0
        self.page.goto(base + "/login")
        self.page.fill("#username", who)
        self.page.fill("#password", PASSWORD)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state("networkidle")
        self.check("login")

    def goto(self, path: str, name: str) -> None:
        resp = self.page.goto(self.base + path)
        assert resp is not None and resp.status == 200, (path, resp and resp.status)
        self.page.wait_for_load_state("networkidle")
        self.check(name)

    def submit(self, selector: str, name: str) -> None:
        """Click a submit button and wait for the page the form leads to."""
        with self.page.expect_navigation():
            self.page.click(selector)
        self.page.wait_for_load_state("networkidle")
        self.check(name)

    def check(self, name: str) -> None:
        self.shots += 1
        self.page.screenshot(path=str(ARTIFACTS / f"walk-{self.who}-{self.shots:02d}-{name}.png"), full_page=True)
        errors = [e for e in self.watch.errors if "favicon" not in e]
        assert not errors, (name, errors)
        assert not self.watch.off_host(), (name, self.watch.off_host())
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (name, width)
        self.watch.reset()

    def tiles(self) -> dict[str, int | None]:
        """The workbench's tiles: label -> count (None for a tile without one)."""
        self.goto("/", "workbench")
        return self.page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('a.tile')].map(a => {
            const n = a.querySelector('.n'); const label = a.textContent.replace(n ? n.textContent : '', '').trim();
            return [label, n ? Number(n.textContent) : null]; }))""")

    def text(self) -> str:
        return self.page.inner_text("main")

    def close(self) -> None:
        self.ctx.close()


def _open_demand(walk: Walk, title: str, name: str, *, everywhere: bool = False) -> None:
    walk.goto("/demands?under=" if everywhere else "/demands", "demands")
    assert title in walk.text()
    with walk.page.expect_navigation():
        walk.page.click(f"main a:has-text('{title}')")
    walk.page.wait_for_load_state("networkidle")
    walk.check(name)


def test_org_member_claims_a_demand_for_three_members(server, browser):
    head = Walk(browser, server["base"], "head")  # the community head watches the demands fill
    member = Walk(browser, server["base"], "orgmember")
    try:
        before = head.tiles()["未满员的志愿需求"]
        # "near me" for a member is every service area of the organisation (青年路社区 and 川口社区)
        _open_demand(member, "社区义诊志愿服务", "health-fair")
        assert "还差 3 人" in member.text()  # 5 places, another organisation took 2
        # the member ticks three names of the organisation's checklist: the count is theirs
        boxes = member.page.locator("main input[name=members]")
        assert boxes.count() >= 3
        labels = member.page.locator("main .crew label.check")
        names = [labels.nth(i).inner_text().strip() for i in range(3)]
        assert all(labels.nth(i).bounding_box()["height"] >= 44 for i in range(3))  # touch targets
        for i in range(3):
            boxes.nth(i).check()
        member.submit("main button:has-text('代表组织认领')", "claimed")
        text = member.text()
        assert "本组织已认领 3 个名额" in text and "已满员" in text and "铜川市王益区川口社区爱心服务社" in text
        assert "派出成员:" + "、".join(names) in text, text
        # the community's staff read who is coming
        head.goto(member.page.url.replace(server["base"], ""), "claim-seen-by-staff")
        assert "、".join(names) in head.text()
        assert head.tiles()["未满员的志愿需求"] == before - 1  # the fair is full now
    finally:
        member.close()
        head.close()


def _hours_of(walk: Walk, demand: int, hours: dict[str, str], name: str) -> None:
    walk.goto(f"/demands/{demand}", f"{name}-table")
    for username, h in hours.items():
        walk.page.fill(f"input[name='hours_{username}']", h)
    walk.submit("main button:has-text('保存时长')", name)
    assert "已完成操作" in walk.text(), walk.text()


def test_worker_publishes_a_demand_and_records_hours(server, browser, demo_sqlite_template):
    worker = Walk(browser, server["base"], "worker")
    try:
        before = worker.tiles()["招募中的志愿需求"]
        worker.goto("/demands/new", "new-demand")
        start = clock.china(clock.now()).replace(hour=9, minute=0) + timedelta(days=4)
        worker.page.fill("#title", "楼栋安全隐患排查")
        worker.page.fill("#place", "川口社区第1网格5号楼")
        worker.page.fill("#starts_at", start.strftime("%Y-%m-%dT%H:%M"))
        worker.page.fill("#ends_at", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
        worker.page.fill("#volunteers_needed", "4")
        worker.page.fill("#skills", "电工、消防")
        worker.submit("main button[type=submit]", "published")
        assert "/demands/" in worker.page.url and "楼栋安全隐患排查" in worker.text()
        assert worker.tiles()["招募中的志愿需求"] == before + 1

        # last week's event: the organisation's two members and a volunteer, in one table
        waiting = demo_sqlite_template.loaded["awaiting_hours"]
        _hours_of(worker, waiting, {"v_zhengbo": "3.5", "orgmember": "4"}, "hours")
        assert worker.page.input_value("input[name='hours_v_zhengbo']") == "3.5"
    finally:
        worker.close()


def test_volunteer_signs_up_and_later_sees_the_hours_staff_recorded(server, browser, demo_sqlite_template):
    volunteer = Walk(browser, server["base"], "volunteer")
    try:
        _open_demand(volunteer, "周末楼院环境整治", "cleanup")
        volunteer.submit("main button:has-text('我要报名')", "signed-up")
        assert "您已报名" in volunteer.text()
        volunteer.goto("/me/service", "record-before")
        assert "周末楼院环境整治" in volunteer.text() and "累计服务时长:4.0 小时" in volunteer.text()

        worker = Walk(browser, server["base"], "worker")
        try:
            _hours_of(worker, demo_sqlite_template.loaded["awaiting_hours"], {"volunteer": "4"}, "hours-volunteer")
        finally:
            worker.close()

        volunteer.goto("/me/service", "record-after")
        text = volunteer.text()
        # 4 h at the spring festival and 4 h at last week's event, far from the first star
        assert "累计服务时长:8.0 小时" in text and "0 星" in text and "再服务 92.0 小时可达 1 星" in text, text
        assert "老旧小区楼道清理\t" in text
    finally:
        volunteer.close()


def test_street_official_accepts_an_edited_allocation_plan(server, browser, demo_sqlite_template):
    official = Walk(browser, server["base"], "street")
    try:
        plan = demo_sqlite_template.loaded["allocation_plan"]
        official.goto(f"/allocations/{plan}", "plan")
        # change the first row that has another project to give, to another project
        changed = official.page.evaluate("""() => {
            for (const s of document.querySelectorAll('select[name^=project_]')) {
                const other = [...s.options].find(o => o.value && !o.selected);
                if (other) { s.value = other.value; return s.name; } }
            return null; }""")
        assert changed, "no row of the plan offers another project"
        official.submit("main button[value=edit]", "plan-edited")
        assert "已人工调整" in official.text()
        official.submit("main button[value=accept]", "plan-accepted")
        text = official.text()
        assert "已认领" in text and not official.page.query_selector("select[name^=project_]")
    finally:
        official.close()

