"""The catalog's search index, kept fresh in every worker process.

Each process holds a `gridsvc.domain.search.CatalogIndex` over every published version of
every item (with the days each was in force), so one index answers for today and for any past
day. It is kept fresh the way the boundary index is (gridsvc.store.areas.spatial): any change to what
the index serves (publish, revoke, import, an admission decided or ended early) bumps
`catalog_revision` in the same transaction, and before each search a watcher asks, without a
query, whether the database may have changed: on SQLite by the WAL index header, on PostgreSQL
by a LISTEN on ``gridsvc_catalog``. Only then is the revision read, and only when it is newer
is the index rebuilt (in a thread, so the event loop keeps serving other requests).

Drafts are not indexed, so editing a draft does not bump the revision. Admissions that start
or end by their dates need no rebuild either: their days are in the index.
"""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tortoise import connections
from tortoise.expressions import F

from gridsvc.domain import clock
from gridsvc.domain.admission import (
    AdmissionAction,
    AdmissionApplication,
    AdmissionState,
    AdmissionStep,
    Funding,
    admission_window,
)
from gridsvc.domain.catalog import (
    CATEGORIES,
    CATEGORY_BY_ID,
    LIST_BY_ID,
    LISTS,
    area_prefixes,
    format_fee,
    time_limit_text,
)
from gridsvc.domain.search import CatalogIndex, SearchDoc
from gridsvc.store.catalog.models import (
    Admission,
    CatalogChange,
    CatalogRevision,
    ServiceItemVersion,
)
from gridsvc.store.freshness import RevisionCache

NOTIFY_CHANNEL = "gridsvc_catalog"
INDEXED_STATUSES = ("published", "superseded", "revoked")
_holders: "weakref.WeakSet[CatalogIndexHolder]" = weakref.WeakSet()




def summary_of(data: dict, *, version: int, published_on: date | None, valid_to: date | None,
               areas: list[str] | None = None) -> dict:
    """An item as listings show it (the full record is `GET /api/v1/services/{code}`)."""
    fee = data.get("fee") or ""
    fee_text = format_fee(Decimal(fee)) if fee[:1].isdigit() else fee
    return {
        "code": data["code"],
        "name": data["name"],
        "category": data["category"],
        "category_zh": CATEGORY_BY_ID[data["category"]].zh,
        "list": data["list"],
        "list_zh": LIST_BY_ID[data["list"]].zh,
        "summary": data.get("summary", ""),
        "materials": [m["name"] for m in data.get("materials", [])],
        "keywords": list(data.get("keywords", [])),
        "time_limit_days": data.get("time_limit_days"),
        "time_limit_unit": data.get("time_limit_unit", "working_days"),
        "time_limit": time_limit_text(data.get("time_limit_days"), data.get("time_limit_unit", "working_days")),
        "responsible": data.get("responsible", ""),
        "fee": fee_text,
        "areas": list(data.get("areas", []) if areas is None else areas),
        "version": version,
        "published_on": published_on.isoformat() if published_on else None,
        "valid_to": valid_to.isoformat() if valid_to else None,
    }


@dataclass
class CatalogSearch:
    """The index as of one catalog revision, with the listing form of each document."""

    revision: int
    index: CatalogIndex
    summaries: dict[Any, dict]
    docs_of: dict[int, list[Any]]  # item id -> its documents

    def replace_items(self, item_ids: set[int], entries: list[tuple[int, SearchDoc, dict]], revision: int) -> None:
        """Swap the documents of ``item_ids`` for ``entries`` (synchronously: no request sees
        half of it)."""
        gone = [doc_id for i in item_ids for doc_id in self.docs_of.pop(i, [])]
        self.index.remove(gone)
        for doc_id in gone:
            self.summaries.pop(doc_id, None)
        self.index.add(doc for _, doc, _ in entries)
        for item_id, doc, summary in entries:
            self.docs_of.setdefault(item_id, []).append(doc.id)
            self.summaries[doc.id] = summary
        self.revision = revision

    def search(self, q: str | None, *, category: str | None = None, list_: str | None = None,
               area_code: str | None = None, on: date, limit: int | None = 50, offset: int = 0) -> list[dict]:
        """Listing forms of the items in force ``on`` matching ``q``, best first (``limit``
        None: all)."""
        hits = self.index.search(q, category=category, list_=list_, area_code=area_code, on=on,
                                 limit=None if limit is None else offset + limit)
        return [{**self.summaries[h.id], "score": h.score} for h in hits[offset:]]

    def __len__(self) -> int:
        return len(self.index)

    def warm(self, on: date) -> None:
        """Compute what the first search of a day would (catalog order, the documents in force)."""
        self.index.warm(on)


