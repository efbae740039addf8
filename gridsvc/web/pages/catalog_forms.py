"""The item form of the catalog pages, without JavaScript: reading it, its row operations (add,
remove, move a material or a venue: each a submit button that answers with the form again, as
typed), turning it into the item the API takes, and placing the domain's errors next to their
fields (``details["field"]`` such as ``materials[1].copies`` names the row and the input).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from gridsvc.store import areas

from ...domain.catalog import ITEM_AREA_LEVELS
from ...domain.error_codes import ErrorCode
from ...domain.errors import DomainError
from ...domain.scope import Principal
from ...locale import gettext

TEXT_FIELDS = ("code", "name", "category", "list", "summary", "legal_basis", "responsible", "time_limit_days",
               "time_limit_unit", "fee", "contact", "keywords")
ROWS = {"materials": ("name", "copies", "electronic_ok", "note"), "venues": ("kind", "name", "address", "hours", "url")}
MAX_ROWS = 50  # a form, not an import: the API takes up to 200
_OP = re.compile(r"^(add|remove|up|down):(materials|venues)(?::(\d+))?$")


@dataclass
class ItemForm:
    """What the form holds, as typed: text fields, rows, and the chosen areas."""

    values: dict[str, str] = field(default_factory=dict)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {"materials": [], "venues": []})
    areas: list[str] = field(default_factory=list)
    everywhere: bool = False


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value if isinstance(value, str) else ""


def read_item_form(form: FormData, prefix: str = "") -> ItemForm:
    out = ItemForm(values={k: _text(form, prefix + k).strip() for k in TEXT_FIELDS})
    for kind, keys in ROWS.items():
        numbers = sorted({int(m.group(1)) for k in form.keys()
                          if (m := re.fullmatch(re.escape(f"{prefix}{kind}-") + r"(\d+)-\w+", k))})
        for i in numbers[:MAX_ROWS]:
            row: dict[str, Any] = {k: _text(form, f"{prefix}{kind}-{i}-{k}").strip() for k in keys}
            if kind == "materials":
                row["electronic_ok"] = bool(row["electronic_ok"])
            out.rows[kind].append(row)
    out.areas = [a for a in form.getlist(prefix + "areas") if isinstance(a, str) and a]
    out.everywhere = bool(_text(form, prefix + "everywhere"))
    return out


def row_operation(item: ItemForm, op: str) -> bool:
    """Carry out a row operation (``add:materials``, ``remove:venues:2``, ``up:materials:1``);
    False when ``op`` is none (the form is to be saved)."""
    m = _OP.match(op or "")
    if not m:
        return False
    action, kind, index = m.group(1), m.group(2), int(m.group(3) or 0)
    rows = item.rows[kind]
    if action == "add":
        if len(rows) < MAX_ROWS:
            rows.append({"name": "", "copies": "1", "electronic_ok": False, "note": ""} if kind == "materials"
                        else {"kind": "community_window", "name": "", "address": "", "hours": "", "url": ""})
    elif index < len(rows):
        if action == "remove":
            rows.pop(index)
        elif action == "up" and index > 0:
            rows[index - 1], rows[index] = rows[index], rows[index - 1]
        elif action == "down" and index + 1 < len(rows):
            rows[index + 1], rows[index] = rows[index], rows[index + 1]
    return True


def _blank(kind: str, row: Mapping[str, Any]) -> bool:
    if kind == "materials":
        return not row["name"] and not row["note"] and not row["electronic_ok"] and row["copies"] in ("", "1")
    return not any(row[k] for k in ("name", "address", "hours", "url"))


def drop_blank_rows(item: ItemForm) -> None:
    """Rows left empty (an added row not filled in) are not the officer's content."""
    for kind in ROWS:
        item.rows[kind] = [r for r in item.rows[kind] if not _blank(kind, r)]


