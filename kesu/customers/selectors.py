"""Reads of customer records."""

from __future__ import annotations

from kesu.customers.models import Customer


def customer_find(*, phone: str = "", email: str = "") -> Customer | None:
    """The oldest customer with this normalised phone, else with this email."""
    if phone:
        customer = Customer.objects.filter(phone=phone).order_by("pk").first()
        if customer is not None:
            return customer
    if email:
        return Customer.objects.filter(email=email).order_by("pk").first()
    return None
