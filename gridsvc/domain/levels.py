"""The administrative tree: levels and area codes.

Codes follow GB/T 2260 (6-digit division code) and the 12-digit statistical division code
(统计用区划代码: 6 county + 3 street/town + 3 community/village), extended for grids (+3,
as Beijing's 15-digit grid standard), resident groups (+3) and buildings (+3). Because a
code extends its parent's *significant prefix*, the subtree of an area is one prefix query
and scope checks are string comparisons.

    level      digits  significant prefix   example
    city          6        4                610200
    district      6        6                610202
    street       12        9                610202001000
    community    12       12                610202001001
    grid         15       15                610202001001001
    group        18       18                610202001001001001
    building     21       21                610202001001001001001
"""

from __future__ import annotations

from .error_codes import ErrorCode
from .errors import ValidationError

LEVELS: tuple[str, ...] = ("city", "district", "street", "community", "grid", "group", "building")
LEVEL_INDEX = {name: i for i, name in enumerate(LEVELS)}

LEVEL_NAMES_ZH = {
    "city": "市",
    "district": "区县",
    "street": "街道/镇",
    "community": "社区/村",
    "grid": "网格",
    "group": "居民小组",
    "building": "楼栋",
}

CODE_DIGITS = {"city": 6, "district": 6, "street": 12, "community": 12, "grid": 15, "group": 18, "building": 21}
PREFIX_DIGITS = {"city": 4, "district": 6, "street": 9, "community": 12, "grid": 15, "group": 18, "building": 21}


def check_level(level: str) -> str:
    if level not in LEVEL_INDEX:
        raise ValidationError(
            f"未知的区域层级 {level!r},应为 {' '.join(LEVELS)} 之一",
            f"unknown area level {level!r}; expected one of {', '.join(LEVELS)}",
            code=ErrorCode.UNKNOWN_LEVEL,
            details={"level": level, "levels": list(LEVELS)},
        )
    return level


def child_level(level: str) -> str | None:
    i = LEVEL_INDEX[level]
    return LEVELS[i + 1] if i + 1 < len(LEVELS) else None


def parent_level(level: str) -> str | None:
    i = LEVEL_INDEX[level]
    return LEVELS[i - 1] if i > 0 else None


MUNICIPALITIES = {"11", "12", "31", "50"}  # 北京 天津 上海 重庆: districts sit right under them


def code_prefix(code: str, level: str) -> str:
    """The significant prefix of an area's code: every descendant's code starts with it.

    A municipality (北京 110000) serves as the city of its districts (110101 ...), whose
    codes share only its 2-digit province prefix.
    """
    if level == "city" and code[2:4] == "00":
        return code[:2]
    return code[: PREFIX_DIGITS[level]]


def is_within(code: str, ancestor_code: str, ancestor_level: str) -> bool:
    """True when `code` is the ancestor itself or lies in its subtree."""
    return code == ancestor_code or code.startswith(code_prefix(ancestor_code, ancestor_level))


