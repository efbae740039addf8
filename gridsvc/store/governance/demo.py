"""Demo data of governance: the zone 新区 over the communities seed 000 lists under it (where the
demo city has them), a few information reports of 川口社区 this year, and this year's training
sessions, service rooms and consultations of 川口社区 and 青年路社区, entered through the same
store functions (and rules) as the pages."""

from __future__ import annotations

from datetime import timedelta

from gridsvc.store.areas.models import Area

from ...domain import clock
from . import consultations, space, training
from .models import InformationReport
from .zones import declare_zone

# seed 000: 新区(16); in the tree they lie in 耀州区 (铜川新区 is a functional zone)
NEW_DISTRICT = ("阳光社区", "华阳社区", "秦岭社区", "朝阳社区", "沮河社区", "世纪花园社区", "枫林社区", "天籁社区",
                "安盛元社区", "铁诺社区", "春明园社区", "下高埝社区", "裕丰园社区", "长丰社区", "锦园社区", "锦华社区")


async def load(settings=None) -> dict:
    codes = await Area.filter(level="community", name__in=NEW_DISTRICT).values_list("code", flat=True)
    if codes:
        await declare_zone("新区", [str(c) for c in codes])
    chuankou = await Area.filter(level="community", name="川口社区").first()
    if chuankou is not None:
        today = clock.today()
        titles = ("川口社区开展网格员入户走访", "川口社区召开居民议事会", "川口社区志愿者清理楼道杂物")
        await InformationReport.bulk_create([
            InformationReport(community_id=chuankou.id, title=t, filed_on=today - timedelta(days=10 * i),
                              pushed=i != 1, pushed_on=(today - timedelta(days=10 * i)) if i != 1 else None)
            for i, t in enumerate(titles)])
    records = await _records() if chuankou is not None else 0
    return {"zones": 1 if codes else 0, "governance_records": records}


async def _records() -> int:
    """Training, rooms and consultations, dated this year (on 1 January everything is that day)."""
    today = clock.today()

    def ago(days: int):
        return max(today.replace(month=1, day=1), today - timedelta(days=days))

    chuankou = await Area.get(level="community", name="川口社区")
    youth = await Area.filter(level="community", name="青年路社区").first()
    n = 0
    rooms = (("党群服务中心", "room", 320.0), ("日间照料中心", "room", 180.0), ("川口文化广场", "outdoor", 800.0))
    for name, kind, m2 in rooms:
        await space.add_space(chuankou, name=name, kind=kind, m2=m2)
        n += 1
    if youth is not None:
        await space.add_space(youth, name="社区综合服务站", kind="room", m2=400.0)
        await space.add_space(youth, name="青年路健身广场", kind="outdoor", m2=1200.0)
        n += 2
    workers = ["worker", *[f"w{chuankou.code}{i:03d}" for i in range(2, 6)]]
    await training.record_session(chuankou, title="社区工作者政策法规培训", organiser="王益区民政局", held_on=ago(60),
                                  class_hours=16, attendees=["head", *workers], today=today)
    await training.record_session(chuankou, title="网格化服务管理实务", organiser="青年路街道", held_on=ago(20),
                                  class_hours=8, attendees=["head", "worker"], today=today)
    n += 2
    done = await consultations.raise_matter(chuankou, title="3号楼楼道照明维修", raised_by="resident",
                                            matter="3号楼楼道灯损坏多时,老人夜间上下楼不便。", raised_on=ago(50),
                                            today=today, recorded_by=None)
    steps = [("meet", {"held_on": ago(45), "participants": 14, "participant_kinds": ["residents", "building_heads",
                                                                                     "property", "grid_workers"],
                       "minutes": "居民代表、物业与网格员议定更换声控灯,费用由公共维修资金列支。"}),
             ("decide", {"decided_on": ago(44), "decision": "更换3号楼全部楼道声控灯,两周内完成。",
                         "carried_by": "物业服务企业"}),
             ("carry_out", {"carried_out_on": ago(30), "result": "已更换 18 盏声控灯。"}),
             ("evaluate", {"concluded_on": ago(25), "satisfied": 21, "fair": 3, "dissatisfied": 0,
                           "evaluation": "居民对维修及时性表示满意。"})]
    for action, data in steps:
        await consultations.step(await consultations.get(done["id"]), action, data, today)
    decided = await consultations.raise_matter(chuankou, title="小区非机动车充电棚建设", raised_by="group",
                                               matter="居民小组提出在小区空地建设电动自行车集中充电棚。",
                                               raised_on=ago(15), today=today, recorded_by=None)
    for action, data in steps[:2]:
        data = {**data, "held_on": ago(10), "decided_on": ago(8), "decision": "在北门空地建设充电棚一处。",
                "carried_by": "川口社区居委会"}
        await consultations.step(await consultations.get(decided["id"]), action, data, today)
    await consultations.raise_matter(chuankou, title="广场舞音量扰民", raised_by="resident",
                                     matter="晚间广场舞音量过大,影响周边住户休息。", raised_on=ago(3), today=today,
                                     recorded_by=None)
    return n + 3
