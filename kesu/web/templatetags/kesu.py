"""Small presentation helpers for the workspace templates."""

from django import template
from django.utils.translation import gettext as _

from kesu.core import clock
from kesu.core.masking import mask_phone
from kesu.deadlines.watch import time_left_words, time_state

register = template.Library()


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def get(mapping, key):
    """mapping[key] in a template (a measure by its name)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value or "")


@register.simple_tag
def clock_of(complaint) -> dict:
    """The case's running clock: its state (a word, never colour alone) and time left."""
    state = time_state(
        next_due_at=complaint.next_due_at,
        at_risk_at=complaint.at_risk_at,
        is_paused=complaint.is_awaiting_customer,
        now=clock.now(),
    )
    labels = {
        "on_time": _("on time"),
        "at_risk": _("at risk"),
        "overdue": _("overdue"),
        "paused": _("waiting on the customer"),
        "none": "",
    }
    words = time_left_words(next_due_at=complaint.next_due_at, now=clock.now())
    return {"state": str(state), "label": labels[str(state)], "words": words}
