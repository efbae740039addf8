"""Loading the demo city (铜川市, from real district boundaries) into an empty database."""

from __future__ import annotations

import json
from importlib import resources
from typing import Callable

from tortoise.transactions import in_transaction

from gridsvc.config import DEFAULTS, Settings
from gridsvc.domain.geojson import read_features
from gridsvc.domain.scope import SYSTEM
from gridsvc.store.accounts import users
from gridsvc.store.accounts.models import User, UserArea
from gridsvc.store.areas.changes import AreaInput, store_batch
from gridsvc.store.areas.models import Area
from gridsvc.store.demo import catalog as catalog_demo
from gridsvc.store.demo import compounds as compounds_demo
from gridsvc.store.demo import volunteering as volunteering_demo
from gridsvc.store.demo import wishes as wishes_demo
from gridsvc.store.governance import demo as governance_demo
from gridsvc.store.rosters import appointments


def demo_files():
    base = resources.files("gridsvc") / "fixtures" / "demo"
    return base / "areas.geojson", base / "people.json"


async def is_loaded() -> bool:
    return await Area.exists()


async def load_demo(*, settings: Settings = DEFAULTS, progress: Callable[[int], None] | None = None) -> dict:
    """Areas through the same checks as any import, then staff and the demo accounts."""
    areas_file, people_file = demo_files()
    features = read_features(areas_file.read_bytes())
    items = [AreaInput(code=str(f.code), name=f.name or "", level=f.level or "", geometry=f.geometry,
                       parent_code=f.parent_code, households=f.households, population=f.population, label=f.label)
             for f in features]
    report = await store_batch(items, actor=SYSTEM, settings=settings, progress=progress, audit_action="demo.load",
                               report_coverage=False)
    people = json.loads(people_file.read_text(encoding="utf-8"))
    password_hash = users._hasher.hash(people["password"])
    area_ids = dict(await Area.all().values_list("code", "id"))
    entries = people["staff"] + people["accounts"]
    async with in_transaction():
        await User.bulk_create([
            User(username=p["username"], role=p["role"], display_name=p.get("name") or p["username"],
                 phone=p.get("phone", ""), password_hash=password_hash if p in people["accounts"] else None)
            for p in entries
        ], batch_size=1000)
        ids = dict(await User.all().values_list("username", "id"))
        await UserArea.bulk_create([UserArea(user_id=ids[p["username"]], area_id=area_ids[c])
                                    for p in entries for c in p.get("areas") or []], batch_size=1000)
        for p in entries:
            if p.get("supervisor"):
                await User.filter(id=ids[p["username"]]).update(supervisor_id=ids[p["supervisor"]])
        await appointments.open_missing_terms()  # each staff post's current term, for the rosters
    # each feature adds its own demo data once the areas and people are in
    extra: dict = {}
    for feature in (catalog_demo, compounds_demo, wishes_demo, volunteering_demo, governance_demo):
        extra.update(await feature.load(settings=settings) or {})
    return {
        "areas": report.stored,
        "people": len(entries),
        "password": people["password"],
        "accounts": [{"username": a["username"], "role": a["role"], "display": a.get("display", ""),
                      "areas": a.get("areas") or []} for a in people["accounts"]],
        **extra,
    }
