"""Who approves an admission, the papers it carries, refusals (issue 14 §4)."""

from __future__ import annotations

from datetime import date

import pytest

from gridsvc.domain.admission import (
    check_approval_papers,
    check_approver_level,
    check_department_level,
    check_refusal,
)
from gridsvc.domain.errors import Forbidden, ValidationError


def test_the_leading_group_of_the_departments_level_decides():
    check_approver_level("district", {"district"})
    check_approver_level("city", {"city"})
    with pytest.raises(Forbidden) as e:
        check_approver_level("city", {"district"})
    assert e.value.code == "wrong_approval_level"
    with pytest.raises(Forbidden):
        check_approver_level("district", {"street"})
    check_approver_level("city", set(), is_admin=True)


def test_department_level_names():
    assert check_department_level(None) == "district"
    assert check_department_level("市级部门") == "city" and check_department_level("市级") == "city"
    with pytest.raises(ValidationError):
        check_department_level("省级")


def test_approval_needs_both_papers():
    with pytest.raises(ValidationError) as e:
        check_approval_papers({"approval_document": "铜社建组发〔2024〕1号"})
    assert e.value.details["field"] == "agreement"
    assert check_approval_papers({"approval_document": "a", "agreement": "b"}).agreement == "b"


def test_a_refusal_names_the_community_department_and_work():
    r = check_refusal({"community": "610202001001", "department": "某局", "work": "执法检查"}, on=date(2024, 1, 2))
    assert r.reason and r.refused_on == date(2024, 1, 2)
    with pytest.raises(ValidationError):
        check_refusal({"community": "610202001000", "department": "某局", "work": "x"}, on=date(2024, 1, 2))
