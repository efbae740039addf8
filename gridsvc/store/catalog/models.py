"""Catalog tables: service items, their versions, admission applications and their steps.

Versions work like mapit's boundary generations: a version row is in force from
``published_on`` (inclusive) to ``superseded_on``/``revoked_on`` (exclusive), and a published
row's content is never updated, so the catalog as it stood on any past day is a query over
these rows (see gridsvc.domain.catalog, "Lifecycle").
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class ServiceItem(Model):
    """A public-service item, the identity of its versions (by code).

    The list and category are part of the code (GS-SB-001) and never change. An item marked
    admission_required enters communities lists only through approved admissions, for their
    areas and period, instead of through the areas of its versions."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=16, unique=True)
    item_list = fields.CharField(max_length=20, db_index=True)  # the list (清单) it belongs to
    category = fields.CharField(max_length=20, db_index=True)
    admission_required = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "catalog"
        table = "catalog_item"


class ServiceItemVersion(Model):
    """One version of a service item: a draft, or a published record that is never edited.

    data holds the content (domain.catalog.item_to_dict); name and areas are copied out for
    listings. An edit of a published version makes the next version as a draft."""

    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[ServiceItem] = fields.ForeignKeyField(
        "catalog.ServiceItem", related_name="versions", on_delete=fields.RESTRICT
    )
    item_id: int
    version = fields.IntField()
    status = fields.CharField(max_length=12, db_index=True)  # draft published superseded revoked
    name = fields.CharField(max_length=100)
    data: fields.JSONField[dict[str, Any]] = fields.JSONField()
    areas: fields.JSONField[list[str]] = fields.JSONField(default=list)
    published_on = fields.DateField(null=True)
    superseded_on = fields.DateField(null=True)
    revoked_on = fields.DateField(null=True)
    revoke_reason = fields.TextField(default="")
    edits = fields.IntField(default=0)  # edits of this draft, for If-Match (the ETag is "version.edits")
    edited_by = fields.CharField(max_length=64, default="")
    published_by = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        app = "catalog"
        table = "catalog_item_version"
        unique_together = (("item", "version"),)


class Admission(Model):
    """An application for an item to enter communities lists for some areas and a period.

    applied -> approved | rejected | withdrawn, approved -> active -> expired. The stored state
    may lag the calendar (it is brought up to date on the next read); whether the item is in
    the lists on a day is decided from the dates and the recorded steps."""

    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[ServiceItem] = fields.ForeignKeyField(
        "catalog.ServiceItem", related_name="admissions", on_delete=fields.RESTRICT
    )
    item_id: int
    department = fields.CharField(max_length=200)
    reason = fields.TextField()
    legal_basis = fields.TextField()
    funding_amount = fields.CharField(max_length=200)
    funding_source = fields.CharField(max_length=200)
    areas: fields.JSONField[list[str]] = fields.JSONField()
    period_start = fields.DateField()
    period_end = fields.DateField()  # the last day in force (inclusive)
    state = fields.CharField(max_length=12, db_index=True)
    applied_on = fields.DateField()
    applied_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.User", related_name="admission_applications", null=True, on_delete=fields.SET_NULL
    )
    applied_by_id: int | None
    applied_by_name = fields.CharField(max_length=64, default="")
    decided_on = fields.DateField(null=True)
    decided_by_name = fields.CharField(max_length=64, default="")
    decision_reason = fields.TextField(default="")
    ended_on = fields.DateField(null=True)  # first day out of the lists when ended early
    # seed 004: the leading group of the department's level decides; an approved item carries
    # its approval document and the project agreement with the community's two committees
    department_level = fields.CharField(max_length=10, default="district", db_default="district")
    approval_document = fields.CharField(max_length=300, default="", db_default="")
    agreement = fields.CharField(max_length=300, default="", db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        app = "catalog"
        table = "catalog_admission"


class AdmissionRefusal(Model):
    """A community's refusal of work that was never admitted (社区“两委”可拒绝执行, seed 004)."""

    id = fields.IntField(primary_key=True)
    community = fields.CharField(max_length=12, db_index=True)
    department = fields.CharField(max_length=200)
    work = fields.CharField(max_length=500)
    reason = fields.TextField(default="")
    refused_on = fields.DateField()
    recorded_by_name = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "catalog"
        table = "catalog_admission_refusal"


class AdmissionStep(Model):
    """One recorded step of an admission application: who did what, on which day, and why."""

    id = fields.IntField(primary_key=True)
    admission: fields.ForeignKeyRelation[Admission] = fields.ForeignKeyField(
        "catalog.Admission", related_name="steps", on_delete=fields.CASCADE
    )
    admission_id: int
    action = fields.CharField(max_length=12)
    from_state = fields.CharField(max_length=12, default="")
    to_state = fields.CharField(max_length=12)
    on = fields.DateField()
    at = fields.DatetimeField(auto_now_add=True)
    by_name = fields.CharField(max_length=64, default="")
    reason = fields.TextField(default="")

    class Meta:
        app = "catalog"
        table = "catalog_admission_step"


class CatalogRevision(Model):
    """One row counting catalog changes.

    Each process keeps its search index with the revision it was built from and rebuilds when
    the database holds a newer one (see gridsvc.store.catalog.search)."""

    id = fields.IntField(primary_key=True)
    revision = fields.BigIntField(default=0)

    class Meta:
        app = "catalog"
        table = "catalog_revision"


class CatalogChange(Model):
    """Which items a catalog revision changed (item_id null means all of them).

    With it another process updates its search index in place instead of rebuilding it."""

    id = fields.IntField(primary_key=True)
    revision = fields.BigIntField(db_index=True)
    item_id = fields.IntField(null=True)

    class Meta:
        app = "catalog"
        table = "catalog_change"


class SealUse(Model):
    """One use of the community seal: what, for whom, by whom, when, and its electronic-seal
    record (a serial and a SHA-256 digest over the facts, see gridsvc.domain.seal)."""

    id = fields.IntField(primary_key=True)
    community = fields.CharField(max_length=12, db_index=True)
    item_code = fields.CharField(max_length=16)
    item_name = fields.CharField(max_length=100)
    for_whom = fields.CharField(max_length=100)
    purpose = fields.CharField(max_length=300)
    used_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.User", related_name="seal_uses", null=True, on_delete=fields.SET_NULL
    )
    used_by_id: int | None
    used_by_name = fields.CharField(max_length=64, default="")
    used_at = fields.DatetimeField()
    serial = fields.CharField(max_length=40, unique=True)
    document_sha256 = fields.CharField(max_length=64, default="")
    record_sha256 = fields.CharField(max_length=64)

    class Meta:
        app = "catalog"
        table = "catalog_seal_use"
