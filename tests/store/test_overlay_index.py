"""The overlay of changed areas over a base index answers exactly what a fresh index of the same
boundaries answers: grids redrawn, deleted and added, buildings below them unchanged, points
everywhere (inside, outside, on shared edges)."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import Point, box

from gridsvc.store.areas.lookup import OverlayIndex, SpatialIndex


def _rows(areas: dict[str, tuple[str, str | None, object]]) -> list[tuple]:
    return [(code, level, parent, f"n{code}", shapely.to_wkb(g)) for code, (level, parent, g) in areas.items()]


def _city(n: int = 20) -> dict[str, tuple[str, str | None, object]]:
    """A community tiled by n x n grids of 0.01°, a building point in every other grid."""
    areas: dict[str, tuple[str, str | None, object]] = {"C": ("community", None, box(0, 0, n * 0.01, n * 0.01))}
    for i in range(n):
        for j in range(n):
            code = f"G{i:02d}{j:02d}"
            areas[code] = ("grid", "C", box(i * 0.01, j * 0.01, (i + 1) * 0.01, (j + 1) * 0.01))
            if (i + j) % 2 == 0:
                areas[f"{code}B"] = ("building", code, box(i * 0.01 + 0.002, j * 0.01 + 0.002,
                                                           i * 0.01 + 0.004, j * 0.01 + 0.004))
    return areas


def test_overlay_answers_like_a_fresh_index():
    before = _city()
    base = SpatialIndex(1, _rows(before))
    after = dict(before)
    # two neighbours move their shared edge (one shrinks, one grows: they still tile)
    after["G0505"] = ("grid", "C", box(0.05, 0.05, 0.055, 0.06))
    after["G0605"] = ("grid", "C", box(0.055, 0.05, 0.07, 0.06))
    # a grid deleted (its point falls to the community), another split in two new codes
    del after["G1010"], after["G1010B"]
    del after["G1212"], after["G1212B"]
    after["G1212a"] = ("grid", "C", box(0.12, 0.12, 0.125, 0.13))
    after["G1212b"] = ("grid", "C", box(0.125, 0.12, 0.13, 0.13))
    changed = {"G0505", "G0605", "G1010", "G1010B", "G1212", "G1212B", "G1212a", "G1212b"}
    delta = SpatialIndex(2, _rows({c: after[c] for c in changed if c in after}), prepare=False)
    overlay = OverlayIndex(2, base, delta, changed)
    fresh = SpatialIndex(2, _rows(after))

    rng = np.random.default_rng(7)
    x = np.concatenate([rng.uniform(-0.01, 0.21, 20_000), np.round(rng.uniform(0, 0.2, 2_000), 3)])
    y = np.concatenate([rng.uniform(-0.01, 0.21, 20_000), np.round(rng.uniform(0, 0.2, 2_000), 3)])
    got, want = overlay.locate_many(x, y), fresh.locate_many(x, y)
    # on a shared edge either neighbour is right: compare by containment there
    for k in np.nonzero(got != want)[0]:
        g = after[got[k]][2] if got[k] else None
        assert g is not None and g.intersects(Point(x[k], y[k])) and after[got[k]][0] == after[want[k]][0], \
            (x[k], y[k], got[k], want[k])
    for k in range(0, len(x), 997):  # the single-point path agrees with the batch
        assert overlay.finest(x[k], y[k]) == got[k]
    assert overlay.locate(0.066, 0.055)[-1]["code"] == "G0605"  # the grown grid
    assert [a["code"] for a in overlay.locate(0.105, 0.105)] == ["C"]  # the deleted grid's place
    assert overlay.locate(0.1225, 0.125)[-1]["code"] == "G1212a"
    assert overlay.locate(0.003, 0.003)[-1]["code"] == "G0000B"  # unchanged below unchanged
    assert not overlay.knows("G1010") and overlay.knows("G1212b") and overlay.name_of("G0000") == "nG0000"
    assert overlay.size == fresh.size
