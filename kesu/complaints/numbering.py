"""Case numbers: prefix per kind, local date, daily sequence (TS202611230001)."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from kesu.complaints.workflow import Kind

PREFIXES = {Kind.COMPLAINT: "TS", Kind.INQUIRY: "ZX", Kind.SUGGESTION: "JY"}


def allocate_number(*, kind: Kind | str, day: dt.date) -> str:
    """The next unused number for `kind` on `day`.

    One atomic upsert per number: concurrent intakes on several machines never share one,
    and a number is never handed out again (the counter only grows).
    """
    key = f"{PREFIXES[Kind(kind)]}{day:%Y%m%d}"
    table = connection.ops.quote_name("complaints_numbersequence")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, value) VALUES (%s, 1) "
            f"ON CONFLICT (key) DO UPDATE SET value = {table}.value + 1 RETURNING value",
            [key],
        )
        (value,) = cursor.fetchone()
    return f"{key}{value:04d}"


def allocate_numbers(*, kind: Kind | str, day: dt.date, count: int) -> list[str]:
    """`count` consecutive unused numbers for `kind` on `day`, in one atomic upsert (a
    historical import numbers its cases by the day each was received)."""
    key = f"{PREFIXES[Kind(kind)]}{day:%Y%m%d}"
    table = connection.ops.quote_name("complaints_numbersequence")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, value) VALUES (%s, %s) "
            f"ON CONFLICT (key) DO UPDATE SET value = {table}.value + %s RETURNING value",
            [key, count, count],
        )
        (last,) = cursor.fetchone()
    return [f"{key}{value:04d}" for value in range(last - count + 1, last + 1)]
