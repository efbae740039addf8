"""Tables of micro-wishes: wishes with their history, claims and ratings, allocation plans, and the
inbox.

The rules live in gridsvc.domain (wishes, matching, privacy); these tables only keep the
facts. A claim is a conditional update on the status of the row, see gridsvc.store.wishes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # annotations only: the tables of another feature
    from gridsvc.store.orgs.models import Organisation, Project

# ---------------------------------------------------------------------------- wishes


class Wish(Model):
    """A micro-wish (微心愿) of a resident, placed in its grid by the point lookup.

    The contact columns are a snapshot of the resident at posting time: the public card shows
    them masked (domain.privacy). current_claim is the claim that holds the wish while it is
    claimed or fulfilled. version grows with every change of status."""

    id = fields.IntField(primary_key=True)
    resident: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.User", related_name="wishes", null=True, on_delete=fields.SET_NULL
    )
    resident_id: int | None
    posted_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.User", related_name="posted_wishes", null=True, on_delete=fields.SET_NULL
    )
    posted_by_id: int | None
    title = fields.CharField(max_length=50)
    description = fields.TextField(default="")
    category = fields.CharField(max_length=24, db_index=True)
    value_yuan = fields.DecimalField(max_digits=10, decimal_places=2)
    beneficiary = fields.CharField(max_length=24, null=True)
    wish_by = fields.DateField()
    building_code = fields.CharField(max_length=24, null=True)
    lon = fields.FloatField()
    lat = fields.FloatField()
    grid_code = fields.CharField(max_length=24, db_index=True)
    status = fields.CharField(max_length=12, db_index=True)
    contact_name = fields.CharField(max_length=100, default="")
    contact_phone = fields.CharField(max_length=20, default="")
    contact_address = fields.CharField(max_length=200, default="")
    merged_into: fields.ForeignKeyNullableRelation["Wish"] = fields.ForeignKeyField(
        "wishes.Wish", related_name="merged", null=True, on_delete=fields.SET_NULL
    )
    merged_into_id: int | None
    current_claim_id = fields.IntField(null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    published_at = fields.DatetimeField(null=True)

    class Meta:
        app = "wishes"
        table = "wish"
        indexes = (("status", "grid_code"), ("grid_code", "id"))  # ("grid_code", "id"): wishes/0003_list_indexes


class WishEvent(Model):
    """One step in the history of a wish: who, when, which action, from and to, and why.

    on_behalf marks staff acting for a resident (代办); actor_kind is how the actor stood to the
    wish (domain.wishes.Actor)."""

    id = fields.IntField(primary_key=True)
    wish: fields.ForeignKeyRelation[Wish] = fields.ForeignKeyField(
        "wishes.Wish", related_name="events", on_delete=fields.CASCADE
    )
    wish_id: int
    at = fields.DatetimeField(auto_now_add=True)
    actor: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.User", related_name="wish_events", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    actor_name = fields.CharField(max_length=100, default="")
    actor_kind = fields.CharField(max_length=20, default="")
    on_behalf = fields.BooleanField(default=False)
    action = fields.CharField(max_length=12)
    from_status = fields.CharField(max_length=12, default="")
    to_status = fields.CharField(max_length=12, default="")
    reason = fields.TextField(default="")
    note = fields.TextField(default="")
    claim_id = fields.IntField(null=True)

    class Meta:
        app = "wishes"
        table = "wish_event"


class Claim(Model):
    """A claim (认领) of a wish by a volunteer or for an organisation, kept after it ends.

    org is set when a member claims for the organisation (any member then acts as the
    claimer); claimer is the user who made it. status follows domain.wishes.ClaimStatus."""

    id = fields.IntField(primary_key=True)
    wish: fields.ForeignKeyRelation[Wish] = fields.ForeignKeyField(
        "wishes.Wish", related_name="claims", on_delete=fields.CASCADE
    )
    wish_id: int
    claimer: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.User", related_name="claims", null=True, on_delete=fields.SET_NULL
    )
    claimer_id: int | None
    org: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "wishes.Organisation", related_name="claims", null=True, on_delete=fields.SET_NULL
    )
    org_id: int | None
    project: fields.ForeignKeyNullableRelation[Project] = fields.ForeignKeyField(
        "wishes.Project", related_name="claims", null=True, on_delete=fields.SET_NULL
    )
    project_id: int | None
    via = fields.CharField(max_length=12, default="claim")  # claim | allocation
    # domain.orgs.CLAIMER_KINDS, at claim time
    claimer_kind = fields.CharField(max_length=24, default="", db_default="")
    status = fields.CharField(max_length=12, db_index=True)
    claimed_at = fields.DatetimeField()
    deadline = fields.DatetimeField(db_index=True)
    extensions = fields.IntField(default=0)
    fulfilled_note = fields.TextField(default="")
    fulfilled_on = fields.DateField(null=True)
    photo = fields.BinaryField(null=True)
    photo_type = fields.CharField(max_length=20, default="")
    ended_at = fields.DatetimeField(null=True)

    class Meta:
        app = "wishes"
        table = "wish_claim"
        indexes = (("status", "deadline"),)


class Rating(Model):
    """A rating of a fulfilled wish by its resident (1-5 stars), one per wish.

    Copies the claim's organisation, project and claimer so that past ratings feed matching."""

    id = fields.IntField(primary_key=True)
    wish: fields.OneToOneRelation[Wish] = fields.OneToOneField(
        "wishes.Wish", related_name="rating", on_delete=fields.CASCADE
    )
    wish_id: int
    claim: fields.ForeignKeyNullableRelation[Claim] = fields.ForeignKeyField(
        "wishes.Claim", related_name="ratings", null=True, on_delete=fields.SET_NULL
    )
    claim_id: int | None
    org_id = fields.IntField(null=True, db_index=True)
    project_id = fields.IntField(null=True, db_index=True)
    claimer_id = fields.IntField(null=True, db_index=True)
    stars = fields.SmallIntField()
    comment = fields.TextField(default="")
    by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.User", related_name="ratings_given", null=True, on_delete=fields.SET_NULL
    )
    by_id: int | None
    on_behalf = fields.BooleanField(default=False)
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "wishes"
        table = "wish_rating"


