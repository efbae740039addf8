"""Editing boundaries on the map: split along a line, merge neighbours, and carry a redrawn
shared edge over to the neighbours that share it.

Pure functions on shapely geometries (lon/lat degrees). The store validates what they return
with the same rules as imports before anything is saved; here a refusal says where it happens
(`shapes`: GeoJSON features the page draws).
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

import shapely
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import split

from ..error_codes import ErrorCode
from ..errors import ValidationError, in_language
from ..geojson import to_feature
from .checks import GeometryProblem
from .measure import _local_metres, _polygonal, area_m2, meters_to_degrees

# Two areas are neighbours when this much of their boundaries lie together: a shared corner
# is not an edge (it counts up to a few times the tolerance), and boundaries digitised apart
# may stand a little off each other.
SHARED_EDGE_MIN_M = 5.0
EDGE_TOLERANCE_M = 0.5
# A neighbour's vertex this close to a moved edge lies on it (a T-junction) and moves along
ON_EDGE_M = 0.05
# Holes a merge leaves where two boundaries did not quite meet (rounding to 6 decimals, ~0.1 m)
SLIVER_HOLE_M2 = 10.0

Key = tuple[float, float]


def _key(p) -> Key:
    # stored coordinates are rounded to 6 decimals (round_coords), and Leaflet sends 6 too
    return (round(float(p[0]), 6), round(float(p[1]), 6))


def shape_feature(geom: BaseGeometry, rule: str, message: str, **props) -> dict:
    """A problem as a GeoJSON feature the editing page draws."""
    return to_feature(geom, {"rule": rule, "message": message, **props})


def _refuse(zh: str, en: str, code: ErrorCode, shapes: list[tuple[BaseGeometry, str]], **details) -> ValidationError:
    message = in_language(zh, en)
    feats = [shape_feature(g, rule, message) for g, rule in shapes if g is not None and not g.is_empty]
    return ValidationError(zh, en, code=code, details={**details, "shapes": {"type": "FeatureCollection",
                                                                             "features": feats}})


# ---- split --------------------------------------------------------------------------------


def split_by_line(geom: BaseGeometry, line: BaseGeometry) -> tuple[BaseGeometry, BaseGeometry]:
    """The two halves of `geom` cut along `line`, larger first; they tile `geom` exactly (the
    cut's new vertices are shared by both). Refused unless the line cuts it into exactly two."""
    if line.geom_type != "LineString" or len(line.coords) < 2:
        raise _refuse("分割线应为至少两点的折线", "the cut must be a line of at least two points",
                      ErrorCode.BAD_SPLIT_LINE, [])
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise _refuse("只有面状区域可以分割", "only an area drawn as a polygon can be split",
                      ErrorCode.BAD_SPLIT_LINE, [])
    pieces = [p for p in shapely.get_parts(split(geom, line)) if p.geom_type == "Polygon" and p.area > 0]
    if len(pieces) < 2:
        raise _refuse("分割线应从区域的一条边穿过到另一条边", "the line must cross the area from one edge to another",
                      ErrorCode.BAD_SPLIT_LINE, [(line, "split_line")])
    if geom.geom_type == "MultiPolygon" or len(pieces) > 2:
        # a line through a multi-part area or a winding one leaves more than two pieces: which
        # goes where would be a guess
        if len(pieces) > 2:
            raise _refuse(f"分割线把区域切成了 {len(pieces)} 块,请画一条只切成两块的线",
                          f"the line cuts the area into {len(pieces)} pieces; draw one that cuts it in two",
                          ErrorCode.BAD_SPLIT_LINE, [(p, "split_piece") for p in pieces], pieces=len(pieces))
    a, b = sorted(pieces, key=area_m2, reverse=True)
    if geom.geom_type == "MultiPolygon":  # the untouched parts stay with the larger half
        rest = shapely.difference(geom, shapely.union(a, b))
        if not rest.is_empty:
            a = shapely.union(a, rest)
    return a, b


def with_vertices(geom: BaseGeometry, points: list[tuple[float, float]], tolerance: float) -> BaseGeometry:
    """`geom` with `points` inserted as vertices into the edges they lie on (within `tolerance`
    degrees). The ends of a cut, rounded to the 6 decimals stored, sit a hair off the old edge:
    the neighbours sharing that edge take the same vertices (carry_shared_edits from `geom` to
    this), so no sliver opens between them."""
    out = []
    for ring in _rings(geom):
        keys = {_key(p) for p in ring}
        new_ring: list[tuple[float, float]] = []
        for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
            new_ring.append(a)
            seg = shapely.LineString([a, b])
            on = [(seg.project(Point(p)), p) for p in points
                  if _key(p) not in keys and seg.distance(Point(p)) <= tolerance]
            new_ring.extend(p for _, p in sorted(on))
        out.append(new_ring)
    return _rebuild(geom, out)


def vertices(geom: BaseGeometry) -> list[tuple[float, float]]:
    return [p for ring in _rings(geom) for p in ring]


def divide(total: int | None, share: float) -> tuple[int | None, int | None]:
    """A count divided in proportion to area: the first part gets `share` of it (rounded), the
    second the rest, so the parts add up to the whole."""
    if total is None:
        return None, None
    first = int(round(total * share))
    return first, total - first


# ---- merge --------------------------------------------------------------------------------


def shared_edge_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """Metres of `a`'s boundary that lie along `b` (within EDGE_TOLERANCE_M)."""
    lon0, lat0 = (a.bounds[0] + a.bounds[2]) / 2, (a.bounds[1] + a.bounds[3]) / 2
    along = shapely.intersection(a.boundary, shapely.buffer(b, meters_to_degrees(EDGE_TOLERANCE_M, lat0)))
    if along.is_empty:
        return 0.0
    return float(_local_metres(along, lon0, lat0).length)


def merge_geometries(items: list[tuple[str, BaseGeometry]]) -> BaseGeometry:
    """One polygon of several neighbouring areas. Each must share an edge with the others (a
    corner is not enough), so the merged area is one piece; slivers left between boundaries
    that nearly met are filled."""
    if len(items) < 2:
        raise _refuse("合并至少需要两个区域", "a merge needs at least two areas", ErrorCode.NOT_NEIGHBOURS, [])
    codes = [c for c, _ in items]
    geoms = [g for _, g in items]
    # joined: a graph walk over shared edges from the first area
    reached, todo = {0}, [0]
    while todo:
        i = todo.pop()
        for j in range(len(geoms)):
            if j not in reached and shared_edge_m(geoms[i], geoms[j]) >= SHARED_EDGE_MIN_M:
                reached.add(j)
                todo.append(j)
    apart = [k for k in range(len(geoms)) if k not in reached]
    if apart:
        names = "、".join(codes[k] for k in apart)
        raise _refuse(f"{names} 与 {codes[0]} 没有共同的边,不能合并", f"{names} share no edge with {codes[0]}",
                      ErrorCode.NOT_NEIGHBOURS, [(geoms[k], "not_neighbour") for k in apart],
                      apart=[codes[k] for k in apart])
    union = _polygonal(shapely.union_all(geoms))
    if union.geom_type == "MultiPolygon":
        # boundaries that share an edge but stand a little apart elsewhere: close the gaps
        lat = (union.bounds[1] + union.bounds[3]) / 2
        tol = meters_to_degrees(EDGE_TOLERANCE_M, lat)
        union = _polygonal(union.buffer(tol, join_style="mitre").buffer(-tol, join_style="mitre"))
    return _fill_slivers(union, geoms)


def _fill_slivers(g: BaseGeometry, sources: list[BaseGeometry]) -> BaseGeometry:
    """`g` without the small holes that none of `sources` had (gaps between the merged areas)."""
    own_holes = [Polygon(r) for s in sources for p in shapely.get_parts(s) if p.geom_type == "Polygon"
                 for r in p.interiors]

    def keep(ring) -> bool:
        hole = Polygon(ring)
        return area_m2(hole) >= SLIVER_HOLE_M2 or any(h.equals(hole) for h in own_holes)

    polys = [Polygon(p.exterior, [r for r in p.interiors if keep(r)]) for p in shapely.get_parts(g)]
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


# ---- shared edges -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Move:
    old: Key
    new: tuple[float, float]


@dataclass(frozen=True)
class _Chain:
    """Between two vertices that stayed, the ones that were there (`old`) became `new`."""

    start: Key
    old: tuple[Key, ...]
    new: tuple[tuple[float, float], ...]
    end: Key


def _rings(g: BaseGeometry) -> list[list[tuple[float, float]]]:
    out = []
    for p in shapely.get_parts(g):
        if p.geom_type != "Polygon":
            continue
        for ring in (p.exterior, *p.interiors):
            out.append([(float(x), float(y)) for x, y in list(ring.coords)[:-1]])
    return out


def _rebuild(g: BaseGeometry, rings: list[list[tuple[float, float]]]) -> BaseGeometry:
    polys, k = [], 0
    for p in shapely.get_parts(g):
        n = 1 + len(p.interiors)
        shell, *holes = rings[k:k + n]
        polys.append(Polygon(shell, holes))
        k += n
    return polys[0] if g.geom_type == "Polygon" else MultiPolygon(polys)


def _ring_edits(old: list[tuple[float, float]], new: list[tuple[float, float]]) -> list[_Move | _Chain]:
    old_k, new_k = [_key(p) for p in old], [_key(p) for p in new]
    stays = set(new_k)
    start = next((i for i, k in enumerate(old_k) if k in stays), None)
    if start is None:  # every vertex moved: the whole area was dragged, nothing is shared any more
        return []
    j = new_k.index(old_k[start])
    # both rings from a vertex that stayed, closed on it, so every change lies between two that stayed
    o = old_k[start:] + old_k[:start] + [old_k[start]]
    n_pts = new[j:] + new[:j] + [new[j]]
    n = [_key(p) for p in n_pts]
    edits: list[_Move | _Chain] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, o, n, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            edits.extend(_Move(o[i1 + k], n_pts[j1 + k]) for k in range(i2 - i1))
        elif i1 >= 1 and i2 < len(o):
            edits.append(_Chain(o[i1 - 1], tuple(o[i1:i2]), tuple(n_pts[j1:j2]), o[i2]))
    return edits


def _apply_chain(ring: list[tuple[float, float]], c: _Chain) -> list[tuple[float, float]] | None:
    keys = [_key(p) for p in ring]
    m = len(ring)
    span = len(c.old) + 2
    if m < span:
        return None
    for forward in (True, False):
        want = [c.start, *c.old, c.end] if forward else [c.end, *reversed(c.old), c.start]
        for s in range(m):
            if all(keys[(s + t) % m] == want[t] for t in range(span)):
                inner = list(c.new) if forward else list(reversed(c.new))
                drop = {(s + t) % m for t in range(1, span - 1)}
                out: list[tuple[float, float]] = []
                for i in range(m):
                    if i in drop:
                        continue
                    out.append(ring[i])
                    if i == s:
                        out.extend(inner)
                return out
    return None


Pt = tuple[float, float]


def _stretched_edges(rings: list[list[Pt]], moves: dict[Key, Pt]) -> list[tuple[Pt, Pt, Pt, Pt]]:
    """(a, b, a', b') for each edge whose ends moved (one or both) and stayed neighbours."""
    out = []
    for ring in rings:
        for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
            ka, kb = _key(a), _key(b)
            if ka in moves or kb in moves:
                out.append((a, b, moves.get(ka, a), moves.get(kb, b)))
    return out


def _along(p: Pt, edges: list[tuple[Pt, Pt, Pt, Pt]], tolerance: float) -> Pt | None:
    """Where a vertex lying on a stretched edge goes (a T-junction: a neighbour's or a child's
    own vertex on the edge): the same fraction of the way along the new edge."""
    for a, b, a2, b2 in edges:
        dx, dy = b[0] - a[0], b[1] - a[1]
        length2 = dx * dx + dy * dy
        if length2 == 0:
            continue
        t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2
        if not 0 < t < 1:
            continue
        if abs((p[0] - a[0]) * dy - (p[1] - a[1]) * dx) / length2 ** 0.5 > tolerance:
            continue
        return (round(a2[0] + t * (b2[0] - a2[0]), 6), round(a2[1] + t * (b2[1] - a2[1]), 6))
    return None


def carry_shared_edits(old: BaseGeometry, new: BaseGeometry,
                       siblings: list[tuple[str, BaseGeometry]]) -> dict[str, BaseGeometry]:
    """The siblings whose boundary shared what changed between `old` and `new`, redrawn to
    follow it: a vertex they share moves with it, a vertex of theirs lying on an edge that moved
    keeps its place along it, a vertex added on an edge they share is added to theirs, a
    stretch of shared edge redrawn is redrawn in theirs. So the grids of a community (and the
    groups of a grid) still tile it after one of them is edited. {code: new geometry} of those changed."""
    if old.geom_type not in ("Polygon", "MultiPolygon") or new.geom_type != old.geom_type:
        return {}
    old_rings, new_rings = _rings(old), _rings(new)
    if len(old_rings) != len(new_rings):
        return {}
    edits = [e for o, n in zip(old_rings, new_rings, strict=True) for e in _ring_edits(o, n)]
    if not edits:
        return {}
    moves = {e.old: e.new for e in edits if isinstance(e, _Move)}
    chains = [e for e in edits if isinstance(e, _Chain)]
    stretched = _stretched_edges(old_rings, moves)
    lat = (old.bounds[1] + old.bounds[3]) / 2
    on_edge = meters_to_degrees(ON_EDGE_M, lat)
    near = shapely.buffer(shapely.union(old, new).envelope, meters_to_degrees(1, lat))
    out: dict[str, BaseGeometry] = {}
    for code, g in siblings:
        if g.geom_type not in ("Polygon", "MultiPolygon") or not g.intersects(near):
            continue
        rings = _rings(g)
        changed = False
        for r, ring in enumerate(rings):
            for c in chains:
                done = _apply_chain(ring, c)
                if done is not None:
                    ring, changed = done, True
            moved = [moves.get(_key(p)) or _along(p, stretched, on_edge) or p for p in ring]
            if moved != ring:
                ring, changed = moved, True
            rings[r] = ring
        if changed:
            out[code] = _rebuild(g, rings)
    return out


# ---- where a problem is -------------------------------------------------------------------


def problem_shape(problem: GeometryProblem | dict, geom: BaseGeometry | None, *,
                  parent: BaseGeometry | None = None,
                  siblings: dict[str, BaseGeometry] | None = None) -> BaseGeometry | None:
    """The geometry to draw for a refused edit: the overlap with the sibling, the part outside
    the parent, the point of a self-intersection; else the place, else the area itself."""
    rule = problem.rule if isinstance(problem, GeometryProblem) else problem.get("rule")
    details = (problem.details if isinstance(problem, GeometryProblem) else problem.get("details")) or {}
    location = problem.location if isinstance(problem, GeometryProblem) else problem.get("location")
    if geom is not None and not geom.is_empty and geom.is_valid:
        other = (siblings or {}).get(str(details.get("sibling", "")))
        if rule == "overlaps_sibling" and other is not None:
            shape = _polygonal(shapely.intersection(geom, shapely.make_valid(other)))
            if not shape.is_empty:
                return shape
        if rule == "outside_parent" and parent is not None and geom.geom_type != "Point":
            shape = _polygonal(shapely.difference(geom, shapely.make_valid(parent)))
            if not shape.is_empty:
                return shape
    if location:
        return Point(location[0], location[1])
    return geom
