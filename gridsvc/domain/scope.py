"""The one permission decision: who may do what to which area.

Pages and API routes alike call `authorize` (through `gridsvc.web.permissions`); no route
decides on its own. A rule names, for each role, how far the role reaches:

- PUBLIC: anyone, logged in or not
- ANY: anywhere (the platform admin)
- WITHIN: the target area is one of the principal's areas or lies below one of them
- BELOW: the target lies strictly below one of the principal's areas (they may create and
  delete inside their area, not the area itself)
- COUNTY: like WITHIN, but only through the principal's city or district (county-level)
  areas: decisions the seeds give to the county-level leading group, such as admitting work
  into communities (准入), are not a street's to take

Area codes extend their ancestors' prefixes (see `levels`), so "below" is a string test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .errors import Forbidden, Unauthenticated
from .levels import code_prefix, is_within
from .roles import TIER_NUMBER


class Reach(Enum):
    PUBLIC = "public"
    AUTHENTICATED = "authenticated"
    ANY = "any"
    WITHIN = "within"
    BELOW = "below"
    COUNTY = "county"


P, AUTH, ANY, WITHIN, BELOW = Reach.PUBLIC, Reach.AUTHENTICATED, Reach.ANY, Reach.WITHIN, Reach.BELOW
COUNTY = Reach.COUNTY
COUNTY_LEVELS = ("city", "district")
STAFF_WITHIN = {"instructor": WITHIN, "head": WITHIN, "worker": WITHIN, "group_leader": WITHIN, "building_head": WITHIN}

# action -> {role: reach}; a role missing from a rule may not act. "*" applies to every role.
RULES: dict[str, dict[str, Reach]] = {
    "area.read": {"*": P},
    # any logged-in user; the handler decides on the object (the owner of a wish, the holder of
    # a claim, one's own inbox and account)
    "account.use": {"*": AUTH},
    "catalog.read": {"*": P},
    "area.create_top": {"admin": ANY},  # a city or district with no parent starts a deployment
    # the community draws its grids under the street's guidance (002 §16): the head (for the
    # community) and officials; a grid worker keeps the groups and buildings inside their grid
    # but does not redraw the grid itself
    "area.create": {"admin": ANY, "official": WITHIN, "head": WITHIN, "worker": BELOW},
    "area.edit": {"admin": ANY, "official": WITHIN, "head": WITHIN, "worker": BELOW},
    "area.delete": {"admin": ANY, "official": BELOW, "head": BELOW, "worker": BELOW},
    # residential compounds (小区/院落): recorded by the community; public like the floor plans
    "compound.read": {"*": P},
    "compound.manage": {"admin": ANY, "official": WITHIN, "head": WITHIN},
    "staff.read": {"*": P},  # contact cards are posted on community boards
    "staff.manage": {"admin": ANY, "official": WITHIN, "instructor": WITHIN, "head": WITHIN, "worker": WITHIN},
    # group leaders are chosen by the group's residents (推举) and recorded by the community,
    # not appointed by a grid worker: checked on top of staff.manage for that tier
    "staff.record_group_leader": {"admin": ANY, "official": WITHIN, "head": WITHIN},
    # accounts (issue 11 item 6): officials manage the staff and residents of their areas
    # (domain/accounts.py), the admin every account; only the admin creates officials
    "user.manage": {"admin": ANY, "official": WITHIN},
    "user.create_official": {"admin": ANY},
    "audit.read": {"admin": ANY, "official": WITHIN, "head": WITHIN},
    "audit.ip": {"admin": ANY},  # actors' IP addresses in the audit log
    # residents' name, phone and address in full: the staff of the area (and officials do not)
    # (not the platform admin, not officials: DESIGN.md "People, roles, scope")
    "resident.pii": {**STAFF_WITHIN},
    "myarea.read": {**STAFF_WITHIN, "official": WITHIN, "admin": ANY},
    # floor plans, city and area maps, choropleths: public like the wall plans they print
    # (boundaries, grid codes, household counts per grid, staff contact cards; no resident data)
    "map.read": {"*": P},
    # public-service catalog: checked for every area an item applies to, before and after the
    # change; an item for everywhere is checked against every top-level area of the deployment,
    # so it needs the admin or an official of the whole city (or of the one district served)
    "catalog.edit": {"admin": ANY, "official": WITHIN},
    "catalog.publish": {"admin": ANY, "official": WITHIN},
    # admission (准入): a department's application is entered by an official of the areas; the
    # decision is the county-level leading group's, so a street official may apply but not decide
    "admission.apply": {"admin": ANY, "official": WITHIN},
    "admission.decide": {"admin": ANY, "official": COUNTY},
    "admission.read": {"admin": ANY, "official": WITHIN, "instructor": WITHIN, "head": WITHIN},
    # the community's two committees may refuse work never admitted (seed 004); the head records it
    "refusal.record": {"admin": ANY, "official": WITHIN, "head": WITHIN},
    "refusal.read": {"admin": ANY, "official": WITHIN, "instructor": WITHIN, "head": WITHIN},
    # the community seal: the community (head) puts it on what the positive list names and logs
    # each use; officials of the area read the log
    "seal.use": {"admin": ANY, "head": WITHIN},
    "seal.read": {"admin": ANY, "official": WITHIN, "instructor": WITHIN, "head": WITHIN},
    # micro-wishes, checked against the wish's grid. An organisation member's areas are their
    # organisation's service areas (the web layer puts them on the principal), so "WITHIN"
    # reads "in the organisation's service area"; a volunteer's are their own areas.
    "wish.post": {"resident": AUTH, "admin": ANY, **STAFF_WITHIN},  # staff post on a resident's behalf
    "wish.read": {"admin": ANY, "official": WITHIN, **STAFF_WITHIN},  # every status, contact masked
    "wish.screen": {"admin": ANY, **STAFF_WITHIN},  # publish, return, merge; 代办 for residents
    "wish.browse": {"org_member": WITHIN, "volunteer": WITHIN},  # published wishes
    "wish.claim": {"org_member": WITHIN, "volunteer": WITHIN},
    "allocation.plan": {"admin": ANY, "official": WITHIN, "instructor": WITHIN, "head": WITHIN, "worker": WITHIN},
    # social organisations: the registry is public; registering (登记/备案) is civil affairs'
    "org.read": {"*": P},
    "org.manage": {"admin": ANY, "official": WITHIN},
    # registration (登记) is county-level civil affairs' act; filing (备案) is with the street
    "org.register": {"admin": ANY, "official": COUNTY},
    "project.manage": {"admin": ANY, "official": WITHIN, "org_member": WITHIN},  # members: their own org only
    # volunteer demands: recruiting notices are public; communities publish and record hours
    "demand.read": {"*": P},
    "demand.publish": {"admin": ANY, "official": WITHIN, "instructor": WITHIN, "head": WITHIN, "worker": WITHIN},
    "demand.take": {"org_member": WITHIN, "volunteer": WITHIN},
    "volunteer.read": {"admin": ANY, "official": WITHIN, "instructor": WITHIN, "head": WITHIN, "worker": WITHIN},
    # acting for one's organisation (its claims, projects, demand takes): a member's areas are
    # the organisation's service areas, put on the principal once by store.users.principal_for
    "org.act_for": {"org_member": WITHIN},
    # a volunteer acting for themself: their profile, sign-ups and claims
    "volunteer.act": {"volunteer": WITHIN},
    # a wish posted by the resident themself (the others who may post name the resident: 代办)
    "wish.post_own": {"resident": AUTH},
    # staff manage only the tiers below their own (`can_manage_tier`); these manage every tier
    "staff.manage_every_tier": {"admin": ANY, "official": WITHIN},
    # governance (issue 12): a community files its information reports; officials read the
    # tables and dashboards of their areas; zones (新区) are declared at the county level
    "report.file": {"admin": ANY, "official": WITHIN, "instructor": WITHIN, "head": WITHIN},
    "report.read": {"admin": ANY, "official": WITHIN, "instructor": WITHIN, "head": WITHIN},
    "zone.manage": {"admin": ANY, "official": COUNTY},
    "indicator.read": {"admin": ANY, "official": WITHIN, "instructor": WITHIN, "head": WITHIN},
    # staff rosters (issue 11 item 4): the roster and its history are for the staff and officials
    # of the area; a community's head appoints, transfers and ends the tiers below their own
    # (can_manage_tier), officials and the admin every tier
    "roster.read": {"admin": ANY, "official": WITHIN, **STAFF_WITHIN},
    "roster.appoint": {"admin": ANY, "official": WITHIN, "head": WITHIN},
    # the records behind items 5-7: the community (head) or an official enters them; training is
    # recorded by the area that keeps the record (a street's course by the street). Decided and
    # concluded consultations are public (居务公开), with no resident's personal data
    "training.manage": {"admin": ANY, "official": WITHIN, "head": WITHIN},
    "space.manage": {"admin": ANY, "official": WITHIN, "head": WITHIN},
    "consultation.manage": {"admin": ANY, "official": WITHIN, "instructor": WITHIN, "head": WITHIN},
    "consultation.read_public": {"*": P},
    # the volunteer demands still unfilled in the area, on the workbench of those who oversee the
    # community's volunteering (a grid worker publishes demands but sees them as recruiting)
    "demand.oversee": {"admin": ANY, "official": WITHIN, "instructor": WITHIN, "head": WITHIN},
    # the whole city is the home map of those who reach everywhere
    "map.city_home": {"admin": ANY},
}


@dataclass(frozen=True)
class Principal:
    """Who is asking: the authenticated user reduced to what decisions need."""

    user_id: int | None = None
    username: str = ""
    role: str | None = None
    areas: tuple[tuple[str, str], ...] = ()  # (code, level) of each assigned area
    org_id: int | None = None
    display_name: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_authenticated(self) -> bool:
        return self.role is not None

    @property
    def tier(self) -> int | None:
        return TIER_NUMBER.get(self.role or "")

    @property
    def account_id(self) -> int:
        """The id of the signed-in account, for what only an account has (its inbox, its home).
        Anonymous visitors and the system principal (CLI, sweeps) have none."""
        if self.user_id is None:
            raise Unauthenticated("请先登录", "login required")
        return self.user_id


ANONYMOUS = Principal()
# the system itself (CLI commands, the demo loader, scheduled sweeps): reaches everywhere. Its
# role is no assignable role (roles.ROLES), so no account can be it.
SYSTEM_ROLE = "system"
SYSTEM = Principal(username="system", role=SYSTEM_ROLE, display_name="系统 system")


def is_system(principal: Principal | None) -> bool:
    return principal is not None and principal.role == SYSTEM_ROLE


def reach(principal: Principal, action: str) -> Reach | None:
    rule = RULES[action]
    if is_system(principal):
        return ANY
    if "*" in rule:
        r = rule["*"]
        if r is P or principal.is_authenticated:
            return r
        return None
    if not principal.is_authenticated:
        return None
    return rule.get(principal.role or "")


def entitled(principal: Principal, action: str) -> bool:
    """The principal's role has a rule for ``action`` at all, wherever their areas are (what a
    role may do, as opposed to where: e.g. only volunteers keep a volunteer profile)."""
    return reach(principal, action) is not None


def reaches_everywhere(principal: Principal, action: str) -> bool:
    """The principal may do ``action`` in every area (the platform admin, the system), so a
    listing or an export for them need not be narrowed to any area of theirs."""
    return reach(principal, action) is ANY


def acts_for_org(principal: Principal) -> bool:
    """The principal acts for an organisation (``org_id``): its claims are theirs."""
    return principal.org_id is not None and entitled(principal, "org.act_for")


def allows(principal: Principal, action: str, area_code: str | None = None) -> bool:
    r = reach(principal, action)
    if r is None:
        return False
    if r in (P, AUTH, ANY):
        return True
    if area_code is None:
        # an action on no particular area: allowed when the role reaches somewhere
        return any(r is not COUNTY or level in COUNTY_LEVELS for _, level in principal.areas)
    for code, level in principal.areas:
        if r is COUNTY and level in COUNTY_LEVELS and is_within(area_code, code, level):
            return True
        if r is WITHIN and is_within(area_code, code, level):
            return True
        if r is BELOW and area_code != code and is_within(area_code, code, level):
            return True
    return False


def authorize(principal: Principal, action: str, area_code: str | None = None) -> None:
    """Raise 401 for the anonymous and 403 for the out-of-scope; return quietly otherwise."""
    if allows(principal, action, area_code):
        return
    if not principal.is_authenticated:
        raise Unauthenticated("请先登录", "login required", details={"action": action})
    where = f" {area_code}" if area_code else ""
    raise Forbidden(
        f"无权在区域{where}执行此操作", f"not allowed to {action} in{where or ' this area'}",
        details={"action": action, "area": area_code, "role": principal.role},
    )


def authorize_every(principal: Principal, action: str, area_codes) -> None:
    """`authorize` for each area of a record; a record of no area (a staff member whose areas
    were emptied) lies in nobody's scope, so only a reach of ANY (the admin) may act on it."""
    codes = list(area_codes)
    if codes:
        for code in codes:
            authorize(principal, action, code)
    elif reach(principal, action) not in (P, AUTH, ANY):
        authorize(principal, action, "-")  # "-": within nobody's scope, so the usual 401/403


def scope_prefixes(principal: Principal, action: str) -> list[str] | None:
    """For listings: None means everything; otherwise the code prefixes the principal reaches.

    BELOW is widened to WITHIN here (a listing of the own area's subtree is harmless); the
    per-object check still runs on every change.
    """
    r = reach(principal, action)
    if r is None:
        return []
    if r in (P, AUTH, ANY):
        return None
    return [code_prefix(code, level) for code, level in principal.areas if r is not COUNTY or level in COUNTY_LEVELS]


def can_manage_tier(principal: Principal, target_role: str) -> bool:
    """Staff manage only the tiers below their own; ``staff.manage_every_tier`` every tier."""
    if entitled(principal, "staff.manage_every_tier"):
        return True
    mine = principal.tier
    theirs = TIER_NUMBER.get(target_role)
    return mine is not None and theirs is not None and theirs > mine
