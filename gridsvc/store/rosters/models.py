"""Appointments: who served which post (an area and a staff tier) from when to when.

`UserArea` stays the current assignment, which scope and every reader of "who is here now" use;
an appointment is the term behind it. Appointing, transferring and ending (store.rosters.
appointments) write both in one transaction, so an open appointment and its UserArea row exist
together. The table belongs to the core app because it points at users and areas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # annotations only: the tables of other features
    from gridsvc.store.accounts.models import User
    from gridsvc.store.areas.models import Area


class Appointment(Model):
    """One term of one person in one post, open (`ended_on` null) while they serve."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="appointments", on_delete=fields.CASCADE
    )
    user_id: int
    # an area is deleted only when nobody serves it (areas.changes.delete_area); its past terms go with it
    area: fields.ForeignKeyRelation[Area] = fields.ForeignKeyField(
        "core.Area", related_name="appointments", on_delete=fields.CASCADE
    )
    area_id: int
    role = fields.CharField(max_length=20)  # the tier (domain.roles.STAFF_TIERS)
    started_on = fields.DateField()
    ended_on = fields.DateField(null=True)
    # who decided; null: the system (the CLI, an import run as the system, the upgrade's backfill)
    appointed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="appointments_made", null=True, on_delete=fields.SET_NULL
    )
    appointed_by_id: int | None
    ended_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="appointments_ended", null=True, on_delete=fields.SET_NULL
    )
    ended_by_id: int | None
    reason = fields.CharField(max_length=200, default="")
    end_reason = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "core"
        table = "appointment"
        indexes = (("area_id", "role", "ended_on"), ("user_id", "ended_on"))
        # and, written by core/0010_one_holder_per_post (Tortoise declares no partial unique index):
        # UNIQUE (area_id, role) WHERE ended_on IS NULL, one open term per post
