"""Staff coverage (五级网格组织体系, 002): every grid has a grid worker, every resident group a
leader, every building a head, every community a grid head and an instructor. A vacancy names
whom to ask: the tier above, who fills it (the community records group leaders and building
heads; the street appoints a community's head and instructor)."""

from __future__ import annotations

# level -> the roles an area of that level must have
REQUIRED: dict[str, tuple[str, ...]] = {
    "community": ("head", "instructor"),
    "grid": ("worker",),
    "group": ("group_leader",),
    "building": ("building_head",),
}
# the role to ask about a vacancy, found on the parent area (None: on the area's street, an official)
ASK: dict[str, str] = {"worker": "head", "group_leader": "worker", "building_head": "group_leader",
                       "head": "official", "instructor": "official"}


def vacancies(level: str, staffed_roles: set[str]) -> list[str]:
    """The required roles an area of `level` lacks."""
    return [r for r in REQUIRED.get(level, ()) if r not in staffed_roles]


def share(filled: int, total: int) -> float | None:
    return filled / total if total else None
