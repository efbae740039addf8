"""The catalog store on SQLite and PostgreSQL: versions and the catalog of a past day, areas
inherited from street to community, admission from application to expiry, the search index
kept fresh across processes, concurrent publishes."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from gridsvc.domain import clock
from gridsvc.domain.errors import Conflict, Forbidden, NotFound, ValidationError
from gridsvc.domain.scope import SYSTEM, Principal
from gridsvc.store import catalog as store
from gridsvc.store.accounts.models import User
from gridsvc.store.accounts.users import create_user, principal_for
from gridsvc.store.audit.models import AuditLog
from gridsvc.store.catalog import admission, sheets
from gridsvc.store.catalog.models import AdmissionStep, ServiceItem, ServiceItemVersion
from gridsvc.store.catalog.search import CatalogIndexHolder, build_search
from gridsvc.store.db import normalise_db_url
from tests.conftest import PASSWORD
from tests.kit.catalog import (
    DIBAO,
    PAPERS,
    TASK,
    fixture_items,
    publish_new,
    seed,
)

D = date.fromisoformat


@pytest.fixture
async def who(people):
    """Principals of real accounts: admin, official (610202), official2 (610203), street."""
    await create_user("street", role="official", password=PASSWORD, areas=[people.street])
    return {u.username: await principal_for(u) for u in await User.filter(
        username__in=["admin", "official", "official2", "street"])}


def scoped(principal: Principal):
    """The store's authorize hook, as the web layer builds it, for a principal."""
    from gridsvc.domain.scope import authorize as decide

    async def check(action, areas):
        for code in list(areas) or await store.top_area_codes() or ["-"]:
            decide(principal, action, code)

    return check


# ---- versions -------------------------------------------------------------------------------


async def test_published_versions_are_never_edited_and_past_days_show_the_old_text(tree):
    await publish_new(DIBAO, D("2024-01-01"))
    v1 = await ServiceItemVersion.get(item__code="GS-SB-001", version=1)
    draft = await store.edit_item("GS-SB-001", {"time_limit_days": 15, "name": "城乡最低生活保障申请"}, actor=SYSTEM)
    assert draft["version"] == 2 and draft["status"] == "draft" and draft["changed"]
    # a second edit changes the same draft
    draft = await store.edit_item("GS-SB-001", {"contact": "民政服务热线 12349"}, actor=SYSTEM)
    assert draft["version"] == 2 and draft["time_limit_days"] == 15
    await store.publish_item("GS-SB-001", on=D("2024-06-01"), actor=SYSTEM)
    again = await ServiceItemVersion.get(id=v1.id)
    assert again.data == v1.data and again.status == "superseded" and again.superseded_on == D("2024-06-01")

    before = await store.item_detail("GS-SB-001", day=D("2024-05-31"))
    after = await store.item_detail("GS-SB-001", day=D("2024-06-01"))
    assert (before["version"], before["name"], before["time_limit_days"]) == (1, "最低生活保障金申请", 30)
    assert (after["version"], after["name"], after["time_limit_days"]) == (2, "城乡最低生活保障申请", 15)
    with pytest.raises(NotFound) as e:
        await store.item_detail("GS-SB-001", day=D("2023-12-31"))
    assert "2024-01-01" in e.value.message

    search = await build_search()
    assert [h["version"] for h in search.search("低保", on=D("2024-03-01"))] == [1]
    assert [h["version"] for h in search.search("低保", on=D("2024-07-01"))] == [2]
    assert [h["name"] for h in search.search("城乡最低", on=D("2024-03-01"))] == []
    assert [i.name for i in await store.items_on(D("2024-03-01"))] == ["最低生活保障金申请"]

    await store.revoke_item("GS-SB-001", reason="并入“社会救助一件事”", on=D("2025-01-01"), actor=SYSTEM)
    with pytest.raises(NotFound) as e:
        await store.item_detail("GS-SB-001", day=D("2025-02-01"))
    assert "撤销" in e.value.message and "社会救助一件事" in e.value.message
    search = await build_search()
    assert search.search("低保", on=D("2025-02-01")) == []
    assert [h["version"] for h in search.search("低保", on=D("2024-12-31"))] == [2]
    history = await store.version_list("GS-SB-001", may_see_drafts=False)
    assert [(v["version"], v["status"]) for v in history["versions"]] == [(1, "superseded"), (2, "revoked")]
    actions = await AuditLog.filter(target_id="GS-SB-001").order_by("id").values_list("action", flat=True)
    assert actions == ["catalog.create", "catalog.publish", "catalog.edit", "catalog.edit", "catalog.publish",
                       "catalog.revoke"]


