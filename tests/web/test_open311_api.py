"""Open311 GeoReport v2 over HTTP: field names and types as the spec sets them, jurisdictions,
and errors in the GeoReport format."""

from __future__ import annotations

import pytest

from tests.kit.catalog import STREET_ITEM, starter_catalog

# GeoReport v2 (wiki.open311.org/GeoReport_v2), GET services: field -> JSON type
SERVICE = {"service_code": str, "service_name": str, "description": str, "metadata": bool, "type": str,
           "keywords": str, "group": str}
SERVICE_TYPES = {"realtime", "batch", "blackbox"}
# GET service definition: attribute field -> JSON types
ATTRIBUTE = {"variable": (bool,), "code": (str,), "datatype": (str,), "required": (bool,),
             "datatype_description": (str, type(None)), "order": (int,), "description": (str,), "values": (list,)}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


def assert_georeport_error(r, status):
    assert r.status_code == status
    body = r.json()
    assert isinstance(body, list) and body
    for e in body:
        assert set(e) == {"code", "description"} and e["code"] == status and isinstance(e["description"], str)


@pytest.fixture
async def catalog(people):
    await starter_catalog(people)
    return people


async def test_services_list_follows_georeport_v2(client, catalog):
    r = await client.get("/open311/v2/services.json", params={"jurisdiction_id": catalog.community})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    services = r.json()
    assert isinstance(services, list) and len(services) > 50
    for s in services:
        assert set(s) == set(SERVICE), s
        for key, typ in SERVICE.items():
            assert type(s[key]) is typ, (key, s)
        assert s["type"] in SERVICE_TYPES and s["service_code"] and s["service_name"]
        if s["keywords"]:
            assert all(k == k.strip() and k for k in s["keywords"].split(","))
    codes = {s["service_code"] for s in services}
    assert "GS-SB-001" in codes and STREET_ITEM["code"] in codes
    # the negative lists are not services one can ask for
    assert not any(c.startswith(("BC-", "ZM-")) for c in codes)
    dibao = next(s for s in services if s["service_code"] == "GS-SB-001")
    assert dibao["group"] == "社会保障" and "低保" in dibao["keywords"].split(",") and dibao["metadata"] is True


async def test_jurisdictions(client, catalog):
    here = {s["service_code"] for s in (await client.get("/open311/v2/services.json",
                                                          params={"jurisdiction_id": "610203001001"})).json()}
    assert STREET_ITEM["code"] not in here and "GS-SB-001" in here
    everywhere = (await client.get("/open311/v2/services.json")).json()
    assert STREET_ITEM["code"] in {s["service_code"] for s in everywhere}
    assert_georeport_error(await client.get("/open311/v2/services.json", params={"jurisdiction_id": "999999"}), 404)


async def test_service_definition_lists_the_materials(client, catalog):
    r = await client.get("/open311/v2/services/GS-SB-001.json", params={"jurisdiction_id": catalog.community})
    assert r.status_code == 200
    d = r.json()
    assert set(d) == {"service_code", "attributes"} and d["service_code"] == "GS-SB-001"
    item = (await client.get("/api/v1/services/GS-SB-001")).json()
    assert [a["description"].split("(")[0] for a in d["attributes"]] == [m["name"] for m in item["materials"]]
    orders = []
    for a in d["attributes"]:
        assert set(a) == set(ATTRIBUTE)
        for key, types in ATTRIBUTE.items():
            assert type(a[key]) in types, (key, a)
        assert a["datatype"] in DATATYPES and a["required"] is True
        if a["datatype"] in ("singlevaluelist", "multivaluelist"):
            assert a["values"] and all(set(v) == {"key", "name"} for v in a["values"])
        else:
            assert a["values"] == []
        orders.append(a["order"])
    assert orders == sorted(set(orders))
    assert_georeport_error(await client.get("/open311/v2/services/GS-SB-999.json"), 404)
    assert_georeport_error(await client.get(f"/open311/v2/services/{STREET_ITEM['code']}.json",
                                            params={"jurisdiction_id": "610203001001"}), 404)
    assert_georeport_error(await client.get("/open311/v2/services/BC-GA-001.json"), 404)


async def test_open311_in_openapi(client, database):
    paths = (await client.get("/openapi.json")).json()["paths"]
    listing = paths["/open311/v2/services.json"]["get"]
    assert any(p["name"] == "jurisdiction_id" for p in listing["parameters"])
    schema = listing["responses"]["200"]["content"]["application/json"]["schema"]["items"]
    assert set(schema["required"]) == set(SERVICE)
    assert "get" in paths["/open311/v2/services/{service_code}.json"]
