"""Demo data for catalog, loaded after the demo city: the starter catalog of fixtures/catalog.json
(published from the day it names), and two admission applications for officials to see, one
approved and in force in 青年路街道's communities, one waiting for the district's decision."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib import resources
from typing import Any

from gridsvc.config import DEFAULTS, Settings
from gridsvc.domain import clock
from gridsvc.domain.catalog import check_item
from gridsvc.domain.scope import SYSTEM, Principal
from gridsvc.store.accounts.models import User
from gridsvc.store.accounts.users import principal_for
from gridsvc.store.areas.models import Area
from gridsvc.store.catalog import admission as catalog_admission
from gridsvc.store.catalog.authority import authorizer_for
from gridsvc.store.catalog.models import ServiceItem
from gridsvc.store.catalog.sheets import import_items

DEMO_STREET = "610202004000"  # 王益区青年路街道, where the demo accounts work

ADMISSIONS: list[dict[str, Any]] = [
    {
        "department": "王益区卫生健康局",
        "reason": "开展适龄儿童疫苗补种信息核查,需社区协助入户核对名单。",
        "legal_basis": "《中华人民共和国疫苗管理法》第四十七条",
        "funding": {"amount": "每社区每年 1.2 万元", "source": "区财政专项资金,按政府购买服务拨付"},
        "areas": [DEMO_STREET],
        "item": {
            "code": "ZR-WJ-101", "name": "适龄儿童疫苗补种信息核查", "category": "health", "list": "admitted",
            "summary": "协助卫生健康部门核对辖区适龄儿童预防接种信息,通知家长到接种门诊补种。",
            "legal_basis": "《中华人民共和国疫苗管理法》",
            "materials": [{"name": "儿童预防接种证", "copies": 1, "electronic_ok": True}],
            "time_limit_days": 5, "fee": "不收费",
            "venues": [{"kind": "community_window", "name": "社区党群服务中心综合服务窗口",
                        "address": "王益区青年路街道各社区党群服务中心", "hours": "周一至周五 8:30-12:00,14:30-18:00"}],
            "contact": "社区卫生服务站", "keywords": ["打疫苗", "补种"],
        },
        "decide": "approve",
        "papers": {"approval_document": "王社建组发〔2024〕3号(演示)",
                   "agreement": "青年路街道各社区“两委”项目协议书(演示)"},
        "by": "street", "decider": "official",
    },
    {
        "department": "王益区人力资源和社会保障局",
        "reason": "灵活就业人员参保信息采集,需社区摸底登记。",
        "legal_basis": "《中华人民共和国社会保险法》",
        "funding": {"amount": "每采集一人 5 元", "source": "区就业专项资金"},
        "areas": ["610202"],
        "item": {
            "code": "ZR-LD-101", "name": "灵活就业人员参保信息采集", "category": "employment", "list": "admitted",
            "summary": "协助人社部门摸底登记辖区灵活就业人员参加社会保险的情况。",
            "legal_basis": "《中华人民共和国社会保险法》",
            "materials": [{"name": "居民身份证", "copies": 1, "electronic_ok": True}],
            "time_limit_days": 0, "fee": "不收费",
            "venues": [{"kind": "community_window", "name": "社区党群服务中心综合服务窗口",
                        "address": "王益区各社区党群服务中心", "hours": "周一至周五 8:30-12:00,14:30-18:00"}],
            "contact": "人社服务热线 12333", "keywords": ["灵活就业", "社保"],
        },
        "decide": None,
        "by": "street", "decider": None,
    },
]


def fixture() -> dict:
    return json.loads((resources.files("gridsvc") / "fixtures" / "catalog.json").read_text(encoding="utf-8"))


async def _principal(username: str | None) -> Principal | None:
    user = await User.filter(username=username).first() if username else None
    if user is None:
        return None
    return await principal_for(user)


async def load(settings: Settings = DEFAULTS) -> dict:
    """Load the starter catalog (published from its ``published_on``) unless items exist."""
    if await ServiceItem.exists():
        return {}
    data = fixture()
    items = [(n, check_item(raw)) for n, raw in enumerate(data["items"], start=2)]
    wanted = sorted({c for _, i in items for c in i.areas})
    known = set(await Area.filter(code__in=wanted).values_list("code", flat=True))
    items = [(n, i) for n, i in items if set(i.areas) <= known]  # a deployment without those districts
    report = await import_items(items, actor=SYSTEM, on=date.fromisoformat(data["published_on"]))
    admitted = 0
    if await Area.exists(code=DEMO_STREET):
        start = clock.today() - timedelta(days=30)
        for spec in ADMISSIONS:
            applicant = await _principal(spec["by"])
            body = {k: spec[k] for k in ("department", "reason", "legal_basis", "funding", "areas", "item")}
            body.update(period_start=start.isoformat(), period_end=(start + timedelta(days=365)).isoformat())
            # the system writes this history in the officials' names (the demo's street official
            # applies for the district too, which their own scope would refuse)
            view = await catalog_admission.apply(body, actor=applicant, on=start, authorize=authorizer_for(SYSTEM))
            if spec["decide"]:
                decider = await _principal(spec["decider"])
                await catalog_admission.decide(view["id"], spec["decide"], reason="同意准入,经费已落实", actor=decider,
                                               on=start, papers=spec["papers"], authorize=authorizer_for(SYSTEM))
                admitted += 1
        await catalog_admission.sweep()
    return {"catalog_items": report["created"], "admissions": admitted}
