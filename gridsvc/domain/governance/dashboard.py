"""The figures of a governance dashboard (issue 12 item 8): each indicator of an area as a
value against its target, in the words an official reads, with the key of the rows behind it.

The input is one rolled-up area of gridsvc.store.governance.indicators; a figure is met when
the value reaches the target (a share of 100% for coverage, every community for the per-
community targets). The words of a figure (name, unit, the rule behind the target) are given
here in both languages, the one source of the dashboard page and the API alike."""

from __future__ import annotations

from dataclasses import dataclass

from .targets import Targets

# the keys of the figures, in the order of the page; each is also the `figure=` of the rows page
FIGURES = ("reports", "sizing", "staff", "orgs", "training", "space", "outdoor", "consultations")


@dataclass(frozen=True)
class Figure:
    key: str
    name_zh: str
    name_en: str
    value: int
    target: int
    unit_zh: str
    unit_en: str
    rule_zh: str  # the target in words: what counts towards the value
    rule_en: str

    @property
    def met(self) -> bool:
        return self.value >= self.target

    @property
    def share(self) -> float | None:
        return self.value / self.target if self.target else None

    def view(self) -> dict:
        # by hand: dataclasses.asdict deep-copies each field, 600 figures on a district's page
        return {"key": self.key, "name_zh": self.name_zh, "name_en": self.name_en, "value": self.value,
                "target": self.target, "unit_zh": self.unit_zh, "unit_en": self.unit_en, "rule_zh": self.rule_zh,
                "rule_en": self.rule_en, "met": self.met, "share": self.share}


COMMUNITIES = ("个社区", "communities")


def figures(area: dict, targets: Targets, community_band: tuple[int, int]) -> list[Figure]:
    """The figures of one rolled-up area; `community_band` is the households a community should have."""
    n = area["communities"]
    reports = area["reports"]
    sizing = area["sizing"]
    staff = area["staff"]
    t = targets
    low, high = f"{community_band[0]:,}", f"{community_band[1]:,}"
    return [
        Figure("reports", "信息报送达标社区", "Communities filing enough reports", n - len(reports["below_target"]), n,
               *COMMUNITIES, f"全年上报 {t.report_good_from} 篇以上(良及以上)",
               f"{t.report_good_from} or more reports in the year (good or better)"),
        Figure("sizing", "规模适当的社区", "Communities of the right size", sizing["ok"], n, *COMMUNITIES,
               f"户数 {low}–{high} 户", f"{low}–{high} households"),
        Figure("staff", "已配备的网格岗位", "Grid posts filled", staff["required"] - staff["vacant"], staff["required"],
               "个岗位", "posts", "网格员、楼栋长、小组长、社区网格长与指导员均到位",
               "Grid workers, building heads, group leaders, community grid heads and instructors all in post"),
        Figure("orgs", "社会组织达标社区", "Communities with enough organisations", n - len(area["orgs"]["short"]), n,
               *COMMUNITIES, f"登记或备案的社区社会组织 {t.orgs[0]}–{t.orgs[1]} 个",
               f"{t.orgs[0]}–{t.orgs[1]} registered or filed community organisations"),
        Figure("training", "学时达标的社区工作人员", "Staff with enough training hours", area["training"]["met"],
               area["training"]["staff"], "人", "people",
               f"两委成员 {t.training_hours_committee} 学时、其他工作人员 {t.training_hours_staff} 学时/年",
               f"Committee members {t.training_hours_committee}, other staff {t.training_hours_staff} "
               "class hours a year"),
        Figure("space", "服务用房达标社区", "Communities with enough service rooms", area["space"]["rooms_met"], n,
               *COMMUNITIES, f"服务用房每百户 {t.service_m2_per_100_households} m² 以上",
               f"Service rooms of {t.service_m2_per_100_households} m² or more per 100 households"),
        Figure("outdoor", "户外活动场地达标社区", "Communities with enough outdoor space", area["space"]["outdoor_met"],
               n, *COMMUNITIES, f"户外活动场地 {t.outdoor_m2:,} m² 以上",
               f"Outdoor activity space of {t.outdoor_m2:,} m² or more"),
        Figure("consultations", "协商议事达标社区", "Communities concluding enough consultations",
               n - len(area["consultations"]["short"]), n, *COMMUNITIES,
               f"全年办结协商议事 {t.consultations[0]}–{t.consultations[1]} 件",
               f"{t.consultations[0]}–{t.consultations[1]} consultations concluded a year"),
    ]
