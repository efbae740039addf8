"""The map pages speak one language at a time (issue 10 item 7): in English no Chinese heading,
link, legend or layer name; in Chinese no English gloss beside the words. Names of places and
people are data and stay as written."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from tests.maps.test_maps import AREAS, COMMUNITY, PEOPLE, _config, _login

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
# every English word the map pages used to glue after the Chinese
GLOSSES = ("Floor plan", "Grid floor plan", "My area", "Area page", "Basemap", "Legend", "Colour by", "Households",
           "Switch", "Print", "Download", "Total", "Community households", "boundary", "top-level areas",
           "zoom in", "My areas", "Streets", "Grids", "Buildings", "Staff coverage", "No basemap")
DATA = " ".join([f["properties"]["name"] for f in AREAS]
                + [p.get("name") or "" for p in PEOPLE["staff"] + PEOPLE["accounts"]])
PAGES = [("/maps/mine", "worker"), ("/maps/mine", "official"), ("/maps/city", None),
         (f"/maps/area/{COMMUNITY[:6]}?by=households", None), (f"/maps/area/{COMMUNITY}", None),
         (f"/maps/community/{COMMUNITY}", None)]


def _text(html: str) -> str:
    """What people read: the page without scripts and styles, and the words in attributes."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    attrs = " ".join(re.findall(r'(?:placeholder|alt|aria-label|title)="([^"]*)"', html))
    return unescape(re.sub(r"<[^>]+>", " ", html) + " " + attrs)


def _layer_names(html: str) -> list[str]:
    if "GridMap.page(" not in html:
        return []
    cfg = _config(html, "page")
    return [x["name"] for x in cfg["layers"] + cfg["inline"]] + ([cfg["legend"]["title"]] if cfg.get("legend") else [])


@pytest.mark.parametrize("path, who", PAGES)
async def test_map_pages_in_english_carry_no_chinese_words(demo, path, who):  # noqa: F811
    if who:
        await _login(demo, who)
    r = await demo.get(path, params={"lang": "en"})
    assert r.status_code == 200 and '<html lang="en">' in r.text
    words = _text(r.text) + " " + " ".join(_layer_names(r.text))
    # the language switch names 中文 in Chinese
    chinese = sorted({run for run in CJK.findall(words) if run not in DATA and run not in ("、", "·", "中文")})
    assert chinese == [], chinese


@pytest.mark.parametrize("path, who", PAGES)
async def test_map_pages_in_chinese_carry_no_english_glosses(demo, path, who):  # noqa: F811
    if who:
        await _login(demo, who)
    r = await demo.get(path, params={"lang": "zh-CN"})
    assert r.status_code == 200 and '<html lang="zh-CN">' in r.text
    words = _text(r.text) + " " + " ".join(_layer_names(r.text))
    glued = sorted(g for g in GLOSSES if re.search(r"(?<![\w-])" + re.escape(g) + r"(?![\w-])", words))
    assert glued == [], glued
    assert all(CJK.search(n) for n in _layer_names(r.text)), _layer_names(r.text)


async def test_the_floor_plan_file_follows_the_language_too(demo):  # noqa: F811
    en = (await demo.get(f"/maps/community/{COMMUNITY}", params={"lang": "en", "download": "1"})).text
    assert "grid floor plan</h1>" in en and "Drawn on 20" in en and "网格化平面图" not in _text(en)
    zh = (await demo.get(f"/maps/community/{COMMUNITY}", params={"lang": "zh-CN", "download": "1"})).text
    assert "川口社区 网格化平面图</h1>" in zh and "Drawn on" not in zh
    assert json.dumps("网格", ensure_ascii=False) in zh  # the layer switcher's names, in Chinese
