"""Security headers on every response: a Content-Security-Policy, no framing, nosniff and a
referrer policy (README "Security").

Scripts run only from /static or with this request's nonce (templates put `nonce="{{ csp_nonce }}"`
on their inline scripts); documents made without a request (the floor plan, which must also open
from a file) carry the hashes of their inline scripts instead (`policy_for_document`). Styles
allow 'unsafe-inline': the templates and folium's map markup use style attributes and <style>
blocks, and inline CSS cannot run code. Images may come from the basemaps' tile hosts.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from functools import lru_cache

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..maps.basemaps import all_basemaps

FIXED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def tile_sources(settings) -> tuple[str, ...]:
    """CSP sources for the tile hosts of every basemap a page may choose (`?basemap=`)."""
    sources = set()
    for bm in all_basemaps().values():
        if not bm.available(settings):
            continue
        for layer in bm.layers:
            scheme, _, rest = layer.url.partition("://")
            host = rest.split("/", 1)[0]
            if "{" in host:  # a subdomain template (t{s}.tianditu.gov.cn): CSP allows a leading wildcard only
                host = "*." + host.split(".", 1)[1]
            sources.add(f"{scheme}://{host}")
    return tuple(sorted(sources))


def policy(script_sources: str, img_sources: tuple[str, ...]) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {script_sources}",
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob: {' '.join(img_sources)}".rstrip(),
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


@lru_cache(maxsize=64)
def _script_hashes(scripts: tuple[str, ...]) -> str:
    return " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
                    for s in scripts)


def policy_for_document(html: str, settings) -> str:
    """The policy for a whole document made without a request: its own inline scripts, by hash."""
    return policy(_script_hashes(tuple(dict.fromkeys(_INLINE_SCRIPT.findall(html)))), tile_sources(settings))


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, settings) -> None:
        self.app = app
        self.img_sources = tile_sources(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "content-security-policy" not in headers:  # a handler may set its own (by hash)
                    headers["Content-Security-Policy"] = policy(f"'nonce-{nonce}'", self.img_sources)
                for name, value in FIXED.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
