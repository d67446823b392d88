"""kesu import-referrals FILE: a batch of referred work orders (12345, 12315, a regulator's
list) as cases, one per row, with every refused row and its reason."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kesu.accounts.models import User
from kesu.core.errors import ApplicationError
from kesu.intake.referrals import FIELDS, referrals_import


class Command(BaseCommand):
    help = "Import referred work orders from CSV or xlsx: one case per row."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="who registers the cases (username)")
        parser.add_argument("--source", default="", help="the referrer, when no column names it")
        parser.add_argument("--unit", default=None, help="org unit code receiving the cases")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help=f"which column holds a field; fields: {', '.join(FIELDS)}",
        )

    def handle(self, *args, file, user, source, unit, map, **options):
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {user!r}")
        mapping = {}
        for item in map:
            name, sep, header = item.partition("=")
            if not sep:
                raise CommandError(f"--map {item!r} is not FIELD=COLUMN")
            mapping[name.strip()] = header.strip()
        try:
            content = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        try:
            report = referrals_import(
                actor=actor,
                content=content,
                filename=file,
                source_org=source,
                mapping=mapping,
                intake_unit=unit,
            )
        except ApplicationError as error:
            raise CommandError(error.detail) from error
        for row, number in report.created:
            self.stdout.write(f"row {row}: {number}")
        for row, reason in report.refused:
            self.stdout.write(f"row {row}: REFUSED {reason}")
        self.stdout.write(
            f"{len(report.created)} case(s) made, {len(report.refused)} row(s) refused"
        )
