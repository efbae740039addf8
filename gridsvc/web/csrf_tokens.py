"""The names and the maker of CSRF tokens, apart from the middleware that checks them, so that the
pages (which put a token in every form) do not import the middleware and, through it, the error
renderer that renders pages."""

from __future__ import annotations

import secrets

PRE_COOKIE = "gridsvc_csrf"  # the double-submit cookie of forms shown before login
FIELD = "csrf_token"  # the hidden form field
HEADER = "x-csrf-token"  # the header scripts send


def new_token() -> str:
    return secrets.token_urlsafe(24)
