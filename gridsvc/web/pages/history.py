"""An area's boundary history (`/areas/{code}/history`): every version on a map, with its
dates, what changed and who changed it."""

from __future__ import annotations

import shapely
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gridsvc.store.areas import generations

from ...domain.errors import NotFound
from ...domain.geojson import to_feature
from ...domain.levels import area_level_name_zh
from ..api.areas import history_entry
from ..permissions import can, require
from .render import render


async def history_page(request: Request) -> Response:
    code = request.path_params["code"]
    require(request, "area.read", code)
    entries = await generations.history(code)
    if not entries:
        raise NotFound(f"区域 {code} 没有边界版本", f"area {code} has no boundary versions", details={"code": code})
    # who changed a boundary is audit information: shown to those who may read the area's audit log
    names = can(request, "audit.read", code)
    versions = [history_entry(e, names=names) for e in entries]
    drawn = [{"from": v["valid_from"], "geometry": to_feature(shapely.from_wkb(e.geometry), {})["geometry"]}
             for v, e in zip(versions, entries, strict=True)]
    last = entries[-1]
    return render(request, "area_history.html", code=code, name=last.name,
                  level_name=area_level_name_zh(last.level, code), versions=versions[::-1], drawn=drawn,
                  gone=last.valid_to is not None, names=names)


ROUTES = [Route("/areas/{code}/history", history_page, methods=["GET"])]