def _admission_record(row: dict) -> AdmissionApplication:
    return AdmissionApplication(
        department="", item_code="", reason="", legal_basis="", funding=Funding("", ""),
        areas=tuple(row["areas"]), period_start=row["period_start"], period_end=row["period_end"],
        state=AdmissionState(row["state"]), decided_on=row["decided_on"],
        history=_ended_history(row["ended_on"]),
    )


def _ended_history(ended_on: date | None) -> tuple:
    if ended_on is None:
        return ()
    return (AdmissionStep(AdmissionAction.EXPIRE, AdmissionState.ACTIVE, AdmissionState.EXPIRED, ended_on),)


def admission_windows(row: dict) -> tuple[date, date] | None:
    """[start, end) of an admission row (a dict with the Admission columns)."""
    return admission_window(_admission_record(row))


_LIST_ORDER = {x.id: i for i, x in enumerate(LISTS)}
_CATEGORY_ORDER = {c.id: i for i, c in enumerate(CATEGORIES)}


def catalog_order(v: dict) -> tuple:
    """How the catalog is listed (and ties in search are broken): public services first, by
    list, then by category in the order of the seeds, then by code."""
    data = v["data"]
    return (_LIST_ORDER.get(data["list"], 99), _CATEGORY_ORDER.get(data["category"], 99), v["item__code"], v["version"])


def item_docs(versions: list[dict], admissions: list[dict]) -> list[tuple[int, SearchDoc, dict]]:
    """(item id, search document, listing form) for version rows (dicts with the
    ServiceItemVersion columns plus ``item__code`` and ``item__admission_required``) and the
    admission rows of their items. Drafts and versions never in force have none."""
    by_item: dict[int, list[tuple[dict, tuple[date, date] | None]]] = {}
    for a in admissions:
        by_item.setdefault(a["item_id"], []).append((a, admission_windows(a)))
    out: list[tuple[int, SearchDoc, dict]] = []
    for v in versions:
        start = v["published_on"]
        end = v["superseded_on"] or v["revoked_on"]
        if v["status"] not in INDEXED_STATUSES or start is None or (end is not None and end <= start):
            continue  # a draft, or never in force (published and replaced on the same day)
        data = v["data"]
        windows: list[tuple[Any, date, date | None, list[str]]] = []
        if v["item__admission_required"]:
            for a, w in by_item.get(v["item_id"], []):
                if w is None:
                    continue
                lo, hi = max(start, w[0]), w[1] if end is None else min(end, w[1])
                if lo < hi:
                    windows.append(((v["id"], a["id"]), lo, hi, list(a["areas"])))
        else:
            windows.append(((v["id"], 0), start, end, list(data.get("areas", []))))
        order = catalog_order(v)
        for doc_id, lo, hi, areas in windows:
            doc = SearchDoc(
                id=doc_id, code=data["code"], name=data["name"],
                materials=[m["name"] for m in data.get("materials", [])], summary=data.get("summary", ""),
                keywords=tuple(data.get("keywords", [])), category=data["category"], list=data["list"],
                area_prefixes=area_prefixes(areas), valid_from=lo, valid_to=hi, order=order + (doc_id[1],),
            )
            out.append((v["item_id"], doc, summary_of(data, version=v["version"], published_on=start, valid_to=end,
                                                      areas=areas)))
    return out


def build(revision: int, versions: list[dict], admissions: list[dict]) -> CatalogSearch:
    """A whole index (at start, or when many items changed)."""
    entries = item_docs(versions, admissions)
    docs_of: dict[int, list[Any]] = {}
    for item_id, doc, _ in entries:
        docs_of.setdefault(item_id, []).append(doc.id)
    return CatalogSearch(revision, CatalogIndex(doc for _, doc, _ in entries),
                         {doc.id: summary for _, doc, summary in entries}, docs_of)


_VERSION_COLUMNS = ("id", "item_id", "version", "status", "published_on", "superseded_on", "revoked_on", "data",
                    "item__code", "item__admission_required")
_ADMISSION_COLUMNS = ("id", "item_id", "areas", "period_start", "period_end", "state", "decided_on", "ended_on")


