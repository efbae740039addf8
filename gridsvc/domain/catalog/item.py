"""What one version of a service item holds: its materials, venues and content."""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from decimal import Decimal

from .lists import CATEGORY_BY_ID, LIST_BY_ID


@dataclass(frozen=True)
class Material:
    """A material to bring (所需材料). ``electronic_ok``: an electronic licence counts as the original."""

    name: str
    copies: int = 1
    electronic_ok: bool = False
    note: str = ""


@dataclass(frozen=True)
class Venue:
    """Where an item is done: a window, a centre, a registry, a school, an office, or online."""

    kind: str  # one of VENUE_KINDS
    name: str = ""
    address: str = ""
    hours: str = ""
    url: str = ""


@dataclass
class ServiceItemData:
    """One version's content of a service item. Build it through `check_item`.

    ``time_limit_days``: in ``time_limit_unit`` (working or calendar days), 0 = done on the spot
    (即办), None = no limit stated.
    ``fee``: a `Decimal` amount in yuan, or a text such as "不收费".
    ``areas``: codes of the districts/streets/communities it applies to; empty = everywhere.
    """

    code: str
    name: str
    category: str
    list: str  # noqa: A003 - the domain word; the fields below name builtins.list so no checker confuses the two
    summary: str = ""
    legal_basis: str = ""
    materials: builtins.list[Material] = field(default_factory=builtins.list)
    time_limit_days: int | None = None
    fee: Decimal | str = "不收费"
    venues: builtins.list[Venue] = field(default_factory=builtins.list)
    contact: str = ""
    areas: builtins.list[str] = field(default_factory=builtins.list)
    keywords: builtins.list[str] = field(default_factory=builtins.list)
    time_limit_unit: str = "working_days"  # or "days" (calendar days), as the legal basis counts
    responsible: str = ""  # 责任主体: the department whose work it is (assist and negative lists)

    @property
    def category_zh(self) -> str:
        return CATEGORY_BY_ID[self.category].zh

    @property
    def list_zh(self) -> str:
        return LIST_BY_ID[self.list].zh

    @property
    def fee_text(self) -> str:
        return format_fee(self.fee)


FREE = "不收费"
def format_fee(fee: Decimal | str) -> str:
    if isinstance(fee, Decimal):
        return f"{fee:.0f}元" if fee == fee.to_integral_value() else f"{fee:.2f}元"
    return fee
