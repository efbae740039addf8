"""The community organisations per community for the organisation target (issue 12 item 4):
social organisations, registered or filed, whose service area is the community itself (one
serving a whole street is not counted in each of its communities)."""

from __future__ import annotations

from collections import Counter, defaultdict

from ...domain.orgs import OrgStatus
from ..orgs.models import OrgArea
from ..subtree import under_any


async def organisations_per_community(scope_prefixes: list[str]) -> dict[str, dict[str, Counter[str]]]:
    """community code -> {"kind": Counter, "status": Counter} over the subtrees."""
    out: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: {"kind": Counter(), "status": Counter()})
    rows = await OrgArea.filter(under_any("area__code", scope_prefixes), area__level="community",
                                org__org_type="social_organisation",
                                org__status__in=[s.value for s in OrgStatus]) \
        .values_list("area__code", "org__kind", "org__status")
    for code, kind, status in rows:
        out[code]["kind"][kind] += 1
        out[code]["status"][status] += 1
    return out
