"""The route x role x scope matrix, derived from the permission table: every API operation
declares its scope action (`endpoint(..., action=)`); for every operation, every role and a
target inside and outside the role's scope, the answer over HTTP is what `domain/scope.py`
says: 401 for the anonymous and 403 for the others where the table refuses, neither where it
allows (the handler may still answer 404/409/422 about the empty body or the record)."""

from __future__ import annotations

import re

import pytest

from gridsvc.domain.scope import ANONYMOUS, Reach, allows, can_manage_tier, reach
from gridsvc.store.accounts.models import User
from gridsvc.store.accounts.users import create_user, principal_for
from gridsvc.web.api import OPERATIONS
from tests.conftest import PASSWORD
from tests.wishkit import Kit

ROLES = ["anonymous", "admin", "official", "official2", "instructor", "head", "head2", "worker", "worker2", "leader",
         "bhead", "resident", "volunteer", "orgmember"]
AREA_BOUND = (Reach.WITHIN, Reach.BELOW, Reach.COUNTY)
MISSING = 999999  # a record that does not exist: only the role's entitlement is decided before the lookup


@pytest.fixture
async def targets(client, people):
    """For each kind of path parameter: (value, the area it lies in, extra) inside the test
    district and outside it (the neighbouring district 610203)."""
    t = people
    await create_user("farworker", role="worker", password=PASSWORD, areas=[t.far_grid])
    k = Kit(client, people)
    org_in = await k.org("川口爱心社", areas=[t.community], projects=False)
    org_out = await k.org("南苑服务社", areas=["610203001001"], n=2, members=(), projects=False)
    wish = await k.wish_in("published")
    ids = {u: (await User.get(username=u)).id for u in ("worker", "farworker")}
    return k, {
        "code": [(t.grid, t.grid), (t.far_grid, t.far_grid)],
        "staff": [(ids["worker"], t.grid), (ids["farworker"], t.far_grid)],
        "org": [(org_in["id"], t.community), (org_out["id"], "610203001001")],
        "wish": [(wish["id"], t.grid)],
    }


def _urls(op, targets) -> list[tuple[str, str | None]]:
    """(url, the target's area or None when unknown) for an operation."""
    path = op.path
    fixed = path.replace("{action}", "publish" if "/wishes/" in path else "close").replace("{fmt}", "csv")
    if "{" not in fixed:
        return [(fixed, None)]
    if fixed.startswith("/api/v1/areas/{code}"):
        kind = "code"
    elif fixed.startswith("/api/v1/staff/{id}"):
        kind = "staff"
    elif fixed.startswith("/api/v1/orgs/{id}"):
        kind = "org"
    elif fixed.startswith("/api/v1/wishes/{id}"):
        kind = "wish"
    else:
        kind = None
    if kind is None:
        return [(fixed.replace(fixed[fixed.index("{"):fixed.index("}") + 1], str(MISSING)), None)]
    head, _, rest = fixed.partition("{")
    tail = rest.partition("}")[2]
    return [(f"{head}{value}{tail}", area) for value, area in targets[kind]]


def _expected(p, op, area: str | None, target_role: str | None) -> str:
    """'deny' (401/403), 'allow' (neither) or 'any' (the table leaves it to the record)."""
    r = reach(p, op.action)
    if r is None:
        return "deny"
    if r is Reach.AUTHENTICATED:
        return "any"  # any logged-in user; the handler decides on the record (owner, claimer, own inbox)
    if area is None:
        return "allow" if r in (Reach.PUBLIC, Reach.ANY) else "any"
    ok = allows(p, op.action, area)
    if ok and op.action == "staff.manage" and target_role:
        ok = can_manage_tier(p, target_role)
    return "allow" if ok else "deny"


def _well_formed(op) -> dict:
    """A body that passes the operation's schema (its required fields filled), so that a cell
    tests the permission, not the validation that runs before the handler's scope check."""
    if op.model is None:
        return {}
    schema = op.model.model_json_schema()
    fill = {"string": "x", "integer": 1, "number": 1, "boolean": False, "array": [], "object": {}}
    body = {}
    for name in schema.get("required", []):
        prop = schema["properties"][name]
        kinds = [prop.get("type")] + [alt.get("type") for alt in prop.get("anyOf", [])]
        kinds = [k for kind in kinds for k in (kind if isinstance(kind, list) else [kind])]
        body[name] = next((fill[k] for k in kinds if k in fill), "x")
    return body


@pytest.mark.parametrize("store_kind", ["sqlite"])  # a rule of the web layer: one store suffices
async def test_every_operation_role_and_scope(client, people, targets, store_kind):
    k, tg = targets
    ops = [op for op in OPERATIONS if op.action]
    assert len(ops) >= 75 and all(op.action for op in OPERATIONS if not op.path.startswith("/api/v1/auth/")
                                  or op.path == "/api/v1/auth/me"), "every operation declares its action"
    # deletions last (they may remove a target), staff before areas
    ops.sort(key=lambda op: (op.method == "delete", op.path if op.method != "delete" else "~" + op.path[::-1]))
    principals = {"anonymous": ANONYMOUS}
    heads = {"anonymous": {}}
    for role in ROLES[1:]:
        principals[role] = await principal_for(await User.get(username=role))
        heads[role] = await k.h(role)
    cells = wrong = 0
    failures = []
    for op in ops:
        plan = []
        for url, area in _urls(op, tg):
            target_role = "worker" if "/staff/" in url else None
            for role in ROLES:
                plan.append((_expected(principals[role], op, area, target_role), role, url))
        plan.sort(key=lambda c: c[0] != "deny")  # refusals first: an allowed DELETE may remove the target
        for expect, role, url in plan:
            body = None if op.method in ("get", "delete") else _well_formed(op)
            r = await client.request(op.method.upper(), url, headers=heads[role], json=body)
            cells += 1
            assert r.status_code < 500, (op.method, url, role, r.text[:300])
            if expect == "deny":
                ok = r.status_code == (401 if role == "anonymous" else 403)
            elif expect == "allow":
                ok = r.status_code not in (401, 403)
            else:
                ok = r.status_code != 401 if role != "anonymous" else True
            if not ok:
                wrong += 1
                failures.append((op.method.upper(), url, op.action, role, expect, r.status_code, r.text[:160]))
    assert not failures, f"{wrong} of {cells} cells differ from the table:\n" + "\n".join(map(str, failures))
    assert cells > 1000, cells


def test_the_web_layer_decides_through_the_table_not_role_names():
    """No route, page, template or store rule compares the asker's role name: what someone may see or do is asked of
    `domain/scope.py` RULES (`can`, `entitled`, `require`), so the matrix above covers it."""
    from pathlib import Path

    import gridsvc

    root = Path(gridsvc.__file__).parent
    # the person asking by role name (`p`, `principal`, `actor` in code; `user` in templates); a
    # stored account's or a form's role is data (is this account staff? which option is chosen?)
    asking = {".py": r"\b(p|principal|actor)", ".html": r"\buser"}
    found = [f"{path.relative_to(root)}:{n}: {line.strip()}"
             for folder in ("web", "store", "templates") for path in sorted((root / folder).rglob("*"))
             if path.suffix in asking
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if re.search(asking[path.suffix] + r"\.role\s*(==|!=|(not\s+)?in\b)", line)]
    assert not found, "\n".join(found)
