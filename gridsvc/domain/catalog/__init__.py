"""Public-service item catalogs (公共服务目录清单): items, lists, versions, areas, admission.

Pure rules: no I/O. The store keeps the records; the web layer and the CLI call these
functions so that one rule holds at every entry point.

Item codes
    ``{list}-{category}-{number}``, e.g. ``GS-SB-001``: two letters for the list, two for the
    category (pinyin initials, table below) and a 3- or 4-digit serial. The code is the
    item's identity across its versions, so a new version keeps its list and category; moving
    an item to another list (say, from the public-service list to the list of work the
    community must not take on) is a policy act recorded as revoking one item and publishing
    another.

        list            prefix    category         prefix
        public_service    GS      employment         LD   social_services   SF
        duty              LZ      social_security    SB   housing           ZF
        assist            XZ      health             WJ   culture_sports    WT
        excluded          BC      education          JY   public_safety     GA
        no_certificate    ZM      legal              FL   mediation         TZ
                                  convenience        BM   volunteer         ZY

Lifecycle
    draft -> published -> superseded | revoked. A published version is never edited: an edit
    makes version n+1 as a draft (`next_version`), and publishing it supersedes the one in
    force (`publish`). A version is in force from ``published_on`` (inclusive) to
    ``superseded_on``/``revoked_on`` (exclusive), so `catalog_on` answers "what did the
    catalog say on that day" from the version records alone. Publishing with a future date
    schedules a version.

Admission (准入) lives in `gridsvc.domain.admission`.
"""

from .areas import applies_to, area_prefixes, search_doc
from .checks import (
    check_item,
    due_date,
    item_errors,
    item_to_dict,
    responsible_text,
    suggest_code,
    time_limit_text,
)
from .fields import (
    category_id,
    infer_level,
    list_id,
    parens_balanced,
    parse_fee,
)
from .item import (
    FREE,
    Material,
    ServiceItemData,
    Venue,
    format_fee,
)
from .lists import (
    CATEGORIES,
    CATEGORY_BY_ID,
    CODE_RE,
    CONVENIENCE_CATEGORIES,
    FIELD_LABELS,
    ITEM_AREA_LEVELS,
    LIST_BY_ID,
    LISTS,
    NEGATIVE_LISTS,
    NO_BASIS_NEEDED,
    RESPONSIBLE_REQUIRED,
    TIME_LIMIT_UNITS,
    VENUE_KINDS,
    Category,
    ItemList,
)
from .versions import (
    STATUS_NAMES_ZH,
    ItemStatus,
    ItemVersion,
    catalog_on,
    current_version,
    next_version,
    publish,
    revoke,
    version_transition,
)

__all__ = [
    "Category",
    "CATEGORIES",
    "CATEGORY_BY_ID",
    "NO_BASIS_NEEDED",
    "CONVENIENCE_CATEGORIES",
    "ItemList",
    "LISTS",
    "LIST_BY_ID",
    "NEGATIVE_LISTS",
    "RESPONSIBLE_REQUIRED",
    "TIME_LIMIT_UNITS",
    "VENUE_KINDS",
    "CODE_RE",
    "ITEM_AREA_LEVELS",
    "FIELD_LABELS",
    "Material",
    "Venue",
    "ServiceItemData",
    "FREE",
    "format_fee",
    "category_id",
    "list_id",
    "parens_balanced",
    "parse_fee",
    "infer_level",
    "item_errors",
    "check_item",
    "suggest_code",
    "item_to_dict",
    "time_limit_text",
    "due_date",
    "responsible_text",
    "ItemStatus",
    "STATUS_NAMES_ZH",
    "version_transition",
    "ItemVersion",
    "current_version",
    "next_version",
    "publish",
    "revoke",
    "catalog_on",
    "applies_to",
    "area_prefixes",
    "search_doc",
]
