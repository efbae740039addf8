"""Micro-wishes: content rules, the state machine (every allowed and every forbidden step),
claims and their deadlines, fulfilment and ratings."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from gridsvc.domain import clock
from gridsvc.domain.errors import Conflict, Forbidden, ValidationError
from gridsvc.domain.wishes import (
    ACTOR_FOR_ACTION,
    BENEFICIARIES,
    CLAIM_STATUS_AFTER,
    FINAL_STATUSES,
    TRANSITIONS,
    WISH_CATEGORIES,
    Actor,
    ClaimStatus,
    WishAction,
    WishStatus,
    allowed_actions,
    check_actor,
    check_fulfilment,
    check_rating,
    check_reason,
    check_wish,
    claim_deadline,
    claim_expired,
    extend_deadline,
    transition,
)

TODAY = date(2026, 1, 10)

# The life cycle, written out independently of the module: (status, action) -> new status.
ALLOWED = {
    ("submitted", "publish"): "published",
    ("submitted", "return"): "returned",
    ("submitted", "withdraw"): "withdrawn",
    ("submitted", "merge"): "merged",
    ("returned", "resubmit"): "submitted",
    ("returned", "withdraw"): "withdrawn",
    ("returned", "merge"): "merged",
    ("published", "withdraw"): "withdrawn",
    ("published", "merge"): "merged",
    ("published", "claim"): "claimed",
    ("claimed", "extend"): "claimed",
    ("claimed", "release"): "published",
    ("claimed", "expire"): "published",
    ("claimed", "fulfil"): "fulfilled",
    ("fulfilled", "confirm"): "confirmed",
    ("fulfilled", "reopen"): "published",
}
ACTORS = {
    "publish": {"grid_staff"},
    "return": {"grid_staff"},
    "resubmit": {"resident_owner"},
    "withdraw": {"resident_owner", "grid_staff"},
    "merge": {"grid_staff"},
    "claim": {"org_member", "volunteer"},
    "extend": {"claimer"},
    "release": {"claimer", "grid_staff"},
    "expire": {"system"},
    "fulfil": {"claimer"},
    "confirm": {"resident_owner", "grid_staff"},
    "reopen": {"resident_owner", "grid_staff"},
}
STATUSES = [s.value for s in WishStatus]
ACTIONS = [a.value for a in WishAction]
CONTRACT_ACTIONS = ["publish", "return", "withdraw", "claim", "extend", "fulfil", "confirm", "reopen"]


# ---------------------------------------------------------------------------- state machine


def test_statuses_and_actions() -> None:
    assert set(STATUSES) == {"submitted", "published", "returned", "withdrawn", "claimed", "fulfilled", "confirmed",
                             "merged"}
    assert set(CONTRACT_ACTIONS) <= set(ACTIONS)
    assert set(ACTIONS) == set(ACTORS)
    assert WishStatus.FULFILLED.zh == "已完成待确认" and WishStatus.SUBMITTED.zh == "待审核"


@pytest.mark.parametrize(("status", "action"), sorted(ALLOWED))
def test_allowed_transition(status: str, action: str) -> None:
    assert transition(status, action) == ALLOWED[(status, action)]


FORBIDDEN = sorted(set(itertools.product(STATUSES, ACTIONS)) - set(ALLOWED))


@pytest.mark.parametrize(("status", "action"), FORBIDDEN)
def test_forbidden_transition(status: str, action: str) -> None:
    with pytest.raises(Conflict) as exc:
        transition(status, action)
    err = exc.value
    assert err.code == "bad_transition" and err.status == 409
    assert err.details["status"] == status and err.details["action"] == action
    assert WishStatus(status).zh in err.message_zh and action in err.message_en and status in err.message_en


def test_table_is_complete() -> None:
    assert len(ALLOWED) + len(FORBIDDEN) == len(STATUSES) * len(ACTIONS)
    module_allowed = {(s.value, a.value) for a, t in TRANSITIONS.items() for s in t.sources}
    assert module_allowed == set(ALLOWED)


@pytest.mark.parametrize("status", STATUSES)
def test_allowed_actions(status: str) -> None:
    expected = {a for (s, a) in ALLOWED if s == status}
    assert set(allowed_actions(status)) == expected
    if status in FINAL_STATUSES:
        assert expected == set()


def test_allowed_actions_for_an_actor() -> None:
    assert allowed_actions("published", ["resident_owner"]) == ["withdraw"]
    assert set(allowed_actions("published", ["grid_staff"])) == {"withdraw", "merge"}
    assert allowed_actions("published", ["volunteer"]) == ["claim"]
    assert set(allowed_actions("claimed", ["claimer"])) == {"extend", "release", "fulfil"}
    assert allowed_actions("claimed", ["system"]) == ["expire"]
    assert allowed_actions("confirmed", ["grid_staff", "resident_owner"]) == []


@pytest.mark.parametrize("action", ACTIONS)
def test_actor_for_action(action: str) -> None:
    assert {a.value for a in ACTOR_FOR_ACTION[WishAction(action)]} == ACTORS[action]
    for actor in Actor:
        if actor.value in ACTORS[action]:
            check_actor(action, [actor.value])
        else:
            with pytest.raises(Forbidden) as exc:
                check_actor(action, [actor.value])
            assert exc.value.code == "wrong_actor" and exc.value.status == 403
    # a user standing to the wish in two ways (staff who posted for a resident) may do either
    check_actor(action, [a for a in Actor])


def test_unknown_status_or_action() -> None:
    with pytest.raises(ValidationError) as exc:
        transition("lost", "publish")
    assert exc.value.code == "unknown_status"
    with pytest.raises(ValidationError) as exc:
        transition("published", "steal")
    assert exc.value.code == "unknown_action"


def test_the_issue_story() -> None:
    """Post, publish, claim, expire, claim again, fulfil, reopen, claim, fulfil, confirm."""
    s = "submitted"
    for action in ["publish", "claim", "expire", "claim", "extend", "fulfil", "reopen", "claim", "fulfil", "confirm"]:
        s = transition(s, action)
    assert s == "confirmed"
    with pytest.raises(Conflict):
        transition(s, "reopen")


def test_claim_status_after_actions() -> None:
    assert CLAIM_STATUS_AFTER[WishAction.CLAIM] is ClaimStatus.ACTIVE
    assert CLAIM_STATUS_AFTER[WishAction.EXPIRE] is ClaimStatus.EXPIRED
    assert CLAIM_STATUS_AFTER[WishAction.REOPEN] is ClaimStatus.REJECTED
    assert WishAction.EXTEND not in CLAIM_STATUS_AFTER  # the claim stays active


# ---------------------------------------------------------------------------- content


def wish(**kw):  # type: ignore[no-untyped-def]
    args = {"title": "给独居老人买一件棉衣", "category": "elderly_care", "value_yuan": 200,
            "wish_by": TODAY + timedelta(days=20),
            "today": TODAY}
    args.update(kw)
    return check_wish(**args)


def test_catalogues() -> None:
    assert set(WISH_CATEGORIES) == {"elderly_care", "children", "disability", "study", "daily_necessities", "repairs",
                                    "health", "companionship", "other"}
    assert {"elderly", "disabled", "children", "poor_household", "other"} <= set(BENEFICIARIES)
    assert all(WISH_CATEGORIES.values()) and all(BENEFICIARIES.values())


def test_valid_wish_is_normalised() -> None:
    w = wish(title="  给独居老人   买棉衣 ", value_yuan="199.50", wish_by="2026-01-31", beneficiary="elderly")
    assert w.title == "给独居老人 买棉衣" and w.value_yuan == Decimal("199.50")
    assert w.wish_by == date(2026, 1, 31) and w.beneficiary == "elderly" and w.category == "elderly_care"


@pytest.mark.parametrize("value", [500, 500.0, "500", Decimal("500.00"), 0.01, 1, 499.99])
def test_value_up_to_the_default_cap(value: object) -> None:
    wish(value_yuan=value)


def test_value_over_the_default_cap_names_it() -> None:
    with pytest.raises(ValidationError) as exc:
        wish(value_yuan=500.01)
    assert exc.value.code == "value_over_cap"
    assert "500 元" in exc.value.message_zh and "500 yuan" in exc.value.message_en
    assert {k: exc.value.details[k] for k in ("value", "value_cap", "field")} == {
        "value": "500.01", "value_cap": "500", "field": "value_yuan"}
    assert [(p["field"], p["code"]) for p in exc.value.problems] == [("value_yuan", "value_over_cap")]


def test_custom_district_cap() -> None:
    wish(value_yuan=800, value_cap=800)
    with pytest.raises(ValidationError) as exc:
        wish(value_yuan=800.01, value_cap=800)
    assert "800 元" in exc.value.message_zh and exc.value.details["value_cap"] == "800"
    with pytest.raises(ValidationError) as exc:
        wish(value_yuan=300.5, value_cap=Decimal("300"))
    assert exc.value.code == "value_over_cap"
    with pytest.raises(ValidationError) as exc:
        wish(value_cap=0)
    assert exc.value.code == "bad_value_cap"


@pytest.mark.parametrize("value", [0, -5, "0.00", 1.234, "abc", True, None, float("nan"), float("inf"), [100]])
def test_bad_values(value: object) -> None:
    with pytest.raises(ValidationError) as exc:
        wish(value_yuan=value)
    assert exc.value.code == "bad_value"


@pytest.mark.parametrize(("title", "ok"), [("棉", False), ("棉衣", True), ("x" * 50, True), ("x" * 51, False),
                                           ("   ", False), (None, False)])
def test_title_bounds(title: object, ok: bool) -> None:
    if ok:
        wish(title=title)
    else:
        with pytest.raises(ValidationError) as exc:
            wish(title=title)
        assert exc.value.code == "bad_title"


def test_unknown_category_and_beneficiary() -> None:
    with pytest.raises(ValidationError) as exc:
        wish(category="pets")
    assert exc.value.code == "unknown_category" and "elderly_care" in exc.value.details["categories"]
    with pytest.raises(ValidationError) as exc:
        wish(beneficiary="everyone")
    assert exc.value.code == "unknown_beneficiary"


@pytest.mark.parametrize(("days", "code"), [(-1, "wish_by_past"), (0, None), (365, None), (366, "wish_by_too_far")])
def test_wish_by_window(days: int, code: str | None) -> None:
    if code is None:
        assert wish(wish_by=TODAY + timedelta(days=days)).wish_by == TODAY + timedelta(days=days)
    else:
        with pytest.raises(ValidationError) as exc:
            wish(wish_by=TODAY + timedelta(days=days))
        assert exc.value.code == code


@pytest.mark.parametrize("bad", ["next week", "2026-02-30", 20260131, None])
def test_wish_by_must_be_a_date(bad: object) -> None:
    with pytest.raises(ValidationError) as exc:
        wish(wish_by=bad)
    assert exc.value.code == "bad_date"


def test_wish_by_accepts_a_datetime() -> None:
    assert wish(wish_by=datetime(2026, 1, 20, 18, 30)).wish_by == date(2026, 1, 20)


def test_reason() -> None:
    assert check_reason("  与 #12 重复 ") == "与 #12 重复"
    for bad in ["", "a", "x" * 201, None]:
        with pytest.raises(ValidationError):
            check_reason(bad)


# ---------------------------------------------------------------------------- claims

T0 = datetime(2026, 1, 10, 9, 30, tzinfo=clock.CHINA)


def test_claim_deadline_defaults_to_14_days() -> None:
    assert claim_deadline(T0, date(2026, 3, 1)) == T0 + timedelta(days=14)
    assert claim_deadline(T0, date(2026, 3, 1), days=7) == T0 + timedelta(days=7)


def test_claim_deadline_is_capped_by_the_wish_by_day() -> None:
    d = claim_deadline(T0, date(2026, 1, 15))
    assert d == datetime(2026, 1, 16, 0, 0, tzinfo=clock.CHINA)
    # claimed on the wish-by day itself: until midnight
    assert claim_deadline(T0, date(2026, 1, 10)) == datetime(2026, 1, 11, tzinfo=clock.CHINA)


def test_naive_and_utc_times_are_read_correctly() -> None:
    naive = datetime(2026, 1, 10, 9, 30)
    assert claim_deadline(naive, date(2026, 3, 1)) == T0 + timedelta(days=14)
    utc = T0.astimezone(timezone.utc)
    assert claim_deadline(utc, date(2026, 3, 1)) == T0 + timedelta(days=14)
    # 20:00 UTC on the 15th is already the 16th in the city: the wish-by day (15th) is over
    with pytest.raises(Conflict):
        claim_deadline(datetime(2026, 1, 15, 20, 0, tzinfo=timezone.utc), date(2026, 1, 15))


def test_overdue_wish_cannot_be_claimed() -> None:
    with pytest.raises(Conflict) as exc:
        claim_deadline(T0, date(2026, 1, 9))
    assert exc.value.code == "wish_overdue" and exc.value.status == 409


def test_claim_expiry_boundary() -> None:
    deadline = T0 + timedelta(days=14)
    assert not claim_expired(deadline, deadline - timedelta(seconds=1))
    assert claim_expired(deadline, deadline)
    assert claim_expired(deadline, deadline + timedelta(days=1))
    assert not claim_expired(deadline, (deadline - timedelta(minutes=1)).replace(tzinfo=None))


def test_extend_once_by_seven_days() -> None:
    deadline = T0 + timedelta(days=14)
    now = T0 + timedelta(days=10)
    assert extend_deadline(deadline, now, 0) == deadline + timedelta(days=7)
    assert extend_deadline(deadline, now, 0, days=3) == deadline + timedelta(days=3)
    with pytest.raises(Conflict) as exc:
        extend_deadline(deadline, now, 1)
    assert exc.value.code == "extension_used"
    assert extend_deadline(deadline, now, 1, max_extensions=2) == deadline + timedelta(days=7)


def test_an_expired_claim_cannot_be_extended() -> None:
    deadline = T0 + timedelta(days=14)
    with pytest.raises(Conflict) as exc:
        extend_deadline(deadline, deadline, 0)
    assert exc.value.code == "claim_expired"


def test_fulfilment() -> None:
    f = check_fulfilment("  已送达棉衣一件 ", "2026-01-12", T0, date(2026, 1, 12))
    assert f.note == "已送达棉衣一件" and f.fulfilled_on == date(2026, 1, 12)
    assert check_fulfilment("done", date(2026, 1, 10), T0, date(2026, 1, 20)).fulfilled_on == date(2026, 1, 10)
    with pytest.raises(ValidationError) as exc:
        check_fulfilment("  ", "2026-01-12", T0, date(2026, 1, 12))
    assert exc.value.code == "bad_note"
    with pytest.raises(ValidationError) as exc:
        check_fulfilment("done", "2026-01-09", T0, date(2026, 1, 12))
    assert exc.value.code == "bad_fulfilment_date"
    with pytest.raises(ValidationError) as exc:
        check_fulfilment("done", "2026-01-13", T0, date(2026, 1, 12))
    assert exc.value.code == "bad_fulfilment_date"


# ---------------------------------------------------------------------------- ratings


@pytest.mark.parametrize("stars", [1, 2, 3, 4, 5, 5.0, "4"])
def test_valid_ratings(stars: object) -> None:
    r = check_rating(stars, "  很及时,谢谢! ")
    assert 1 <= r.stars <= 5 and isinstance(r.stars, int) and r.comment == "很及时,谢谢!"


@pytest.mark.parametrize("stars", [0, 6, 2.5, -1, True, None, "five", float("nan")])
def test_bad_ratings(stars: object) -> None:
    with pytest.raises(ValidationError) as exc:
        check_rating(stars)
    assert exc.value.code == "bad_rating"


def test_rating_comment() -> None:
    assert check_rating(5).comment is None
    assert check_rating(5, "   ").comment is None
    assert check_rating(5, "好" * 500).comment == "好" * 500
    with pytest.raises(ValidationError) as exc:
        check_rating(5, "好" * 501)
    assert exc.value.code == "bad_comment"
    with pytest.raises(ValidationError):
        check_rating(5, 42)


def test_description_and_photo() -> None:
    from gridsvc.domain.wishes import check_description, check_photo

    assert check_description(None) == "" and check_description("  多谢 ") == "多谢"
    for bad in (5, "长" * 501):
        with pytest.raises(ValidationError) as exc:
            check_description(bad)
        assert exc.value.code == "bad_description"
    assert check_photo(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert check_photo(b"\x89PNG\r\n\x1a\nrest") == "image/png"
    assert check_photo(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    for bad in (b"", b"GIF89a", b"<svg onload=alert(1)>", b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024)):
        with pytest.raises(ValidationError) as exc:
            check_photo(bad)
        assert exc.value.code == "bad_photo"
