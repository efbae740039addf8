"""Governance indicators (issue 12 item 8) registered with the choropleth machinery, so the area
maps colour districts, streets and communities by them; officials only, like the dashboard. The
targets are the settings of the app drawing the map (GRIDSVC_GOV_*), read at each drawing."""

from __future__ import annotations

from ..config import Settings
from ..domain import clock
from ..store.governance import figures
from .choropleth import Rows, register_indicator


async def _reports(rows: Rows) -> dict[str, float | None]:
    return await figures.reports_by_area(rows, clock.today().year)


async def _posts_filled(rows: Rows) -> dict[str, float | None]:
    return await figures.posts_filled_by_area(rows)


async def _training(rows: Rows, settings: Settings) -> dict[str, float | None]:
    return await figures.training_met_by_area(rows, clock.today().year, settings.governance)


async def _rooms(rows: Rows) -> dict[str, float | None]:
    return await figures.room_m2_per_100_by_area(rows)


async def _consultations(rows: Rows) -> dict[str, float | None]:
    return await figures.consultations_by_area(rows, clock.today().year)


LEVELS = ("district", "street", "community")
register_indicator("gov_reports", "本年信息报送", "Information reports this year", _reports, unit_zh="篇",
                   unit_en="reports", palette="Blues", levels=LEVELS, action="indicator.read")
register_indicator("gov_posts", "网格岗位配备率", "Grid posts filled", _posts_filled, kind="share", palette="Greens",
                   levels=LEVELS, action="indicator.read", unit_en="of required posts filled")
register_indicator("gov_training", "培训学时达标率", "Staff with their training hours", _training, kind="share",
                   palette="Purples", levels=LEVELS, action="indicator.read", unit_en="of staff", uses_settings=True)
register_indicator("gov_rooms", "每百户服务用房", "Service rooms per 100 households", _rooms, kind="rate",
                   unit_zh="m²/百户", unit_en="m² per 100 households", palette="Greens", levels=LEVELS,
                   action="indicator.read", decimals=1)
register_indicator("gov_consultations", "本年办结协商议事", "Consultations concluded this year", _consultations,
                   unit_zh="件", unit_en="concluded", palette="Blues", levels=LEVELS, action="indicator.read")
