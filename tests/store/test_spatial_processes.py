"""The point lookup stays right across processes: two real `gridsvc serve` workers on one
database; an edit through either is seen by the very next locate on the other.

Each worker keeps its own in-memory index; what keeps them honest is the boundary revision in
the database and the watcher that notices a commit without a query (SQLite: the WAL index
header; PostgreSQL: LISTEN/NOTIFY). Both stores run: SQLite in a temp file, PostgreSQL (when
GRIDSVC_TEST_PG_URL is set) in a scratch database of its own (conftest's `scratch_db`), so as not
to collide with the suite's database. Servers bind to 127.0.0.1 and are killed in `finally`.

The last test checks, in process, that the raster in front of the STRtree gives exactly the
STRtree's answers on shapes made to be awkward for it.
"""

from __future__ import annotations

import httpx
import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, box, mapping

from gridsvc.store.areas.spatial import LevelIndex, SpatialIndex
from tests.conftest import PASSWORD

# a district > street > community > two grids, side by side; P lies in the west grid, 50 m from
# the shared edge at lon 109.01
DISTRICT, STREET, COMMUNITY = "619901", "619901001000", "619901001001"
WEST, EAST, NEW = "619901001001001", "619901001001002", "619901001001003"
P = (109.0095, 35.005)


def feature(code: str, name: str, level: str, parent: str | None, geom) -> dict:
    return {"type": "Feature", "geometry": mapping(geom),
            "properties": {"code": code, "name": name, "level": level, "parent": parent}}


def finest(client: httpx.Client, base: str) -> str | None:
    r = client.get(f"{base}/api/v1/locate", params={"lon": P[0], "lat": P[1]})
    assert r.status_code == 200, r.text
    areas = r.json()["areas"]
    return areas[-1]["code"] if areas else None


def test_an_edit_through_one_worker_is_seen_by_the_next_locate_on_the_other(server_pair):
    a, b = server_pair.a, server_pair.b
    with httpx.Client(timeout=30) as client:
        r = client.post(f"{a}/api/v1/auth/token", json={"username": "admin", "password": PASSWORD})
        assert r.status_code == 200, r.text
        admin = {"Authorization": f"Bearer {r.json()['access_token']}"}
        for f in (feature(DISTRICT, "合成区", "district", None, box(108.99, 34.99, 109.03, 35.02)),
                  feature(STREET, "合成街道", "street", DISTRICT, box(108.995, 34.995, 109.025, 35.015)),
                  feature(COMMUNITY, "合成社区", "community", STREET, box(109.0, 35.0, 109.02, 35.01)),
                  feature(WEST, "西网格", "grid", COMMUNITY, box(109.0, 35.0, 109.01, 35.01)),
                  feature(EAST, "东网格", "grid", COMMUNITY, box(109.01, 35.0, 109.02, 35.01))):
            r = client.post(f"{a}/api/v1/areas", json=f, headers=admin)
            assert r.status_code == 201, r.text
        # both workers now hold an index of this revision
        assert finest(client, a) == WEST
        assert finest(client, b) == WEST

        # 1. A shrinks the west grid: P is left to the community, on B at once
        r = client.patch(f"{a}/api/v1/areas/{WEST}", json={"geometry": mapping(box(109.0, 35.0, 109.009, 35.01))},
                         headers=admin)
        assert r.status_code == 200, r.text
        assert finest(client, b) == COMMUNITY

        # 2. B grows the east grid over P: A sees it on its next request
        r = client.patch(f"{b}/api/v1/areas/{EAST}", json={"geometry": mapping(box(109.009, 35.0, 109.02, 35.01))},
                         headers=admin)
        assert r.status_code == 200, r.text
        assert finest(client, a) == EAST

        # 3. A deletes the east grid, B creates another in its place; each seen by the other
        r = client.delete(f"{a}/api/v1/areas/{EAST}", headers=admin)
        assert r.status_code == 204, r.text
        assert finest(client, b) == COMMUNITY
        r = client.post(f"{b}/api/v1/areas", json=feature(NEW, "新网格", "grid", COMMUNITY,
                                                          box(109.009, 35.0, 109.02, 35.01)), headers=admin)
        assert r.status_code == 201, r.text
        assert finest(client, a) == NEW
        # and the batch form answers from the same fresh index
        r = client.post(f"{a}/api/v1/locate", json={"points": [list(P), [109.005, 35.005], [110.5, 36.0]]})
        assert r.status_code == 200, r.text
        assert [x["code"] for x in r.json()["results"]] == [NEW, WEST, None]


