"""Tables of the area tree: areas, residential compounds and their buildings, the boundary revision.

Feature modules (catalog, wishes) keep their tables in their own Tortoise apps with their own
migrations, so each can evolve without touching this one.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class Area(Model):
    """One node of the administrative tree (city > ... > building).

    `code` extends the parent's significant prefix (gridsvc.domain.levels), so a subtree is a
    prefix query on an indexed column. The geometry is stored as WKB (lon/lat, WGS-84) with its
    bounding box in plain columns for viewport queries; the spatial index is built in process.
    """

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=24, unique=True)
    name = fields.CharField(max_length=100)
    level = fields.CharField(max_length=12, db_index=True)
    parent: fields.ForeignKeyNullableRelation["Area"] = fields.ForeignKeyField(
        "core.Area", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    parent_id: int | None
    households = fields.IntField(null=True)
    population = fields.IntField(null=True)
    geometry = fields.BinaryField()
    minx = fields.FloatField()
    miny = fields.FloatField()
    maxx = fields.FloatField()
    maxy = fields.FloatField()
    area_m2 = fields.FloatField(default=0)
    properties: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    # bumped on every change: PATCH with If-Match / "version" refuses to overwrite a newer edit
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        app = "core"
        table = "area"
        # (code, level, households) covers the governance roll-up: a subtree's communities and
        # grids with their households are read from the index alone, never the wide geometry rows;
        # (parent_id) finds an area's children and (level, code, households) the areas of one level in a
        # subtree without visiting the other levels' rows (migration core/0009_area_tree_indexes)
        indexes = (("level", "minx", "maxx"), ("code", "level", "households"), ("parent_id",),
                   ("level", "code", "households"))


class Compound(Model):
    """A residential compound (小区/院落) inside one community: an overlay, not a tree level,
    so it may span grids (see gridsvc.domain.compounds)."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Area] = fields.ForeignKeyField(
        "core.Area", related_name="compounds", on_delete=fields.RESTRICT
    )
    community_id: int
    name = fields.CharField(max_length=100)
    kind = fields.CharField(max_length=12, default="estate")  # estate 小区 | courtyard 院落
    property_company = fields.CharField(max_length=100, default="")  # 物业服务企业
    owners_committee = fields.CharField(max_length=100, default="")  # 业主委员会
    party_branch = fields.CharField(max_length=100, default="")  # 小区党支部
    households = fields.IntField(null=True)
    geometry = fields.BinaryField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        app = "core"
        table = "compound"


class CompoundBuilding(Model):
    """A building's compound: a building belongs to at most one (unique building)."""

    id = fields.IntField(primary_key=True)
    compound: fields.ForeignKeyRelation[Compound] = fields.ForeignKeyField(
        "core.Compound", related_name="buildings", on_delete=fields.CASCADE
    )
    compound_id: int
    building: fields.OneToOneRelation[Area] = fields.OneToOneField(
        "core.Area", related_name="compound_link", on_delete=fields.CASCADE
    )
    building_id: int

    class Meta:
        app = "core"
        table = "compound_building"


class BoundaryRevision(Model):
    """One row counting boundary changes.

    Every process caches its spatial index together with the revision it was built from and
    rebuilds when the database holds a newer one, so several workers or servers sharing a
    database never answer from stale boundaries."""

    id = fields.IntField(primary_key=True)
    revision = fields.BigIntField(default=0)

    class Meta:
        app = "core"
        table = "boundary_revision"


class AreaVersion(Model):
    """One generation of an area's boundary (as MapIt keeps them): the geometry in force from
    `valid_from` until the day before `valid_to` (None: still in force). `Area` stays the current
    state that most readers want; this table answers "as the city stood that day" and keeps an
    area deleted or merged away. Written only through `store.areas.generations.record_versions`."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=24)
    level = fields.CharField(max_length=12)
    parent_code = fields.CharField(max_length=24, null=True)
    name = fields.CharField(max_length=100)
    geometry = fields.BinaryField()
    minx = fields.FloatField()
    miny = fields.FloatField()
    maxx = fields.FloatField()
    maxy = fields.FloatField()
    area_m2 = fields.FloatField(default=0)
    households = fields.IntField(null=True)
    population = fields.IntField(null=True)
    valid_from = fields.DateField()
    valid_to = fields.DateField(null=True)
    changed_by_id = fields.IntField(null=True)  # the account, when a person made the change
    changed_by_name = fields.CharField(max_length=100, default="")  # their display name then
    changed_at = fields.DatetimeField()
    note = fields.CharField(max_length=200, default="")

    class Meta:
        app = "core"
        table = "area_version"
        indexes = (("code", "valid_from"), ("level", "valid_from"))


class BoundaryChange(Model):
    """Which areas a boundary revision changed, so that a process whose index is at revision r
    reads only the codes changed since r instead of rebuilding everything."""

    id = fields.IntField(primary_key=True)
    revision = fields.BigIntField(db_index=True)
    code = fields.CharField(max_length=24)

    class Meta:
        app = "core"
        table = "boundary_change"