def check_code(code: str, level: str, parent_code: str | None = None, parent_level_: str | None = None) -> str:
    """Check that `code` has the shape of its level and extends its parent's prefix."""
    check_level(level)
    code = str(code).strip()
    digits = CODE_DIGITS[level]
    if not code.isascii() or not code.isdigit() or len(code) != digits:
        raise ValidationError(
            f"{LEVEL_NAMES_ZH[level]}代码 {code!r} 应为 {digits} 位数字",
            f"a {level} code must be {digits} digits, got {code!r}",
            code=ErrorCode.BAD_CODE,
            details={"code": code, "level": level, "digits": digits},
        )
    tail = code[len(code_prefix(code, level)) :]
    if level == "city" and not code.endswith("00"):  # 610200, or a municipality's 110000
        raise ValidationError(
            f"市级代码 {code} 应以 00 结尾", f"a city code ends in 00, got {code}", code=ErrorCode.BAD_CODE,
            details={"code": code, "level": level},
        )
    if tail and set(tail) != {"0"}:
        raise ValidationError(
            f"{LEVEL_NAMES_ZH[level]}代码 {code} 的末 {len(tail)} 位应为 0",
            f"the last {len(tail)} digits of a {level} code are zeros, got {code}",
            code=ErrorCode.BAD_CODE,
            details={"code": code, "level": level},
        )
    parent = parent_level(level)
    own = code[PREFIX_DIGITS[parent] if parent else 0 : PREFIX_DIGITS[level]]
    if level not in ("city", "district") and set(own) == {"0"}:
        raise ValidationError(
            f"{LEVEL_NAMES_ZH[level]}代码 {code} 的本级编号不能为全 0",
            f"the {level}'s own segment of {code} cannot be all zeros",
            code=ErrorCode.BAD_CODE,
            details={"code": code, "level": level},
        )
    if parent_code is not None and parent_level_ is not None:
        if LEVEL_INDEX[parent_level_] >= LEVEL_INDEX[level]:
            raise ValidationError(
                f"上级区域 {parent_code} ({parent_level_}) 的层级不高于 {level}",
                f"parent {parent_code} is a {parent_level_}, not above a {level}",
                code=ErrorCode.BAD_PARENT,
                details={"code": code, "parent": parent_code},
            )
        if not code.startswith(code_prefix(parent_code, parent_level_)):
            raise ValidationError(
                f"代码 {code} 不以上级区域 {parent_code} 的前缀 {code_prefix(parent_code, parent_level_)} 开头",
                f"code {code} does not extend its parent's prefix {code_prefix(parent_code, parent_level_)}",
                code=ErrorCode.CODE_NOT_IN_PARENT,
                details={"code": code, "parent": parent_code},
            )
    return code


def check_community_code(code: str, field: str = "community") -> str:
    """`code` when it is a community's (or village's) 12 digits, else a 422 naming `field`."""
    if len(code) != 12 or not code.isdigit() or code.endswith("000"):
        raise ValidationError(f"{code} 不是社区(村)代码", f"{code} is not a community code",
                              code=ErrorCode.BAD_AREA, details={"field": field})
    return code


def ancestor_codes(code: str, level: str) -> list[tuple[str, str]]:
    """The (level, code) of each ancestor a code names by its prefix, top down.

    Cities are named only when the district code's 4-digit prefix is a real city (not a
    municipality's 4-digit block like 1101); callers check existence in the store.
    """
    out: list[tuple[str, str]] = []
    for lv in LEVELS[: LEVEL_INDEX[level]]:
        prefix = code[: PREFIX_DIGITS[lv]]
        out.append((lv, prefix.ljust(CODE_DIGITS[lv], "0")))
    return out


def street_kind(code: str) -> str:
    """The kind of a township-level unit from the 3-digit street segment (GB/T 10114).

    001-099 streets (街道), 100-199 towns (镇), 200-399 townships (乡), 400-599 township-level
    units of other kinds (政企合一 farms, development zones and the like).
    """
    n = int(code[6:9])
    if n < 100:
        return "street"  # 街道
    if n < 200:
        return "town"  # 镇
    if n < 400:
        return "township"  # 乡
    if n < 600:
        return "other"  # 农场、开发区等乡级单位
    raise ValidationError(
        f"乡级代码段 {code[6:9]} 不在 001-599 之内", f"the street segment {code[6:9]} is outside 001-599",
        code=ErrorCode.BAD_CODE, details={"code": code, "segment": code[6:9]},
    )


STREET_KIND_NAMES_ZH = {"street": "街道", "town": "镇", "township": "乡", "other": "乡级单位(农场、开发区等)"}

