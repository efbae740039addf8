"""Core tables: the area tree, people and their areas, sessions, tokens and the audit log.

Feature modules (catalog, wishes) keep their tables in their own Tortoise apps with their own
migrations, so each can evolve without touching this one.
"""

from __future__ import annotations

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
    households = fields.IntField(null=True)
    population = fields.IntField(null=True)
    geometry = fields.BinaryField()
    minx = fields.FloatField()
    miny = fields.FloatField()
    maxx = fields.FloatField()
    maxy = fields.FloatField()
    area_m2 = fields.FloatField(default=0)
    properties = fields.JSONField(default=dict)
    # bumped on every change: PATCH with If-Match / "version" refuses to overwrite a newer edit
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        app = "core"
        table = "area"
        indexes = (("level", "minx", "maxx"),)


class Compound(Model):
    """A residential compound (小区/院落) inside one community: an overlay, not a tree level,
    so it may span grids (see gridsvc.domain.compounds)."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Area] = fields.ForeignKeyField(
        "core.Area", related_name="compounds", on_delete=fields.RESTRICT
    )
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
    building: fields.OneToOneRelation[Area] = fields.OneToOneField(
        "core.Area", related_name="compound_link", on_delete=fields.CASCADE
    )

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


class User(Model):
    """A person who logs in, or a staff member on a contact board (no password)."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    password_hash = fields.CharField(max_length=200, null=True)
    role = fields.CharField(max_length=20, db_index=True)
    display_name = fields.CharField(max_length=100, default="")
    phone = fields.CharField(max_length=20, default="")
    address = fields.CharField(max_length=200, default="")
    org_id = fields.IntField(null=True, db_index=True)
    supervisor: fields.ForeignKeyNullableRelation["User"] = fields.ForeignKeyField(
        "core.User", related_name="reports", null=True, on_delete=fields.SET_NULL
    )
    supervisor_id: int | None  # the column Tortoise adds for the key, declared for type checkers
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)
    # the interface language the person last picked (`?lang=`), "zh" or "en"; none: not picked
    language = fields.CharField(max_length=8, null=True)

    class Meta:
        app = "core"
        table = "user"


class UserArea(Model):
    """The areas assigned to a user, which make up the scope of that user.

    Staff tiers, an official's district or street, a resident's home building."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="area_links", on_delete=fields.CASCADE
    )
    area: fields.ForeignKeyRelation[Area] = fields.ForeignKeyField(
        "core.Area", related_name="user_links", on_delete=fields.RESTRICT
    )

    class Meta:
        app = "core"
        table = "user_area"
        unique_together = (("user", "area"),)
        indexes = (("area_id",),)  # the staff of an area (migration core/0003_list_indexes)


class Session(Model):
    """Server-side login session.

    The cookie carries a random id and only its hash is stored. Deleting the row (logout,
    password change) ends the session at once."""

    id = fields.CharField(max_length=64, primary_key=True)  # sha256 hex of the cookie token
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="sessions", on_delete=fields.CASCADE
    )
    csrf_token = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(db_index=True)
    ip = fields.CharField(max_length=64, default="")

    class Meta:
        app = "core"
        table = "session"


class ApiToken(Model):
    """Bearer token for API clients, stored as a hash like sessions.

    Deleting the row (logout with the token, revocation, password change, deactivation) ends it
    at once; the owner lists their tokens by label and last use, never by secret."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="tokens", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    label = fields.CharField(max_length=100, null=True)  # null: tokens made before labels existed
    # written at most every few minutes (store.users.TOKEN_USE_RESOLUTION), not on every request
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        app = "core"
        table = "api_token"


class LoginAttempt(Model):
    """Failed logins, counted per (username, address) and per address to throttle guessing
    (store/logins.py). Kept in the database so that every worker process sees the same count."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, db_index=True)
    ip = fields.CharField(max_length=64, db_index=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        app = "core"
        table = "login_attempt"
        indexes = (("username", "ip", "at"),)


class AuditLog(Model):
    """Who changed or saw what, and when.

    Every change to areas and staff, and every full view of a resident's personal data."""

    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    actor_name = fields.CharField(max_length=64, default="")
    action = fields.CharField(max_length=40, db_index=True)
    target_type = fields.CharField(max_length=30)
    target_id = fields.CharField(max_length=40, db_index=True)
    area_code = fields.CharField(max_length=24, default="", db_index=True)
    before = fields.JSONField(null=True)
    after = fields.JSONField(null=True)
    ip = fields.CharField(max_length=64, default="")

    class Meta:
        app = "core"
        table = "audit_log"
        indexes = (("area_code", "id"),)  # an area's log newest first (core/0003_list_indexes)
