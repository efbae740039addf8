"""Password log-in with throttling (domain/logins.py has the rule).

Failures live in the database so every worker process and server sees them. Each attempt is
written *before* the password is checked and removed again when it succeeds or is refused, so
that a burst of parallel guesses counts itself: the requests see each other's rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from tortoise.functions import Count, Max

from gridsvc.domain import clock
from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import TooManyRequests, Unauthenticated
from gridsvc.domain.logins import retry_after
from gridsvc.store.accounts import users
from gridsvc.store.accounts.models import LoginAttempt, User


async def _failures(since, exclude: int, **where) -> tuple[int, datetime | None]:
    """How many failures match `where` since `since` (not counting this attempt), and the latest."""
    rows = await (LoginAttempt.filter(at__gte=since, **where).exclude(id=exclude)
                  .annotate(n=Count("id"), last=Max("at")).values("n", "last"))
    return (rows[0]["n"] or 0, rows[0]["last"]) if rows else (0, None)


async def _wait(username: str, ip: str, attempt_id: int, settings) -> int:
    """Seconds this (account, address) must still wait; 0 when it may try."""
    at = clock.now()
    since = at - timedelta(seconds=settings.login_window_seconds)
    n, last = await _failures(since, attempt_id, username=username, ip=ip)
    wait = retry_after(n, last, at, free=settings.login_max_failures, cap=settings.login_max_delay_seconds)
    if wait or n == 0 or not ip:
        # an account this address never failed on is always let through to the password check
        return wait
    # guard against one address spraying many accounts: past a much higher count the address
    # waits too, but only at the accounts it has already failed on
    m, last_any = await _failures(since, attempt_id, ip=ip)
    return retry_after(m, last_any, at, free=settings.login_address_failures, cap=settings.login_max_delay_seconds)


async def authenticate(username: str, password: str, *, ip: str, settings) -> User:
    username = (username or "").strip()[:64]
    attempt = await LoginAttempt.create(username=username, ip=ip[:64])
    wait = await _wait(username, ip[:64], attempt.id, settings)
    if wait:
        await LoginAttempt.filter(id=attempt.id).delete()  # a refused try is not a guess
        raise TooManyRequests(f"登录失败次数过多,请 {wait} 秒后再试", f"too many failed logins; try again in {wait} s",
                              code=ErrorCode.LOGIN_THROTTLED, details={"retry_after": wait})
    user = await User.filter(username=username).first()
    hasher = users.password_hasher()
    ok: bool
    try:
        ok = hasher.verify(user.password_hash if user and user.password_hash else users.dummy_hash(), password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or not user.password_hash or not user.is_active:
        # the attempt row stays: it is the failure; rows past the window are of no further use
        await LoginAttempt.filter(at__lt=clock.now() - timedelta(seconds=settings.login_window_seconds)).delete()
        raise Unauthenticated("用户名或密码错误", "wrong username or password", code=ErrorCode.BAD_CREDENTIALS)
    if hasher.check_needs_rehash(user.password_hash):
        await User.filter(id=user.id).update(password_hash=hasher.hash(password))
    # only this address's failures are forgiven: an attacker elsewhere keeps waiting
    await LoginAttempt.filter(username=username, ip=ip[:64]).delete()
    await User.filter(id=user.id).update(last_login_at=clock.now())
    return user
