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


class TrainingSession(Model):
    """A training session (培训) staff attended (002 §19), recorded by the area that keeps the
    record: the community for its own course, the street or district for theirs. Attendees are
    staff accounts inside that area."""

    id = fields.IntField(primary_key=True)
    area: fields.ForeignKeyRelation[Area] = fields.ForeignKeyField(
        "core.Area", related_name="training_sessions", on_delete=fields.RESTRICT)
    area_id: int
    title = fields.CharField(max_length=200)
    organiser = fields.CharField(max_length=100, default="")  # 主办单位, e.g. 区民政局
    held_on = fields.DateField(db_index=True)
    class_hours = fields.IntField()  # 学时 of the session, whole hours as the record counts them
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "governance"
        table = "gov_training_session"


class TrainingAttendance(Model):
    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[TrainingSession] = fields.ForeignKeyField(
        "governance.TrainingSession", related_name="attendance", on_delete=fields.CASCADE)
    session_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="training_attendance", on_delete=fields.CASCADE)
    user_id: int

    class Meta:
        app = "governance"
        table = "gov_training_attendance"
        unique_together = (("session", "user"),)


class ServiceSpace(Model):
    """A community's service room (服务用房, indoor) or outdoor activity space (户外活动场地), in m²."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Area] = fields.ForeignKeyField(
        "core.Area", related_name="service_spaces", on_delete=fields.CASCADE)
    community_id: int
    name = fields.CharField(max_length=100)
    kind = fields.CharField(max_length=10)  # room | outdoor (domain.governance.space.KINDS)
    m2 = fields.FloatField()

    class Meta:
        app = "governance"
        table = "gov_service_space"


class Consultation(Model):
    """A matter of consultation (协商议事) through its five steps (domain.governance.consultations),
    each step's fields are filled when it is taken."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Area] = fields.ForeignKeyField(
        "core.Area", related_name="consultations", on_delete=fields.RESTRICT)
    community_id: int
    title = fields.CharField(max_length=200)
    matter = fields.TextField()  # 民事民提: what was raised
    raised_by = fields.CharField(max_length=20)  # resident | group | staff | organisation
    raised_on = fields.DateField()
    status = fields.CharField(max_length=20, default="raised", db_index=True)
    decision = fields.TextField(default="")
    decided_on = fields.DateField(null=True)
    carried_by = fields.CharField(max_length=200, default="")  # who carries it out: a body, not a person
    result = fields.TextField(default="")
    carried_out_on = fields.DateField(null=True)
    satisfied = fields.IntField(default=0)
    fair = fields.IntField(default=0)
    dissatisfied = fields.IntField(default=0)
    evaluation = fields.TextField(default="")
    concluded_on = fields.DateField(null=True, db_index=True)
    dropped_reason = fields.TextField(default="")
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="consultations", null=True, on_delete=fields.SET_NULL)
    recorded_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "governance"
        table = "gov_consultation"


class ConsultationMeeting(Model):
    """A meeting of 民议: its date, head count, kinds of participant (no names) and minutes."""

    id = fields.IntField(primary_key=True)
    consultation: fields.ForeignKeyRelation[Consultation] = fields.ForeignKeyField(
        "governance.Consultation", related_name="meetings", on_delete=fields.CASCADE)
    consultation_id: int
    held_on = fields.DateField()
    participants = fields.IntField()
    participant_kinds = fields.CharField(max_length=200)  # comma-separated PARTICIPANTS keys
    minutes = fields.TextField()

    class Meta:
        app = "governance"
        table = "gov_consultation_meeting"
