"""The English catalog against the messages the code and templates use today: extracted the way
`make messages` does, every message translated, none obsolete, and the committed .mo current."""

from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from gridsvc import locale

REPO = Path(__file__).resolve().parents[2]
PO = Path(locale.LOCALE_DIR) / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def extracted() -> set[tuple[str | None, str]]:
    method_map, options_map = parse_mapping_cfg(io.StringIO((REPO / "babel.cfg").read_text(encoding="utf-8")))
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(str(REPO), method_map, options_map):
        msgid = message[0] if isinstance(message, tuple) else message
        found.add((context, msgid))
    return found


def catalog_ids(catalog) -> dict[tuple[str | None, str], str]:
    return {(m.context, m.id): m.string for m in catalog if m.id}


def test_every_message_is_in_the_english_catalog_translated_and_none_is_obsolete():
    used = extracted()
    assert len(used) > 250 and (None, "办事指南") in used and (None, "待审核") in used  # templates and domain words
    po = catalog_ids(read_po(PO.open("rb")))
    assert sorted(used - po.keys()) == [], "run `make messages` and translate the new entries"
    assert sorted(po.keys() - used) == [], "obsolete entries: run `make messages`"
    assert [k for k, v in po.items() if not v] == []


def test_the_compiled_catalog_matches_the_po():
    po = catalog_ids(read_po(PO.open("rb")))
    mo = catalog_ids(read_mo(MO.open("rb")))
    assert mo == po, "run `make messages` (pybabel compile)"


def test_placeholders_survive_translation():
    for m in read_po(PO.open("rb")):
        if m.id:
            assert sorted(re.findall(r"%\(\w+\)s", m.id)) == sorted(re.findall(r"%\(\w+\)s", m.string)), m.id
