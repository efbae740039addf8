"""The web layer: JSON API under /api/v1, HTML pages, authentication and permissions."""
