"""Masking of customer contact data for people whose role does not need it in full."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """138****5678: keep the first 3 and last 4 digits of a phone number."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return (
            phone[:1] + "*" * (len(phone) - 2) + phone[-1:] if len(phone) > 2 else "*" * len(phone)
        )
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_email(email: str) -> str:
    """z***@example.com: keep the first letter of the mailbox and the domain."""
    if not email or "@" not in email:
        return "*" * len(email or "")
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_name(name: str) -> str:
    """张*明 / 张*: keep the family name (first character) and, for long names, the last."""
    if not name:
        return ""
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(number: str) -> str:
    """1101**********1234: keep the first 4 and last 4 characters of an identity number."""
    if not number:
        return ""
    if len(number) <= 8:
        return number[:1] + "*" * (len(number) - 1)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