async def load_rows(item_ids: list[int] | None = None) -> tuple[list[dict], list[dict]]:
    """The rows the index is made of: every item's, or those of ``item_ids``."""
    vq = ServiceItemVersion.filter(status__in=INDEXED_STATUSES)
    aq = Admission.filter(state__in=("approved", "active", "expired"))
    if item_ids is not None:
        vq, aq = vq.filter(item_id__in=item_ids), aq.filter(item_id__in=item_ids)
    return list(await vq.values(*_VERSION_COLUMNS)), list(await aq.values(*_ADMISSION_COLUMNS))


async def build_search() -> CatalogSearch:
    revision = await current_revision()
    versions, admissions = await load_rows()
    return await asyncio.to_thread(build, revision, versions, admissions)


# ---- revision and freshness -------------------------------------------------------------


async def current_revision() -> int:
    row = await CatalogRevision.filter(id=1).first()
    return int(row.revision) if row else 0


KEEP_CHANGES = 2000  # revisions whose changed items are kept; a process further behind rebuilds
MAX_IN_PLACE = 2000  # more changed items than this: rebuild


async def bump_revision(item_ids: Iterable[int] | None = None) -> None:
    """Call inside the transaction that changes what the index serves, naming the items it
    changes (None: too many to name, every process rebuilds)."""
    updated = await CatalogRevision.filter(id=1).update(revision=F("revision") + 1)
    if not updated:
        await CatalogRevision.create(id=1, revision=1)
    revision = await current_revision()
    ids = sorted(set(item_ids)) if item_ids is not None else None
    if ids is not None and len(ids) > MAX_IN_PLACE:
        ids = None
    await CatalogChange.bulk_create([CatalogChange(revision=revision,
                                                   item_id=i) for i in (ids if ids is not None else [None])],
                                    batch_size=1000)
    if revision % 100 == 0:
        await CatalogChange.filter(revision__lte=revision - KEEP_CHANGES).delete()
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        await conn.execute_script(f"NOTIFY {NOTIFY_CHANNEL}")
    mark_all_dirty()


def mark_all_dirty() -> None:
    """This process's indexes look at the revision before their next search."""
    for h in list(_holders):
        h.mark_dirty()


class CatalogIndexHolder(RevisionCache):
    """One per app: hands out a fresh `CatalogSearch`."""

    def __init__(self, db_url: str, *, check_seconds: float = 0.0):
        super().__init__(db_url, channel=NOTIFY_CHANNEL, check_seconds=check_seconds)
        self.current: CatalogSearch | None = None
        _holders.add(self)

    def cached_revision(self) -> int | None:
        return self.current.revision if self.current is not None else None

    async def read_revision(self) -> int:
        return await current_revision()

    async def get(self) -> CatalogSearch:
        if not self._started:
            await self.start()
        if self.current is not None and not await self.stale():
            return self.current
        async with self._lock:
            self.dirty = False
            self.consume_change()
            revision = await current_revision()
            if self.current is not None and revision == self.current.revision:
                return self.current
            if self.current is None or not await self._update_in_place(self.current, revision):
                self.current = await build_search()
                # The index is a few hundred thousand long-lived objects without cycles: left to
                # the cyclic collector, every full collection walks them all (pauses of 50-150 ms
                # at 10,000 items). Frozen, they are skipped; refcounting still frees an old index.
                gc.freeze()
            self.current.warm(clock.today())
            self.checked()
            return self.current

    @staticmethod
    async def _update_in_place(search: CatalogSearch, revision: int) -> bool:
        """Apply the changes between the index's revision and ``revision`` to the changed
        items only; False when they are not all known (then the caller rebuilds)."""
        if revision < search.revision or revision - search.revision > KEEP_CHANGES // 2:
            return False
        if search.index.garbage > max(1000, len(search.index) // 4):
            return False  # many removed slots: a fresh build is smaller and faster to search
        rows = await CatalogChange.filter(revision__gt=search.revision, revision__lte=revision).values_list(
            "revision", "item_id")
        if {r for r, _ in rows} != set(range(search.revision + 1, revision + 1)) or any(i is None for _, i in rows):
            return False
        item_ids = {i for _, i in rows}
        if len(item_ids) > MAX_IN_PLACE:
            return False
        versions, admissions = await load_rows(sorted(item_ids))
        search.replace_items(item_ids, item_docs(versions, admissions), revision)
        return True
