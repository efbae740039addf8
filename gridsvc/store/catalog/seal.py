"""The community seal's use log (社区印章使用登记, seed 004). See gridsvc.domain.seal."""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError

from gridsvc.domain import clock
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import Conflict, NotFound
from gridsvc.domain.privacy import mask_name
from gridsvc.domain.scope import Principal
from gridsvc.domain.seal import (
    check_seal_item,
    check_seal_request,
    seal_record,
    seal_serial,
)
from gridsvc.store import audit, subtree
from gridsvc.store.areas.models import Area
from gridsvc.store.catalog.authority import Authorize, actor_name, authorize_change
from gridsvc.store.catalog.models import SealUse
from gridsvc.store.catalog.reading import item_detail


def seal_use_view(row: SealUse, *, full: bool = False) -> dict[str, Any]:
    return {"id": row.id, "community": row.community, "item_code": row.item_code, "item_name": row.item_name,
            "for_whom": row.for_whom if full else mask_name(row.for_whom), "purpose": row.purpose,
            "used_by": row.used_by_name, "used_at": row.used_at.isoformat(),
            "e_seal": {"serial": row.serial, "record_sha256": row.record_sha256,
                       "document_sha256": row.document_sha256}}


async def log_seal_use(data: Any, *, actor: Principal | None, authorize: Authorize = None) -> dict[str, Any]:
    """Check the request against the positive and negative lists, then log it with its record.

    The serial counts the community's uses; two uses at the same moment meet the unique serial
    and the later one takes the next number."""
    req = check_seal_request(data)
    area = await Area.filter(code=req.community).first()
    if area is None or area.level != "community":
        raise NotFound(f"社区 {req.community} 不存在", f"community {req.community} not found",
                       code=ErrorCode.NOT_FOUND, details={"field": "community"})
    await authorize_change(authorize, actor, "seal.use", [req.community])
    item = await item_detail(req.item_code, day=clock.today(), area=req.community)
    check_seal_item(req.item_code, item["list"], name=item["name"], responsible=item.get("responsible", ""),
                    venues=item.get("venues", []))
    used_at = clock.now().astimezone(clock.CHINA).replace(microsecond=0)
    by = actor_name(actor)
    for _ in range(5):
        number = await SealUse.filter(community=req.community).count() + 1
        serial = seal_serial(req.community, used_at, number)
        try:
            row = await SealUse.create(
                community=req.community, item_code=req.item_code, item_name=item["name"], for_whom=req.for_whom,
                purpose=req.purpose, used_by_id=actor.user_id if actor else None, used_by_name=by, used_at=used_at,
                serial=serial, document_sha256=req.document_sha256,
                record_sha256=seal_record(req, used_by=by, used_at=used_at, serial=serial))
            break
        except IntegrityError:
            continue
    else:
        raise Conflict("用印登记繁忙,请重试", "the seal log is busy; try again", code=ErrorCode.BUSY)
    await audit.record(actor, "seal.use", "seal_use", row.id, area_code=req.community,
                       after={"item": req.item_code, "serial": serial})
    return seal_use_view(row, full=True)


async def seal_uses(prefixes: list[str] | None, *, community: str | None = None, limit: int = 200,
                    offset: int = 0) -> list[dict[str, Any]]:
    """The log within the given code prefixes (None: all), newest first; names masked."""
    qs = SealUse.all()
    if prefixes is not None:
        if not prefixes:
            return []
        qs = qs.filter(subtree.under_any("community", prefixes))
    if community:
        qs = qs.filter(community=community)
    return [seal_use_view(r) for r in await qs.order_by("-id").offset(offset).limit(limit)]
