"""The two checks every service makes of what people type: a text within its length, a value
among its choices. One wording, one error shape (ValidationFailed naming the field)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from kesu.core.errors import ValidationFailed


def require_text(field: str, value: str | None, *, maximum: int, required: bool = False) -> str:
    """`value` stripped, or ValidationFailed when it is missing (if required) or too long."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(
            _("%(field)s is required.") % {"field": field},
            fields={field: _("This field is required.")},
        )
    if len(value) > maximum:
        raise ValidationFailed(
            _("%(field)s is longer than %(maximum)s characters.")
            % {"field": field, "maximum": maximum},
            fields={field: _("At most %(maximum)s characters.") % {"maximum": maximum}},
        )
    return value


def require_choice(field: str, value: str, choices: Iterable[str]) -> str:
    """`value` if it is one of `choices`, else ValidationFailed listing them."""
    choices = list(choices)
    if value not in choices:
        raise ValidationFailed(
            _("“%(value)s” is not a valid %(field)s.") % {"value": value, "field": field},
            fields={field: _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}},
        )
    return value
