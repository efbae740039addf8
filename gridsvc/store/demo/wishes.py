"""Demo data for resident services, loaded after the demo city (areas and people):
organisations of every kind with valid credit codes, their projects, volunteers, residents'
micro-wishes in every state (with their history, claims, ratings and notifications) and
volunteer demands with sign-ups and hours.

Everything goes through the same store functions as the API, so the demo's history reads like
real use; the demo account `orgmember` joins 川口社区爱心服务社, which serves its community.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

import shapely

from gridsvc.config import DEFAULTS, Settings
from gridsvc.domain import clock
from gridsvc.domain.orgs import make_credit_code, org_code_check_char
from gridsvc.domain.wishes import Actor
from gridsvc.store.accounts import users
from gridsvc.store.accounts.models import User, UserArea
from gridsvc.store.areas.models import Area
from gridsvc.store.orgs import demands
from gridsvc.store.orgs import organisations as orgs
from gridsvc.store.orgs.models import Demand, VolunteerProfile
from gridsvc.store.wishes import access, lifecycle, placement
from gridsvc.store.wishes.models import Claim

COMMUNITY = "610202004002"  # 川口社区, where the demo worker and resident live
NEIGHBOUR = "610202004001"  # 青年路社区
STREET = "610202004000"  # 青年路街道
DISTRICT = "610202"  # 王益区


def _code(kind: str, n: int) -> str:
    """A civil-affairs (5) credit code of the given kind (1 社会团体, 2 民办非企业单位, 3 基金会)."""
    body = f"MJ{280100 + n:06d}"
    return make_credit_code(f"5{kind}{DISTRICT}{body}{org_code_check_char(body)}")


# name, kind, registered as (None: filed, else the GB 32100 kind digit), areas, projects
ORGS = [
    ("铜川市王益区川口社区爱心服务社", "community_service", "2", [COMMUNITY, NEIGHBOUR], [
        ("暖冬助老", ["elderly_care", "daily_necessities", "health"], 20),
        ("四点半课堂", ["study", "children"], 15)]),
    ("铜川市王益区慈善协会", "charity", "1", [DISTRICT], [
        ("微心愿圆梦行动", ["daily_necessities", "study", "children", "disability"], 40)]),
    ("铜川市王益区教育发展基金会", "charity", "3", [DISTRICT], [("助学圆梦", ["study", "children"], 30)]),
    ("青年路街道人民调解志愿队", "mediation", None, [STREET], [("邻里调解", ["companionship", "other"], 10)]),
    ("王益区秦腔文化艺术团", "culture_sports", "1", [DISTRICT],
     [("文艺进楼院", ["companionship", "elderly_care"], 12)]),
    ("铜川市王益区法律援助服务中心", "legal_services", "2", [DISTRICT],
     [("法律咨询进社区", ["other", "elderly_care"], 20)]),
    ("王益区耀州瓷非遗传习社", "intangible_heritage", "1", ["610202001000"],
     [("非遗进课堂", ["study", "children"], 8)]),
    ("红旗街街道助残服务站", "community_service", None, ["610202002000"],
     [("助残帮扶", ["disability", "repairs"], 10)]),
]

# units based in the community and caring enterprises (驻区单位, 爱心企业; seed 002 §18): recorded
# like organisations (their staff claim for them), not registered with civil affairs
UNITS = [  # name, org type, kind of service, areas, member username, member name, phone, project
    ("国网铜川供电公司川口供电所", "resident_unit", "community_service", [COMMUNITY], "u_gongdian", "马志刚",
     "13609190041",
     ("电力便民进楼院", ["repairs", "elderly_care"], 10)),
    ("铜川市王益区惠民爱心超市", "caring_enterprise", "charity", [COMMUNITY, NEIGHBOUR], "u_chaoshi", "何丽",
     "13609190042",
     ("爱心超市圆梦", ["daily_necessities", "study", "children"], 10)),
]
PARTY_MEMBER = ("p_lijun", "李军", COMMUNITY, "王益区税务局", "13709190019")  # 在职党员 reporting to the community

VOLUNTEERS = [  # username, name, area, categories, phone
    ("v_liuyan", "刘燕", COMMUNITY, ["elderly_care", "companionship", "health"], "13709190011"),
    ("v_zhangqiang", "张强", COMMUNITY, ["repairs", "daily_necessities"], "13709190012"),
    ("v_wangli", "王莉", NEIGHBOUR, ["study", "children"], "13709190013"),
    ("v_zhaolei", "赵磊", STREET, ["repairs", "disability"], "13709190014"),
    ("v_sunjing", "孙静", STREET, ["elderly_care", "companionship"], "13709190015"),
    ("v_zhoupeng", "周鹏", DISTRICT, ["study", "other"], "13709190016"),
    ("v_wufang", "吴芳", DISTRICT, ["health", "elderly_care"], "13709190017"),
    ("v_zhengbo", "郑波", COMMUNITY, ["daily_necessities", "repairs", "other"], "13709190018"),
]

RESIDENTS = [  # username, name, building, phone, door
    ("r_liguilan", "李桂兰", "610202004002001002001", "13909190021", "2单元301"),
    ("r_wangjianguo", "王建国", "610202004002001003002", "13909190022", "1单元502"),
    ("r_chenxiuying", "陈秀英", "610202004002002001001", "13909190023", "3单元101"),
    ("r_yangming", "杨明", "610202004002002002003", "13909190024", "1单元202"),
    ("r_zhaoshufen", "赵淑芬", "610202004001001001001", "13909190025", "2单元402"),
    ("r_huangxiaoli", "黄晓丽", "610202004002003001002", "13909190026", "4单元601"),
]

# resident, title, category, value, beneficiary, days until wish-by, final status, claimer
WISHES = [
    ("resident", "想要一副老花镜", "health", 80, "elderly", 20, "submitted", None),
    ("r_liguilan", "孩子需要一个新书包", "study", 120, "children", 25, "submitted", None),
    ("r_wangjianguo", "卫生间的灯坏了,想请人修一下", "repairs", 50, "elderly", 15, "submitted", None),
    ("r_chenxiuying", "希望有人每周陪老人聊聊天", "companionship", 30, "elderly", 40, "published", None),
    ("r_yangming", "想要一台电饭煲", "daily_necessities", 200, "poor_household", 30, "published", None),
    ("r_zhaoshufen", "轮椅刹车需要维修", "repairs", 150, "disabled", 20, "published", None),
    ("resident", "给孙子买一套课外书", "study", 100, "children", 45, "published", None),
    ("r_huangxiaoli", "想学用智能手机挂号", "elderly_care", 20, "elderly", 30, "published", None),
    ("r_liguilan", "想要一部新手机", "other", 480, "other", 30, "returned", None),
    ("r_wangjianguo", "冬天的厚棉被", "daily_necessities", 150, "elderly", 30, "withdrawn", None),
    ("r_yangming", "家里想要一台电饭锅", "daily_necessities", 180, "poor_household", 30, "merged", None),
    ("resident", "助听器电池", "health", 60, "elderly", 20, "claimed", "orgmember"),
    ("r_chenxiuying", "孩子的小学数学辅导", "study", 200, "children", 50, "claimed", "volunteer"),
    ("r_huangxiaoli", "阳台晾衣架维修", "repairs", 80, "elderly", 20, "fulfilled", "u_gongdian"),
    ("r_zhaoshufen", "过冬的羽绒服", "daily_necessities", 300, "poor_household", 30, "confirmed", "orgmember"),
    ("r_wangjianguo", "陪老人去医院复查", "health", 50, "elderly", 20, "confirmed", "p_lijun"),
    ("r_liguilan", "书桌和台灯", "study", 90, "children", 30, "confirmed", "u_chaoshi"),
    ("r_chenxiuying", "厨房水龙头漏水", "repairs", 60, "elderly", 25, "expired", "volunteer"),
]


async def _principal(username: str):
    return await users.principal_for(await User.get(username=username))


async def _grid_worker(grid: str) -> str:
    link = UserArea.filter(area__code=grid, user__role="worker").first()
    # flat=True gives bare values, not the tuples Tortoise's stubs say
    username = cast(str | None, await link.values_list("user__username", flat=True))
    return username or "worker"


def _standing(principal, *kinds: Actor) -> access.Standing:
    return access.Standing(principal, frozenset(kinds), can_read=Actor.GRID_STAFF in kinds,
                           pii=Actor.GRID_STAFF in kinds)


async def _placement(building: str) -> placement.Placement:
    area = await Area.get(code=building)
    pt = shapely.from_wkb(area.geometry).representative_point()
    community = await Area.filter(code=building[:12]).first()
    chain = ({"code": building[:12], "name": community.name if community else "", "level": "community"},)
    return placement.Placement(round(pt.x, 6), round(pt.y, 6), building[:15], building, chain, area.name)


async def load(settings: Settings = DEFAULTS) -> dict:
    now = clock.now()
    today = clock.china(now).date()
    password_hash = (await User.get(username="resident")).password_hash
    admin = await _principal("admin")

    # organisations, their projects, and the demo member
    org_ids: dict[str, int] = {}
    n_projects = 0
    for n, (name, kind, reg, areas, projects) in enumerate(ORGS, start=1):
        fields = orgs.parse_org({"name": name, "kind": kind, "status": "registered" if reg else "filed",
                                 "credit_code": _code(reg, n) if reg else None, "phone": f"0919-31{n:05d}"})
        org = await orgs.create_org(fields, await orgs.check_service_areas(areas), actor=admin)
        org_ids[name] = org.id
        for p_name, cats, capacity in projects:
            await orgs.create_project(org, {"name": p_name, "categories": cats, "capacity": capacity,
                                            "period_start": (today - timedelta(days=30)).isoformat(),
                                            "period_end": (today + timedelta(days=150)).isoformat()},
                                      actor=admin, today=today)
            n_projects += 1
    home_org = org_ids[ORGS[0][0]]
    await User.filter(username="orgmember").update(org_id=home_org)
    await users.create_user("m_gaoyan", role="org_member", display_name="高艳", phone="13609190031",
                            org_id=org_ids["铜川市王益区慈善协会"])

    # units and enterprises based in the community, each with a member who claims for it
    for u_name, org_type, kind, u_areas, member, member_name, u_phone, (project, cats, capacity) in UNITS:
        fields = orgs.parse_org({"name": u_name, "org_type": org_type, "kind": kind, "phone": u_phone})
        unit = await orgs.create_org(fields, await orgs.check_service_areas(u_areas), actor=admin)
        await users.create_user(member, role="org_member", display_name=member_name, phone=u_phone, org_id=unit.id)
        await orgs.create_project(unit, {"name": project, "categories": cats, "capacity": capacity,
                                         "period_start": (today - timedelta(days=30)).isoformat(),
                                         "period_end": (today + timedelta(days=150)).isoformat()},
                                  actor=admin, today=today)
        n_projects += 1

    # volunteers (the demo account and eight more, who cannot log in)
    for username, name, area, cats, phone in VOLUNTEERS:
        u = await users.create_user(username, role="volunteer", display_name=name, phone=phone, areas=[area])
        await VolunteerProfile.create(user_id=u.id, categories=cats, max_active=3)
    p_user, p_name, p_area, p_workplace, p_phone = PARTY_MEMBER
    u = await users.create_user(p_user, role="volunteer", display_name=p_name, phone=p_phone, areas=[p_area])
    await VolunteerProfile.create(user_id=u.id, categories=["elderly_care", "health", "companionship"], max_active=3,
                                  party_member=True, workplace=p_workplace)
    demo_volunteer = await User.get(username="volunteer")
    await VolunteerProfile.create(user_id=demo_volunteer.id, categories=["study", "children", "health", "elderly_care",
                                                                         "repairs", "daily_necessities"], max_active=5)

    # residents: the demo account gets an address; neighbours post wishes too
    await User.filter(username="resident").update(address="川口社区1号楼2单元301")
    for username, name, building, phone, door in RESIDENTS:
        home = await Area.get(code=building)
        community = await Area.get(code=building[:12])
        await users.create_user(username, role="resident", display_name=name, phone=phone, areas=[building],
                                address=f"{community.name}{home.name}{door}")
    await User.filter(username__in=[r[0] for r in RESIDENTS]).update(password_hash=password_hash)

    # wishes in every state, through the store's own steps
    statuses: dict[str, int] = {}
    published_by_title: dict[str, int] = {}
    claimers = {name: await _principal(name)
                for name in ("orgmember", "volunteer", "p_lijun", "u_gongdian", "u_chaoshi")}
    for resident_name, title, cat, value, ben, days, final, claimer in WISHES:
        resident = await User.get(username=resident_name)
        home_code = await placement.home_building(resident.id)
        placed = await _placement(home_code or "")
        owner = _standing(await users.principal_for(resident), Actor.RESIDENT_OWNER)
        staff = _standing(await _principal(await _grid_worker(placed.grid_code)), Actor.GRID_STAFF)
        wish = await placement.create_wish({"title": title, "category": cat, "value_yuan": value, "beneficiary": ben,
                                            "wish_by": (today + timedelta(days=days)).isoformat()},
                                           placed, resident=resident, actor=owner.principal, settings=settings, now=now)

        async def step(action: str, st: access.Standing, **data) -> None:
            nonlocal wish
            wish = await lifecycle.act(wish, action, st, data, settings=settings, now=now)

        if final == "returned":
            await step("return", staff, reason="手机超出微心愿范围,建议改为老年机或生活用品")
        elif final == "withdrawn":
            await step("withdraw", owner, reason="子女已经买了")
        elif final == "merged":
            await step("merge", staff, into=published_by_title["想要一台电饭煲"])
        elif final != "submitted":
            await step("publish", staff)
            published_by_title[title] = wish.id
            if claimer:
                kind = Actor.ORG_MEMBER if claimers[claimer].org_id is not None else Actor.VOLUNTEER
                await step("claim", _standing(claimers[claimer], kind))
                holder = _standing(claimers[claimer], Actor.CLAIMER)
                if final == "expired":
                    await Claim.filter(id=wish.current_claim_id).update(deadline=now - timedelta(hours=1))
                    await lifecycle.expire_claims(now)
                    wish = await access.get_wish(wish.id)
                elif final in ("fulfilled", "confirmed"):
                    await step("fulfil", holder, note="已上门送达并帮助安装,老人很满意", fulfilled_on=today.isoformat())
                    if final == "confirmed":
                        await step("confirm", owner, stars=5 if value > 60 else 4, comment="感谢爱心人士的帮助!")
        statuses[wish.status] = statuses.get(wish.status, 0) + 1

    n_demands = await _demands(now)
    return {
        "organisations": len(ORGS), "units": len(UNITS), "projects": n_projects, "volunteers": len(VOLUNTEERS) + 2,
        "wishes": len(WISHES), "wish_statuses": statuses, "demands": n_demands,
    }


async def _demands(now: datetime) -> int:
    """Volunteer demands: one an organisation half took and volunteers fill, one full, one
    recruiting, one closed, and one done last month with everyone's hours recorded."""
    worker = await _principal("worker")
    head = await _principal("head")
    at9 = clock.now().astimezone(clock.CHINA).replace(hour=9, minute=0, second=0, microsecond=0)
    area = await Area.get(code=COMMUNITY)
    grid = await Area.get(code="610202004002001")

    async def publish(actor, area_, title, days, hours, needed, skills, category, place):
        start = at9 + timedelta(days=days)
        return await demands.create_demand({
            "title": title, "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=hours)).isoformat(),
            "volunteers_needed": needed, "skills": skills, "category": category, "place": place}, area_, actor=actor,
            now=now)

    member = await _principal("orgmember")
    volunteer = await _principal("volunteer")
    d1 = await publish(head, area, "重阳敬老:日间照料中心陪伴", 5, 3, 8, ["陪伴聊天", "理发"], "elderly_care",
                       "川口社区日间照料中心")
    await demands.take(d1, member, kind="org", count=4, now=now)
    await demands.take(d1, volunteer, kind="volunteer", now=now)
    d2 = await publish(worker, grid, "垃圾分类入户宣传", 3, 2, 3, ["宣传讲解"], "other", "川口社区第1网格各楼栋")
    for username in ("v_liuyan", "v_zhangqiang", "v_zhengbo"):
        await demands.take(await Demand.get(id=d2.id), await _principal(username), kind="volunteer", now=now)
    await publish(head, area, "社区义诊志愿服务", 10, 4, 5, ["医护", "测血压"], "health", "川口社区广场")
    d4 = await publish(head, area, "防汛应急值守", 2, 8, 6, ["值守"], "other", "川口社区居委会")
    await demands.step(d4, "close", actor=head, now=now)
    # last month's event: created as it was then, hours recorded afterwards
    past = at9 - timedelta(days=30)
    d5 = await Demand.create(title="春节写春联送福", description="为社区老人写春联、送福字", category="elderly_care",
                             area_code=COMMUNITY, place="川口社区活动室", lon=d1.lon, lat=d1.lat, starts_at=past,
                             ends_at=past + timedelta(hours=4), needed=5, taken=0, skills=["书法"], status="published",
                             published_by_id=head.user_id)
    await demands.take(d5, member, kind="org", count=2, now=now)
    for username in ("volunteer", "v_sunjing", "v_wufang"):
        await demands.take(await Demand.get(id=d5.id), await _principal(username), kind="volunteer", now=now)
    await demands.record_hours(await Demand.get(id=d5.id), [
        {"volunteer": "volunteer", "hours": 4}, {"volunteer": "v_sunjing", "hours": 3.5},
        {"volunteer": "v_wufang", "hours": 4}, {"volunteer": "orgmember", "hours": 4}], actor=head, now=now)
    await demands.step(await Demand.get(id=d5.id), "complete", actor=head, now=now)
    return 5