async def test_an_unchanged_edit_makes_no_version_and_drafts_stay_hidden(tree):
    await publish_new(DIBAO, D("2024-01-01"))
    same = await store.edit_item("GS-SB-001", {"name": DIBAO["name"]}, actor=SYSTEM)
    assert same["changed"] is False and same["version"] == 1
    await store.edit_item("GS-SB-001", {"summary": "新的说明"}, actor=SYSTEM)
    public = await store.version_list("GS-SB-001", may_see_drafts=False)
    assert [v["version"] for v in public["versions"]] == [1]
    assert (await store.item_detail("GS-SB-001", day=D("2024-02-01")))["summary"] == DIBAO["summary"]
    await store.discard_draft("GS-SB-001", actor=SYSTEM)
    assert await ServiceItemVersion.filter(item__code="GS-SB-001").count() == 1


async def test_backdating_a_publication_is_refused_for_people(who):
    await store.create_item(DIBAO, actor=SYSTEM)
    admin = who["admin"]
    with pytest.raises(ValidationError) as e:
        await store.publish_item("GS-SB-001", on=D("2020-01-01"), actor=admin, authorize=scoped(admin))
    assert e.value.code == "date_in_past"
    view = await store.publish_item("GS-SB-001", actor=admin, authorize=scoped(admin))
    assert view["published_on"] == clock.today().isoformat()


async def test_list_and_category_cannot_change_and_codes_are_assigned(tree):
    await store.create_item(DIBAO, actor=SYSTEM)
    with pytest.raises(ValidationError) as e:
        await store.edit_item("GS-SB-001", {"category": "health"}, actor=SYSTEM)
    assert e.value.code in ("code_mismatch",)
    with pytest.raises(Conflict) as e:
        await store.create_item(DIBAO, actor=SYSTEM)
    assert e.value.details["suggest"] == "GS-SB-002"
    view = await store.create_item({k: v for k, v in DIBAO.items() if k != "code"}, actor=SYSTEM)
    assert view["code"] == "GS-SB-002"


async def test_two_publishes_of_one_draft_let_one_through(tree):
    await publish_new(DIBAO, D("2024-01-01"))
    await store.edit_item("GS-SB-001", {"time_limit_days": 10}, actor=SYSTEM)
    results = await asyncio.gather(*[store.publish_item("GS-SB-001", on=D("2024-06-01"), actor=SYSTEM)
                                     for _ in range(4)], return_exceptions=True)
    ok = [r for r in results if isinstance(r, dict)]
    assert len(ok) == 1 and all(isinstance(r, Conflict) for r in results if not isinstance(r, dict))
    rows = await ServiceItemVersion.filter(item__code="GS-SB-001").order_by("version").values_list("status", flat=True)
    assert rows == ["superseded", "published"]


# ---- areas ----------------------------------------------------------------------------------


async def test_street_items_apply_to_its_communities_and_grids(tree):
    await seed()
    day = D("2024-02-01")
    search = await build_search()

    def codes(area):
        return sorted(h["code"] for h in search.search(None, area_code=area, on=day, limit=None))

    assert codes(tree.community) == ["GS-SB-001", "GS-SF-101"]
    assert codes(tree.community2) == ["GS-SB-001", "GS-SF-101", "GS-WT-101"]
    assert codes(tree.grid) == ["GS-SB-001", "GS-SF-101"]  # a grid has its community's catalog
    assert codes(tree.street) == ["GS-SB-001", "GS-SF-101"]
    assert codes(tree.district) == ["GS-SB-001"]  # a street's item is not the whole district's
    assert codes("610203001001") == ["GS-SB-001", "GS-ZF-101"]
    assert sorted(i.code for i in await store.items_on(day, area=tree.community2)) == codes(tree.community2)
    assert (await store.item_detail("GS-SF-101", day=day, area=tree.grid))["code"] == "GS-SF-101"
    with pytest.raises(NotFound) as e:
        await store.item_detail("GS-SF-101", day=day, area="610203001001")
    assert e.value.code == "not_for_area"


