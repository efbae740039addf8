"""Demo data of governance: the zone 新区 over the communities seed 000 lists under it (where the
demo city has them), and a few information reports of 川口社区 this year."""

from __future__ import annotations

from datetime import timedelta

from gridsvc.store.areas.models import Area

from ...domain import clock
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
    return {"zones": 1 if codes else 0}
