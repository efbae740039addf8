"""Posting a wish: placed in a grid by the point lookup, its value capped for the grid, stored with
its first history entry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

import shapely
from tortoise.transactions import in_transaction

from gridsvc.domain import clock
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import FieldProblems, NotFound, ValidationError
from gridsvc.domain.scope import Principal
from gridsvc.domain.wishes import Actor, WishStatus, check_description, check_wish
from gridsvc.store.accounts.models import User, UserArea
from gridsvc.store.accounts.users import check_phone
from gridsvc.store.areas.models import Area
from gridsvc.store.wishes import inbox
from gridsvc.store.wishes.history import record_event, tell
from gridsvc.store.wishes.models import Wish

# ---------------------------------------------------------------------------- placing a wish


@dataclass(frozen=True)
class Placement:
    lon: float
    lat: float
    grid_code: str
    building_code: str | None
    chain: tuple[dict, ...]
    building_name: str = ""

    def place_name(self) -> str:
        """The community and the building, as an address when the account has none."""
        community = next((a["name"] for a in self.chain if a["level"] == "community"), "")
        building = self.building_name or next((a["name"] for a in self.chain if a["level"] == "building"), "")
        return community + building


def _number(v: Any, name: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise ValidationError(f"{name} 应为数字", f"{name} must be a number",
                              code=ErrorCode.BAD_POSITION, details={"field": name})
    try:
        f = float(v)
    except ValueError:
        raise ValidationError(f"{name} 应为数字", f"{name} must be a number", code=ErrorCode.BAD_POSITION,
                              details={"field": name}) from None
    if not math.isfinite(f):
        raise ValidationError(f"{name} 应为有限数字", f"{name} must be finite",
                              code=ErrorCode.BAD_POSITION, details={"field": name})
    return f


async def place(index, data: dict, *, home_building: str | None = None) -> Placement:
    """Where a wish is: the building picked (``building``), else the position (``lon`` +
    ``lat``, WGS-84), else the resident's home building. The grid comes from the point lookup
    of that position (``not_in_grid`` when no grid holds it)."""
    building = data.get("building")
    if building in ("", None) and data.get("lon") in (None, "") and data.get("lat") in (None, ""):
        building = home_building
    building_code, building_name = None, ""
    if building not in ("", None):
        if not isinstance(building, str):
            raise ValidationError("building 应为楼栋代码", "building must be a building code",
                                  code=ErrorCode.BAD_BUILDING,
                                  details={"field": "building"})
        area = await Area.filter(code=building.strip()).first()
        if area is None:
            raise NotFound(f"楼栋 {building} 不存在", f"building {building} not found",
                           details={"field": "building", "code": building})
        if area.level != "building":
            raise ValidationError(f"{building} 是{area.level},不是楼栋",
                                  f"{building} is a {area.level}, not a building",
                                  code=ErrorCode.BAD_BUILDING, details={"field": "building", "level": area.level})
        pt = shapely.from_wkb(area.geometry).representative_point()
        lon, lat, building_code, building_name = pt.x, pt.y, area.code, area.name
    elif data.get("lon") not in (None, "") or data.get("lat") not in (None, ""):
        lon, lat = _number(data.get("lon"), "lon"), _number(data.get("lat"), "lat")
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationError("经纬度超出范围", "lon/lat out of range", code=ErrorCode.BAD_POSITION,
                                  details={"lon": lon, "lat": lat})
    else:
        raise ValidationError("请选择楼栋(building)或给出位置(lon、lat)", "give a building or a position (lon, lat)",
                              code=ErrorCode.PLACE_MISSING, details={"fields": ["building", "lon", "lat"]})
    chain = (await index.get()).locate(lon, lat)
    grid = next((a["code"] for a in chain if a["level"] == "grid"), None)
    if grid is None and building_code:
        # a building drawn as a point on its group's edge: its code names the grid (domain.levels)
        if await Area.exists(code=building_code[:15], level="grid"):
            grid = building_code[:15]
    if grid is None:
        raise ValidationError(f"位置 {lon:.6f},{lat:.6f} 不在任何网格内",
                              f"no grid holds the position {lon:.6f},{lat:.6f}",
                              code=ErrorCode.NOT_IN_GRID, details={"lon": lon, "lat": lat})
    if building_code is None:
        building_code = next((a["code"] for a in chain if a["level"] == "building"), None)
    return Placement(round(lon, 6), round(lat, 6), grid, building_code, tuple(chain), building_name)


async def home_building(user_id: int) -> str | None:
    first = UserArea.filter(user_id=user_id, area__level="building").order_by("id").first()
    # flat=True gives bare values, not the tuples Tortoise's stubs say
    return cast(str | None, await first.values_list("area__code", flat=True))


async def value_cap(grid_code: str, settings) -> Decimal:
    """The district's cap on a wish's value: ``wish_value_cap`` in the district's properties
    (PATCH /api/v1/areas/{district}), else the setting (GRIDSVC_WISH_VALUE_CAP, 500)."""
    default = Decimal(str(getattr(settings, "wish_value_cap", 500) if settings else 500))
    district = await Area.filter(code=grid_code[:6], level="district").first()
    raw = (district.properties or {}).get("wish_value_cap") if district else None
    if isinstance(raw, (int, float, str)) and not isinstance(raw, bool):
        try:
            cap = Decimal(str(raw))
            if cap.is_finite() and cap > 0:
                return cap
        except ArithmeticError:
            pass
    return default


def wish_content(data: dict, *, today: date, cap: Decimal, base: Wish | None = None) -> dict:
    """The checked content fields of a new wish, or of an edit of ``base`` (fields not sent
    keep their value)."""
    def pick(key: str, current: Any) -> Any:
        return data[key] if key in data else current

    # every field's problem at once (what is missing among them), the first on top
    problems = FieldProblems()
    for key in ("title", "category", "value_yuan", "wish_by"):
        if base is None and data.get(key) in (None, ""):
            problems.add(key, ValidationError(f"缺少 {key}", f"{key} is required", code=ErrorCode.REQUIRED,
                                              details={"field": key}))
    ben = pick("beneficiary", base.beneficiary if base else None)
    w = problems.check("title", check_wish, pick("title", base.title if base else None),
                       pick("category", base.category if base else None),
                       pick("value_yuan", base.value_yuan if base else None),
                       pick("wish_by", base.wish_by if base else None),
                       today, cap, beneficiary=ben if ben not in ("", None) else None)
    description = problems.check("description", check_description,
                                 pick("description", base.description if base else None))
    problems.raise_any()
    return {"title": w.title, "category": w.category.value, "value_yuan": w.value_yuan, "wish_by": w.wish_by,
            "beneficiary": w.beneficiary.value if w.beneficiary else None, "description": description}


async def create_wish(data: dict, placement: Placement, *, resident: User, actor: Principal, settings,
                      now: datetime | None = None) -> Wish:
    """A new wish, ``submitted`` for screening; grid staff posting for a resident (代办) is
    recorded as such. The contact data is a snapshot of the resident's account (or what the
    request gives for this wish)."""
    now = now or clock.now()
    cap = await value_cap(placement.grid_code, settings)
    content = wish_content(data, today=clock.china(now).date(), cap=cap)
    phone = check_phone(str(data["contact_phone"])) if data.get("contact_phone") else resident.phone
    address = data.get("address")
    if address is not None and (not isinstance(address, str) or len(address.strip()) > 200):
        raise ValidationError("地址最多 200 个字", "the address has at most 200 characters", code=ErrorCode.BAD_FIELD,
                              details={"field": "address"})
    address = (address or "").strip() or resident.address or placement.place_name()
    on_behalf = actor.user_id != resident.id
    async with in_transaction():
        wish = await Wish.create(
            resident_id=resident.id, posted_by_id=actor.user_id, **content, building_code=placement.building_code,
            lon=placement.lon, lat=placement.lat, grid_code=placement.grid_code, status=WishStatus.SUBMITTED.value,
            contact_name=resident.display_name or resident.username, contact_phone=phone or "", contact_address=address,
        )
        await record_event(wish, "submit", actor, Actor.GRID_STAFF if on_behalf else Actor.RESIDENT_OWNER, "",
                           WishStatus.SUBMITTED, on_behalf=on_behalf, now=now)
        await tell("wish.submitted", await inbox.grid_staff_ids(wish.grid_code), wish, skip=actor.user_id)
    return wish
