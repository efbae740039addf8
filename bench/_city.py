"""A synthetic city for benchmarks: city > districts > streets > communities > grids.

    from bench._city import make_city
    city = make_city(n_grids=10_000, vertices=40, seed=7)
    city.inputs()      # [AreaInput], top level first, for gridsvc.store.areas.service.store_batch
    city.rows()        # (code, level, parent, name, wkb) rows, for SpatialIndex(revision, rows)
    city.points(n)     # n random (lon, lat) inside the city's bounding box

How it is built, so that it passes the project's geometry rules and looks like a real
deployment rather than a chessboard:
- Grid seeds on a jittered ~300 m lattice (urban grids of 160-255 households are about that
  size); the n seeds nearest the centre (in an elliptical metric) make a roughly elliptical
  city, so about a fifth of the bounding box lies outside every area.
- Voronoi cells of those seeds (unclipped: the lattice extends beyond the city, so every shared
  vertex is bit-identical in both neighbours).
- Every edge becomes a wiggly line of `k` extra points (a few sine modes across the edge), drawn
  once per edge and reversed for the other neighbour, so siblings share their boundary exactly
  and a grid has about `vertices` vertices. A cell that comes out invalid (a wiggle crossing a
  neighbouring edge at a sharp corner) gets straight edges instead.
- Communities (~25 grids), streets (~10 communities) and districts (4) are unions of their
  children (coverage union: exact, no slivers), so every area lies inside its parent and the
  chain of a point is five areas long.
Coordinates are WGS-84 near Tongchuan, rounded to 6 decimals as the store keeps them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LON0, LAT0 = 109.05, 35.05  # near Tongchuan (铜川)
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0 * np.cos(np.radians(LAT0))
CITY_CODE = "619900"  # 61 is Shaanxi; 6199 is no real city, so it cannot be mistaken for one


@dataclass
class Area:
    code: str
    level: str
    parent: str | None
    name: str
    geometry: object  # shapely geometry, lon/lat
    households: int | None = None
    population: int | None = None


@dataclass
class City:
    areas: list[Area]  # top level first
    bbox: tuple[float, float, float, float]
    counts: dict[str, int] = field(default_factory=dict)

    def grids(self) -> list[Area]:
        return [a for a in self.areas if a.level == "grid"]

    def mean_vertices(self, level: str = "grid") -> float:
        g = [a.geometry for a in self.areas if a.level == level]
        return float(np.mean(shapely.get_num_coordinates(g))) - 1  # a ring repeats its first point

    def rows(self) -> list[tuple[str, str, str | None, str, bytes]]:
        return [(a.code, a.level, a.parent, a.name, shapely.to_wkb(a.geometry)) for a in self.areas]

    def inputs(self) -> list:
        from gridsvc.store.areas import AreaInput

        return [AreaInput(code=a.code, name=a.name, level=a.level, geometry=a.geometry, parent_code=a.parent,
                          households=a.households, population=a.population) for a in self.areas]

    def points(self, n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(seed)
        minx, miny, maxx, maxy = self.bbox
        return rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)


def _lattice(n: int, spacing: float, rng: np.random.Generator, aspect: float = 1.25):
    """Jittered square lattice in metres; returns all seeds and the indices of the n nearest the
    centre in an elliptical metric (the city), the rest being the surrounding margin."""
    half = int(np.ceil(np.sqrt(n * aspect / np.pi))) + 4  # half-width in cells, with a margin
    hx, hy = half, int(np.ceil(half / aspect)) + 4
    gx, gy = np.meshgrid(np.arange(-hx, hx + 1), np.arange(-hy, hy + 1))
    xy = np.column_stack([gx.ravel(), gy.ravel()]).astype(float) * spacing
    xy += rng.uniform(-0.3, 0.3, xy.shape) * spacing
    r = np.hypot(xy[:, 0] / aspect, xy[:, 1])
    order = np.argsort(r, kind="stable")
    return xy, order[:n]


def _wiggles(p: np.ndarray, q: np.ndarray, k: int, amp: float, rng: np.random.Generator) -> np.ndarray:
    """k points between p and q (arrays of shape (E, 2)) on a gentle wave: shape (E, k, 2)."""
    t = np.arange(1, k + 1) / (k + 1)
    d = q - p
    length = np.hypot(d[:, 0], d[:, 1])[:, None]
    normal = np.column_stack([-d[:, 1], d[:, 0]]) / np.maximum(length, 1e-12)
    modes = np.arange(1, 4)
    coef = rng.uniform(-1, 1, (len(p), 3)) / modes
    wave = (coef[:, :, None] * np.sin(np.pi * modes[None, :, None] * t[None, None, :])).sum(axis=1)  # (E, k)
    wave /= np.maximum(np.abs(wave).max(axis=1, keepdims=True), 1e-12)
    offset = amp * length * wave  # metres across the edge
    return p[:, None, :] + d[:, None, :] * t[None, :, None] + normal[:, None, :] * offset[:, :, None]


def _to_lonlat(xy: np.ndarray) -> np.ndarray:
    return np.round(np.column_stack([LON0 + xy[:, 0] / M_PER_DEG_LON, LAT0 + xy[:, 1] / M_PER_DEG_LAT]), 6)


def _grid_cells(cells: np.ndarray, vertices: int, rng: np.random.Generator, amp: float = 0.06) -> np.ndarray:
    """Voronoi cells (metres) with wiggly shared edges, as lon/lat polygons."""
    rings = [np.asarray(c.exterior.coords)[:-1] for c in cells]
    n_edges = np.array([len(r) for r in rings])
    k = max(0, int(round(vertices / n_edges.mean())) - 1)
    p = np.concatenate(rings)
    q = np.concatenate([np.roll(r, -1, axis=0) for r in rings])
    owner = np.repeat(np.arange(len(rings)), n_edges)
    # one wave per undirected edge, so both neighbours get the same line
    flip = (p[:, 0] > q[:, 0]) | ((p[:, 0] == q[:, 0]) & (p[:, 1] > q[:, 1]))
    a = np.where(flip[:, None], q, p)
    b = np.where(flip[:, None], p, q)
    keys, edge_of = np.unique(np.column_stack([a, b]), axis=0, return_inverse=True)
    edge_of = edge_of.ravel()
    calm = np.zeros(len(keys), dtype=bool)  # edges drawn straight (after a wiggle made a cell invalid)
    waves = _wiggles(keys[:, :2], keys[:, 2:], k, amp, rng)
    straight = _wiggles(keys[:, :2], keys[:, 2:], k, 0.0, rng)
    for _ in range(5):
        mid = np.where(calm[:, None, None], straight, waves)[edge_of]  # (E, k, 2), canonical direction
        mid = np.where(flip[:, None, None], mid[:, ::-1, :], mid)
        pts = np.concatenate([p[:, None, :], mid], axis=1).reshape(-1, 2)
        ll = _to_lonlat(pts)
        polys = shapely.polygons(shapely.linearrings(ll, indices=np.repeat(owner, k + 1)))
        polys = shapely.remove_repeated_points(polys)
        bad = ~shapely.is_valid(polys)
        if not bad.any():
            return polys
        calm[edge_of[np.isin(owner, np.nonzero(bad)[0])]] = True
    raise RuntimeError(f"{int(bad.sum())} synthetic cells stay invalid")


def _group(centres: np.ndarray, spacing: float, rng: np.random.Generator) -> np.ndarray:
    """Assign points to the nearest seed of a jittered coarser lattice; returns a dense label."""
    lo, hi = centres.min(axis=0) - spacing, centres.max(axis=0) + spacing
    gx, gy = np.meshgrid(np.arange(lo[0], hi[0], spacing), np.arange(lo[1], hi[1], spacing))
    seeds = np.column_stack([gx.ravel(), gy.ravel()]) + rng.uniform(-0.3, 0.3, (gx.size, 2)) * spacing
    d2 = ((centres[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=2)
    label = d2.argmin(axis=1)
    _, dense = np.unique(label, return_inverse=True)
    return dense.ravel()


def _order_labels(labels: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Renumber groups west to east, then south to north, as codes are usually handed out."""
    n = labels.max() + 1
    cx = np.bincount(labels, centres[:, 0], n) / np.bincount(labels, None, n)
    cy = np.bincount(labels, centres[:, 1], n) / np.bincount(labels, None, n)
    rank = np.empty(n, dtype=int)
    rank[np.lexsort((cx, -np.round(cy, -3)))] = np.arange(n)
    return rank[labels]