# ---------------------------------------------------------------------------- allocation


class AllocationPlan(Model):
    """A batch plan assigning published wishes of an area to projects (draft, accepted, discarded).

    total_score is the plan's score (domain.matching); greedy_score what a greedy assignment
    of the same wishes reached, for comparison."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, default="")
    area_code = fields.CharField(max_length=24, db_index=True)
    status = fields.CharField(max_length=12, default="draft", db_index=True)
    total_score = fields.FloatField(default=0)
    greedy_score = fields.FloatField(default=0)
    wishes = fields.IntField(default=0)
    edited = fields.BooleanField(default=False)
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.User", related_name="allocation_plans", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.User", related_name="allocation_decisions", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField(null=True)
    # what accepting did: claims made, items skipped and why
    result: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)

    class Meta:
        app = "wishes"
        table = "allocation_plan"


class AllocationItem(Model):
    """One wish of a plan and the project it goes to (none when capacity ran short)."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[AllocationPlan] = fields.ForeignKeyField(
        "wishes.AllocationPlan", related_name="items", on_delete=fields.CASCADE
    )
    plan_id: int
    wish: fields.ForeignKeyRelation[Wish] = fields.ForeignKeyField(
        "wishes.Wish", related_name="allocation_items", on_delete=fields.CASCADE
    )
    wish_id: int
    project: fields.ForeignKeyNullableRelation[Project] = fields.ForeignKeyField(
        "wishes.Project", related_name="allocation_items", null=True, on_delete=fields.SET_NULL
    )
    project_id: int | None
    score = fields.FloatField(default=0)
    edited = fields.BooleanField(default=False)

    class Meta:
        app = "wishes"
        table = "allocation_item"
        unique_together = (("plan", "wish"),)


# ---------------------------------------------------------------------------- inbox


class Notification(Model):
    """An entry of a user inbox: what happened to a wish or demand that concerns them."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "core.User", related_name="notifications", on_delete=fields.CASCADE
    )
    user_id: int
    kind = fields.CharField(max_length=24)
    # what it says: a message of domain.notices (``wish.claimed``) and the words put into it
    # ({"wish": title, "by": name, ...}), worded when read, in the reader's language
    message = fields.CharField(max_length=40, default="", db_default="")
    params: fields.JSONField[dict] = fields.JSONField(null=True)
    # rows older than `message` (wishes/0006_notice_messages converts those it recognises):
    # the Chinese title and body, and the words in other languages, {"en": [title, body]};
    # read only when `message` is empty or unknown
    title = fields.CharField(max_length=200)
    body = fields.TextField(default="")
    link = fields.CharField(max_length=200, default="")
    wish_id = fields.IntField(null=True)
    demand_id = fields.IntField(null=True)
    words: fields.JSONField[dict] = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        app = "wishes"
        table = "notification"
        indexes = (("user_id", "read_at"), ("user_id", "id"))  # ("user_id", "id"): wishes/0003_list_indexes
