"""Chinese full-text search over the catalog, in memory, without external services.

Text is normalised (NFKC, which also turns full-width letters, digits and spaces into
half-width ones; lower case) and cut into runs of CJK characters and of latin letters and
digits. A CJK run is indexed as unigrams and bigrams, a latin word as its prefixes (so "gs"
finds GS-SB-001). The inverted index proposes candidates; each candidate is then checked on
the real text, so a hit is always a true substring (or, for abbreviations, a subsequence).

Ranking, best first (a score is its tier plus a bonus of at most 80 for how much of the
field the query covers; a match through the abbreviation table loses 10, so it stays in its
tier)::

    1000 exact name (or exact code)     700 keyword           400 summary
     900 name starts with the query     600 code prefix (*)   300 query's characters in
     800 name contains the query        500 material              order in the name

    (*) codes are matched by prefix ("gs-sb" finds GS-SB-*), or contain the query when no
        code starts with it.

Ties go to catalog order (the order of `build`). Documents may carry a validity window
(``valid_from`` inclusive, ``valid_to`` exclusive): a search ``on`` a day sees only the
documents in force that day, and one document per code, so an index built over every
published version answers for any past day. Abbreviations: "低保" is not a substring of
"最低生活保障金申请" (低 and 保 are apart), so the query also runs as its expansions from
`ABBREVIATIONS` (低保 -> 最低生活保障) and as a subsequence of the name. Several words
separated by spaces must all match (AND); the score is their mean.
"""

from .documents import (
    Hit,
    SearchDoc,
)
from .index import (
    CODE,
    EXACT,
    KEYWORD,
    MATERIAL,
    NAME,
    PREFIX,
    SUBSEQ,
    SUMMARY,
    CatalogIndex,
)
from .text import (
    ABBREVIATIONS,
    MAX_QUERY,
    SYNONYM_PENALTY,
    abbreviations_for,
    expansions,
    normalize,
    tokens,
)

__all__ = [
    "EXACT",
    "PREFIX",
    "NAME",
    "KEYWORD",
    "CODE",
    "MATERIAL",
    "SUMMARY",
    "SUBSEQ",
    "ABBREVIATIONS",
    "SYNONYM_PENALTY",
    "MAX_QUERY",
    "normalize",
    "tokens",
    "expansions",
    "abbreviations_for",
    "SearchDoc",
    "Hit",
    "CatalogIndex",
]
