"""Matching wishes and demands to projects and volunteers, and allocating a batch optimally.

A *need* (a published wish or a volunteer demand) may go to a *provider* (an organisation's
project or a volunteer) only when every hard filter holds:

- area      the need's area code starts with one of the provider's service prefixes
- category  the provider serves the need's category
- capacity  the provider can take at least one more
- period    the provider's service period covers the need's date

Among those, the score (0-100) adds four soft components, each reported as a `Reason`:

- distance      ``40 * 0.5 ** (km / 5)``: 40 points on the spot, 20 at 5 km, 10 at 10 km
                (haversine from the provider's base to the need)
- category_fit  ``20 / sqrt(k)`` for a provider serving k categories: specialists first
- load          ``20 * left / (left + active)``: a provider with free hands before a busy one
- rating        ``20 * (mean - 1) / 4`` for the mean of past ratings (1-5); 10 when unrated

`rank` lists the eligible providers for one need, best first, ties broken by provider id.
`allocate` assigns a batch of needs so that the total of the same scores is as high as the
capacities allow, exactly (see `allocate` for how); `allocate_greedy` is the baseline that
takes the best remaining pair first.

Everything is vectorised over a `ProviderIndex` (numpy arrays built once per provider list).
"""

from .allocation import (
    SLOT_EDGE_BUDGET,
    allocate,
    allocate_greedy,
    candidate_edges,
    provider_prices,
)
from .model import (
    DEFAULT_WEIGHTS,
    EARTH_RADIUS_KM,
    PROVIDER_KINDS,
    Match,
    Need,
    Plan,
    Provider,
    Reason,
    Weights,
)
from .ranking import (
    ProviderIndex,
    as_index,
    rank,
)

__all__ = [
    "EARTH_RADIUS_KM",
    "PROVIDER_KINDS",
    "Weights",
    "DEFAULT_WEIGHTS",
    "Need",
    "Provider",
    "Reason",
    "Match",
    "Plan",
    "ProviderIndex",
    "as_index",
    "rank",
    "candidate_edges",
    "allocate_greedy",
    "SLOT_EDGE_BUDGET",
    "provider_prices",
    "allocate",
]
