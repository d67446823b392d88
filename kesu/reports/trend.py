"""Weekly intake per category with its forecast, and the spike alerts drawn from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.core import clock
from kesu.notifications.services import notify
from kesu.reports.forecast import forecast, is_spike
from kesu.reports.measures import weekly_intake_by_category
from kesu.reports.models import SpikeAlert


def trend(cases, *, weeks: int = 26, horizon: int = 8, now: dt.datetime) -> dict:
    """The last `weeks` complete weeks per top-level category, the next `horizon` forecast
    with 95% intervals, and whether the last complete week is a spike."""
    starts, series = weekly_intake_by_category(cases, weeks=weeks + 1, now=now)
    complete = starts[:-1]  # the running week is not over
    future = [complete[-1] + dt.timedelta(weeks=i) for i in range(1, horizon + 1)]
    categories = {}
    for name, values in series.items():
        actual = values[:-1]
        spike, upper = is_spike(actual)
        categories[name] = {
            "actual": actual,
            "forecast": asdict(forecast(actual, horizon=horizon)),
            "spike": spike,
            "expected_upper": upper,
        }
    return {
        "weeks": [w.isoformat() for w in complete],
        "future": [w.isoformat() for w in future],
        "categories": categories,
    }


def spike_alerts_raise(cases, *, now: dt.datetime | None = None) -> list[SpikeAlert]:
    """Record and send the spikes of the last complete week, once per category and week."""
    now = now or clock.now()
    result = trend(cases, weeks=26, horizon=1, now=now)
    week = dt.date.fromisoformat(result["weeks"][-1])
    made = []
    for name, data in result["categories"].items():
        if not data["spike"]:
            continue
        try:
            with transaction.atomic():
                made.append(
                    SpikeAlert.objects.create(
                        week=week,
                        category=name or "-",
                        actual=data["actual"][-1],
                        expected_upper=data["expected_upper"],
                        created_at=now,
                    )
                )
        except IntegrityError:
            continue
    if made:
        leads = User.objects.filter(
            is_active=True, role_assignments__role=Role.QUALITY_MANAGER
        ).distinct()
        notify(
            recipients=list(leads),
            kind="spike",
            title=_("Intake spike in the week of %(week)s: %(categories)s")
            % {"week": week, "categories": "、".join(a.category for a in made)},
            body="\n".join(
                _("%(category)s: %(actual)s received, at most %(upper)s expected")
                % {"category": a.category, "actual": a.actual, "upper": round(a.expected_upper)}
                for a in made
            ),
        )
    return made
