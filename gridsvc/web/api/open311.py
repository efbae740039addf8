"""open311 API (filled in by its feature)."""

ROUTES: list = []
