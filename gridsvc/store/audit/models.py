"""The audit log's table (Tortoise app "core"): who changed or saw what, and when."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # annotations only: the accounts' table
    from gridsvc.store.accounts.models import User


class AuditLog(Model):
    """Who changed or saw what, and when.

    Every change to areas and staff, and every full view of a resident's personal data."""

    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    actor_name = fields.CharField(max_length=64, default="")
    action = fields.CharField(max_length=40, db_index=True)
    target_type = fields.CharField(max_length=30)
    target_id = fields.CharField(max_length=40, db_index=True)
    area_code = fields.CharField(max_length=24, default="", db_index=True)
    before: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    after: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    ip = fields.CharField(max_length=64, default="")

    class Meta:
        app = "core"
        table = "audit_log"
        indexes = (("area_code", "id"),)  # an area's log newest first (core/0003_list_indexes)