async def test_unknown_areas_are_refused(tree):
    with pytest.raises(ValidationError) as e:
        await store.create_item({**DIBAO, "areas": ["610202009000"]}, actor=SYSTEM)
    assert e.value.code == "unknown_area" and e.value.details["missing"] == ["610202009000"]


async def test_officials_edit_only_within_scope(who):
    await seed()
    district, other, street, admin = who["official"], who["official2"], who["street"], who["admin"]
    # the street's item: the district and the street may, the other district may not
    await store.edit_item("GS-SF-101", {"summary": "区里改"}, actor=district, authorize=scoped(district))
    await store.edit_item("GS-SF-101", {"summary": "街道改"}, actor=street, authorize=scoped(street))
    with pytest.raises(Forbidden):
        await store.edit_item("GS-SF-101", {"summary": "外区改"}, actor=other, authorize=scoped(other))
    # nor may the street move it out of its scope, or a district take it over
    with pytest.raises(Forbidden):
        await store.edit_item("GS-SF-101", {"areas": ["610202"]}, actor=street, authorize=scoped(street))
    with pytest.raises(Forbidden):
        await store.edit_item("GS-ZF-101", {"areas": ["610202"]}, actor=district, authorize=scoped(district))
    # an item for everywhere takes the admin (no official covers both districts here)
    with pytest.raises(Forbidden):
        await store.edit_item("GS-SB-001", {"summary": "改"}, actor=district, authorize=scoped(district))
    await store.edit_item("GS-SB-001", {"summary": "改"}, actor=admin, authorize=scoped(admin))


# ---- admission ------------------------------------------------------------------------------


def application(**changes) -> dict:
    data = {
        "department": "王益区卫生健康局", "reason": "需社区协助核对适龄儿童接种信息",
        "legal_basis": "《中华人民共和国疫苗管理法》",
        "funding": {"amount": "每社区每年 1.2 万元", "source": "区财政专项资金"},
        "areas": ["610202001000"], "period_start": "2024-03-01", "period_end": "2024-08-31", "item": TASK,
    }
    data.update(changes)
    return data


