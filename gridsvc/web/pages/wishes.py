"""wishes pages (filled in by its feature)."""

ROUTES: list = []
