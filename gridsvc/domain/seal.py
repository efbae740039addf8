"""The community seal (社区印章, seed 004; 民发〔2020〕20号).

A positive list (社区印章使用清单, the catalog's ``seal`` list) says what the community seal
may be put on; the national negative list (``no_certificate``) names certificates communities
no longer issue. Each use of the seal is logged: what, for whom, by whom, when, with an
electronic-seal record, a serial and a SHA-256 digest over those facts (and over the sealed
document when the caller sends its digest), so a later change to the log shows.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from .error_codes import ErrorCode
from .errors import ValidationError
from .levels import check_community_code
from .text import field_text

SEAL_LIST = "seal"
NEGATIVE_CERTIFICATES = "no_certificate"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class SealRequest:
    community: str
    item_code: str
    for_whom: str
    purpose: str
    document_sha256: str = ""


_text = partial(field_text, max_len=200)


def check_seal_request(data: Any) -> SealRequest:
    if not isinstance(data, Mapping):
        raise ValidationError("用印登记应为对象", "a seal use must be an object", code=ErrorCode.BAD_TYPE)
    community = check_community_code(_text(data, "community", "社区代码", max_len=12))
    digest = _text(data, "document_sha256", "文件摘要", required=False, max_len=64).lower()
    if digest and not _SHA256.match(digest):
        raise ValidationError("文件摘要应为 64 位十六进制 SHA-256", "document_sha256 must be a hex SHA-256",
                              code=ErrorCode.BAD_DIGEST, details={"field": "document_sha256"})
    return SealRequest(community=community, item_code=_text(data, "item_code", "用印事项代码", max_len=16).upper(),
                       for_whom=_text(data, "for_whom", "用印对象(为谁出具)", max_len=100),
                       purpose=_text(data, "purpose", "用途", max_len=300), document_sha256=digest)


def check_seal_item(item_code: str, item_list: str | None, *, name: str = "", responsible: str = "",
                    venues: Sequence[Mapping[str, Any]] = ()) -> None:
    """The seal goes only on what the positive list names. A certificate of the negative list
    is refused with where to go instead."""
    if item_list == NEGATIVE_CERTIFICATES:
        places = [v.get("name") or v.get("url") or "" for v in venues]
        where = responsible or "、".join(p for p in places if p)
        raise ValidationError(
            f"社区不出具“{name}”(民发〔2020〕20号 不应由基层群众性自治组织出具的证明事项)。请到{where}办理",
            f"communities no longer issue '{name}' (national negative list); go to {where}",
            code=ErrorCode.CERTIFICATE_NOT_ISSUED,
            details={"field": "item_code", "item_code": item_code, "where": where, "venues": list(venues)},
        )
    if item_list != SEAL_LIST:
        raise ValidationError(f"事项 {item_code} 不在社区印章使用清单上,不能用印",
                              f"{item_code} is not on the community seal's positive list",
                              code=ErrorCode.NOT_ON_SEAL_LIST, details={"field": "item_code", "item_code": item_code})


def seal_record(req: SealRequest, *, used_by: str, used_at: datetime, serial: str) -> str:
    """The electronic-seal record's digest: SHA-256 over the logged facts, in a fixed order."""
    facts = "\n".join([serial, req.community, req.item_code, req.for_whom, req.purpose, used_by,
                       used_at.isoformat(), req.document_sha256])
    return hashlib.sha256(facts.encode("utf-8")).hexdigest()


def seal_serial(community: str, used_at: datetime, number: int) -> str:
    """电子印章编号: community code, day, and the running number of that community's uses."""
    return f"{community}-{used_at:%Y%m%d}-{number:05d}"
