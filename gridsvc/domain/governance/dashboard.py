"""The figures of a governance dashboard (issue 12 item 8): each indicator of an area as a
value against its target, in the words an official reads, with the key of the rows behind it.

The input is one rolled-up area of gridsvc.store.governance.indicators; a figure is met when
the value reaches the target (a share of 100% for coverage, every community for the per-
community targets)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

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
    rule_zh: str  # the target in words: what counts towards the value

    @property
    def met(self) -> bool:
        return self.value >= self.target

    @property
    def share(self) -> float | None:
        return self.value / self.target if self.target else None

    def view(self) -> dict:
        return asdict(self) | {"met": self.met, "share": self.share}


def figures(area: dict, targets: Targets, community_band: tuple[int, int]) -> list[Figure]:
    """The figures of one rolled-up area; `community_band` is the households a community should have."""
    n = area["communities"]
    reports = area["reports"]
    sizing = area["sizing"]
    staff = area["staff"]
    return [
        Figure("reports", "信息报送达标社区", "Communities filing enough reports", n - len(reports["below_target"]), n,
               "个社区", f"全年上报 {targets.report_good_from} 篇以上(良及以上)"),
        Figure("sizing", "规模适当的社区", "Communities of the right size", sizing["ok"], n, "个社区",
               f"户数 {community_band[0]:,}–{community_band[1]:,} 户"),
        Figure("staff", "已配备的网格岗位", "Grid posts filled", staff["required"] - staff["vacant"], staff["required"],
               "个岗位", "网格员、楼栋长、小组长、社区网格长与指导员均到位"),
        Figure("orgs", "社会组织达标社区", "Communities with enough organisations", n - len(area["orgs"]["short"]), n,
               "个社区", f"登记或备案的社区社会组织 {targets.orgs[0]}–{targets.orgs[1]} 个"),
        Figure("training", "学时达标的社区工作人员", "Staff with enough training hours", area["training"]["met"],
               area["training"]["staff"], "人", f"两委成员 {targets.training_hours_committee} 学时、"
               f"其他工作人员 {targets.training_hours_staff} 学时/年"),
        Figure("space", "服务用房达标社区", "Communities with enough service rooms", area["space"]["rooms_met"], n,
               "个社区", f"每百户 {targets.service_m2_per_100_households} m² 以上"),
        Figure("outdoor", "户外活动场地达标社区", "Communities with enough outdoor space", area["space"]["outdoor_met"],
               n, "个社区", f"户外活动场地 {targets.outdoor_m2:,} m² 以上"),
        Figure("consultations", "协商议事达标社区", "Communities concluding enough consultations",
               n - len(area["consultations"]["short"]), n, "个社区",
               f"全年办结协商议事 {targets.consultations[0]}–{targets.consultations[1]} 件"),
    ]