def test_raster_answers_as_the_strtree():
    """Shapes chosen to trip a raster: edges on cell borders, overlaps (the first area by index
    wins), holes and islands, a huge area beside tiny ones, a thin diagonal; points on vertices,
    on edges, a hair off them, outside, and not finite."""
    rng = np.random.default_rng(3)
    centres = rng.uniform(0, 1, (200, 2)) + [109, 35]
    cases = {
        "squares": [box(109 + i * 0.01, 35 + j * 0.01, 109.01 + i * 0.01,
                        35.01 + j * 0.01) for i in range(20) for j in range(20)],
        "overlapping": list(shapely.buffer(shapely.points(centres), rng.uniform(0.005, 0.1, 200), quad_segs=4)),
        "holes and islands": [MultiPolygon([Point(c).buffer(0.05,
                                                            quad_segs=6).difference(Point(c).buffer(0.02, quad_segs=6)),
                                            Point(c).buffer(0.01, quad_segs=3)]) for c in centres[:100]],
        "huge and tiny": [box(109 + i * 1e-4, 35, 109 + i * 1e-4 + 5e-5, 35 + 5e-5) for i in range(1000)]
                         + [box(100, 20, 120, 40).difference(box(108.9, 34.9, 109.5, 35.1))],
        "thin diagonal": [Polygon([(109, 35), (110, 36), (110.0001, 36), (109.0001, 35)])],
    }
    for name, geoms in cases.items():
        xy = shapely.get_coordinates(geoms)
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        pts = np.vstack([xy, (xy[1:] + xy[:-1]) / 2, xy + rng.normal(0, 1e-9, xy.shape),
                         rng.uniform(lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo), (20_000, 2)),
                         [[np.nan, 35.0], [np.inf, 35.0], [109.0, -np.inf]]])
        x, y = pts[:, 0].copy(), pts[:, 1].copy()
        level = LevelIndex.build("grid", [str(i) for i in range(len(geoms))], geoms)
        expected = level.tree_hits(x, y)
        level.prepare()
        assert level.raster is not None
        got = level.hits(x, y)
        assert np.array_equal(got, expected), f"{name}: {np.count_nonzero(got != expected)} points differ"
        assert [level.hit(float(a), float(b)) for a,
                b in zip(x[:2000], y[:2000], strict=True)] == list(expected[:2000]), name
    # the whole index: finest level first, codes and chains, batch and single, with and without rasters
    rows = [(c, lv, p, c, shapely.to_wkb(g)) for c, lv, p, g in (
        (DISTRICT, "district", None, box(109.0, 35.0, 109.02, 35.01)),
        (STREET, "street", DISTRICT, box(109.0, 35.0, 109.02, 35.01)),
        (COMMUNITY, "community", STREET, box(109.0, 35.0, 109.015, 35.01)),
        (WEST, "grid", COMMUNITY, box(109.0, 35.0, 109.01, 35.01)))]
    x = rng.uniform(108.99, 109.03, 300_000)
    y = rng.uniform(34.995, 35.015, 300_000)
    fast, plain = SpatialIndex(1, rows), SpatialIndex(1, rows, prepare=False)
    assert np.array_equal(fast.locate_many(x, y), plain.locate_many(x, y, parallel=False))
    assert set(fast.locate_many(x, y)) == {WEST, COMMUNITY, STREET, None}
    assert [a["code"] for a in fast.locate(*P)] == [DISTRICT, STREET, COMMUNITY, WEST]
    assert fast.locate(109.025, 35.005) == [] and fast.locate(float("nan"), 35.0) == []
