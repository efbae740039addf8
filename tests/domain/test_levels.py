"""Codes and kinds: township-level units and 居委会/村委会 read from the code (issue 14 §1)."""

from __future__ import annotations

import pytest

from gridsvc.domain.catalog import check_item
from gridsvc.domain.errors import ValidationError
from gridsvc.domain.levels import (
    area_level_name_zh,
    community_kind,
    organic_law,
    street_kind,
)
from gridsvc.domain.roles import role_name_zh


@pytest.mark.parametrize("segment, kind", [
    ("001", "street"), ("099", "street"), ("100", "town"), ("199", "town"),
    ("200", "township"), ("399", "township"), ("400", "other"), ("599", "other"),
])
def test_street_segment_kinds(segment, kind):
    assert street_kind(f"610202{segment}000") == kind


def test_street_segment_beyond_599_is_refused():
    with pytest.raises(ValidationError) as e:
        street_kind("610202600000")
    assert e.value.code == "bad_code"


@pytest.mark.parametrize("segment, kind", [("001", "community"), ("199", "community"),
                                           ("200", "village"), ("399", "village")])
def test_community_or_village_from_the_last_segment(segment, kind):
    assert community_kind(f"610222100{segment}") == kind
    assert community_kind(f"610222100{segment}001001") == kind  # a group inside it


def test_community_segment_outside_the_ranges_is_refused():
    for code in ("610222100000", "610222100400"):
        with pytest.raises(ValidationError):
            community_kind(code)


def test_a_village_has_villager_groups_and_their_leaders():
    assert area_level_name_zh("community", "610222100201") == "村"
    assert area_level_name_zh("group", "610222100201001001") == "村民小组"
    assert area_level_name_zh("group", "610202001001001001") == "居民小组"
    assert role_name_zh("group_leader", "610222100201001001") == "村民小组长"
    assert role_name_zh("group_leader", "610202001001001001") == "居民小组长"
    assert organic_law("610222100201") == "《中华人民共和国村民委员会组织法》"
    assert organic_law("610202001001") == "《中华人民共和国城市居民委员会组织法》"


def _duty(areas, basis):
    return {"code": "LZ-SF-101", "name": "召集村民会议", "category": "social_services", "list": "duty",
            "legal_basis": basis, "areas": areas}


def test_a_villages_duty_list_cites_the_villagers_committee_law():
    with pytest.raises(ValidationError) as e:
        check_item(_duty(["610222100201"], "《中华人民共和国城市居民委员会组织法》"))
    assert e.value.code == "wrong_organic_law" and e.value.details["area"] == "610222100201"
    assert check_item(_duty(["610222100201"], "《中华人民共和国村民委员会组织法》")).areas == ["610222100201"]
    with pytest.raises(ValidationError):
        check_item(_duty(["610202001001"], "《中华人民共和国村民委员会组织法》"))
    check_item(_duty(["610202001001"], "《中华人民共和国城市居民委员会组织法》"))
