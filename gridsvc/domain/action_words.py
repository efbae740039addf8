"""What each permission of `scope.RULES` lets a person do, in words, for the refusal a person
reads (a 403 page never shows `wish.screen`)."""

from __future__ import annotations

# action -> (zh, en), each completing "您无权…" / "you may not …"
ACTION_WORDS: dict[str, tuple[str, str]] = {
    "area.read": ("查看区域", "see areas"),
    "compound.read": ("查看小区/院落", "see residential compounds"),
    "compound.manage": ("登记这里的小区/院落", "record residential compounds here"),
    "refusal.record": ("记录拒绝执行未准入工作", "record refusals of unadmitted work"),
    "refusal.read": ("查看拒绝记录", "read the refusals"),
    "seal.use": ("使用社区印章", "use the community seal"),
    "seal.read": ("查看用印登记", "read the seal's use log"),
    "staff.record_group_leader": ("登记居(村)民小组长", "record group leaders"),
    "org.register": ("登记社会组织", "register organisations"),
    "catalog.read": ("查看办事指南", "read the service catalog"),
    "report.file": ("为这个社区报送信息", "file information reports for this community"),
    "report.read": ("查看这里的信息报送统计", "see the information-report tables here"),
    "zone.manage": ("设立功能区", "declare functional zones"),
    "indicator.read": ("查看这里的考核指标", "see the assessment indicators here"),
    "training.manage": ("登记这里的培训学时", "record training hours here"),
    "space.manage": ("登记这里的服务用房和场地", "record service rooms and spaces here"),
    "consultation.manage": ("登记这里的协商议事", "record consultations here"),
    "consultation.read_public": ("查看公开的协商议事", "see published consultations"),
    "demand.oversee": ("查看这里未满员的志愿需求", "oversee the unfilled volunteer demands here"),
    "map.city_home": ("从全市地图开始", "start from the city map"),
    "volunteer.act": ("以志愿者身份办理", "act as a volunteer"),
    "wish.post_own": ("为自己提交微心愿", "post a micro-wish of your own"),
    "audit.ip": ("查看操作人的 IP 地址", "see the actors' IP addresses"),
    "account.use": ("使用账号功能", "use account functions"),
    "staff.manage_every_tier": ("管理各层级网格人员", "manage staff of every tier"),
    "org.act_for": ("代表社会组织办理", "act for an organisation"),
    "area.create_top": ("新建市或区县", "create a city or district"),
    "area.create": ("在此新建区域", "create areas here"),
    "area.edit": ("修改该区域", "change this area"),
    "area.delete": ("删除该区域", "delete this area"),
    "staff.read": ("查看网格人员", "see the grid staff"),
    "staff.manage": ("管理这里的网格人员", "manage the grid staff here"),
    "user.manage": ("管理这里的账号", "manage the accounts here"),
    "user.create_official": ("创建民政干部账号", "create officials' accounts"),
    "audit.read": ("查看操作记录", "read the audit log"),
    "resident.pii": ("查看居民的完整个人信息", "see residents' full personal data"),
    "myarea.read": ("查看“我的网格”", "open “my area”"),
    "map.read": ("查看地图", "see maps"),
    "catalog.edit": ("编辑这里的办事指南", "edit the service catalog here"),
    "catalog.publish": ("发布这里的办事指南", "publish the service catalog here"),
    "admission.apply": ("在此提交准入申请", "apply for admission here"),
    "admission.decide": ("审批这里的准入申请", "decide admissions here"),
    "admission.read": ("查看这里的准入申请", "read admission applications here"),
    "wish.post": ("在此提交微心愿", "post micro-wishes here"),
    "wish.read": ("查看这里的微心愿", "see the micro-wishes here"),
    "wish.screen": ("审核这里的微心愿", "screen the micro-wishes here"),
    "wish.browse": ("浏览这里待认领的微心愿", "browse the published micro-wishes here"),
    "wish.claim": ("认领这里的微心愿", "claim micro-wishes here"),
    "allocation.plan": ("为这里编制分配方案", "plan allocations here"),
    "org.read": ("查看社会组织", "see social organisations"),
    "org.manage": ("管理社会组织", "manage social organisations"),
    "project.manage": ("管理服务项目", "manage service projects"),
    "demand.read": ("查看这里的志愿服务需求", "see the volunteer demands here"),
    "demand.publish": ("在此发布志愿服务需求", "publish volunteer demands here"),
    "demand.take": ("报名或认领志愿服务需求", "sign up for volunteer demands"),
    "volunteer.read": ("查看志愿者档案", "see volunteer profiles"),
    "roster.read": ("查看这里的网格人员花名册", "see the staff roster here"),
    "roster.appoint": ("任免这里的网格人员", "appoint or remove the grid staff here"),
}


def refusal(action: str, language: str) -> str | None:
    """"您无权修改该区域" / "you may not change this area"; None for an action without words."""
    words = ACTION_WORDS.get(action)
    if words is None:
        return None
    return f"you may not {words[1]}" if language == "en" else f"您无权{words[0]}"
