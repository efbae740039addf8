"""Where an item applies: its areas, their code prefixes, and its search document."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..levels import code_prefix, is_within
from ..search import SearchDoc
from .fields import infer_level
from .item import ServiceItemData


def applies_to(item_areas: Sequence[tuple[str, str]], area_code: str) -> bool:
    """Whether an item set for ``item_areas`` ((code, level) pairs) applies in ``area_code``.

    Empty means everywhere; an item set for a street applies to its communities and grids.
    """
    if not item_areas:
        return True
    return any(is_within(area_code, code, level) for code, level in item_areas)


def area_prefixes(areas: Iterable[str]) -> tuple[str, ...]:
    """The code prefixes of an item's areas, for indexes (empty = everywhere)."""
    return tuple(code_prefix(code, infer_level(code)) for code in areas)


def search_doc(item: ServiceItemData, doc_id: Any) -> SearchDoc:
    """The `search.SearchDoc` of an item."""
    return SearchDoc(id=doc_id, code=item.code, name=item.name, materials=[m.name for m in item.materials],
                     summary=item.summary, keywords=tuple(item.keywords), category=item.category,
                     list=item.list, area_prefixes=area_prefixes(item.areas))
