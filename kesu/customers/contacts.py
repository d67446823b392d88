"""Pure normalisation of contact details, so that one customer is found by any spelling."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

_NON_DIGITS = re.compile(r"[^\d]")


def normalize_phone(raw: str) -> str:
    """Digits only, without China's country code: '+86 138-0013-8000' → '13800138000'.

    Raises ValueError for something that cannot be a phone number (7 to 15 digits).
    """
    text = (raw or "").strip()
    if not text:
        return ""
    if re.search(r"[^\d\s+\-()]", text):
        raise ValueError("a phone number has only digits, spaces, +, - and brackets")
    digits = _NON_DIGITS.sub("", text)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not 7 <= len(digits) <= 15:
        raise ValueError("a phone number has 7 to 15 digits")
    return digits


def normalize_email(raw: str) -> str:
    """Trimmed and lower-cased; raises ValueError for an invalid address."""
    text = (raw or "").strip().lower()
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError as error:
        raise ValueError("not a valid email address") from error
    return text
