"""Tables of people: accounts and their areas, sessions, API tokens, login attempts.

Feature modules (catalog, wishes) keep their tables in their own Tortoise apps with their own
migrations, so each can evolve without touching this one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # annotations only: the tables of another feature
    from gridsvc.store.areas.models import Area


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
    user_id: int
    area: fields.ForeignKeyRelation[Area] = fields.ForeignKeyField(
        "core.Area", related_name="user_links", on_delete=fields.RESTRICT
    )
    area_id: int

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
    user_id: int
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
    user_id: int
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
