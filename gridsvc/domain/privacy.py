"""Residents' personal data (name, phone, address): who sees it in full, and how it is masked.

DESIGN.md ("People, roles, scope"): a resident's name, phone and address are shown in full only
to the staff of that grid and to the organisation (or volunteer) whose claim was accepted, and
to the resident themself; everyone else sees them masked, and every full view is audited. This
module holds the masking rule and the decision; the store writes the audit entry.

    name     张三 -> 张*, 欧阳娜娜 -> 欧***, Alice -> A****     (the first character stays)
    phone    13812341234 -> 138****1234 (11 digits or more: first 3 and last 4 stay);
             shorter numbers keep their first 2 and last 2
    address  川口社区1号楼3单元502 -> 川口社区****              (the text before the first digit,
             at most 12 characters; door and room numbers never show)
    position rounded to 3 decimals (about 100 m) on public cards and maps; a map's box
             selects by the rounded position too (masked_window), so shrinking the box
             around a wish finds no more than the rounded point
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

MASK = "*"
ADDRESS_KEEP_MAX = 12
POSITION_DECIMALS = 3


def mask_name(name: str | None) -> str:
    """The first character, then one star per remaining character (at least one)."""
    norm = " ".join((name or "").split())
    if not norm:
        return ""
    if len(norm) == 1:
        return MASK
    return norm[0] + MASK * (len(norm) - 1)


def mask_phone(phone: str | None) -> str:
    """138****1234: the first 3 and last 4 digits of numbers of 11 digits or more, the first 2
    and last 2 of shorter ones; separators are dropped first. Very short numbers are all stars."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "+")
    if not digits:
        return ""
    if len(digits) >= 11:
        head, tail = 3, 4
    elif len(digits) >= 6:
        head, tail = 2, 2
    else:
        return MASK * len(digits)
    return digits[:head] + MASK * 4 + digits[-tail:]


def mask_address(address: str | None) -> str:
    """The part before the first digit (community, road, estate), at most 12 characters, then
    ****; an address starting with a number shows only ****."""
    norm = " ".join((address or "").split())
    if not norm:
        return ""
    keep = ""
    for ch in norm:
        if ch.isdigit():
            break
        keep += ch
    keep = keep.strip()[:ADDRESS_KEEP_MAX]
    return keep + MASK * 4


def mask_position(lon: float | None, lat: float | None) -> tuple[float | None, float | None]:
    """Coordinates rounded to about 100 m, enough to find the estate, not the door."""
    if lon is None or lat is None:
        return None, None
    return round(float(lon), POSITION_DECIMALS), round(float(lat), POSITION_DECIMALS)


def masked_window(minx: float, miny: float, maxx: float, maxy: float) -> tuple[float, float, float, float]:
    """The window of exact positions whose masked (rounded) position lies in the box: a filter
    on it answers the same for every box holding the same points of the ~100 m grid, so nobody
    can narrow a box around a wish to find the door that `mask_position` hides. Half-open: a
    position is in it when ``lo <= x < hi``."""
    step = 10.0 ** -POSITION_DECIMALS
    half = step / 2

    def inward(lo: float, hi: float) -> tuple[float, float]:
        first = math.ceil(round(lo / step, 6)) * step  # the grid points inside [lo, hi]
        last = math.floor(round(hi / step, 6)) * step
        return first - half, last + half

    (x0, x1), (y0, y1) = inward(minx, maxx), inward(miny, maxy)
    return x0, y0, x1, y1


@dataclass(frozen=True)
class Contact:
    """A resident's contact data as snapshotted on a wish."""

    name: str = ""
    phone: str = ""
    address: str = ""

    def masked(self) -> dict:
        return {"name": mask_name(self.name), "phone": mask_phone(self.phone),
                "address": mask_address(self.address), "masked": True, "reason": None}

    def full(self, reason: "FullViewReason") -> dict:
        return {"name": self.name, "phone": self.phone, "address": self.address, "masked": False,
                "reason": reason.value}


class FullViewReason(StrEnum):
    """Why someone may see a resident's contact data in full (recorded in the audit log)."""

    OWNER = "owner"  # the resident themself
    GRID_STAFF = "grid_staff"  # staff whose scope holds the grid (scope action resident.pii)
    CLAIMER = "claimer"  # the organisation or volunteer holding the accepted claim

    @property
    def zh(self) -> str:
        return {"owner": "本人", "grid_staff": "本网格工作人员", "claimer": "认领方"}[self.value]


def full_view_reason(*, is_owner: bool, is_grid_staff: bool, is_claimer: bool) -> FullViewReason | None:
    """The reason a viewer may see the contact in full, or None (they see it masked).

    ``is_grid_staff`` is the scope decision ``resident.pii`` on the wish's grid; ``is_claimer``
    means the viewer holds the wish's claim while it runs or waits for confirmation (active or
    fulfilled): once the resident has confirmed, the claimer no longer needs the data."""
    if is_owner:
        return FullViewReason.OWNER
    if is_grid_staff:
        return FullViewReason.GRID_STAFF
    if is_claimer:
        return FullViewReason.CLAIMER
    return None


def contact_view(contact: Contact, reason: FullViewReason | None) -> dict:
    """The contact block of a wish card: full with the reason, or masked."""
    return contact.full(reason) if reason is not None else contact.masked()


# ---------------------------------------------------------------------------- people in records

# accounts whose cards are private persons' data (staff, officials and the admin are public
# contact cards: DESIGN.md); a record of one of these is masked like a wish's contact
PRIVATE_ROLES = frozenset({"resident", "volunteer", "org_member"})
_MASKERS = {"name": mask_name, "username": mask_name, "phone": mask_phone, "address": mask_address}


def is_private_person(value: object) -> bool:
    return isinstance(value, dict) and value.get("role") in PRIVATE_ROLES


def holds_private_person(value: object) -> bool:
    """A record (an audit entry's before/after) carries a private person's card somewhere."""
    if is_private_person(value):
        return True
    if isinstance(value, dict):
        return any(holds_private_person(v) for v in value.values())
    if isinstance(value, list):
        return any(holds_private_person(v) for v in value)
    return False


def mask_people(value: object) -> object:
    """A copy of ``value`` with the name, login, phone and address of every private person's
    card masked (the cards of staff, which are posted publicly, stay as they are)."""
    if isinstance(value, list):
        return [mask_people(v) for v in value]
    if not isinstance(value, dict):
        return value
    private = is_private_person(value)
    return {k: (_MASKERS[k](v) if private and k in _MASKERS and isinstance(v, str) else mask_people(v))
            for k, v in value.items()}
