"""Micro-wishes (微心愿): what a wish may say, its life cycle, claims and ratings.

A resident posts a wish (``submitted``); grid staff screen it: publish it, send it back with a
reason (``returned``, the resident edits and resubmits) or merge it into a duplicate. An
organisation member or a volunteer claims a published wish; the claim has a deadline (14 days,
never past the wish-by date), which the claimer may extend once (+7 days). A claim not
fulfilled by its deadline expires and the wish is published again; the expired claim stays in
the history (the claim has its own status, see `ClaimStatus`). The claimer records fulfilment;
the resident confirms it (and rates it), or says it was not done, which reopens the wish.

    action     from                              to          who
    publish    submitted                         published   grid_staff
    return     submitted                         returned    grid_staff          (reason)
    resubmit   returned                          submitted   resident_owner
    withdraw   submitted, returned, published    withdrawn   resident_owner, grid_staff
    merge      submitted, returned, published    merged      grid_staff          (into)
    claim      published                         claimed     org_member, volunteer
    extend     claimed                           claimed     claimer             (once)
    release    claimed                           published   claimer, grid_staff
    expire     claimed                           published   system
    fulfil     claimed                           fulfilled   claimer             (note, date)
    confirm    fulfilled                         confirmed   resident_owner, grid_staff
    reopen     fulfilled                         published   resident_owner, grid_staff (reason)

``withdrawn``, ``merged`` and ``confirmed`` are final. Grid staff act for residents who do not
use a phone (代办: withdraw, confirm, reopen); the store records who acted.

The store applies a transition with a conditional update (``WHERE id=? AND status IN
sources``) so that of many concurrent claims exactly one wins; `transition` is the rule, the
row count is the proof.
"""

from .categories import (
    BENEFICIARIES,
    WISH_CATEGORIES,
    Beneficiary,
    WishCategory,
    check_beneficiary,
    check_category,
)
from .claims import (
    CLAIM_DAYS_DEFAULT,
    CLAIM_STATUS_AFTER,
    EXTEND_DAYS_DEFAULT,
    MAX_EXTENSIONS,
    NOTE_MAX,
    PHOTO_MAX_BYTES,
    RATING_COMMENT_MAX,
    ClaimStatus,
    Fulfilment,
    Rating,
    check_claimable,
    check_fulfilment,
    check_photo,
    check_rating,
    claim_deadline,
    claim_expired,
    end_of_day,
    extend_deadline,
)
from .content import (
    DESCRIPTION_MAX,
    VALUE_CAP_DEFAULT,
    WISH_BY_MAX_DAYS,
    WishInput,
    check_description,
    check_reason,
    check_title,
    check_wish,
    parse_value_yuan,
)
from .lifecycle import (
    ACTOR_FOR_ACTION,
    FINAL_STATUSES,
    TRANSITIONS,
    WISH_STATUSES,
    Actor,
    Transition,
    WishAction,
    WishStatus,
    allowed_actions,
    check_action,
    check_actor,
    check_status,
    transition,
)

__all__ = [
    "WishCategory",
    "WISH_CATEGORIES",
    "Beneficiary",
    "BENEFICIARIES",
    "check_category",
    "check_beneficiary",
    "VALUE_CAP_DEFAULT",
    "WISH_BY_MAX_DAYS",
    "WishInput",
    "parse_value_yuan",
    "check_title",
    "check_wish",
    "check_reason",
    "DESCRIPTION_MAX",
    "check_description",
    "WishStatus",
    "WISH_STATUSES",
    "FINAL_STATUSES",
    "WishAction",
    "Actor",
    "Transition",
    "TRANSITIONS",
    "ACTOR_FOR_ACTION",
    "check_action",
    "check_status",
    "transition",
    "allowed_actions",
    "check_actor",
    "ClaimStatus",
    "CLAIM_STATUS_AFTER",
    "CLAIM_DAYS_DEFAULT",
    "EXTEND_DAYS_DEFAULT",
    "MAX_EXTENSIONS",
    "end_of_day",
    "check_claimable",
    "claim_deadline",
    "extend_deadline",
    "claim_expired",
    "NOTE_MAX",
    "Fulfilment",
    "check_fulfilment",
    "PHOTO_MAX_BYTES",
    "check_photo",
    "RATING_COMMENT_MAX",
    "Rating",
    "check_rating",
]
