"""Reading boundary files (GeoJSON, DataV GeoAtlas) into the area tree, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from gridsvc.config import DEFAULTS, Settings
from gridsvc.domain import crs as crs_mod
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import ValidationError
from gridsvc.domain.geojson import ParsedFeature, read_features
from gridsvc.domain.geometry import ClipRule
from gridsvc.domain.levels import LEVELS
from gridsvc.domain.scope import Principal
from gridsvc.store.areas.changes import AreaInput, BatchReport, store_batch
from gridsvc.store.areas.reading import get_area


@dataclass
class ImportPlan:
    items: list[AreaInput]
    crs: str
    crs_guessed: bool


def looks_like_datav(features: list[ParsedFeature]) -> bool:
    return bool(features) and all("adcode" in f.properties for f in features)


def plan_import(data: bytes | str | dict, *, level: str | None, parent: str | None, crs: str | None) -> ImportPlan:
    """Parse, convert to WGS-84 and attach level and parent; per-feature parse problems are
    collected and raised together."""
    features = read_features(data)
    if not features:
        raise ValidationError("文件中没有要素", "the file holds no features", code=ErrorCode.EMPTY_FILE)
    guessed = crs is None
    if crs is None:
        # DataV GeoAtlas exports are GCJ-02 (they are drawn on AMap tiles)
        crs = "gcj02" if looks_like_datav(features) else "wgs84"
    crs = crs_mod.check_crs(crs)
    if level is not None and level not in LEVELS:
        raise ValidationError(f"未知的区域层级 {level!r}", f"unknown level {level!r}", code=ErrorCode.UNKNOWN_LEVEL,
                              details={"levels": list(LEVELS)})
    items: list[AreaInput] = []
    problems = []
    for f in features:
        lv = level or f.level
        if f.problems or f.geometry is None or not lv:
            msgs = list(f.problems)
            if not lv:
                msgs.append("缺少层级,请用 --level 指定 (no level: give --level)")
            problems.append({"feature": f.label, "code": f.code, "name": f.name,
                             "problems": [{"rule": "parse", "message": m} for m in msgs]})
            continue
        g = crs_mod.transform_geometry(f.geometry, crs, "wgs84")
        items.append(AreaInput(
            code=str(f.code), name=f.name or "", level=lv, geometry=g,
            parent_code=parent or f.parent_code, households=f.households, population=f.population,
            properties={k: v for k, v in f.properties.items()
                        if k not in ("code", "adcode", "name", "level", "parent", "households", "population")},
            label=f.label,
        ))
    if problems:
        raise ValidationError(f"{len(problems)} 个要素无法读取,未保存任何数据",
                              f"{len(problems)} features could not be read; nothing was stored",
                              code=ErrorCode.AREAS_REJECTED, details={"rejected": problems, "total": len(features)})
    return ImportPlan(items, crs, guessed)


async def import_boundaries(data: bytes | str | dict, *, level: str | None = None, parent: str | None = None,
                            crs: str | None = None, repair: bool = False, clip_to_parent: bool = False,
                            tolerance_percent: float | None = None, actor: Principal | None = None,
                            settings: Settings = DEFAULTS,
                            progress: Callable[[int], None] | None = None,
                            effective: date | None = None) -> tuple[ImportPlan, BatchReport]:
    """`clip_to_parent` cuts the features to their parent where that moves at most `tolerance_percent`
    (default: the setting) of each one's area; the report lists the area moved per feature. The
    boundaries take effect on `effective` (today by default)."""
    clip = ClipRule.from_percent(clip_to_parent, settings.clip_tolerance_percent
                                 if tolerance_percent is None else tolerance_percent)
    if parent:
        await get_area(parent)  # 404 with the code when the named parent is missing
    plan = plan_import(data, level=level, parent=parent, crs=crs)
    report = await store_batch(plan.items, actor=actor, repair=repair, settings=settings, progress=progress,
                               clip=clip, effective=effective)
    return plan, report