# Residents' committees (社区) and villagers' committees (村) differ in their groups, the title
# of the group's leader and the organic law their duties rest on.
COMMUNITY_KIND_NAMES_ZH = {"community": "社区", "village": "村"}
GROUP_NAMES_ZH = {"community": "居民小组", "village": "村民小组"}
GROUP_LEADER_NAMES_ZH = {"community": "居民小组长", "village": "村民小组长"}
ORGANIC_LAWS = {
    "community": "《中华人民共和国城市居民委员会组织法》",
    "village": "《中华人民共和国村民委员会组织法》",
}


def community_kind(code: str) -> str:
    """Whether a community-level area is a community (居委会) or a village (村委会).

    Read from the last 3 digits of its 12-digit code (or of the 12-digit prefix of a grid,
    group or building code): 001-199 residents' committees, 200-399 villagers' committees.
    """
    n = int(code[9:12]) if len(code) >= 12 and code[9:12].isdigit() else -1
    if 1 <= n <= 199:
        return "community"
    if 200 <= n <= 399:
        return "village"
    raise ValidationError(
        f"代码 {code} 的社区/村段应为 001-199(居委会)或 200-399(村委会)",
        f"the community segment of {code} must be 001-199 (residents' committee) or 200-399 (villagers' committee)",
        code=ErrorCode.BAD_CODE, details={"code": code, "segment": code[9:12]},
    )


def area_level_name_zh(level: str, code: str) -> str:
    """The Chinese name of an area's level, in the words of its kind (村, 村民小组 in a village)."""
    if level in ("community", "group") and len(code) >= 12:
        try:
            kind = community_kind(code)
        except ValidationError:
            return LEVEL_NAMES_ZH[level]
        return COMMUNITY_KIND_NAMES_ZH[kind] if level == "community" else GROUP_NAMES_ZH[kind]
    return LEVEL_NAMES_ZH[level]


def area_kind(level: str, code: str) -> str | None:
    """street/town/township/other for a street-level area, community/village for a community-level
    one or anything inside it; None for the levels above, or a code outside the ranges."""
    try:
        if level == "street":
            return street_kind(code)
        if LEVEL_INDEX.get(level, -1) >= LEVEL_INDEX["community"]:
            return community_kind(code)
    except ValidationError:
        return None
    return None


def group_leader_name_zh(code: str) -> str:
    """居民小组长 in a community, 村民小组长 in a village (``code`` of the group or below)."""
    return GROUP_LEADER_NAMES_ZH[community_kind(code)]


def organic_law(code: str) -> str:
    """The law a community's or village's committee works under: its duty list cites it."""
    return ORGANIC_LAWS[community_kind(code)]


def _segment_range(level: str, like: str | None) -> tuple[int, int]:
    """The numbers a new area's own segment may take: of the same kind as `like` (a street stays
    a street, a town a town; a community a community, a village a village)."""
    parent = parent_level(level)
    width = PREFIX_DIGITS[level] - (PREFIX_DIGITS[parent] if parent else 0)
    if like and level == "street":
        return {"street": (1, 99), "town": (100, 199), "township": (200, 399), "other": (400, 599)}[street_kind(like)]
    if like and level == "community":
        return (1, 199) if community_kind(like) == "community" else (200, 399)
    return 1, 10**width - 1


def next_free_code(parent_code: str, parent_level_: str, level: str, taken: set[str], *,
                   like: str | None = None) -> str | None:
    """The first unused code for a new child of `level` under the parent, after the highest one
    in use (a new grid numbers after the existing ones), of the same kind as `like`; None when
    the segment is full."""
    prefix = code_prefix(parent_code, parent_level_)
    start = len(prefix)
    width = PREFIX_DIGITS[level] - start
    lo, hi = _segment_range(level, like)
    used = {int(c[start:start + width]) for c in taken if c.startswith(prefix) and c[start:start + width].isdigit()}
    top = max((n for n in used if lo <= n <= hi), default=lo - 1)
    for n in [*range(top + 1, hi + 1), *range(lo, top)]:
        if n not in used:
            return (prefix + str(n).zfill(width)).ljust(CODE_DIGITS[level], "0")
    return None
