"""Settings, read from the environment (GRIDSVC_*) with defaults that suit a demo."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

from .domain.governance.targets import Targets

DEFAULT_DB_URL = "sqlite://var/gridsvc.sqlite3"


def _ints(value: str) -> tuple[int, ...]:
    return tuple(int(x) for x in value.replace(" ", "").split(",") if x)


def trusted_proxies(value: str) -> tuple[str, ...]:
    """GRIDSVC_TRUSTED_PROXIES: comma-separated IPs or CIDRs, each checked here (uvicorn's proxy
    middleware, which applies them, would silently treat a typo as a literal that never matches)."""
    items = tuple(x.strip() for x in value.split(",") if x.strip())
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(f"GRIDSVC_TRUSTED_PROXIES: {item!r} is not an IP address or network") from None
    return items


@dataclass(frozen=True)
class Settings:
    db_url: str = DEFAULT_DB_URL
    secret_key: str = ""
    basemap: str = "none"
    tianditu_key: str = ""
    amap_key: str = ""
    # session cookie lifetime and API token lifetime
    session_hours: int = 12
    token_hours: int = 24 * 30
    # login throttling (domain/logins.py): failures of one account from one address before the
    # delays start, the same for one address over all accounts, the longest delay, and how long a
    # failure is remembered (long enough that the capped delay never shrinks back)
    login_max_failures: int = 3
    login_address_failures: int = 30
    login_max_delay_seconds: int = 900
    login_window_seconds: int = 86400
    # proxies whose X-Forwarded-For is believed (IPs or CIDRs); none: the socket peer is the client
    trusted_proxies: tuple[str, ...] = ()
    cookie_secure: bool = False
    # size bands (DOMAIN.md: set locally, these are the seeds' published figures). A community
    # of 1,000-3,000 households; above 4,000 split, below 1,000 merge, in between a warning (003)
    community_households: tuple[int, int] = (1000, 3000)
    community_split_households: int = 4000
    grid_households: tuple[int, int] = (160, 255)
    wish_value_cap: int = 500
    volunteer_star_hours: tuple[int, ...] = (100, 300, 600, 1000, 1500)
    # how long another worker process may serve a boundary index before re-checking the
    # revision in the database; 0 checks before every lookup
    index_check_seconds: float = 0.0
    max_body_bytes: int = 50 * 1024 * 1024
    governance: Targets = field(default_factory=Targets)  # GRIDSVC_GOV_* (domain/governance/targets.py)
    extra: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> "Settings":
        env = dict(os.environ if env is None else env)
        s = cls(
            db_url=env.get("GRIDSVC_DB_URL", DEFAULT_DB_URL),
            secret_key=env.get("GRIDSVC_SECRET_KEY", ""),
            basemap=env.get("GRIDSVC_BASEMAP", "none"),
            tianditu_key=env.get("GRIDSVC_TIANDITU_KEY", ""),
            amap_key=env.get("GRIDSVC_AMAP_KEY", ""),
            cookie_secure=env.get("GRIDSVC_COOKIE_SECURE", "") in ("1", "true", "yes"),
            wish_value_cap=int(env.get("GRIDSVC_WISH_VALUE_CAP", "500")),
            grid_households=tuple(_ints(env.get("GRIDSVC_GRID_HOUSEHOLDS", "160,255")))[:2],  # type: ignore[arg-type]
            community_households=tuple(_ints(env.get("GRIDSVC_COMMUNITY_HOUSEHOLDS", "1000,3000")))[:2],  # type: ignore[arg-type]
            community_split_households=int(env.get("GRIDSVC_COMMUNITY_SPLIT_HOUSEHOLDS", "4000")),
            volunteer_star_hours=_ints(env.get("GRIDSVC_VOLUNTEER_STAR_HOURS", "100,300,600,1000,1500")),
            index_check_seconds=float(env.get("GRIDSVC_INDEX_CHECK_SECONDS", "0")),
            trusted_proxies=trusted_proxies(env.get("GRIDSVC_TRUSTED_PROXIES", "")),
            governance=Targets.from_env(env),
        )
        if overrides:
            s = replace(s, **overrides)
        return s

    def with_secret(self) -> "Settings":
        """A secret key is needed to sign cookies. Without GRIDSVC_SECRET_KEY a random one is
        kept in var/secret_key beside the default database, so sessions survive restarts."""
        if self.secret_key:
            return self
        path = Path("var/secret_key")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                path.write_text(secrets.token_urlsafe(48))
                path.chmod(0o600)
            key = path.read_text().strip()
        except OSError:
            key = secrets.token_urlsafe(48)
        return replace(self, secret_key=key)
