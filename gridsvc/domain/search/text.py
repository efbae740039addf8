"""Search text: normalising, tokens (CJK runs and words), abbreviations and their expansions."""

from __future__ import annotations

import re
import unicodedata

# Common civil-affairs abbreviations and old names -> the words catalogs use. Matching runs
# both ways: a query for the full words also finds items named by the abbreviation.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "低保": ("最低生活保障",),
    "低边": ("低保边缘", "最低生活保障边缘"),
    "五保": ("特困人员救助供养", "特困供养"),
    "医保": ("医疗保险", "医疗保障"),
    "社保": ("社会保险", "社会保障"),
    "新农合": ("城乡居民基本医疗保险", "居民医保"),
    "城居保": ("城乡居民基本养老保险", "城乡居民养老保险"),
    "残疾证": ("残疾人证",),
    "两项补贴": ("困难残疾人生活补贴", "重度残疾人护理补贴"),
    "准生证": ("生育服务登记", "生育登记", "生育服务证"),
    "计生": ("计划生育",),
    "独生子女证": ("独生子女父母光荣证",),
    "老年证": ("老年优待证", "老年人优待证"),
    "高龄补贴": ("高龄津贴",),
    "临救": ("临时救助",),
    "失业证": ("就业失业登记", "就业创业证"),
    "公租房": ("公共租赁住房",),
    "廉租房": ("廉租住房", "公共租赁住房"),
    "户口本": ("户口簿",),
    "暂住证": ("居住证",),
    "法援": ("法律援助",),
    "家医": ("家庭医生",),
    "打疫苗": ("预防接种",),
    "结婚证": ("结婚登记",),
}

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUN_RE = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")
_TERM_SPLIT = re.compile(r"[\s,，、;；。!！?？/|]+")
_MAX_PREFIX = 12

SYNONYM_PENALTY = 10
MAX_QUERY = 100  # characters of a query that are searched


def normalize(text: str) -> str:
    """NFKC (full-width -> half-width) and lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def tokens(text: str) -> list[str]:
    """Index terms of a text: CJK unigrams and bigrams, latin/digit words and their prefixes."""
    out: list[str] = []
    for m in _RUN_RE.finditer(normalize(text)):
        cjk, word = m.groups()
        if cjk:
            out.extend(cjk)
            out.extend(cjk[i : i + 2] for i in range(len(cjk) - 1))
        else:
            out.extend(word[:n] for n in range(1, min(len(word), _MAX_PREFIX) + 1))
            if len(word) > _MAX_PREFIX:
                out.append(word)
    return out


def _query_tokens(term: str) -> list[str]:
    """The index terms every doc containing ``term`` must have."""
    out: list[str] = []
    for m in _RUN_RE.finditer(term):
        cjk, word = m.groups()
        if cjk:
            out.extend([cjk] if len(cjk) == 1 else [cjk[i : i + 2] for i in range(len(cjk) - 1)])
        else:
            out.append(word[:_MAX_PREFIX])
    return out


_FORWARD = {normalize(k): tuple(normalize(v) for v in vs) for k, vs in ABBREVIATIONS.items()}
_BACKWARD: dict[str, tuple[str, ...]] = {}
for _k, _vs in _FORWARD.items():
    for _v in _vs:
        _BACKWARD[_v] = _BACKWARD.get(_v, ()) + (_k,)


def expansions(term: str) -> list[str]:
    """Other spellings of a normalised term through the abbreviation table (both ways)."""
    out: list[str] = []
    for table in (_FORWARD, _BACKWARD):
        for short, longs in table.items():
            if short in term:
                out.extend(term.replace(short, long) for long in longs)
    return [t for t in dict.fromkeys(out) if t != term]


def abbreviations_for(text: str) -> list[str]:
    """The abbreviations whose full words occur in ``text`` (e.g. 低保 for 最低生活保障金申请)."""
    norm = normalize(text)
    return [short for short, longs in _FORWARD.items() if any(long in norm for long in longs) and short not in norm]
