"""The catalog search stays right across processes: two real `gridsvc serve` workers on one
database; a change published through either is found (or no longer found) by the very next
search on the other. Each worker keeps its own in-memory index, updated in place from the
catalog's change log when the watcher (SQLite: the WAL index header; PostgreSQL: LISTEN/NOTIFY)
says the database may have changed."""

from __future__ import annotations

import httpx

from tests.conftest import PASSWORD
from tests.kit.catalog import DIBAO


def names(client: httpx.Client, base: str, q: str) -> list[str]:
    r = client.get(f"{base}/api/v1/services", params={"q": q})
    assert r.status_code == 200, r.text
    return [x["name"] for x in r.json()]


def test_a_change_through_one_worker_is_found_by_the_next_search_on_the_other(server_pair):
    a, b = server_pair.a, server_pair.b
    with httpx.Client(timeout=30) as client:
        r = client.post(f"{a}/api/v1/auth/token", json={"username": "admin", "password": PASSWORD})
        admin = {"Authorization": f"Bearer {r.json()['access_token']}"}
        assert names(client, a, "低保") == names(client, b, "低保") == []  # both hold an (empty) index

        # 1. A publishes an item: B finds it at once
        assert client.post(f"{a}/api/v1/services", json=DIBAO, headers=admin).status_code == 201
        assert names(client, b, "低保") == []  # a draft is not in the catalog
        assert client.post(f"{a}/api/v1/services/GS-SB-001/publish", headers=admin).status_code == 200
        assert names(client, b, "低保") == ["最低生活保障金申请"]

        # 2. B publishes a new version: A finds the new name, not the old one
        r = client.patch(f"{b}/api/v1/services/GS-SB-001", json={"name": "城乡低保申请"}, headers=admin)
        assert r.status_code == 200, r.text
        assert client.post(f"{b}/api/v1/services/GS-SB-001/publish", headers=admin).status_code == 200
        assert names(client, a, "低保") == ["城乡低保申请"]
        assert client.get(f"{a}/api/v1/services/GS-SB-001").json()["version"] == 2

        # 3. A imports a sheet with another item, B revokes the first: each seen by the other
        csv_text = ("代码,名称,类别,清单,设定依据,所需材料,收费\r\n"
                    "GS-SB-002,临时救助申请,社会保障,公共服务事项,《社会救助暂行办法》,居民身份证(1份),不收费\r\n")
        r = client.post(f"{a}/api/v1/services/import", params={"format": "csv"}, content=csv_text.encode(),
                        headers=admin)
        assert r.status_code == 201, r.text
        assert names(client, b, "临时救助") == ["临时救助申请"]
        r = client.post(f"{b}/api/v1/services/GS-SB-001/revoke", json={"reason": "合并"}, headers=admin)
        assert r.status_code == 200, r.text
        assert names(client, a, "低保") == []
        assert names(client, a, "救助") == ["临时救助申请"]
