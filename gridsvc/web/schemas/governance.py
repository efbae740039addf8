"""Bodies of governance (issue 12): an information report and a zone."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from . import Body, Code, Codes, ShortText, Text


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
