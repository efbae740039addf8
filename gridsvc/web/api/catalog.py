"""catalog API (filled in by its feature)."""

ROUTES: list = []
