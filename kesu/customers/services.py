"""Writes to customer records."""

from __future__ import annotations

from kesu.customers.models import Customer
from kesu.customers.selectors import customer_find


def customer_match_or_create(*, name: str, phone: str, email: str) -> Customer:
    """The existing customer with this phone or email, else a new one.

    Contacts must already be normalised (customers.contacts). A known customer gains any
    contact they did not have on file; a contact on file is never overwritten silently.
    """
    customer = customer_find(phone=phone, email=email)
    if customer is None:
        return Customer.objects.create(name=name, phone=phone, email=email)
    changed = []
    if phone and not customer.phone:
        customer.phone = phone
        changed.append("phone")
    if email and not customer.email:
        customer.email = email
        changed.append("email")
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
    return customer
