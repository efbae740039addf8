"""Who may manage which accounts (issue 11 item 6): the admin every account, an official the
staff and residents of their areas. Decided from the permission table (`user.manage`,
`user.create_official`, the tiers through `can_manage_tier`), never from role names alone."""

from __future__ import annotations

import secrets

from .error_codes import ErrorCode
from .errors import Forbidden
from .privacy import mask_name
from .roles import ROLE_NAMES_ZH, STAFF_TIERS, allowed_area_levels
from .scope import ANY, Principal, allows, authorize_every, can_manage_tier, entitled, reach

# a one-time password shown once: 12 characters of an alphabet without look-alikes (0/O, 1/l/I)
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def creatable_roles(p: Principal) -> tuple[str, ...]:
    """The roles of the accounts `p` may create and manage, in the order a form lists them."""
    if not entitled(p, "user.manage"):
        return ()
    roles = ["official"] if entitled(p, "user.create_official") else []
    roles += [r for r in STAFF_TIERS if can_manage_tier(p, r)]
    return (*roles, "resident")


def check_manage(p: Principal, role: str, area_codes: list[str]) -> None:
    """403 unless `p` may manage an account of `role` in `area_codes`: every area in their scope
    (an account of no area is the admin's alone) and a role they may create. The admin manages
    every account, other admins' too."""
    authorize_every(p, "user.manage", area_codes)
    if reach(p, "user.manage") is ANY:
        return
    if role not in creatable_roles(p):
        raise Forbidden(f"您不能管理{ROLE_NAMES_ZH.get(role, role)}的账号", f"you may not manage a {role}'s account",
                        code=ErrorCode.WRONG_ROLE, details={"role": role})


def as_seen_by(p: Principal, card: dict) -> dict:
    """An account's card for `p`: a resident's name masked unless `p` may see residents' data
    there (`resident.pii`: the grid's staff; not officials, not the admin), as everywhere else."""
    if card.get("role") != "resident":
        return card
    codes = [a["code"] for a in card.get("areas", [])]
    if codes and all(allows(p, "resident.pii", c) for c in codes):
        return card
    return {**card, "name": mask_name(card.get("name"))}


def area_levels_of(role: str) -> tuple[str, ...]:
    """The levels of area an account of `role` is given (a worker a grid, a resident a building,
    an official a city, district or street)."""
    return allowed_area_levels(role)


def new_password() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))
