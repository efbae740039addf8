"""Settings: one typed dataclass, read from the environment (GRIDSVC_*) with defaults that suit a demo.

Each field that a deployment may set names its environment variable beside its default
(`env(...)`), so the default is written once; `Settings.from_env` reads every such variable and
parses it by the field's type. A value that does not parse stops start-up with a `SettingsError`
naming the variable and what it should be.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .domain.governance.targets import Targets

DEFAULT_DB_URL = "sqlite://var/gridsvc.sqlite3"


class SettingsError(ValueError):
    """An environment variable whose value is not what its setting needs."""


def trusted_proxies(value: str) -> tuple[str, ...]:
    """GRIDSVC_TRUSTED_PROXIES: comma-separated IPs or CIDRs, each checked here (uvicorn's proxy
    middleware, which applies them, would silently treat a typo as a literal that never matches)."""
    items = tuple(x.strip() for x in value.split(",") if x.strip())
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise SettingsError(f"GRIDSVC_TRUSTED_PROXIES: {item!r} is not an IP address or network") from None
    return items


def percent(value: str) -> float:
    """GRIDSVC_CLIP_TOLERANCE: a percentage above 0 and at most 100 ("2" or "2%")."""
    try:
        v = float(value.strip().removesuffix("%"))
    except ValueError:
        raise ValueError("should be a number") from None
    if not 0 < v <= 100:
        raise ValueError("should be a percentage above 0 and at most 100, e.g. 2")
    return v


def env(default: Any, name: str, *, parse: Callable[[str], Any] | None = None) -> Any:
    """A setting read from the environment variable `name` (parsed by the field's type, or `parse`)."""
    return field(default=default, metadata={"env": name, "parse": parse})


@dataclass(frozen=True)
class Settings:
    db_url: str = env(DEFAULT_DB_URL, "GRIDSVC_DB_URL")
    secret_key: str = env("", "GRIDSVC_SECRET_KEY")
    basemap: str = env("none", "GRIDSVC_BASEMAP")
    tianditu_key: str = env("", "GRIDSVC_TIANDITU_KEY")
    amap_key: str = env("", "GRIDSVC_AMAP_KEY")
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
    trusted_proxies: tuple[str, ...] = env((), "GRIDSVC_TRUSTED_PROXIES", parse=trusted_proxies)
    cookie_secure: bool = env(False, "GRIDSVC_COOKIE_SECURE")
    # size bands (DOMAIN.md: set locally, these are the seeds' published figures). A community
    # of 1,000-3,000 households; above 4,000 split, below 1,000 merge, in between a warning (003)
    community_households: tuple[int, int] = env((1000, 3000), "GRIDSVC_COMMUNITY_HOUSEHOLDS")
    community_split_households: int = env(4000, "GRIDSVC_COMMUNITY_SPLIT_HOUSEHOLDS")
    grid_households: tuple[int, int] = env((160, 255), "GRIDSVC_GRID_HOUSEHOLDS")
    wish_value_cap: int = env(500, "GRIDSVC_WISH_VALUE_CAP")
    # the supervision phone (监督电话) on a community's contact board (公示牌); an area's
    # `supervision_phone` property (the community's, else its street's or district's) comes first
    supervision_phone: str = env("12345", "GRIDSVC_SUPERVISION_PHONE")
    volunteer_star_hours: tuple[int, ...] = env((100, 300, 600, 1000, 1500), "GRIDSVC_VOLUNTEER_STAR_HOURS")
    # how long another worker process may serve a boundary index before re-checking the
    # revision in the database; 0 checks before every lookup
    index_check_seconds: float = env(0.0, "GRIDSVC_INDEX_CHECK_SECONDS")
    # how much of a child's own area (percent) an import with --clip-to-parent may cut or snap away
    clip_tolerance_percent: float = env(2.0, "GRIDSVC_CLIP_TOLERANCE", parse=percent)
    max_body_bytes: int = 50 * 1024 * 1024
    governance: Targets = field(default_factory=Targets)  # GRIDSVC_GOV_* (domain/governance/targets.py)
    extra: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """The settings of `environ` (default: the process environment); unset variables keep
        their defaults, `overrides` replace fields afterwards."""
        environ = os.environ if environ is None else environ
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = f.metadata.get("env")
            if name is None or name not in environ:
                continue
            parse = f.metadata.get("parse") or _parser(hints[f.name])
            values[f.name] = _parse(name, environ[name], parse)
        # the governance targets are a group of GRIDSVC_GOV_* variables of their own
        values["governance"] = Targets.from_env(dict(environ))
        return replace(cls(**values), **overrides) if overrides else cls(**values)

    def with_secret(self) -> Settings:
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


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def _boolean(value: str) -> bool:
    v = value.strip().lower()
    if v in _TRUE or v in _FALSE:
        return v in _TRUE
    raise ValueError(f"should be one of {', '.join(_TRUE)} or {', '.join(x for x in _FALSE if x)}")


def _whole(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise ValueError("should be a whole number") from None


def _number(value: str) -> float:
    try:
        return float(value.strip())
    except ValueError:
        raise ValueError("should be a number") from None


def _wholes(value: str, count: int | None) -> tuple[int, ...]:
    try:
        items = tuple(int(x) for x in value.replace(" ", "").split(",") if x)
    except ValueError:
        raise ValueError("should be whole numbers separated by commas") from None
    if count is not None and len(items) != count:
        raise ValueError(f"should be {count} whole numbers separated by commas, e.g. 160,255")
    return items


def _parser(kind: Any) -> Callable[[str], Any]:
    """The parser of a field's type (the types settings have today; a new one fails loudly here)."""
    if kind is str:
        return str
    if kind is bool:
        return _boolean
    if kind is int:
        return _whole
    if kind is float:
        return _number
    args = typing.get_args(kind)
    if typing.get_origin(kind) is tuple and args and all(a is int for a in args if a is not Ellipsis):
        count = None if Ellipsis in args else len(args)
        return lambda value: _wholes(value, count)
    raise TypeError(f"no parser for a setting of type {kind!r}")


def _parse(name: str, value: str, parse: Callable[[str], Any]) -> Any:
    try:
        return parse(value)
    except SettingsError:
        raise
    except ValueError as e:
        raise SettingsError(f"{name}={value!r}: {e}") from None


DEFAULTS = Settings()  # what a store function gets when its caller has no settings of its own (tests, tools)
