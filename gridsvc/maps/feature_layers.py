"""The layers the features add to "my area", registered once at start-up by `create_app`.

They used to register themselves when their API module was imported, so whether a map had a
layer depended on what had been imported before; here they are listed where a reader of the
maps looks for them. Registering replaces by key, so calling this twice (two apps in one
process, as in the tests) changes nothing.
"""

from __future__ import annotations

from .layers import register_layer


def register_feature_layers() -> None:
    # the published wishes: points rounded to about 100 m, no contact data; the endpoint applies
    # the same scope as the list
    register_layer("微心愿", "Micro-wishes", "/api/v1/wishes?format=geojson&status=published&bbox={bbox}&crs={crs}",
                   key="wishes", min_zoom=12, title_field="title", link_field="url",
                   fields=[("status_zh", "状态", "Status"), ("category_zh", "类别", "Category"),
                           ("value_yuan", "预估金额(元)", "Value (yuan)"), ("wish_by", "期望日期", "Wish by")],
                   style={"color": "#c2185b", "fillColor": "#f48fb1"})
    # residential compounds (public, like the floor plans)
    register_layer("小区/院落", "Residential compounds", "/api/v1/compounds?bbox={bbox}", key="compounds",
                   min_zoom=14, fields=[("kind_zh", "类型", "Kind"), ("property_company", "物业", "Property company"),
                                        ("owners_committee", "业委会", "Owners' committee"),
                                        ("party_branch", "党支部", "Party branch")],
                   style={"color": "#00695c", "fillColor": "#80cbc4", "fillOpacity": 0.25})
