"""kesu mail fetch | kesu mail import FILE…: email intake by hand (the worker polls too)."""

from __future__ import annotations

import imaplib
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from kesu.intake.models import InboundEmail
from kesu.intake.services import inbound_email_take


class Command(BaseCommand):
    help = "Fetch the IMAP mailbox once, or import .eml files: each becomes a case, an "
    "addition to a case, an ignored auto-reply, or a quarantined message."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        sub.add_parser("fetch", help="fetch unseen messages from KESU_IMAP_* once")
        imp = sub.add_parser("import", help="import .eml files")
        imp.add_argument("files", nargs="+")

    def _line(self, row: InboundEmail, name: str) -> None:
        number = row.complaint.number if row.complaint else ""
        detail = f" ({row.problem})" if row.problem else ""
        self.stdout.write(f"{name}: {row.get_state_display()} {number}{detail}".rstrip())

    def handle(self, *args, what, files=(), **options):
        if what == "fetch":
            from kesu.intake.imap import mail_fetch

            try:
                result = mail_fetch()
            except ImproperlyConfigured as error:
                raise CommandError(str(error)) from error
            except (OSError, imaplib.IMAP4.error) as error:
                raise CommandError(f"the mailbox cannot be read: {error}") from error
            states = ", ".join(
                f"{InboundEmail.State(s).label}: {n}"
                for s, n in sorted((result.states or {}).items())
            )
            self.stdout.write(
                f"fetched {result.fetched} message(s)" + (f" — {states}" if states else "")
            )
            return
        failed = False
        for name in files:
            path = Path(name)
            try:
                raw = path.read_bytes()
            except OSError as error:
                self.stderr.write(f"{name}: cannot be read: {error.strerror}")
                failed = True
                continue
            self._line(inbound_email_take(raw=raw, source=f"file:{path.name}"), name)
        if failed:
            raise CommandError("some files could not be read")
