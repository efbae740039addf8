"""Tables of the `governance` app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # only for the annotations: imported here, Tortoise would count them in this app
    from gridsvc.store.accounts.models import User
    from gridsvc.store.areas.models import Area


class Zone(Model):
    """A functional zone that is not a district of the tree (铜川新区: its communities lie in
    耀州区 and 王益区) but manages streets or communities, and is reported on like a district."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "governance"
        table = "gov_zone"


class ZoneMember(Model):
    """A street or community a zone manages (an area belongs to one zone at most)."""

    id = fields.IntField(primary_key=True)
    zone: fields.ForeignKeyRelation[Zone] = fields.ForeignKeyField(
        "governance.Zone", related_name="members", on_delete=fields.CASCADE)
    zone_id: int
    area: fields.ForeignKeyRelation[Area] = fields.ForeignKeyField(
        "core.Area", related_name="zone_links", on_delete=fields.CASCADE, unique=True)
    area_id: int

    class Meta:
        app = "governance"
        table = "gov_zone_member"


class ReportOffice(Model):
    """The own office of a group of the report table (市局 基政科, a district's 社区办, 新区社区办):
    its reports are counted, not rated. `holder` is "area:<code>" or "zone:<id>"."""

    id = fields.IntField(primary_key=True)
    holder = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=50)

    class Meta:
        app = "governance"
        table = "gov_report_office"


class InformationReport(Model):
    """One information report (信息报送) filed by a community (or an office)."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyNullableRelation[Area] = fields.ForeignKeyField(
        "core.Area", related_name="information_reports", null=True, on_delete=fields.RESTRICT)
    community_id: int | None
    office: fields.ForeignKeyNullableRelation[ReportOffice] = fields.ForeignKeyField(
        "governance.ReportOffice", related_name="reports", null=True, on_delete=fields.RESTRICT)
    office_id: int | None
    title = fields.CharField(max_length=200)
    body = fields.TextField(default="")
    attachment = fields.CharField(max_length=200, default="")  # the file's name as filed
    filed_on = fields.DateField(db_index=True)
    pushed = fields.BooleanField(default=False)  # pushed to the WeChat account (微信平台)
    pushed_on = fields.DateField(null=True)
    filed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="information_reports", null=True, on_delete=fields.SET_NULL)
    filed_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "governance"
        table = "gov_report"
        indexes = (("community_id", "filed_on"),)


class ReportTally(Model):
    """A year's counts kept elsewhere and imported from the table (import-reports): added to the
    reports filed here. `holder` is "community:<code>" or "office:<id>", one row per year."""

    id = fields.IntField(primary_key=True)
    year = fields.IntField()
    holder = fields.CharField(max_length=40)
    reports = fields.IntField()
    pushed = fields.IntField()
    imported_at = fields.DatetimeField(auto_now=True)

    class Meta:
        app = "governance"
        table = "gov_report_tally"
        unique_together = (("year", "holder"),)
