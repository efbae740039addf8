"""Bodies of governance (issue 12): an information report and a zone."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from . import INT32_MAX, Body, Code, Codes, Name, ShortText, Text, Username


class InformationReportBody(Body):
    community: Code
    title: ShortText
    filed_on: dt.date | None = Field(None, description="上报日期,缺省今天 (defaults to today)")
    body: Text = ""
    attachment: ShortText = Field("", description="附件文件名 (the attachment's file name)")
    pushed: bool = Field(False, description="已推送到微信平台 (pushed to the WeChat account)")
    pushed_on: dt.date | None = None


class ZoneBody(Body):
    name: ShortText
    areas: Codes = Field(description="功能区管理的街道或社区代码 (streets or communities it manages)")


class TrainingSessionBody(Body):
    area: Code = Field(description="登记培训的区域:社区、街道或区县 (the area keeping the record)")
    title: ShortText
    organiser: ShortText = Field("", description="主办单位 (who ran it)")
    held_on: dt.date
    class_hours: int = Field(ge=0, le=10_000, description="学时 (class hours, whole)")
    attendees: list[Username] = Field(max_length=2000, description="参训人员的登录名 (staff accounts)")


class ServiceSpaceBody(Body):
    community: Code
    name: Name
    kind: str = Field("room", max_length=10, description="room 服务用房 | outdoor 户外活动场地")
    m2: float = Field(allow_inf_nan=False, ge=-1e9, le=1e9, description="面积 m²")


class ServiceSpaceChange(Body):
    name: Name
    kind: str = Field(max_length=10)
    m2: float = Field(allow_inf_nan=False, ge=-1e9, le=1e9)


class ConsultationBody(Body):
    community: Code
    title: ShortText
    matter: Text = Field(description="民事民提:提出的事项 (the matter raised)")
    raised_by: str = Field("resident", max_length=20, description="resident | group | staff | organisation")
    raised_on: dt.date | None = Field(None, description="缺省今天 (defaults to today)")


class ConsultationStep(Body):
    """One step; the fields of that step only are read (民议 meet, 民决 decide, 民办 carry_out,
    民评 evaluate, or drop)."""

    action: str = Field(max_length=20, description="meet | decide | carry_out | evaluate | drop")
    held_on: dt.date | None = None
    participants: int | None = Field(None, ge=0, le=INT32_MAX)
    participant_kinds: list[str] = Field(default_factory=list, max_length=20,
                                         description="参加人员类别,不登记姓名 (kinds of participant, no names)")
    minutes: Text = ""
    decision: Text = ""
    decided_on: dt.date | None = None
    carried_by: ShortText = Field("", description="实施主体:单位或组织 (who carries it out)")
    result: Text = ""
    carried_out_on: dt.date | None = None
    satisfied: int = Field(0, ge=0, le=INT32_MAX)
    fair: int = Field(0, ge=0, le=INT32_MAX, description="基本满意 (fairly satisfied)")
    dissatisfied: int = Field(0, ge=0, le=INT32_MAX)
    evaluation: Text = ""
    concluded_on: dt.date | None = None
    reason: Text = ""
