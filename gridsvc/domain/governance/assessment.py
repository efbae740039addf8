"""The yearly assessment sheet of one community (issue 12 item 8): every indicator of the
dashboard for the year as rows an official files (指标, 本年数值, 目标, 结论, 说明), then the
staff behind the training figure. Plain cell values; the store writes the .xlsx (openpyxl).
The sheet is in Chinese, the language of the bureau's own forms."""

from __future__ import annotations

from typing import Any

from ..roles import ROLE_NAMES_ZH
from .reports import rule_text
from .targets import Targets

HEADERS = ("指标", "本年数值", "目标", "结论", "说明")
SIZE_WORDS = {"ok": "适当", "merge": "过小,宜与相邻社区合并", "large": "偏大,接近拆分", "split": "过大,宜拆分",
              "unknown": "无户数"}
ORG_WORDS = {"short": "不足", "ok": "达标", "above": "超出"}


def _yes(ok: bool | None) -> str:
    return "—" if ok is None else ("达标" if ok else "未达标")


def sheet_rows(c: dict, area: dict, targets: Targets, band: tuple[int, int]) -> list[list[Any]]:
    """The indicator rows of community `c` (a row of the dashboard's `communities`) and its
    rolled-up `area` (posts and vacancies), for the year of the dashboard."""
    staff = area["staff"]
    space = c["space"]
    training = c["training"]
    grids = c["grid_sizes"]
    t = targets
    neighbours = "、".join(n["name"] for n in c["neighbours"])
    rows: list[list[Any]] = [
        ["信息报送(篇)", c["reports"], f"{t.report_good_from} 篇以上为良", c["rating"],
         f"其中推送到微信平台 {c['pushed']} 篇;{rule_text(t)}"],
        ["社区户数(户)", c["households"], f"{band[0]:,}–{band[1]:,} 户", SIZE_WORDS.get(c["size"], c["size"]),
         f"可合并的相邻社区:{neighbours}" if neighbours else ""],
        ["网格数(个)", grids["grids"], "", "",
         f"每格 {grids['min']}–{grids['max']} 户" if grids["grids"] else ""],
        ["网格岗位已配备(个)", staff["required"] - staff["vacant"], staff["required"],
         _yes(staff["vacant"] == 0), f"空缺 {staff['vacant']} 个"],
        ["社区社会组织(个)", c["orgs"]["count"], f"{t.orgs[0]}–{t.orgs[1]} 个", ORG_WORDS[c["orgs"]["verdict"]],
         f"登记 {c['orgs']['registered']} 个,备案 {c['orgs']['filed']} 个"],
        ["学时达标的工作人员(人)", training["staff"] - training["short"], training["staff"],
         _yes(training["short"] == 0) if training["staff"] else "—",
         f"两委成员 {t.training_hours_committee} 学时、其他工作人员 {t.training_hours_staff} 学时/年"],
        ["服务用房(m²/百户)", space["room_m2_per_100"], f"{t.service_m2_per_100_households} m²/百户",
         _yes(space["rooms_met"]), f"服务用房共 {space['room_m2']:,} m²"],
        ["户外活动场地(m²)", space["outdoor_m2"], f"{t.outdoor_m2:,} m²", _yes(space["outdoor_met"]), ""],
        ["办结协商议事(件)", c["consultations"]["concluded"], f"{t.consultations[0]}–{t.consultations[1]} 件",
         _yes(c["consultations"]["met"]), "民事民提、民议、民决、民办、民评,以民评办结计"],
    ]
    return rows


def training_rows(c: dict) -> list[list[Any]]:
    """The staff held to training hours, short ones first."""
    return [[p["name"], ROLE_NAMES_ZH.get(p["role"], p["role"]), p["hours"], p["required"],
             "未达标" if p["short"] else "达标"] for p in c["training"]["people"]]
