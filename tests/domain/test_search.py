"""Chinese full-text search over the catalog: tokens, abbreviations, ranking, filters, speed."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from gridsvc.domain.catalog import check_item, search_doc
from gridsvc.domain.errors import ValidationError
from gridsvc.domain.search import (
    CODE,
    EXACT,
    KEYWORD,
    MATERIAL,
    NAME,
    PREFIX,
    SUBSEQ,
    SUMMARY,
    CatalogIndex,
    Hit,
    SearchDoc,
    abbreviations_for,
    expansions,
    normalize,
    tokens,
)

FIXTURE = Path(__file__).resolve().parents[2] / "gridsvc" / "fixtures" / "catalog.json"


@pytest.fixture(scope="module")
def fixture_items():
    return [check_item(raw) for raw in json.loads(FIXTURE.read_text(encoding="utf-8"))["items"]]


@pytest.fixture(scope="module")
def catalog(fixture_items):
    return CatalogIndex(search_doc(item, item.code) for item in fixture_items)


@pytest.fixture(scope="module")
def names(fixture_items):
    return {item.code: item.name for item in fixture_items}


def doc(i, name, **kw):
    return SearchDoc(id=i, code=kw.pop("code", f"GS-SB-{i:03d}"), name=name, **kw)


def ids(hits):
    return [h.id for h in hits]


# -- tokens --------------------------------------------------------------------------------


def test_tokens_unigrams_bigrams_and_latin_prefixes():
    assert tokens("低保金") == ["低", "保", "金", "低保", "保金"]
    assert tokens("GS-SB") == ["g", "gs", "s", "sb"]
    assert tokens("B超检查") == ["b", "超", "检", "查", "超检", "检查"]


def test_tokens_normalise_full_width_and_case():
    assert normalize("ＧＳ－ＳＢ　００１") == "gs-sb 001"
    assert tokens("ＡＢ，低保") == tokens("ab,低保") == ["a", "ab", "低", "保", "低保"]
    assert tokens("") == [] and tokens("!!,。") == []


def test_abbreviation_table_both_ways():
    assert "最低生活保障申请" in expansions("低保申请")
    assert "低保" in expansions("最低生活保障")
    assert "低保" in abbreviations_for("最低生活保障金申请")
    assert abbreviations_for("就业失业登记") == ["失业证"]
    assert abbreviations_for("法律咨询") == []


# -- the catalog -----------------------------------------------------------------------------


def test_dibao_finds_the_minimum_living_allowance_first(catalog, names):
    # 低 and 保 are not adjacent in 最低生活保障金申请: only the abbreviation table and the
    # subsequence rule can find it, and no fixture keyword is needed (see the bare index below).
    hits = catalog.search("低保")
    assert names[hits[0].id] == "最低生活保障金申请"


def test_dibao_without_keywords_or_table_still_finds_by_subsequence():
    index = CatalogIndex([doc(1, "最低生活保障金申请"), doc(2, "临时救助申请"), doc(3, "低收入家庭保障房")])
    hits = index.search("低保")
    assert ids(hits)[0] == 1  # through the abbreviation table, a name prefix
    assert hits[0].score > PREFIX - 20
    index = CatalogIndex([doc(1, "最低生活保险金申请"), doc(2, "临时救助申请")])  # not in the table
    hits = index.search("低险")
    assert ids(hits) == [1] and SUBSEQ <= hits[0].score < SUBSEQ + 100


@pytest.mark.parametrize("q, expected", [
    ("医保", "居民医保参保登记"),
    ("医疗保险", "居民医保参保登记"),  # the other way round
    ("五保", "特困人员救助供养申请"),
    ("准生证", "生育登记"),
    ("老年证", "老年人优待证办理"),
    ("残疾证", "残疾人证办理"),
    ("公租房", "公共租赁住房申请"),
    ("两项补贴", "残疾人两项补贴申请"),
    ("高龄补贴", "高龄津贴申领"),
    ("暂住证", "居住证申领"),
    ("法援", "法律援助申请"),
])
def test_common_abbreviations(catalog, names, q, expected):
    assert names[catalog.search(q, list_="public_service")[0].id] == expected


@pytest.mark.parametrize("q, expected", [
    ("生活保障", "最低生活保障金申请"),
    ("保障金", "最低生活保障金申请"),
    ("最低生活", "最低生活保障金申请"),
    ("失业", "就业失业登记"),
    ("优待", "老年人优待证办理"),
    ("医保参保", "居民医保参保登记"),
])
def test_partial_words_find_items(catalog, names, q, expected):
    assert expected in [names[h.id] for h in catalog.search(q, limit=3)]


def test_material_search(catalog, fixture_items):
    hits = catalog.search("户口簿", limit=None)
    with_it = {i.code for i in fixture_items if any("户口簿" in m.name for m in i.materials)}
    in_materials = [h for h in hits if MATERIAL - 10 <= h.score < MATERIAL + 100]
    assert {h.id for h in in_materials} == with_it and len(with_it) >= 10
    assert hits[: len(in_materials)] == in_materials  # before the items that only mention it in a summary
    assert all(SUMMARY - 10 <= h.score < SUMMARY + 100 for h in hits[len(in_materials):])


def test_codes_match_exactly_and_by_prefix(catalog):
    assert catalog.search("GS-SB-001")[0] == Hit("GS-SB-001", float(EXACT))
    assert catalog.search("ｇｓ－ｓｂ－００１")[0].id == "GS-SB-001"
    hits = catalog.search("zm-", limit=None)
    assert hits and all(h.id.startswith("ZM-") for h in hits)


def test_several_words_must_all_match(catalog, names):
    hits = catalog.search("居民 医保")
    assert names[hits[0].id] == "居民医保参保登记"
    assert catalog.search("低保 火星") == []


def test_nothing_found_and_odd_input(catalog):
    assert catalog.search("火星移民") == []
    assert catalog.search("低保", limit=0) == []
    assert catalog.search("低" * 10_000, limit=5) == []  # long input is cut, not a slow path


# -- ranking -------------------------------------------------------------------------------


def test_ranking_order():
    docs = [
        doc(1, "居民居住信息变更", summary="办理居住证后信息变更"),  # summary
        doc(2, "流动人口居住证登记"),  # contiguous in the name
        doc(3, "居民住房保障证明"),  # 居…住…证 in order only
        doc(4, "居住证申领"),  # name prefix
        doc(5, "出租房屋登记备案", materials=["居住证"]),  # material
        doc(6, "居住证"),  # exact
        doc(7, "人口信息采集", keywords=["居住证登记"]),  # keyword
        doc(8, "无关事项"),
    ]
    hits = CatalogIndex(docs).search("居住证")
    assert ids(hits) == [6, 4, 2, 7, 5, 1, 3]
    tiers = [EXACT, PREFIX, NAME, KEYWORD, MATERIAL, SUMMARY, SUBSEQ]
    for hit, tier in zip(hits, tiers, strict=True):
        assert tier - 10 <= hit.score <= tier + 80, (hit, tier)
    assert CODE < KEYWORD and SUBSEQ < SUMMARY


def test_shorter_names_rank_first_within_a_tier_and_ties_keep_catalog_order():
    index = CatalogIndex([doc(1, "临时救助申请书领取"), doc(2, "临时救助申请"), doc(3, "甲事项", materials=["身份证"]),
                          doc(4, "乙事项", materials=["身份证"])])
    assert ids(index.search("临时救助")) == [2, 1]
    assert ids(index.search("身份证")) == [3, 4]
    assert ids(CatalogIndex([doc(9, "同名"), doc(2, "同名"), doc(5, "同名")]).search("同名")) == [9, 2, 5]


def test_a_synonym_match_ranks_just_below_the_same_match_on_the_query_itself():
    index = CatalogIndex([doc(1, "最低生活保障申请"), doc(2, "低保申请")])
    hits = index.search("低保申请")
    assert ids(hits) == [2, 1]
    assert hits[0].score == EXACT and EXACT - 10 == hits[1].score


# -- filters -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def filtered():
    return CatalogIndex([
        doc(1, "临时救助申请", category="social_security", list="public_service"),
        doc(2, "王益区老旧小区改造", category="housing", list="public_service", area_prefixes=("610202",)),
        doc(3, "七一路街道助餐服务", category="social_services", list="public_service", area_prefixes=("610202001",)),
        doc(4, "居住证明", category="public_safety", list="no_certificate"),
        doc(5, "宜君县危房改造", category="housing", list="public_service", area_prefixes=("610222",)),
    ])


def test_empty_query_lists_the_catalog_in_order(filtered):
    assert ids(filtered.search("")) == [1, 2, 3, 4, 5]
    assert ids(filtered.search("  ", limit=2)) == [1, 2]
    assert ids(filtered.search(None, category="housing")) == [2, 5]
    assert ids(filtered.search("", list_="no_certificate")) == [4]
    assert all(h.score == 0.0 for h in filtered.search(""))


def test_area_filter_inherits_from_street_and_district(filtered):
    community = "610202001003"
    assert ids(filtered.search("", area_code=community)) == [1, 2, 3, 4]
    assert ids(filtered.search("", area_code="610202002001")) == [1, 2, 4]  # another street
    assert ids(filtered.search("", area_code="610202")) == [1, 2, 4]  # the street's item is not district-wide
    assert ids(filtered.search("改造", area_code="610222100200")) == [5]
    assert ids(filtered.search("改造", category="housing", area_code=community)) == [2]


def test_duplicate_ids_are_refused():
    with pytest.raises(ValidationError) as e:
        CatalogIndex([doc(1, "a"), doc(1, "b")])
    assert e.value.code == "duplicate_doc"


def test_rebuild_replaces_the_catalog():
    index = CatalogIndex([doc(1, "临时救助申请")])
    index.build([doc(2, "法律援助申请")])
    assert len(index) == 1 and ids(index.search("申请")) == [2]


# -- speed ---------------------------------------------------------------------------------


def synthetic_docs(n, seed=7):
    rnd = random.Random(seed)
    who = ("城乡 困难 老年人 残疾人 退役军人 儿童 孕产妇 失业人员 高校毕业生 "
           "农村 流动人口 特困 低收入 独居老人 社区").split()
    what = ("生活补贴 医疗救助 住房保障 养老服务 就业援助 技能培训 健康体检 法律援助 "
            "纠纷调解 文化活动 居住登记 社会保险 教育资助 护理补贴 临时救助").split()
    act = "申请 登记 认定 办理 申领 备案 变更 注销 查询 预约 补办 审核".split()
    mats = ("居民身份证 户口簿 结婚证 残疾人证 社会保障卡 银行卡 一寸照片 申请表 "
            "承诺书 诊断证明 租赁合同 不动产权证书").split()
    return [SearchDoc(id=i, code=f"GS-SB-{i:04d}", name=rnd.choice(who) + rnd.choice(what) + rnd.choice(act),
                      materials=rnd.sample(mats, rnd.randint(1, 5)),
                      summary=f"{rnd.choice(who)}{rnd.choice(what)},由社区受理,街道审核。",
                      category=rnd.choice(["social_security", "health", "housing"]), list="public_service",
                      area_prefixes=rnd.choice([(), (), ("610202",), ("610202001",)]))
            for i in range(n)]


def test_ten_thousand_items_search_filters_hold():
    # latency is measured by bench/catalog.py, not here
    index = CatalogIndex(synthetic_docs(10_000))
    assert index.search("火星") == []
    for q in ["户口簿", "申请", "社区"]:
        assert index.search(q)
        for hit in index.search(q, category="health"):
            assert hit.id is not None


def test_adding_and_removing_documents_matches_a_fresh_build():
    from dataclasses import replace
    from datetime import date

    rnd = random.Random(3)
    days = [None, date(2024, 1, 1), date(2024, 6, 1), date(2025, 1, 1)]
    docs = []
    for d in synthetic_docs(600):
        a, b = sorted(rnd.sample(days[1:], 2)) if rnd.random() < 0.5 else (rnd.choice(days), None)
        docs.append(replace(d, order=(d.category, d.code), valid_from=a, valid_to=b))
    index = CatalogIndex(docs[:400])
    index.search("补贴", on=date(2024, 3, 1))  # caches the documents in force that day
    live = {d.id: d for d in docs[:400]}
    for _ in range(5):
        gone = rnd.sample(sorted(live), 40)
        index.remove(gone + ["no such id"])
        for g in gone:
            del live[g]
        new = [d for d in docs if d.id not in live][:50]
        # some as new versions of items still indexed (two documents, one code)
        new = [replace(d, name=d.name + "变更", code=rnd.choice(sorted(live.values(), key=lambda x: x.id)).code
                       if rnd.random() < 0.3 else d.code) for d in new]
        index.add(new)
        live.update({d.id: d for d in new})
    fresh = CatalogIndex(sorted(live.values(), key=lambda d: d.order))
    assert len(index) == len(fresh) == len(live) and index.garbage == 200
    for q in ["低保", "补贴 申请", "户口簿", "变更", "gs-sb-01", "", "居民身份证"]:
        for kw in ({}, {"category": "health"}, {"area_code": "610202001003"}, {"limit": 7},
                   {"on": date(2024, 3, 1)}, {"on": date(2025, 2, 1), "area_code": "610202001003"}):
            assert index.search(q, **kw) == fresh.search(q, **kw), (q, kw)
    with pytest.raises(ValidationError):
        index.add([docs[0], docs[0]])
