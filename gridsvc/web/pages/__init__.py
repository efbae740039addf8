"""HTML pages (Jinja2; Chinese first, English second)."""