def make_city(n_grids: int = 10_000, vertices: int = 40, seed: int = 7, grid_m: float = 300.0,
              grids_per_community: int = 25, communities_per_street: int = 10, districts: int = 4) -> City:
    rng = np.random.default_rng(seed)
    seeds, inside = _lattice(n_grids, grid_m, rng)
    span = np.abs(seeds).max() + 2 * grid_m
    box = shapely.box(-span, -span, span, span)
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=box, ordered=True)
    cells = np.asarray(shapely.get_parts(cells))[inside]
    grid_geoms = _grid_cells(cells, vertices, rng)
    centres = seeds[inside]

    # the tree above the grids: groups of neighbouring grids, unions of their shapes
    comm = _order_labels(_group(centres, grid_m * np.sqrt(grids_per_community), rng), centres)
    n_comm = comm.max() + 1
    comm_centres = np.array([centres[comm == c].mean(axis=0) for c in range(n_comm)])
    street = _order_labels(_group(comm_centres, grid_m * np.sqrt(grids_per_community * communities_per_street), rng),
                           comm_centres)
    n_street = street.max() + 1
    street_centres = np.array([comm_centres[street == s].mean(axis=0) for s in range(n_street)])
    # districts: quadrants around the centre (like the lattice above, but exactly `districts`)
    angle = np.arctan2(street_centres[:, 1], street_centres[:, 0])
    district = np.minimum(((angle + np.pi) / (2 * np.pi) * districts).astype(int), districts - 1)

    def union(parts) -> object:
        g = shapely.coverage_union_all(list(parts))
        return g if shapely.is_valid(g) else shapely.make_valid(g)

    areas: list[Area] = []
    d_codes = [f"{CITY_CODE[:4]}{d + 1:02d}" for d in range(districts)]
    s_codes: list[str] = []
    s_seq: dict[int, int] = {}
    for s in range(n_street):
        d = int(district[s])
        s_seq[d] = s_seq.get(d, 0) + 1
        s_codes.append(f"{d_codes[d]}{s_seq[d]:03d}000")
    c_codes: list[str] = []
    c_seq: dict[int, int] = {}
    for c in range(n_comm):
        s = int(street[c])
        c_seq[s] = c_seq.get(s, 0) + 1
        c_codes.append(f"{s_codes[s][:9]}{c_seq[s]:03d}")
    g_seq: dict[int, int] = {}
    grid_areas: list[Area] = []
    for g in range(len(grid_geoms)):
        c = int(comm[g])
        g_seq[c] = g_seq.get(c, 0) + 1
        hh = int(rng.integers(160, 256))
        grid_areas.append(Area(f"{c_codes[c]}{g_seq[c]:03d}", "grid", c_codes[c], f"第{g_seq[c]}网格",
                               grid_geoms[g], hh, int(hh * rng.uniform(2.4, 3.0))))
    comm_geoms = [union(grid_geoms[comm == c]) for c in range(n_comm)]
    street_geoms = [union([comm_geoms[c] for c in np.nonzero(street == s)[0]]) for s in range(n_street)]
    district_geoms = [union([street_geoms[s] for s in np.nonzero(district == d)[0]]) for d in range(districts)]
    city_geom = union(district_geoms)

    areas.append(Area(CITY_CODE, "city", None, "合成市", city_geom))
    names = "东西南北中"
    areas += [Area(d_codes[d], "district", CITY_CODE, f"{names[d % 5]}区{'' if d < 5 else d}", district_geoms[d])
              for d in range(districts)]
    areas += [Area(s_codes[s], "street", d_codes[int(district[s])], f"第{s + 1}街道", street_geoms[s])
              for s in range(n_street)]
    by_comm = np.bincount(comm, minlength=n_comm)
    hh_comm = np.bincount(comm, [a.households for a in grid_areas], n_comm).astype(int)
    areas += [Area(c_codes[c], "community", s_codes[int(street[c])], f"第{c + 1}社区", comm_geoms[c],
                   int(hh_comm[c]) if by_comm[c] else None) for c in range(n_comm)]
    areas += grid_areas
    counts = {"city": 1, "district": districts, "street": int(n_street), "community": int(n_comm),
              "grid": len(grid_areas)}
    return City(areas, tuple(float(v) for v in shapely.bounds(city_geom)), counts)  # type: ignore[arg-type]


if __name__ == "__main__":
    import time

    t = time.perf_counter()
    c = make_city()
    print(c.counts, f"bbox {c.bbox}", f"grid vertices {c.mean_vertices():.1f}", f"{time.perf_counter() - t:.1f} s")
