"""The area tree (city > district > street > community > grid > group > building) in the store:
reading it (.reading), changing it in validated batches (.changes), importing boundary files
(.importer), the point lookup (.spatial) and residential compounds (.compounds). Handlers use the
functions named here.
"""

from gridsvc.store.areas.changes import (
    EDITABLE,
    TOP_LEVELS,
    AreaInput,
    BatchReport,
    delete_area,
    size_band,
    store_batch,
    update_area,
    validate_batch,
)
from gridsvc.store.areas.reading import (
    ancestors,
    area_exists,
    area_names,
    area_rows,
    area_summary,
    areas_below,
    areas_by_code,
    areas_of_level,
    areas_to_pick,
    buildings_under,
    chain_to,
    child_rows,
    children_of,
    children_stats,
    codes_of_level,
    coverage_of,
    expected_parent_level,
    find_area,
    geom_of,
    get_area,
    list_areas,
    parent_codes,
    subtree_filter,
    top_area_extents,
    top_areas,
)

__all__ = [
    "EDITABLE", "TOP_LEVELS", "AreaInput", "BatchReport", "ancestors", "area_exists", "area_names", "area_rows",
    "area_summary", "areas_below", "areas_by_code", "areas_of_level", "areas_to_pick", "buildings_under", "chain_to",
    "child_rows", "children_of", "children_stats", "codes_of_level", "coverage_of", "delete_area",
    "expected_parent_level", "find_area", "geom_of", "get_area", "list_areas", "parent_codes", "size_band",
    "store_batch", "subtree_filter", "top_area_extents", "top_areas", "update_area", "validate_batch",
]