def item_data(item: ItemForm, *, fixed: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The item as the API takes it; ``fixed`` overrides fields the form does not offer."""
    data: dict[str, Any] = {k: v for k, v in item.values.items() if k != "time_limit_days"}
    data["time_limit_days"] = item.values.get("time_limit_days") or None
    if not data.get("code"):
        data.pop("code", None)
    data["materials"] = [{**r, "copies": r["copies"] or "1"} for r in item.rows["materials"]]
    data["venues"] = [dict(r) for r in item.rows["venues"]]
    data["areas"] = [] if item.everywhere else list(dict.fromkeys(item.areas))
    return {**data, **(fixed or {})}


def item_form_of(view: Mapping[str, Any]) -> ItemForm:
    """The form filled with a version's content (``version_view``)."""
    values = {k: "" if view.get(k) is None else str(view.get(k)) for k in TEXT_FIELDS}
    values["keywords"] = "、".join(view.get("keywords") or [])
    values["fee"] = str(view.get("fee_text") or view.get("fee") or "")
    rows = {"materials": [{"name": m.get("name", ""), "copies": str(m.get("copies", 1)),
                           "electronic_ok": bool(m.get("electronic_ok")), "note": m.get("note", "")}
                          for m in view.get("materials") or []],
            "venues": [{k: v.get(k, "") for k in ROWS["venues"]} for v in view.get("venues") or []]}
    return ItemForm(values=values, rows=rows, areas=list(view.get("areas") or []), everywhere=not view.get("areas"))


def slot_of(name: str) -> str:
    """Where a field's error shows: its row (``materials[1]``) or its input (``areas`` for
    ``areas[0]``, ``funding`` for ``funding.amount``)."""
    m = re.match(r"^(materials|venues)\[(\d+)\]", name)
    if m:
        return f"{m.group(1)}[{m.group(2)}]"
    return re.split(r"[\[.]", name, maxsplit=1)[0]


def errors_by_slot(error: DomainError, *, prefix: str = "") -> dict[str, list[str]]:
    """The error's problems by the slot they show in (``""``: above the form). An item's check
    lists every field's problem in ``details["errors"]``; other errors name one field or none."""
    details = error.details if isinstance(error.details, dict) else {}
    problems = details.get("errors") or [{"field": details.get("field") or "", "message": error.message}]
    out: dict[str, list[str]] = {}
    for p in problems:
        name = p.get("field") or ""
        if isinstance(name, list):  # some checks name several fields; the first is where to look
            name = name[0] if name else ""
        slot = f"{prefix}{slot_of(str(name))}" if name else ""
        out.setdefault(slot, []).append(str(p.get("message") or error.message))
    return out


async def problems_of(error: DomainError, *, prefix: str = "") -> dict[str, list[str]]:
    """`errors_by_slot`, with a refusal for an area beyond the person's scope said by the area's
    name next to the areas (the scope check's own message carries the code)."""
    details = error.details if isinstance(error.details, dict) else {}
    area = details.get("area")
    if error.code is ErrorCode.FORBIDDEN and isinstance(area, str) and area not in ("", "-"):
        name = (await areas.area_names([area])).get(area, area)
        return {f"{prefix}areas": [gettext("“%(name)s”不在您的辖区内") % {"name": name}]}
    return errors_by_slot(error, prefix=prefix)


async def area_choices(p: Principal, chosen: list[str]) -> list[dict[str, Any]]:
    """The areas an item or an application may be set for, in code order and indented by depth:
    the person's own areas and the districts, streets and communities below them (every area
    down to communities for someone without areas), and the ones already chosen."""
    roots = [code for code, level in p.areas if level in ITEM_AREA_LEVELS]
    tops = [a for a in await areas.areas_by_code(roots)] if roots else await areas.top_areas()
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    depth = {"city": 0, "district": 1, "street": 2, "community": 3}
    for top in tops:
        rows = [{"code": top.code, "name": top.name, "level": top.level}]
        rows += await areas.areas_below(top, fields=("code", "name", "level"), levels=("district", "street",
                                                                                        "community"))
        base = depth.get(top.level, 0)
        for r in rows:
            if r["code"] not in seen:
                seen.add(r["code"])
                out.append({**r, "depth": depth.get(r["level"], 0) - base})
    others = [c for c in chosen if c not in seen]
    if others:
        names = await areas.area_names(others)
        out += [{"code": c, "name": names.get(c, c), "level": "", "depth": 0} for c in others]
    return out
