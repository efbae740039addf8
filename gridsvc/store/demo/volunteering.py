"""Demo data for the volunteering pages (issue 10 item 8), loaded after the wishes' demo (it
uses its organisations, volunteers and published wishes): organisations with several members
and claims on demands, demands in every state, volunteers whose recorded hours span the star
levels of ``Settings.volunteer_star_hours``, an event that has happened and waits for its hours,
and a draft allocation plan for the street's published wishes.

Everything goes through the store's services (take, step, record_hours, make_plan) so that
takes, notifications, the audit log and the organisation's record agree. Past events have no
publishing service (publishing refuses a start in the past), so they are created as the
wishes' demo creates its past event and then taken, recorded and completed as any other.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from gridsvc.config import DEFAULTS, Settings
from gridsvc.domain import clock
from gridsvc.store.accounts import users
from gridsvc.store.accounts.models import User
from gridsvc.store.areas.models import Area
from gridsvc.store.demo.wishes import COMMUNITY, STREET
from gridsvc.store.orgs import demands
from gridsvc.store.orgs.models import Demand, Organisation
from gridsvc.store.wishes import allocations

HOME_ORG = "铜川市王益区川口社区爱心服务社"  # the demo account orgmember's organisation
WORKER_GRID = "610202004002001"  # the demo worker's grid

# the home organisation's other members: an organisation claims places for several people
MEMBERS = [  # username, name, phone
    ("m_liuhong", "刘红", "13609190032"),
    ("m_chenjie", "陈杰", "13609190033"),
    ("m_zhanghua", "张华", "13609190034"),
]

# the weekend duty at the day-care centre, a two-day event every four weeks for three years
# (常态化招募): who served how many of them, and the hours each time; together they reach 0, 1, 2
# and 3 stars at the default thresholds (100 / 300 / 600)
DUTY_EVENTS = 36
DUTY_ROSTER = [  # username, the most recent n events served, hours each
    ("v_wufang", 36, 18),  # 648 h (4 more at the wishes demo's spring festival event)
    ("v_sunjing", 20, 16),  # 320 h (3.5 more there)
    ("v_liuyan", 8, 16),  # 128 h
    ("v_zhangqiang", 3, 8),  # 24 h
]
DUTY_ORG_EVENTS = 6  # the home organisation claimed two places at the last six
DUTY_ORG_MEMBERS = [("m_liuhong", 8), ("m_chenjie", 8)]


async def _principal(username: str):
    return await users.principal_for(await User.get(username=username))


async def load(settings: Settings = DEFAULTS) -> dict:
    now = clock.now()
    at9 = clock.china(now).replace(hour=9, minute=0, second=0, microsecond=0)
    home = await Organisation.get(name=HOME_ORG)
    for username, name, phone in MEMBERS:
        await users.create_user(username, role="org_member", display_name=name, phone=phone, org_id=home.id)
    head = await _principal("head")
    worker = await _principal("worker")
    community = await Area.get(code=COMMUNITY)
    grid = await Area.get(code=WORKER_GRID)

    async def publish(actor, area, title, days, hours, needed, skills, category, place):
        start = at9 + timedelta(days=days)
        return await demands.create_demand({
            "title": title, "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=hours)).isoformat(),
            "volunteers_needed": needed, "skills": skills, "category": category, "place": place}, area, actor=actor,
            now=now)

    # recruiting, open to a sign-up: the one the demo volunteer joins in the browser walk
    tidy = await publish(worker, grid, "周末楼院环境整治", 6, 3, 10, ["清扫", "搬运"], "other",
                         "川口社区第1网格3号楼前")
    # another organisation claims part of the health fair; the rest is left for orgmember's claim
    charity = await _principal("m_gaoyan")
    fair = await Demand.get(title="社区义诊志愿服务")
    await demands.take(fair, charity, kind="org", count=2, now=now)
    # cancelled: the weather called it off
    outing = await publish(head, community, "重阳登山健步走", 8, 4, 12, ["领队"], "companionship", "王益区金华山")
    await demands.step(outing, "cancel", actor=head, now=now)

    # last week's event in the worker's grid: people took part, their hours wait for the worker
    past = at9 - timedelta(days=7)
    stairs = await _past_demand("老旧小区楼道清理", "清理楼道堆放杂物,排除消防隐患", "other", grid.code,
                                "川口社区第1网格各楼栋", past, 4, 6, worker.user_id, like=tidy)  # placed in the grid
    await demands.take(stairs, await _principal("orgmember"), kind="org", count=2, now=now)
    for username in ("volunteer", "v_zhengbo"):
        await demands.take(await Demand.get(id=stairs.id), await _principal(username), kind="volunteer", now=now)
    await demands.step(await Demand.get(id=stairs.id), "close", actor=worker, now=now)

    hours = await _duty_history(head, at9, now, like=fair)

    # a draft plan for the street's published wishes, for the street official to review
    street = await _principal("street")
    plan = await allocations.make_plan(STREET, actor=street, name="青年路街道本月微心愿", today=clock.china(now).date())
    return {"org_members": len(MEMBERS), "duty_events": DUTY_EVENTS, "duty_hours": hours, "allocation_plan": plan.id,
            "awaiting_hours": stairs.id}


async def _past_demand(title: str, description: str, category: str, area_code: str, place: str, start: datetime,
                       hours: float, needed: int, published_by: int | None, *, like: Demand) -> Demand:
    return await Demand.create(title=title, description=description, category=category, area_code=area_code,
                               place=place, lon=like.lon, lat=like.lat, starts_at=start,
                               ends_at=start + timedelta(hours=hours), needed=needed, taken=0, skills=[],
                               status="published", published_by_id=published_by)


async def _duty_history(head, at9: datetime, now: datetime, *, like: Demand) -> dict[str, float]:
    """The weekend duty's past events, oldest first, each taken, recorded and completed."""
    people = {u: await _principal(u) for u, _, _ in DUTY_ROSTER}
    member = await _principal("m_liuhong")
    totals: dict[str, float] = {}
    for k in range(DUTY_EVENTS, 0, -1):  # k events ago
        start = at9 - timedelta(days=28 * k + 2)
        d = await _past_demand("日间照料中心周末值守", "周六、周日两天陪护老人、协助用餐", "elderly_care", COMMUNITY,
                               "川口社区日间照料中心", start, 34, 6, head.user_id, like=like)
        entries: list[dict] = []
        for username, served, h in DUTY_ROSTER:
            if k <= served:
                await demands.take(await Demand.get(id=d.id), people[username], kind="volunteer", now=now)
                entries.append({"volunteer": username, "hours": h})
        if k <= DUTY_ORG_EVENTS:
            await demands.take(await Demand.get(id=d.id), member, kind="org", count=len(DUTY_ORG_MEMBERS), now=now)
            entries += [{"volunteer": u, "hours": h, "note": "随组织参加"} for u, h in DUTY_ORG_MEMBERS]
        await demands.record_hours(await Demand.get(id=d.id), entries, actor=head, now=now)
        await demands.step(await Demand.get(id=d.id), "complete", actor=head, now=now)
        for e in entries:
            totals[e["volunteer"]] = totals.get(e["volunteer"], 0.0) + e["hours"]
    return totals
