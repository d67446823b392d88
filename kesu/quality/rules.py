"""The improvement loop's rules. Pure: the sample, the effect, the score, the quarter, and how
an action moves on."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _

from kesu.core.errors import Conflict, ValidationFailed

PASS_SCORE = 80

# How an action moves on; verifying is the quality manager's (services check who).
MOVES = {
    "planned": {"in_progress", "done"},
    "in_progress": {"done"},
    "done": {"effective", "not_effective"},
    "effective": set(),
    "not_effective": set(),
}


def check_move(current: str, target: str) -> None:
    if target not in MOVES.get(current, set()):
        raise Conflict(
            _("An action that is “%(current)s” cannot become “%(target)s”.")
            % {"current": current, "target": target},
            code="action_move_not_allowed",
        )


def sample_size(population: int, *, size: int | None = None, percent: float | None = None) -> int:
    """How many to draw: a number, or a percentage rounded up (at least one of a non-empty
    population); never more than there are."""
    if (size is None) == (percent is None):
        raise ValidationFailed(
            _("Give either a sample size or a percentage."),
            fields={"size": _("A size or a percentage, not both.")},
        )
    if size is not None and size < 1:
        raise ValidationFailed(
            _("The sample needs at least one case."), fields={"size": _("At least 1.")}
        )
    if percent is not None and not 0 < percent <= 100:
        raise ValidationFailed(
            _("The percentage lies between 0 and 100."), fields={"percent": _("0 to 100.")}
        )
    wanted = size if size is not None else math.ceil(population * percent / 100)
    return min(wanted, population)


def draw(population: Sequence[int], *, size: int, seed: int) -> list[int]:
    """A simple random sample without replacement, reproducible: the same population (in any
    order) and seed always give the same cases."""
    return random.Random(seed).sample(sorted(population), size)


def score(answers: Mapping[str, bool], items: Sequence[int]) -> tuple[int, bool]:
    """(score 0–100, passed): the share of checklist items answered yes; every item must be
    answered; passing is PASS_SCORE or more."""
    missing = [str(i) for i in items if str(i) not in answers]
    if missing or not items:
        raise ValidationFailed(
            _("Answer every checklist item."), fields={"answers": _("Every item, yes or no.")}
        )
    yes = sum(1 for i in items if answers[str(i)])
    value = round(100 * yes / len(items))
    return value, value >= PASS_SCORE


def effect(*, before: int, after: int, before_days: float, after_days: float) -> dict:
    """Complaints per 30 days before and after, and the change in percent (None when there was
    nothing before to compare with)."""
    rate_before = before * 30 / before_days if before_days > 0 else None
    rate_after = after * 30 / after_days if after_days > 0 else None
    change = None
    if rate_before and rate_after is not None:
        change = round(100 * (rate_after - rate_before) / rate_before, 1)
    return {
        "before": before,
        "after": after,
        "before_days": round(before_days, 1),
        "after_days": round(after_days, 1),
        "rate_before": None if rate_before is None else round(rate_before, 2),
        "rate_after": None if rate_after is None else round(rate_after, 2),
        "change_percent": change,
    }


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def previous_quarter(day: dt.date) -> tuple[int, int]:
    year, quarter = quarter_of(day)
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First day of the quarter, first day of the next."""
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end
