"""The inbox's messages (domain.notices): a message key and its words, worded by whoever reads."""

from __future__ import annotations

import pytest

from gridsvc.domain.notices import KINDS_ZH, NOTICES, notice, render


def same(text: str) -> str:
    return text


def test_every_message_belongs_to_a_kind_and_names_its_words():
    assert all(n.kind in KINDS_ZH for n in NOTICES.values())
    assert NOTICES["wish.claimed"].names == {"wish", "by", "due"}
    assert NOTICES["wish.released"].names == {"wish", "note"}  # no body template: the note is the body


def test_a_message_is_worded_from_its_words():
    assert render("wish.claimed", {"wish": "买电暖器", "by": "川口爱心社", "due": "2026-12-07 18:00"}, same) == (
        "心愿已被认领:「买电暖器」", "认领方:川口爱心社,完成期限 2026-12-07 18:00")
    assert render("wish.released", {"wish": "买电暖器", "note": "临时出差"}, same) == (
        "认领已取消,心愿重新发布:「买电暖器」", "临时出差")
    assert render("wish.released", {"wish": "买电暖器"}, same)[1] == ""
    # a word a name holds is not read as a placeholder
    assert render("wish.published", {"wish": "100%(wish)s"}, same)[0] == "您的心愿已审核发布:「100%(wish)s」"
    # a word a later wording added reads empty in an older row, rather than failing the inbox
    assert render("wish.claimed", {"wish": "买电暖器"}, same) == ("心愿已被认领:「买电暖器」", "认领方:,完成期限 ")
    assert render("wish.unknown", {}, same) is None


def test_the_writer_names_a_known_message_and_all_its_words():
    found, words = notice("wish.merged", {"wish": "买电暖器", "into": 12})
    assert found.kind == "merged" and words == {"wish": "买电暖器", "into": "12"}  # stored as display strings
    with pytest.raises(ValueError, match="unknown"):
        notice("wish.teleported", {"wish": "x"})
    with pytest.raises(ValueError, match="due"):
        notice("wish.claimed", {"wish": "x", "by": "y"})
