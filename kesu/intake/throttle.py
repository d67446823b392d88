"""Fixed-window rate limits kept in the database, so that every web process on every
machine counts the same hits: one atomic upsert per hit (as case numbers are allocated)."""

from __future__ import annotations

import hashlib

from django.db import connection

from kesu.core import clock
from kesu.intake.models import ThrottleCounter


def _key(scope: str, value: str) -> str:
    # Keys carry no customer data: an IP or a phone number is kept as a hash.
    return f"{scope}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _window(seconds: int) -> int:
    now = int(clock.now().timestamp())
    return now - now % seconds


def throttle_hit(scope: str, value: str, *, seconds: int) -> int:
    """Count one hit of `value` in `scope` for the current window; the count so far."""
    table = connection.ops.quote_name(ThrottleCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, period_start, count) VALUES (%s, %s, 1) "
            f"ON CONFLICT (key, period_start) DO UPDATE SET count = {table}.count + 1 "
            "RETURNING count",
            [_key(scope, value), _window(seconds)],
        )
        (count,) = cursor.fetchone()
    return count


def throttle_count(scope: str, value: str, *, seconds: int) -> int:
    """Hits so far in the current window, without counting one."""
    row = ThrottleCounter.objects.filter(
        key=_key(scope, value), period_start=_window(seconds)
    ).first()
    return row.count if row else 0


def throttle_forget_old(*, seconds: int = 86400 * 2) -> int:
    """Delete windows older than two days: the counters never grow without bound."""
    oldest = int(clock.now().timestamp()) - seconds
    deleted, _ = ThrottleCounter.objects.filter(period_start__lt=oldest).delete()
    return deleted
