"""Canned steps for the wish, organisation and demand tests: a registered organisation serving
the test community, wishes driven to any status through the API, valid credit codes."""

from __future__ import annotations

import struct
import zlib
from datetime import date, datetime, timedelta

from gridsvc.domain import clock
from gridsvc.domain.orgs import make_credit_code


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# a real 1x1 grey PNG: fulfilment photos are kept only when their blocks can be walked (domain.photos)
PNG = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
       + png_chunk(b"IDAT", zlib.compress(b"\x00\x80")) + png_chunk(b"IEND", b""))


def today() -> date:
    """Today in the city, computed when used: a value fixed at import goes stale when a run
    crosses midnight in China, and the dates the tests send would be a day off."""
    return clock.now().astimezone(clock.CHINA).date()


def day(offset: int = 0) -> str:
    """The ISO date `offset` days from today."""
    return (today() + timedelta(days=offset)).isoformat()


def wish_by() -> str:
    """The default wish-by day: 30 days from today."""
    return day(30)


def credit_code(n: int = 1, kind: str = "2", division: str = "610202") -> str:
    """A valid code for a civil-affairs organisation (5), numbered n: the organisation-code
    part gets its own GB 11714 check character first."""
    from gridsvc.domain.orgs import org_code_check_char

    body = f"MJ{n:06d}"
    return make_credit_code(f"5{kind}{division}{body}{org_code_check_char(body)}")


def wish_body(**over) -> dict:
    """A valid wish; `over` replaces fields (None drops one; a callable is called now, so that
    parametrized dates are computed when the test runs, not at import)."""
    body = {"title": "给独居老人买一台电暖器", "category": "elderly_care", "value_yuan": 199, "beneficiary": "elderly",
            "wish_by": wish_by()}
    body.update(over)
    return {k: v() if callable(v) else v for k, v in body.items() if v is not None}


class Kit:
    """Steps through the HTTP API as the `people` fixture's accounts."""

    def __init__(self, client, people):
        self.client = client
        self.t = people
        self._h: dict[str, dict] = {}

    async def h(self, name: str) -> dict:
        if name not in self._h:
            self._h[name] = await self.client.token_for(name)
        return self._h[name]

    async def org(self, name: str = "川口社区爱心服务社", *, areas=None, kind: str = "community_service", n: int = 1,
                  members=("orgmember",), projects: bool = True) -> dict:
        r = await self.client.post("/api/v1/orgs", headers=await self.h("admin"), json={
            "name": name, "credit_code": credit_code(n), "kind": kind, "status": "registered",
            "areas": areas or [self.t.community]})
        assert r.status_code == 201, r.text
        org = r.json()
        for m in members:
            r = await self.client.post(f"/api/v1/orgs/{org['id']}/members", headers=await self.h("admin"),
                                       json={"username": m})
            assert r.status_code == 201, r.text
        if projects:
            r = await self.client.post(f"/api/v1/orgs/{org['id']}/projects", headers=await self.h("admin"), json={
                "name": "暖冬助老", "categories": ["elderly_care", "daily_necessities"], "capacity": 5,
                "period_start": day(), "period_end": day(90)})
            assert r.status_code == 201, r.text
            org["project"] = r.json()
        self._h.pop("orgmember", None)  # a member's scope changes with the organisation
        return org

    async def post(self, who: str = "resident", **over) -> dict:
        r = await self.client.post("/api/v1/wishes", headers=await self.h(who), json=wish_body(**over))
        assert r.status_code == 201, r.text
        return r.json()

    async def do(self, wish_id: int, action: str, who: str, expect: int = 200, **body) -> dict:
        r = await self.client.post(f"/api/v1/wishes/{wish_id}/{action}", headers=await self.h(who), json=body or None)
        assert r.status_code == expect, f"{action} as {who}: {r.status_code} {r.text}"
        return r.json()

    async def wish_in(self, status: str, *, claimer: str = "volunteer") -> dict:
        """A wish of the resident in the test grid, driven to ``status`` through the API."""
        w = await self.post()
        wid = w["id"]
        if status == "submitted":
            return w
        if status == "returned":
            return await self.do(wid, "return", "worker", reason="请补充具体型号")
        if status == "withdrawn":
            return await self.do(wid, "withdraw", "resident")
        if status == "merged":
            other = await self.post(title="给独居老人买电暖器(重复)")
            return await self.do(wid, "merge", "worker", into=other["id"])
        w = await self.do(wid, "publish", "worker")
        if status == "published":
            return w
        w = await self.do(wid, "claim", claimer)
        if status == "claimed":
            return w
        w = await self.do(wid, "fulfil", claimer, note="已送到并安装好", fulfilled_on=day())
        if status == "fulfilled":
            return w
        w = await self.do(wid, "confirm", "resident", stars=5, comment="谢谢")
        assert status == "confirmed"
        return w


def demand_start() -> datetime:
    """A demand's start: three days from now, 9:00 in China (computed when used)."""
    return (clock.now().astimezone(clock.CHINA) + timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)


def demand_body(where: str, **over) -> dict:
    start = demand_start()
    body = {"title": "重阳节敬老院陪伴", "area": where, "place": "川口社区日间照料中心",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "volunteers_needed": 5, "skills": ["陪伴聊天", "理发"], "category": "elderly_care"}
    body.update(over)
    return body


async def publish(kit, client, people, **over) -> dict:
    """A worker publishes a volunteer demand in the test tree's grid."""
    r = await client.post("/api/v1/demands", headers=await kit.h("worker"), json=demand_body(people.grid, **over))
    assert r.status_code == 201, r.text
    return r.json()
