"""Governance indicators (issue 12 item 8) registered with the choropleth machinery, so the area
maps colour districts, streets and communities by them; officials only, like the dashboard."""

from __future__ import annotations

from ..domain import clock
from ..store.governance import figures
from .choropleth import Rows, register_indicator


async def _reports(rows: Rows) -> dict[str, float | None]:
    return await figures.reports_by_area(rows, clock.today().year)


async def _posts_filled(rows: Rows) -> dict[str, float | None]:
    return await figures.posts_filled_by_area(rows)


LEVELS = ("district", "street", "community")
register_indicator("gov_reports", "本年信息报送", "Information reports this year", _reports, unit_zh="篇",
                   unit_en="reports", palette="Blues", levels=LEVELS, action="indicator.read")
register_indicator("gov_posts", "网格岗位配备率", "Grid posts filled", _posts_filled, kind="share", palette="Greens",
                   levels=LEVELS, action="indicator.read", unit_en="of required posts filled")
