"""Polling an IMAP mailbox: each unseen message is kept and read (services.inbound_email_take),
then marked seen. A message is marked only after it is stored, so a crash in between means
it is fetched again, and stored once (by its bytes' hash)."""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kesu.intake.models import InboundEmail
from kesu.intake.services import inbound_email_take

logger = logging.getLogger(__name__)


@dataclass
class FetchResult:
    fetched: int = 0
    states: dict[str, int] | None = None

    def count(self, state: str) -> None:
        self.states = self.states or {}
        self.states[state] = self.states.get(state, 0) + 1


def _connect() -> imaplib.IMAP4:
    if not settings.KESU_IMAP_HOST:
        raise ImproperlyConfigured("KESU_IMAP_HOST is not set: there is no mailbox to fetch")
    cls = imaplib.IMAP4_SSL if settings.KESU_IMAP_SSL else imaplib.IMAP4
    client = cls(settings.KESU_IMAP_HOST, settings.KESU_IMAP_PORT, timeout=30)
    client.login(settings.KESU_IMAP_USER, settings.KESU_IMAP_PASSWORD)
    return client


def mail_fetch(*, limit: int = 200) -> FetchResult:
    """Take up to `limit` unseen messages from the configured folder."""
    result = FetchResult(states={})
    client = _connect()
    try:
        status, _ = client.select(_quoted(settings.KESU_IMAP_FOLDER))
        if status != "OK":
            raise ImproperlyConfigured(
                f"IMAP folder {settings.KESU_IMAP_FOLDER!r} cannot be opened"
            )
        status, data = client.uid("SEARCH", None, "UNSEEN")
        uids = data[0].split() if status == "OK" and data and data[0] else []
        for uid in uids[:limit]:
            status, parts = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts or [] if isinstance(p, tuple) and len(p) > 1), None)
            if status != "OK" or raw is None:
                logger.warning("IMAP message uid %s could not be fetched", uid.decode())
                continue
            row = inbound_email_take(
                raw=raw, source=f"imap:{settings.KESU_IMAP_FOLDER}:{uid.decode()}"
            )
            client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            result.fetched += 1
            result.count(row.state)
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return result


def _quoted(folder: str) -> str:
    return (
        folder
        if re.fullmatch(r"[A-Za-z0-9._/-]+", folder)
        else '"' + folder.replace('"', '\\"') + '"'
    )


def state_label(state: str) -> str:
    return str(InboundEmail.State(state).label)