async def test_admission_from_application_to_expiry(people, who):
    street, district = who["street"], who["official"]
    view = await admission.apply(application(), actor=street, authorize=scoped(street), on=D("2024-02-20"))
    aid = view["id"]
    assert view["state"] == "applied" and view["item_code"] == "ZR-WJ-101"
    item = await ServiceItem.get(code="ZR-WJ-101")
    assert item.admission_required and item.item_list == "admitted"
    search = await build_search()
    assert search.search("疫苗", on=D("2024-04-01"), area_code=people.community) == []

    # the street may apply but not decide; nobody decides their own application
    with pytest.raises(Forbidden):
        await admission.decide(aid, "approve", actor=street, authorize=scoped(street), on=D("2024-02-25"))
    view = await admission.decide(aid, "approve", reason="经费已落实", actor=district, authorize=scoped(district),
                                  on=D("2024-03-10"), **PAPERS)
    # approved within the period: active the same day, and the step is recorded at once
    assert view["state"] == "active" and view["decided_by"] == "official"

    search = await build_search()
    # in the lists of the approved street's communities, from the approval day (after the
    # period's start) to the period's last day
    assert search.search("疫苗", on=D("2024-03-09"), area_code=people.community) == []
    assert [h["code"] for h in search.search("疫苗", on=D("2024-03-10"), area_code=people.community)] == ["ZR-WJ-101"]
    assert [h["code"] for h in search.search("打疫苗", on=D("2024-08-31"), area_code=people.grid)] == ["ZR-WJ-101"]
    assert search.search("疫苗", on=D("2024-09-01"), area_code=people.community) == []
    assert search.search("疫苗", on=D("2024-04-01"), area_code="610203001001") == []
    detail = await store.item_detail("ZR-WJ-101", day=D("2024-04-01"), area=people.community2)
    assert detail["areas"] == ["610202001000"] and detail["admissions"][0]["id"] == aid

    # the calendar's steps are recorded with the days they took effect
    assert await admission.sweep(D("2024-04-01")) == 0
    assert await admission.sweep(D("2024-09-05")) == 1
    assert await admission.sweep(D("2024-09-06")) == 0
    adm = await admission.get_admission(aid)
    view = await admission.admission_view(adm, day=D("2024-09-05"))
    assert view["state"] == "expired" and not view["in_force_today"]
    assert [(s["action"], s["on"]) for s in view["steps"]] == [
        ("apply", "2024-02-20"), ("approve", "2024-03-10"), ("activate", "2024-03-10"), ("expire", "2024-09-01")]
    assert [s["by"] for s in view["steps"]] == ["street", "official", "system", "system"]
    with pytest.raises(NotFound) as e:
        await store.item_detail("ZR-WJ-101", day=D("2024-09-05"))
    assert e.value.code == "not_admitted"
    actions = await AuditLog.filter(target_type="admission").order_by("id").values_list("action", flat=True)
    assert actions == ["admission.apply", "admission.approve", "admission.expire"]


async def test_admission_rules(people, who):
    street, district, other = who["street"], who["official"], who["official2"]
    # funding must follow the task
    with pytest.raises(ValidationError) as e:
        await admission.apply(application(funding={"amount": "", "source": ""}), actor=street, on=D("2024-02-20"))
    assert e.value.code == "no_funding"
    # the list of work the community must not take on cannot be admitted into
    with pytest.raises(ValidationError) as e:
        await admission.apply(application(item={**TASK, "code": "BC-WJ-101", "list": "excluded"}), actor=street,
                              on=D("2024-02-20"))
    assert e.value.code == "not_admissible"
    # the applicant's scope must cover the areas
    with pytest.raises(Forbidden):
        await admission.apply(application(areas=["610203001000"]), actor=street, authorize=scoped(street),
                              on=D("2024-02-20"))
    # an ordinary item is not admitted: it applies by its own areas
    await publish_new(DIBAO, D("2024-01-01"))
    with pytest.raises(Conflict) as e:
        await admission.apply(application(item=None, item_code="GS-SB-001"), actor=street, on=D("2024-02-20"))
    assert e.value.code == "not_admission_item"
    view = await admission.apply(application(), actor=street, on=D("2024-02-20"))
    # another district's official may not decide; a rejection needs a reason
    with pytest.raises(Forbidden):
        await admission.decide(view["id"], "reject", reason="no", actor=other, authorize=scoped(other),
                               on=D("2024-02-21"))
    with pytest.raises(ValidationError) as e:
        await admission.decide(view["id"], "reject", actor=district, authorize=scoped(district), on=D("2024-02-21"))
    assert e.value.code == "reason_required"
    view = await admission.decide(view["id"], "reject", reason="经费来源未落实", actor=district,
                                  authorize=scoped(district), on=D("2024-02-21"))
    assert view["state"] == "rejected" and view["decision_reason"] == "经费来源未落实"
    with pytest.raises(Conflict):
        await admission.decide(view["id"], "approve", actor=district, authorize=scoped(district), on=D("2024-02-22"))
    # a second application for the same (admission) item, ended early when the work is done
    second = await admission.apply(application(item=None, item_code="ZR-WJ-101"), actor=street, on=D("2024-02-25"))
    await admission.decide(second["id"], "approve", actor=district, on=D("2024-03-01"), **PAPERS)
    with pytest.raises(ValidationError):
        await admission.end(second["id"], reason="", actor=district, on=D("2024-05-01"))
    ended = await admission.end(second["id"], reason="核查工作已完成", actor=district, on=D("2024-05-01"))
    assert ended["state"] == "expired" and ended["ended_on"] == "2024-05-01"
    search = await build_search()
    assert [h["code"] for h in search.search("疫苗", on=D("2024-04-30"), area_code=people.community)] == ["ZR-WJ-101"]
    assert search.search("疫苗", on=D("2024-05-01"), area_code=people.community) == []
    steps = await AdmissionStep.filter(admission_id=second["id"]).order_by("id").values_list("action", flat=True)
    assert steps == ["apply", "approve", "activate", "expire"]


