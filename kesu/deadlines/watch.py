"""A case's standing against its running clock. Pure."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.utils.translation import gettext as _


class TimeState(StrEnum):
    ON_TIME = "on_time"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    PAUSED = "paused"
    # No clock runs: finished, or no policy sets one.
    NONE = "none"


def time_state(
    *,
    next_due_at: dt.datetime | None,
    at_risk_at: dt.datetime | None,
    is_paused: bool,
    now: dt.datetime,
) -> TimeState:
    if is_paused:
        return TimeState.PAUSED
    if next_due_at is None:
        return TimeState.NONE
    if now >= next_due_at:
        return TimeState.OVERDUE
    if at_risk_at is not None and now >= at_risk_at:
        return TimeState.AT_RISK
    return TimeState.ON_TIME


def _span(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes >= 24 * 60:
        return _("%(count)s d") % {"count": minutes // (24 * 60)}
    if minutes >= 60:
        return _("%(count)s h") % {"count": minutes // 60}
    return _("%(count)s min") % {"count": max(minutes, 1)}


def time_left_words(*, next_due_at: dt.datetime | None, now: dt.datetime) -> str:
    """剩余 2 小时 / 已超时 1 天: the running deadline in words, rounded down."""
    if next_due_at is None:
        return ""
    if now >= next_due_at:
        return _("overdue by %(span)s") % {"span": _span(now - next_due_at)}
    return _("%(span)s left") % {"span": _span(next_due_at - now)}
