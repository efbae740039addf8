"""Maps: community grid floor plans, "my area", city and area maps that load by viewport,
choropleths, and basemaps defined as data.

Modules: basemaps (the definitions in basemaps/*.json), style (colours, zooms, cartography),
render (folium, assets, GeoJSON for Leaflet), floorplan, mine, city, choropleth (indicators),
layers (the toggles later capabilities add). The browser half is static/maps/gridmap.js.

Extension points for other capabilities:
- `register_layer(name_zh, name_en, url_template, ...)`: a toggleable layer on "my area"; the
  features' own layers are listed in `feature_layers`, registered at start-up by `create_app`.
  Each page shows the name of the request's language; a popup field is `(property, 中文, English)`.
- `register_indicator(name, name_zh, name_en, compute, ...)`: a figure to colour areas by.
"""

# the governance indicators register themselves on import (issue 12 item 8)
from . import governance as _governance  # noqa: E402,F401,I001
from .choropleth import register_indicator, unregister_indicator
from .feature_layers import register_feature_layers
from .layers import register_layer, registered_layers, unregister_layer

__all__ = ["register_feature_layers", "register_indicator", "unregister_indicator", "register_layer",
           "registered_layers",
           "unregister_layer"]
