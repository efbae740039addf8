"""A text field of a record (gridsvc.domain.text.field_text), as compounds, seal uses, admission
papers and refusals read theirs, and the community code they name (levels.check_community_code)."""

from __future__ import annotations

import pytest

from gridsvc.domain.errors import ValidationError
from gridsvc.domain.levels import check_community_code
from gridsvc.domain.text import field_text


def test_a_field_is_read_trimmed_and_in_its_usual_width():
    assert field_text({"name": "  阳光小区１号  "}, "name", "小区名称", max_len=20) == "阳光小区1号"
    assert field_text({"households": 120}, "households", "户数", max_len=5) == "120"
    assert field_text({}, "note", "备注", required=False, max_len=5) == ""


@pytest.mark.parametrize(("data", "kwargs", "code", "details"), [
    ({"name": "   "}, {}, "required", {"field": "name"}),
    ({"name": "长" * 11}, {"max_len": 10}, "too_long", {"field": "name", "max_len": 10}),
    ({"name": 7}, {"text_only": True}, "bad_type", {"field": "name"}),
])
def test_a_bad_field_is_named(data, kwargs, code, details):
    with pytest.raises(ValidationError) as e:
        field_text(data, "name", "名称", **{"max_len": 100, **kwargs})
    assert e.value.code == code and e.value.details == details
    assert "名称" in e.value.message_zh and "name" in e.value.message_en


def test_a_community_code_is_twelve_digits_not_a_street():
    assert check_community_code("610202001001") == "610202001001"
    for bad in ("610202001000", "61020200100", "61020200100x"):
        with pytest.raises(ValidationError) as e:
            check_community_code(bad)
        assert e.value.code == "bad_area" and e.value.details == {"field": "community"}
