"""The figures officials are measured against, each a setting (GRIDSVC_GOV_*).

Defaults are the seeds' figures: information reports rated 0-9 差, 10-19 良, 20 or more 优
(000); 10-15 community organisations (002 §11); 40 class hours of training a year for committee
members and 20 for other staff (002 §19); 30 m² of service rooms per 100 households and
1,000 m² outdoors (002, 003); 2-3 concluded consultations a year (002 §4-5).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Targets:
    report_good_from: int = 10  # 良 from this many reports a year
    report_excellent_from: int = 20  # 优 from this many
    reports_per_month: int = 1  # each community files at least one a month (001)
    orgs: tuple[int, int] = (10, 15)
    training_hours_committee: int = 40
    training_hours_staff: int = 20
    service_m2_per_100_households: int = 30
    outdoor_m2: int = 1000
    consultations: tuple[int, int] = (2, 3)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Targets:
        """Targets from GRIDSVC_GOV_* variables (a mapping given by the caller); a bad value
        raises ValueError naming the variable, at start-up rather than in a page."""
        def ints(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
            raw = env.get(name)
            if raw is None or not raw.strip():
                return default
            try:
                values = tuple(int(x) for x in raw.replace(" ", "").split(",") if x)
            except ValueError:
                raise ValueError(f"{name}: {raw!r} is not a comma-separated list of integers") from None
            if len(values) != len(default) or any(v < 0 for v in values) or list(values) != sorted(values):
                raise ValueError(f"{name}: expected {len(default)} non-negative increasing integers, got {raw!r}")
            return values

        good, excellent = ints("GRIDSVC_GOV_REPORT_RATING", (cls.report_good_from, cls.report_excellent_from))
        # "staff,committee": other staff first, so the pair increases like the other bands
        staff, committee = ints("GRIDSVC_GOV_TRAINING_HOURS", (cls.training_hours_staff, cls.training_hours_committee))
        orgs = ints("GRIDSVC_GOV_ORGS", cls.orgs)
        consultations = ints("GRIDSVC_GOV_CONSULTATIONS", cls.consultations)
        (service,) = ints("GRIDSVC_GOV_SERVICE_M2", (cls.service_m2_per_100_households,))
        (outdoor,) = ints("GRIDSVC_GOV_OUTDOOR_M2", (cls.outdoor_m2,))
        return cls(report_good_from=good, report_excellent_from=excellent, orgs=(orgs[0], orgs[1]),
                   training_hours_committee=committee, training_hours_staff=staff,
                   service_m2_per_100_households=service, outdoor_m2=outdoor,
                   consultations=(consultations[0], consultations[1]))


DEFAULT_TARGETS = Targets()
