"""Tables of organisations and volunteering: organisations, their areas and projects, volunteer
profiles, volunteer demands with their sign-ups and hours (Tortoise app "wishes").

The rules live in gridsvc.domain (orgs, volunteers); sign-ups are conditional updates on the
counters of the demand, see gridsvc.store.orgs.demands.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

# ---------------------------------------------------------------------------- organisations


class Organisation(Model):
    """A social organisation (社会组织), registered (登记) or filed (备案).

    The unified social credit code is unique when given: filed community organisations may
    have none. Members are accounts whose user.org_id points here."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, db_index=True)
    credit_code = fields.CharField(max_length=18, unique=True, null=True)
    kind = fields.CharField(max_length=24, db_index=True)  # domain.orgs.OrgKind
    status = fields.CharField(max_length=12)  # registered | filed
    # social_organisation | resident_unit (驻区单位) | caring_enterprise (爱心企业): domain.orgs.ORG_TYPES
    org_type = fields.CharField(max_length=24, default="social_organisation", db_default="social_organisation",
                                db_index=True)
    phone = fields.CharField(max_length=20, default="")  # the organisation's public contact
    address = fields.CharField(max_length=200, default="")
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.User", related_name="created_orgs", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        app = "wishes"
        table = "organisation"


class OrgArea(Model):
    """A service area of an organisation (a district, street, community or grid)."""

    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "wishes.Organisation", related_name="area_links", on_delete=fields.CASCADE
    )
    org_id: int
    area: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.Area", related_name="org_links", on_delete=fields.RESTRICT
    )
    area_id: int

    class Meta:
        app = "wishes"
        table = "org_area"
        unique_together = (("org", "area"),)


class Project(Model):
    """A service project (服务项目) of an organisation, often bought by government.

    areas are area codes inside the organisation's service areas and prefixes their
    significant prefixes (what matching compares with a wish's grid code). capacity is how many
    wishes or demand tasks it takes in its period; taken counts those held now (active,
    fulfilled and confirmed claims, demand takes) and only grows by a conditional update."""

    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "wishes.Organisation", related_name="projects", on_delete=fields.CASCADE
    )
    org_id: int
    name = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    categories: fields.JSONField[list[str]] = fields.JSONField(default=list)
    areas: fields.JSONField[list[str]] = fields.JSONField(default=list)
    prefixes: fields.JSONField[list[str]] = fields.JSONField(default=list)
    period_start = fields.DateField()
    period_end = fields.DateField(null=True)
    capacity = fields.IntField()
    taken = fields.IntField(default=0)
    lon = fields.FloatField()
    lat = fields.FloatField()
    status = fields.CharField(max_length=12, default="active", db_index=True)  # active | closed
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "wishes"
        table = "org_project"


class ProjectArea(Model):
    """One service prefix of a project, so that the projects able to serve an area are found
    by an indexed lookup of the area code's prefixes rather than by reading every project."""

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "wishes.Project", related_name="area_links", on_delete=fields.CASCADE
    )
    project_id: int
    prefix = fields.CharField(max_length=24, db_index=True)

    class Meta:
        app = "wishes"
        table = "org_project_area"
        unique_together = (("project", "prefix"),)


