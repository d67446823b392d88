"""The one source of 'now', so that tests and the demo generator can set the time."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[dt.datetime | None] = ContextVar("kesu_frozen_now", default=None)


def now() -> dt.datetime:
    """The current aware time, or the time set by `frozen`."""
    frozen = _frozen.get()
    return frozen if frozen is not None else timezone.now()


@contextlib.contextmanager
def frozen(moment: dt.datetime) -> Iterator[None]:
    """Make `now()` return `moment` inside the block (aware datetimes only)."""
    if timezone.is_naive(moment):
        raise ValueError("frozen() needs an aware datetime")
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar date of `moment` in the firm's time zone (KESU_TIME_ZONE)."""
    return timezone.localtime(moment).date()
