"""Writes to time-limit policies, calendars and business hours."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kesu.complaints.models import Category
from kesu.core.errors import ValidationFailed
from kesu.deadlines.models import TimeLimitPolicy
from kesu.deadlines.presets import TIME_LIMIT_PRESETS


@transaction.atomic
def time_limit_preset_load(*, name: str) -> int:
    """Load (or refresh) a preset's policies by name; loading twice changes nothing.

    Category criteria need the matching category preset loaded first.
    """
    if name not in TIME_LIMIT_PRESETS:
        return 0
    for row in TIME_LIMIT_PRESETS[name]:
        category = None
        if row.category:
            category = Category.objects.filter(code=row.category).first()
            if category is None:
                raise ValidationFailed(
                    _("Load the category preset with “%(code)s” first.") % {"code": row.category},
                    fields={"preset": _("Missing categories.")},
                )
        limits = {}
        for target in ("response", "resolution", "revisit", "extension"):
            limit = getattr(row, target)
            limits[f"{target}_amount"] = limit[0] if limit else None
            limits[f"{target}_unit"] = limit[1] if limit else ""
        TimeLimitPolicy.objects.update_or_create(
            preset=name,
            name=row.name,
            defaults={
                "kind": row.kind,
                "severity": row.severity,
                "category": category,
                "org_unit": None,
                "priority": row.priority,
                "filing_window_days": row.filing_window_days,
                "is_active": True,
                **limits,
            },
        )
    return len(TIME_LIMIT_PRESETS[name])
