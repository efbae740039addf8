"""The catalog's taxonomy: categories, lists, venue kinds, item-code shape and field labels."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    id: str
    zh: str
    en: str
    prefix: str  # the two letters in item codes


CATEGORIES: tuple[Category, ...] = (
    Category("employment", "劳动就业", "Employment", "LD"),
    Category("social_security", "社会保障", "Social security", "SB"),
    Category("health", "卫生计生", "Health and family planning", "WJ"),
    Category("education", "教育", "Education", "JY"),
    Category("social_services", "社会服务", "Social services", "SF"),
    Category("housing", "住房保障", "Housing security", "ZF"),
    Category("culture_sports", "文化体育", "Culture and sports", "WT"),
    Category("public_safety", "公共安全", "Public safety", "GA"),
    Category("legal", "公共法律服务", "Public legal services", "FL"),
    Category("mediation", "调解仲裁", "Mediation and arbitration", "TZ"),
    Category("convenience", "便民利民服务", "Convenience services", "BM"),
    Category("volunteer", "志愿服务", "Volunteer services", "ZY"),
)
CATEGORY_BY_ID = {c.id: c for c in CATEGORIES}
# Categories whose items need not cite a legal basis (services the community organises).
NO_BASIS_NEEDED = frozenset({"convenience", "volunteer"})
# 便民利民服务 and 志愿服务 form a list of their own (seed 002 §18: 建立便民利民服务和志愿服务
# 清单), beside the public-service catalog: these categories belong to that list only.
CONVENIENCE_CATEGORIES = frozenset({"convenience", "volunteer"})


@dataclass(frozen=True)
class ItemList:
    id: str
    zh: str
    en: str
    prefix: str


LISTS: tuple[ItemList, ...] = (
    ItemList("public_service", "公共服务事项", "Public services", "GS"),
    ItemList("convenience", "便民利民服务和志愿服务", "Convenience and volunteer services", "BZ"),
    ItemList("duty", "依法履行职责事项", "Duties performed by law", "LZ"),
    ItemList("assist", "依法协助政府工作事项", "Work assisting government by law", "XZ"),
    ItemList("excluded", "不应由社区承担的工作事项", "Work the community must not take on", "BC"),
    ItemList("no_certificate", "不应由社区出具的证明事项", "Certificates the community must not issue", "ZM"),
    # what the community seal may be put on (社区印章使用清单, seed 004)
    ItemList("seal", "社区印章使用事项", "Uses of the community seal", "YZ"),
    # work outside the duty and assist lists that entered through admission (准入, seed 004)
    ItemList("admitted", "准入事项", "Work admitted into communities", "ZR"),
)
LIST_BY_ID = {x.id: x for x in LISTS}
# The negative lists: work the community must not take on, certificates it must not issue.
NEGATIVE_LISTS = frozenset({"excluded", "no_certificate"})
# Lists whose items name the department responsible (责任主体, seed 003 §4): the work the
# community assists with, and the work and certificates it must not take on, are somebody's.
RESPONSIBLE_REQUIRED = frozenset({"assist", "excluded", "no_certificate"})

# Time limits count as their legal basis does: most in working days (工作日), some in calendar
# days (日): labour-dispute mediation 15 日, arbitration 45 日, legal aid 7 日.
TIME_LIMIT_UNITS: dict[str, str] = {"working_days": "工作日", "days": "日"}

# Where items are handled: not only street and community windows (issue 14 §10).
VENUE_KINDS: dict[str, str] = {
    "community_window": "社区窗口",
    "street_centre": "街道便民服务中心",
    "district_centre": "区县政务服务中心",
    "city_centre": "市政务服务中心",
    "marriage_registry": "婚姻登记处",
    "school": "学校",
    "health_facility": "医疗卫生机构",
    "police_station": "公安派出所",
    "department_office": "部门办公场所",
    "online": "网上办理",
}

CODE_RE = re.compile(r"^([A-Z]{2})-([A-Z]{2})-(\d{3,4})$")
ITEM_AREA_LEVELS = ("city", "district", "street", "community")

# Field -> Chinese label; catalog_io's headers and error messages use the same words.
FIELD_LABELS: dict[str, str] = {
    "code": "代码",
    "name": "名称",
    "category": "类别",
    "list": "清单",
    "legal_basis": "设定依据",
    "materials": "所需材料",
    "time_limit_days": "办理时限(工作日)",
    "time_limit_unit": "时限单位",
    "responsible": "责任主体",
    "fee": "收费",
    "venues": "办理地点",
    "contact": "联系方式",
    "areas": "适用区域",
    "summary": "摘要",
    "keywords": "关键词",
}