class VolunteerProfile(Model):
    """What a volunteer offers: wish categories, skills, and how many wishes at a time.

    A volunteer without a profile takes every category, three at a time."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation = fields.OneToOneField(
        "core.User", related_name="volunteer_profile", on_delete=fields.CASCADE
    )
    user_id: int
    categories: fields.JSONField[list[str]] = fields.JSONField(default=list)
    skills: fields.JSONField[list[str]] = fields.JSONField(default=list)
    max_active = fields.IntField(default=3)
    # a party member working in the community (在职党员), who reports to it and claims as such
    party_member = fields.BooleanField(default=False, db_default=False)
    workplace = fields.CharField(max_length=100, default="", db_default="")

    class Meta:
        app = "wishes"
        table = "volunteer_profile"


# ---------------------------------------------------------------------------- volunteer demands


class Demand(Model):
    """A volunteer-service demand (志愿服务需求项目): a place, a time window, volunteers needed.

    taken counts the places held by organisation claims and sign-ups; it only grows by a
    conditional update that keeps it at most needed."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=50)
    description = fields.TextField(default="")
    category = fields.CharField(max_length=24, default="other")
    area_code = fields.CharField(max_length=24, db_index=True)
    place = fields.CharField(max_length=200, default="")
    lon = fields.FloatField()
    lat = fields.FloatField()
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    needed = fields.IntField()
    taken = fields.IntField(default=0)
    skills: fields.JSONField[list[str]] = fields.JSONField(default=list)
    status = fields.CharField(max_length=12, db_index=True)
    published_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.User", related_name="demands", null=True, on_delete=fields.SET_NULL
    )
    published_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "wishes"
        table = "demand"
        indexes = (("starts_at", "id"),)  # keyset order of the list (migration wishes/0003_list_indexes)


class DemandTake(Model):
    """Places of a demand taken by an organisation claim (count places) or a volunteer sign-up.

    status is active or released; a released take keeps its row for the record. active_key
    (demand and volunteer, or demand and organisation) is unique while the take is active and
    null afterwards, so a double sign-up fails in the database even when two arrive at once."""

    id = fields.IntField(primary_key=True)
    demand: fields.ForeignKeyRelation[Demand] = fields.ForeignKeyField(
        "wishes.Demand", related_name="takes", on_delete=fields.CASCADE
    )
    demand_id: int
    kind = fields.CharField(max_length=12)  # org | volunteer
    claimer_kind = fields.CharField(max_length=24, default="", db_default="")  # domain.orgs.CLAIMER_KINDS
    user: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.User", related_name="demand_takes", null=True, on_delete=fields.SET_NULL
    )
    user_id: int | None
    org: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "wishes.Organisation", related_name="demand_takes", null=True, on_delete=fields.SET_NULL
    )
    org_id: int | None
    project: fields.ForeignKeyNullableRelation[Project] = fields.ForeignKeyField(
        "wishes.Project", related_name="demand_takes", null=True, on_delete=fields.SET_NULL
    )
    project_id: int | None
    count = fields.IntField(default=1)
    status = fields.CharField(max_length=12, default="active", db_index=True)
    active_key = fields.CharField(max_length=40, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    released_at = fields.DatetimeField(null=True)

    class Meta:
        app = "wishes"
        table = "demand_take"


class DemandTakeMember(Model):
    """A member an organisation names in its claim of a demand (the claim's count is their number)."""

    id = fields.IntField(primary_key=True)
    take: fields.ForeignKeyRelation[DemandTake] = fields.ForeignKeyField(
        "wishes.DemandTake", related_name="members", on_delete=fields.CASCADE
    )
    take_id: int
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.User", related_name="demand_commitments", on_delete=fields.CASCADE
    )
    user_id: int

    class Meta:
        app = "wishes"
        table = "demand_take_member"
        unique_together = (("take", "user"),)


class ServiceHours(Model):
    """Hours of service of one volunteer at one demand, recorded by staff after the event."""

    id = fields.IntField(primary_key=True)
    volunteer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.User", related_name="service_hours", on_delete=fields.CASCADE
    )
    volunteer_id: int
    demand: fields.ForeignKeyRelation[Demand] = fields.ForeignKeyField(
        "wishes.Demand", related_name="hours", on_delete=fields.CASCADE
    )
    demand_id: int
    org_id = fields.IntField(null=True, db_index=True)
    hours = fields.DecimalField(max_digits=6, decimal_places=2)
    note = fields.CharField(max_length=200, default="")
    recorded_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.User", related_name="hours_recorded", null=True, on_delete=fields.SET_NULL
    )
    recorded_by_id: int | None
    recorded_at = fields.DatetimeField(auto_now=True)

    class Meta:
        app = "wishes"
        table = "service_hours"
        unique_together = (("volunteer", "demand"),)
