"""Bodies of micro-wishes, allocation plans, organisations, projects, volunteer demands and
volunteer profiles. Values the domain checks with its own codes (a title's length, a value over
the cap, a date) are typed loosely here (`Scalar`) and bounded; ids are record ids."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from . import Body, Code, Id, Lat, Lon, Scalar, Username

Photo = Annotated[str, Field(max_length=4 * 1024 * 1024, description="JPEG/PNG/WebP, base64 or a data: URL, ≤ 2 MB")]
Codes = Annotated[list[Code], Field(max_length=10_000)]
Words = Annotated[list[Scalar], Field(max_length=200)]


class WishCreate(Body):
    title: Scalar = None
    description: Scalar = None
    category: Scalar = None
    value_yuan: Scalar = Field(None, description="估价(元),不超过本区上限 (at most the district's cap, 500 by default)")
    beneficiary: Scalar = None
    wish_by: Scalar = Field(None, description="YYYY-MM-DD")
    building: Scalar = Field(None, description="楼栋代码 (a building code); or lon+lat")
    lon: Lon | Annotated[str, Field(max_length=40)] | None = None
    lat: Lat | Annotated[str, Field(max_length=40)] | None = None
    address: Scalar = Field(None, description="门牌等 (door and room; default: the account's address)")
    contact_phone: Scalar = None
    resident: Scalar = Field(None, description="网格员代办时的居民账号 (staff posting for a resident)")


class WishStep(Body):
    """The fields of the steps: reason (return, reopen; withdraw, release), into (merge),
    project (claim), note, fulfilled_on, photo (fulfil), stars, comment (confirm), and the
    content fields (resubmit)."""

    reason: Scalar = None
    into: Id | None = None
    project: Id | None = None
    note: Scalar = None
    fulfilled_on: Scalar = None
    photo: Photo | None = None
    stars: Scalar = None
    comment: Scalar = None
    title: Scalar = None
    description: Scalar = None
    category: Scalar = None
    value_yuan: Scalar = None
    beneficiary: Scalar = None
    wish_by: Scalar = None


class Rating(Body):
    stars: Scalar = Field(None, description="1-5")
    comment: Scalar = None


class PlanCreate(Body):
    under: Scalar = Field(None, description="区域代码 (the area whose published wishes are planned)")
    wishes: Annotated[list[Id], Field(max_length=10_000)] | None = None
    category: Scalar = None
    name: Scalar = None


class PlanItem(Body):
    wish: Id
    project: Id | None = None


class PlanEdit(Body):
    items: Annotated[list[PlanItem], Field(max_length=10_000)]


class OrgCreate(Body):
    org_type: Scalar = Field(
        None, description="social_organisation | resident_unit (驻区单位) | caring_enterprise (爱心企业)")
    name: Scalar = None
    credit_code: Scalar = Field(None, description="统一社会信用代码, 18 位 (GB 32100); 登记 (registered) 必填")
    kind: Scalar = None
    status: Scalar = Field(None, description="registered | filed")
    areas: Codes | Scalar = Field(None, description="服务区域代码 (service area codes)")
    phone: Scalar = None
    address: Scalar = None


class Member(Body):
    username: Username


class ProjectCreate(Body):
    name: Scalar = None
    description: Scalar = None
    categories: Words | Scalar = None
    areas: Codes | Scalar = Field(None, description="缺省为组织的全部服务区域 (default: the organisation's areas)")
    period_start: Scalar = None
    period_end: Scalar = None
    capacity: Scalar = None
    lon: Lon | None = None
    lat: Lat | None = None


class DemandCreate(Body):
    title: Scalar = None
    description: Scalar = None
    area: Scalar = Field(None, description="社区、网格等代码 (where)")
    place: Scalar = None
    lon: Lon | None = Field(None, description="地点经度,须在 area 内;缺省取区域内一点 (the place: inside area)")
    lat: Lat | None = None
    starts_at: Scalar = Field(None, description="ISO 日期时间,无时区视为北京时间 (no offset: UTC+8)")
    ends_at: Scalar = None
    volunteers_needed: Scalar = None
    needed: Scalar = None
    skills: Words | Scalar = None
    category: Scalar = None


class Take(Body):
    count: Scalar = Field(None, description="认领: 承诺的志愿者人数,缺省为全部剩余名额 (claim: places committed)")
    project: Id | None = None
    members: list[Id] | None = Field(None, max_length=500, description="认领: 承诺成员的编号,人数即名单人数 "
                                                                       "(claim: ids of the members committed)")


class Release(Body):
    take: Id | None = Field(None, description="工作人员取消某条 (staff: which take)")


class HoursEntry(Body):
    volunteer: Scalar = None
    hours: Scalar = None
    note: Scalar = None


class Hours(Body):
    entries: Annotated[list[HoursEntry], Field(max_length=10_000)] | Scalar = None


class Profile(Body):
    categories: Words | Scalar = None
    skills: Words | Scalar = None
    max_active: Scalar = None
    party_member: Scalar = Field(None, description="在职党员 (a party member at work)")
    workplace: Scalar = Field(None, description="工作单位 (the party member's workplace)")


