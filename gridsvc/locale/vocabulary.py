"""The domain's own words (statuses, levels, roles, categories) as messages of the catalog.

They are defined once, in Chinese, by the domain's tables; pages show them through `_()` on the
looked-up word (`{{ _(w.status_zh) }}`), which Babel's extractors cannot see. This extractor,
named in babel.cfg, yields every word of those tables so `make messages` puts them in the
catalog and the catalog test finds a missing translation."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from typing import Any

# (module, name): a dict of words, or of objects with a `.zh` attribute or several
# `.catalog_words` (a notification's title and body).
TABLES = [
    ("gridsvc.domain.levels", "LEVEL_NAMES_ZH"),
    ("gridsvc.domain.levels", "STREET_KIND_NAMES_ZH"),
    ("gridsvc.domain.levels", "COMMUNITY_KIND_NAMES_ZH"),
    ("gridsvc.domain.levels", "GROUP_NAMES_ZH"),
    ("gridsvc.domain.roles", "ROLE_NAMES_ZH"),
    ("gridsvc.domain.levels", "GROUP_LEADER_NAMES_ZH"),  # the group-leader post of a roster by place
    ("gridsvc.domain.wishes", "WISH_CATEGORIES"),
    ("gridsvc.domain.wishes.categories", "_BENEFICIARY_ZH"),
    ("gridsvc.domain.wishes.lifecycle", "_STATUS_ZH"),
    ("gridsvc.domain.wishes", "TRANSITIONS"),
    ("gridsvc.domain.admission", "ADMISSION_STATE_NAMES_ZH"),
    ("gridsvc.domain.admission", "APPROVER_NAMES_ZH"),
    ("gridsvc.domain.catalog", "CATEGORY_BY_ID"),
    ("gridsvc.domain.catalog", "LIST_BY_ID"),
    ("gridsvc.domain.catalog", "VENUE_KINDS"),
    ("gridsvc.domain.catalog", "STATUS_NAMES_ZH"),
    ("gridsvc.domain.catalog", "TIME_LIMIT_UNITS"),
    ("gridsvc.domain.admission", "DEPARTMENT_LEVELS"),
    ("gridsvc.domain.notices", "KINDS_ZH"),
    ("gridsvc.domain.notices", "NOTICES"),
    ("gridsvc.domain.orgs", "ORG_KINDS"),
    ("gridsvc.domain.orgs", "ORG_STATUSES"),
    ("gridsvc.domain.orgs", "ORG_TYPES"),
    ("gridsvc.domain.volunteers", "DEMAND_STATUSES"),
    ("gridsvc.domain.matching.allocation", "PLAN_STATUS_NAMES_ZH"),
]


def words() -> list[str]:
    found: list[str] = []
    for module, name in TABLES:
        table: Any = getattr(import_module(module), name)
        for value in table.values():
            many = getattr(value, "catalog_words", None)
            for word in many if many is not None else [value if isinstance(value, str) else getattr(value, "zh", None)]:
                if isinstance(word, str) and word not in found:
                    found.append(word)
    return found


def extract(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """A Babel extraction method (babel.cfg names it for this file)."""
    for word in words():
        yield 1, None, word, ["domain vocabulary"]
