"""Where a publisher may put a demand, by name (/demands/new).

The choice is made in two steps so that a large scope stays light: first a street or community
(for a district official about thirty names, not the district's thousands of buildings), then,
optionally, a grid, resident group or building inside it. A publisher whose areas all lie below
the community level (a grid worker) chooses first among their own areas.
"""

from __future__ import annotations

from gridsvc.domain.levels import CODE_DIGITS, LEVELS
from gridsvc.store import subtree
from gridsvc.store.areas.models import Area
from gridsvc.store.areas.reading import subtree_filter

FIRST_LEVELS = ("street", "community")
INSIDE_LEVELS = ("grid", "group", "building")
# a community holds a few hundred areas; a cap keeps a malformed tree from making a huge page
INSIDE_LIMIT = 3000


async def first_choices(scope: list[str] | None, own: list[str]) -> list[dict]:
    """The streets and communities in `scope` (code prefixes; None: everywhere), in code order,
    each as code, name, level and its street (`group`, `group_name`); when none lies in scope, the
    publisher's `own` areas (codes of demand levels) grouped by their parent."""
    qs = Area.filter(level__in=list(FIRST_LEVELS))
    if scope is not None:
        if not scope:
            return []
        qs = qs.filter(subtree.under_any("code", scope))
    rows = await qs.order_by("code").values("code", "name", "level", "parent__code", "parent__name")
    if not rows and own:
        rows = await Area.filter(code__in=own).order_by("code").values(
            "code", "name", "level", "parent__code", "parent__name")
    out = []
    for r in rows:
        street = r["level"] == "street"
        out.append({"code": r["code"], "name": r["name"], "level": r["level"],
                    "group": r["code"] if street else r["parent__code"] or "",
                    "group_name": r["name"] if street else r["parent__name"] or ""})
    return out


async def inside(code: str) -> list[dict]:
    """The grids, groups and buildings below the area at `code`, in code order (a parent before
    its children), as code, name, level and depth below the area (1: its children); empty for a
    street (its communities are first choices) or an unknown code."""
    area = await Area.filter(code=code).only("id", "code", "level").first()
    if area is None or area.level not in (*INSIDE_LEVELS, "community"):
        return []
    rows = await Area.filter(subtree_filter(area.code, area.level), level__in=list(INSIDE_LEVELS)).exclude(
        id=area.id).order_by("code").limit(INSIDE_LIMIT).values("code", "name", "level")
    top = LEVELS.index(area.level)
    return [{**r, "depth": LEVELS.index(r["level"]) - top} for r in rows]


async def chain_names(code: str) -> list[dict]:
    """The area at `code` and its ancestors from the community down, top first, as code, name
    and level (what the form shows under the choice: 川口社区 › 第1网格 › 1号楼). One query: below
    a community every code extends its parent's (domain.levels.check_code)."""
    codes = [code[:n] for n in (CODE_DIGITS["community"], CODE_DIGITS["grid"], CODE_DIGITS["group"])
             if n < len(code)] + [code]
    rows = await Area.filter(code__in=codes).order_by("code").values("code", "name", "level")
    return [r for r in rows if r["level"] in (*FIRST_LEVELS, *INSIDE_LEVELS)]
