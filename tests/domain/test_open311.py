"""Open311 GeoReport v2 views of catalog items, checked against the spec's field names and types."""

from __future__ import annotations

import json
from pathlib import Path

from gridsvc.domain.catalog import check_item
from gridsvc.domain.open311 import (
    ATTRIBUTE_FIELDS,
    DATATYPES,
    SERVICE_FIELDS,
    SERVICE_TYPES,
    service,
    service_definition,
)

FIXTURE = Path(__file__).resolve().parents[2] / "gridsvc" / "fixtures" / "catalog.json"

# GeoReport v2, GET services: field -> allowed JSON types.
SERVICE_SPEC = {
    "service_code": str,
    "service_name": str,
    "description": str,
    "metadata": bool,
    "type": str,
    "keywords": str,  # comma separated
    "group": str,
}
# GeoReport v2, GET service definition: attribute field -> allowed JSON types.
ATTRIBUTE_SPEC = {
    "variable": (bool,),
    "code": (str,),
    "datatype": (str,),
    "required": (bool,),
    "datatype_description": (str, type(None)),
    "order": (int,),
    "description": (str,),
    "values": (list,),
}


def fixture_items():
    return [check_item(raw) for raw in json.loads(FIXTURE.read_text(encoding="utf-8"))["items"]]


def item(**changes):
    data = {
        "code": "GS-SB-001", "name": "最低生活保障金申请", "category": "social_security", "list": "public_service",
        "summary": "家庭人均收入低于低保标准的家庭申请。", "legal_basis": "《社会救助暂行办法》",
        "materials": [{"name": "居民身份证", "electronic_ok": True},
                      {"name": "户口簿", "copies": 2, "note": "原件和复印件"}],
        "keywords": ["困难群众"],
    }
    data.update(changes)
    return check_item(data)


def assert_valid_service(s):
    assert set(s) == set(SERVICE_SPEC) == set(SERVICE_FIELDS)
    for key, typ in SERVICE_SPEC.items():
        assert type(s[key]) is typ, (key, s[key])
    assert s["type"] in SERVICE_TYPES
    assert s["service_code"] and s["service_name"]
    assert all(k and k == k.strip() for k in s["keywords"].split(",")) if s["keywords"] else True


def assert_valid_definition(d, service_code):
    assert set(d) == {"service_code", "attributes"}
    assert d["service_code"] == service_code
    orders, codes = [], []
    for a in d["attributes"]:
        assert set(a) == set(ATTRIBUTE_SPEC) == set(ATTRIBUTE_FIELDS)
        for key, types in ATTRIBUTE_SPEC.items():
            assert type(a[key]) in types, (key, a[key])
        assert a["datatype"] in DATATYPES
        if a["datatype"] in ("singlevaluelist", "multivaluelist"):
            assert a["values"] and a["variable"] is True
            for v in a["values"]:
                assert set(v) == {"key", "name"} and all(isinstance(x, str) and x for x in v.values())
            assert len({v["key"] for v in a["values"]}) == len(a["values"])
        else:
            assert a["values"] == []
        orders.append(a["order"])
        codes.append(a["code"])
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    assert len(set(codes)) == len(codes)


def test_service_fields_and_types():
    s = service(item())
    assert_valid_service(s)
    assert s == {
        "service_code": "GS-SB-001",
        "service_name": "最低生活保障金申请",
        "description": "家庭人均收入低于低保标准的家庭申请。",
        "metadata": True,
        "type": "blackbox",
        "keywords": "困难群众,低保",  # the item's keywords, then abbreviations people search by
        "group": "社会保障",
    }


def test_an_item_without_materials_has_no_metadata():
    s = service(item(materials=[], summary=""))
    assert s["metadata"] is False and s["description"] == "最低生活保障金申请"
    assert service_definition(item(materials=[]))["attributes"] == []


def test_service_definition_lists_the_materials():
    d = service_definition(item())
    assert_valid_definition(d, "GS-SB-001")
    first, second = d["attributes"]
    assert first["datatype"] == "singlevaluelist" and first["variable"] is True
    assert [v["key"] for v in first["values"]] == ["electronic", "paper"]
    assert first["description"] == "居民身份证(1份)" and first["order"] == 1 and first["code"] == "M01"
    assert second["datatype"] == "string" and second["variable"] is False and second["values"] == []
    assert second["description"] == "户口簿(2份)" and "原件和复印件" in second["datatype_description"]
    assert all(a["required"] is True for a in d["attributes"])


def test_every_fixture_item_serialises_to_valid_georeport_json():
    items = fixture_items()
    services = [service(i) for i in items]
    for s in services:
        assert_valid_service(s)
    for i in items:
        assert_valid_definition(service_definition(i), i.code)
    assert json.loads(json.dumps(services, ensure_ascii=False)) == services
    assert {s["group"] for s in services} >= {"劳动就业", "社会保障", "卫生计生", "便民利民服务"}


def test_keywords_are_a_comma_separated_string():
    assert service(item(name="临时救助申请", keywords=["急难救助", "社会救助"]))["keywords"] == "急难救助,社会救助,临救"
    assert service(item(name="法律咨询", keywords=[]))["keywords"] == ""
