"""A process's point index after edits: changed areas are laid over the base (no rebuild), and
past the delta's limit the base is rebuilt in the background while the overlay answers; the
answers stay those of the stored boundaries throughout. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from gridsvc.store.areas import delete_area, spatial, store_batch, update_area
from gridsvc.store.areas.changes import AreaInput
from gridsvc.store.areas.lookup import OverlayIndex, SpatialIndex
from tests.conftest import square

GRID2, COMMUNITY, COMMUNITY2 = "610202001001002", "610202001001", "610202001002"


async def test_edits_are_laid_over_the_base_then_rebased(db_url, tree, monkeypatch):
    holder = spatial.IndexHolder(db_url)
    try:
        base = await holder.get()
        assert isinstance(base, SpatialIndex) and base.finest(109.17, 35.07) == GRID2

        await update_area(GRID2, {}, square(109.1, 35.0, 0.05), actor=None)
        ix = await holder.get()
        assert isinstance(ix, OverlayIndex) and ix.base is base  # no rebuild
        assert ix.finest(109.17, 35.07) == COMMUNITY and ix.finest(109.12, 35.02) == GRID2

        await delete_area("610202001002001", actor=None)
        ix = await holder.get()
        assert isinstance(ix, OverlayIndex) and ix.finest(109.25, 35.05) == COMMUNITY2

        monkeypatch.setattr(spatial, "REBUILD_AFTER", 1)  # the next refresh finds the delta too large
        await store_batch([AreaInput("610202001002009", "新网格", "grid", square(109.3, 35.0, 0.05), COMMUNITY2)],
                          actor=None)
        ix = await holder.get()
        assert ix.finest(109.32, 35.02) == "610202001002009"  # the overlay answers meanwhile
        while holder._rebuild is not None:
            await asyncio.sleep(0.05)
        ix = await holder.get()
        assert holder.base is not base and holder.base.revision >= 3
        for (x, y), want in (((109.17, 35.07), COMMUNITY), ((109.12, 35.02), GRID2), ((109.25, 35.05), COMMUNITY2),
                             ((109.32, 35.02), "610202001002009"), ((109.01, 35.01), "610202001001001001")):
            assert ix.finest(x, y) == want, (x, y)
        assert not ix.knows("610202001002001")
    finally:
        await holder.close()
