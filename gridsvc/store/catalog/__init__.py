"""The public-service catalog (服务目录) in the store: items and their versions (.items changes them,
.reading reads them, .authority says who may), admission (.admission, .refusals), the seal log
(.seal), spreadsheets (.sheets), the search index (.search) and what the upkeep pages read
(.history: an item's steps, open drafts). Handlers use the functions named
here; the catalog's days are the clock's days in China.
"""

from gridsvc.domain.clock import today
from gridsvc.store.catalog.authority import Authorize, authorizer_for, granted
from gridsvc.store.catalog.history import admission_items, item_history, item_names, next_code, open_drafts
from gridsvc.store.catalog.items import (
    create_item,
    discard_draft,
    edit_item,
    items_on,
    publish_item,
    revoke_item,
)
from gridsvc.store.catalog.reading import (
    get_item,
    item_detail,
    normalise_code,
    scope_areas,
    top_area_codes,
    version_list,
    versions_of,
)

__all__ = [
    "Authorize", "admission_items", "authorizer_for", "create_item", "discard_draft", "edit_item", "get_item",
    "granted", "item_detail", "item_history", "item_names", "items_on", "next_code", "normalise_code", "open_drafts",
    "publish_item", "revoke_item", "scope_areas", "today", "top_area_codes", "version_list", "versions_of",
]
