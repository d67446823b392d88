"""A case's standing against its running clock. Pure."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


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
