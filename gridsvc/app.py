"""create_app(settings): the ASGI application."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from gridsvc.store import db

from . import __version__
from .config import Settings
from .maps import register_feature_layers
from .store.accounts.users import KeptAreas
from .store.areas.spatial import IndexHolder
from .store.changes import DataChanges
from .store.wishes.expiry import ClaimExpiry
from .web import openapi
from .web.api import (
    accounts,
    area_edits,
    areas,
    auth,
    catalog,
    community,
    compounds,
    governance,
    governance_records,
    open311,
    rosters,
    staff,
    wishes,
)
from .web.auth import AuthMiddleware
from .web.csrf import CSRFMiddleware
from .web.errors import HANDLERS
from .web.headers import SecurityHeadersMiddleware
from .web.language import LanguageMiddleware
from .web.last_resort import LastResortMiddleware
from .web.limits import BodyLimitMiddleware
from .web.pages import accounts as account_pages
from .web.pages import allocations as allocation_pages
from .web.pages import area_edit as area_edit_pages
from .web.pages import catalog as catalog_pages
from .web.pages import demands as demand_pages
from .web.pages import governance as governance_pages
from .web.pages import governance_records as governance_record_pages
from .web.pages import history as history_pages
from .web.pages import maps as map_pages
from .web.pages import orgs as org_pages
from .web.pages import rosters as roster_pages
from .web.pages import routes as pages
from .web.pages import service as service_pages
from .web.pages import wishes as wish_pages
from .web.read_queue import ReadQueueMiddleware

PACKAGE_DIR = Path(__file__).resolve().parent


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok", "version": __version__})


def routes() -> list:
    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/openapi.json", openapi.openapi_json, methods=["GET"]),
        *auth.ROUTES,
        *accounts.ROUTES,
        *area_edits.ROUTES,
        *areas.ROUTES,
        *compounds.ROUTES,
        *staff.ROUTES,
        *rosters.ROUTES,
        *catalog.ROUTES,
        *governance.ROUTES,
        *governance_records.ROUTES,
        *community.ROUTES,
        *open311.ROUTES,
        *wishes.ROUTES,
        *pages.ROUTES,
        *roster_pages.ROUTES,
        *map_pages.ROUTES,
        *history_pages.ROUTES,
        *catalog_pages.ROUTES,
        *governance_pages.ROUTES,
        *governance_record_pages.ROUTES,
        *wish_pages.ROUTES,
        *demand_pages.ROUTES,
        *org_pages.ROUTES,
        *account_pages.ROUTES,
        *service_pages.ROUTES,
        *allocation_pages.ROUTES,
        *area_edit_pages.ROUTES,
        Mount("/static", app=StaticFiles(directory=PACKAGE_DIR / "static"), name="static"),
    ]


def create_app(settings: Settings | None = None, *, manage_db: bool = True) -> Starlette:
    """Build the app. With manage_db the app connects to the database on startup and closes
    it on shutdown; tests that hold their own connection pass manage_db=False."""
    settings = (settings or Settings.from_env()).with_secret()
    register_feature_layers()
    index = IndexHolder(db.normalise_db_url(settings.db_url), check_seconds=settings.index_check_seconds)
    data_changes = DataChanges(db.normalise_db_url(settings.db_url))
    index.attach(data_changes)  # its listener ends with the app (the index closes what is attached)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_db:
            await db.connect(settings.db_url)
        try:
            await index.start()
            yield
        finally:
            await index.close()
            if manage_db:
                await db.close()

    # the headers middleware is outermost: error pages rendered by the handlers get them too
    # the read queue first: a read waits for its turn before any work is spent on it (web/read_queue.py)
    middleware = [Middleware(ReadQueueMiddleware),
                  Middleware(SecurityHeadersMiddleware, settings=settings),
                  Middleware(LanguageMiddleware, secure_cookie=settings.cookie_secure),
                  Middleware(BodyLimitMiddleware, max_body_size=settings.max_body_bytes),
                  Middleware(GZipMiddleware, minimum_size=2048)]
    if settings.trusted_proxies:
        # the client address (throttling, audit) comes from X-Forwarded-For only when the socket
        # peer is a listed proxy; uvicorn's own proxy handling is off in `gridsvc serve`
        middleware.append(Middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies)))
    middleware += [Middleware(AuthMiddleware), Middleware(CSRFMiddleware),
                   Middleware(LastResortMiddleware)]  # innermost: a 500 must not reset the keep-alive connection
    app = Starlette(
        routes=routes(),
        middleware=middleware,
        exception_handlers=HANDLERS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.index = index
    app.state.data_changes = data_changes
    app.state.claim_expiry = ClaimExpiry()
    app.state.kept_areas = KeptAreas()
    return app


def app_from_env() -> Starlette:
    """Factory for `uvicorn --factory gridsvc.app:app_from_env` (several workers)."""
    return create_app(Settings.from_env())