async def test_a_withdrawn_application_is_never_listed(people, who):
    street = who["street"]
    view = await admission.apply(application(), actor=street, on=D("2024-02-20"))
    view = await admission.withdraw(view["id"], reason="改由街道自行办理", actor=street, on=D("2024-02-22"))
    assert view["state"] == "withdrawn"
    with pytest.raises(Conflict):
        await admission.decide(view["id"], "approve", actor=who["official"], on=D("2024-03-01"))


# ---- the search index across processes ------------------------------------------------------


async def test_every_holder_sees_a_change_made_through_another(tree, db_url):
    """Two holders stand for two worker processes on one database."""
    a = CatalogIndexHolder(normalise_db_url(db_url))
    b = CatalogIndexHolder(normalise_db_url(db_url))
    try:
        await seed(clock.today() - timedelta(days=1))
        for h in (a, b):
            assert [x["code"] for x in (await h.get()).search("低保", on=clock.today())] == ["GS-SB-001"]
        first_a, first_b = await a.get(), await b.get()
        assert await a.get() is first_a  # nothing changed: no rebuild
        await store.revoke_item("GS-SB-001", reason="测试", actor=SYSTEM)
        b.dirty = False  # as if the change came from another process: only the watcher can tell b
        assert (await a.get()).search("低保", on=clock.today()) == []
        for _ in range(100):  # PostgreSQL delivers the NOTIFY asynchronously: wait for b to see the revoke
            if not (await b.get()).search("低保", on=clock.today()):
                break
            await asyncio.sleep(0.01)
        assert (await b.get()).search("低保", on=clock.today()) == []
        # b updated the revoked item in place rather than rebuilding, and agrees with a fresh build
        assert (await b.get()) is first_b and first_b.revision == (await build_search()).revision
        await store.edit_item("GS-SF-101", {"name": "老年人助餐服务预约"}, actor=SYSTEM)
        await store.publish_item("GS-SF-101", actor=SYSTEM)
        fresh = await build_search()
        for h in (a, b):
            s = await h.get()
            for q, area in (("助餐", tree.community), (None, tree.community2), ("居民身份证", None), ("gs", tree.grid)):
                assert s.search(q, area_code=area, on=clock.today(), limit=None) == \
                    fresh.search(q, area_code=area, on=clock.today(), limit=None), (q, area)
    finally:
        await a.close()
        await b.close()


async def test_import_is_all_or_nothing_and_idempotent(tree):
    known = {tree.district, tree.other_district}
    items = fixture_items(known)
    report = await sheets.import_items(items, actor=SYSTEM, on=D("2024-01-01"))
    assert report["created"] == len(items) and report["updated"] == 0
    again = await sheets.import_items(items, actor=SYSTEM, on=D("2024-02-01"))
    assert again["created"] == again["updated"] == 0 and again["unchanged"] == len(items)
    count = await ServiceItemVersion.all().count()
    bad = [(n, i) for n, i in items]
    from dataclasses import replace

    bad[3] = (bad[3][0], replace(bad[3][1], areas=["610202009000"]))
    bad[5] = (bad[5][0], replace(bad[5][1], summary="改过的说明"))
    with pytest.raises(ValidationError) as e:
        await sheets.import_items(bad, actor=SYSTEM, on=D("2024-03-01"))
    assert e.value.details["rows"] == [bad[3][0]]
    assert e.value.details["problems"][0]["column"] == "适用区域"
    assert await ServiceItemVersion.all().count() == count
