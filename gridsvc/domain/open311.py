"""Open311 GeoReport v2 views of catalog items (GET services, GET service definition).

Existing Open311 clients can list what a community offers. Field names and types follow
GeoReport v2 (http://wiki.open311.org/GeoReport_v2):

- ``type`` is "blackbox" for every item: gridsvc publishes the catalog read-only and accepts
  no service requests through Open311 (items are applied for at the window or through the
  province's online service), so a client gets neither a service_request_id ("realtime") nor
  a token to exchange for one ("batch").
- ``metadata`` is true when the item lists materials: they are its attributes.
- An attribute per material, in catalog order. A material whose electronic licence counts
  as the original is a "singlevaluelist" the applicant answers (electronic or paper); a
  paper-only material is a "string" with ``variable`` false, which GeoReport defines as
  information shown to the user, not an input. Both are ``required``: the item cannot be
  done without them.
"""

from __future__ import annotations

from typing import Any

from .catalog import CATEGORY_BY_ID, Material, ServiceItemData
from .search import abbreviations_for

SERVICE_TYPE = "blackbox"
SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type", "keywords", "group")
ATTRIBUTE_FIELDS = ("variable", "code", "datatype", "required", "datatype_description", "order", "description",
                    "values")
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
SERVICE_TYPES = ("realtime", "batch", "blackbox")

PROVISION_VALUES = [
    {"key": "electronic", "name": "电子证照 (electronic licence)"},
    {"key": "paper", "name": "纸质原件 (paper original)"},
]


def service(item: ServiceItemData) -> dict[str, Any]:
    """One entry of ``GET services.json``."""
    keywords = list(dict.fromkeys([*item.keywords, *abbreviations_for(item.name)]))
    return {
        "service_code": item.code,
        "service_name": item.name,
        "description": item.summary or item.name,
        "metadata": bool(item.materials),
        "type": SERVICE_TYPE,
        "keywords": ",".join(k.replace(",", " ") for k in keywords),
        "group": CATEGORY_BY_ID[item.category].zh,
    }


def _attribute(n: int, m: Material) -> dict[str, Any]:
    label = f"{m.name}({m.copies}份)"
    if m.electronic_ok:
        how = "电子证照与原件同等有效,可任选其一 (an electronic licence counts as the original)"
    else:
        how = "请携带纸质原件 (bring the paper original)"
    if m.note:
        how = f"{how};{m.note}"
    return {
        "variable": m.electronic_ok,
        "code": f"M{n:02d}",
        "datatype": "singlevaluelist" if m.electronic_ok else "string",
        "required": True,
        "datatype_description": how,
        "order": n,
        "description": label,
        "values": [dict(v) for v in PROVISION_VALUES] if m.electronic_ok else [],
    }


def service_definition(item: ServiceItemData) -> dict[str, Any]:
    """``GET services/{service_code}.json``: the materials as attributes."""
    return {
        "service_code": item.code,
        "attributes": [_attribute(n, m) for n, m in enumerate(item.materials, start=1)],
    }
