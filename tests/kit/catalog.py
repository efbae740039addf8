"""The catalog kit: canned items (as the API takes them), the starter catalog of the fixtures,
and the steps that put items in force."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from gridsvc.domain import clock
from gridsvc.domain.catalog import check_item
from gridsvc.domain.scope import SYSTEM
from gridsvc.store import catalog as store
from gridsvc.store.catalog import sheets

FIXTURE = Path(__file__).resolve().parents[2] / "gridsvc" / "fixtures" / "catalog.json"
DIBAO = {
    "code": "GS-SB-001", "name": "最低生活保障金申请", "category": "social_security", "list": "public_service",
    "summary": "家庭人均收入低于当地低保标准的家庭申请。", "legal_basis": "《社会救助暂行办法》(国务院令第649号)",
    "materials": [{"name": "居民身份证", "copies": 1, "electronic_ok": True},
                  {"name": "户口簿", "copies": 1, "electronic_ok": False, "note": "原件"}],
    "time_limit_days": 30, "fee": "不收费",
    "venues": [{"kind": "community_window", "name": "社区党群服务中心", "address": "王益区七一路88号",
                "hours": "周一至周五 8:30-17:30"}],
    "contact": "12349", "areas": [], "keywords": [],
}
STREET_ITEM = {
    "code": "GS-SF-101", "name": "老年人助餐服务登记", "category": "social_services", "list": "public_service",
    "legal_basis": "《陕西省老年人权益保障条例》", "materials": [{"name": "老年人优待证", "electronic_ok": True}],
    "time_limit_days": 0, "venues": [{"kind": "community_window", "name": "七一路街道各社区窗口"}],
    "areas": ["610202001000"],
}
COMMUNITY_ITEM = {
    "code": "GS-WT-101", "name": "社区图书室借阅证办理", "category": "culture_sports", "list": "public_service",
    "legal_basis": "《公共图书馆法》", "materials": [{"name": "居民身份证"}], "areas": ["610202001002"],
}
OTHER_DISTRICT_ITEM = {
    "code": "GS-ZF-101", "name": "印台区公共租赁住房申请", "category": "housing", "list": "public_service",
    "legal_basis": "《公共租赁住房管理办法》", "materials": [{"name": "居民身份证"}], "areas": ["610203"],
}
# an approval names its approval document and the project agreement (issue 14 §4)
PAPERS = {"papers": {"approval_document": "王社建组发〔2024〕3号", "agreement": "七一路街道各社区项目协议书"}}
TASK = {
    "code": "ZR-WJ-101", "name": "适龄儿童疫苗补种信息核查", "category": "health",
    "list": "admitted",  # issue 14 §4: not the assist list
    "legal_basis": "《中华人民共和国疫苗管理法》", "materials": [{"name": "儿童预防接种证", "electronic_ok": True}],
    "venues": [{"kind": "community_window", "name": "社区窗口"}], "keywords": ["打疫苗"],
}


def starter_items() -> list:
    """The items of the starter catalog (gridsvc/fixtures/catalog.json), checked."""
    return [check_item(r) for r in json.loads(FIXTURE.read_text(encoding="utf-8"))["items"]]


def fixture_items(known_areas: set[str]) -> list:
    """(sheet row, item) of the starter items whose areas are all among `known_areas`."""
    return [(n, i) for n, i in enumerate(starter_items(), start=2) if set(i.areas) <= known_areas]


async def publish_new(data: dict, on: date) -> None:
    await store.create_item(data, actor=SYSTEM)
    await store.publish_item(data["code"], on=on, actor=SYSTEM)


async def seed(on: date = date(2024, 1, 1)) -> None:
    """Four items published on `on`: for everywhere, a street, a community, another district."""
    for data in (DIBAO, STREET_ITEM, COMMUNITY_ITEM, OTHER_DISTRICT_ITEM):
        await publish_new(data, on)


async def starter_catalog(tree) -> None:
    """The starter catalog (the items for the test tree's districts) and STREET_ITEM, in force
    since yesterday."""
    yesterday = clock.today() - timedelta(days=1)
    await sheets.import_items(fixture_items({tree.district, tree.other_district}), actor=SYSTEM, on=yesterday)
    await publish_new(STREET_ITEM, yesterday)


@pytest.fixture
async def catalog(people):
    """The starter catalog (the items for the test tree's districts), in force since yesterday."""
    await starter_catalog(people)
    return people


def application(people, **changes) -> dict:
    data = {
        "department": "王益区卫生健康局", "reason": "需社区协助核对适龄儿童接种信息",
        "legal_basis": "《中华人民共和国疫苗管理法》", "funding": {"amount": "每社区每年 1.2 万元", "source": "区财政"},
        "areas": [people.street], "period_start": clock.today().isoformat(),
        "period_end": (clock.today() + timedelta(days=90)).isoformat(), "item": TASK,
    }
    data.update(changes)
    return data
