"""kesu import FILE: a firm's finished cases from its earlier system, from CSV or xlsx, with
a progress bar and every row not loaded reported with its reason."""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kesu.accounts.models import User
from kesu.core.errors import ApplicationError
from kesu.intake.history import FIELDS, count_rows, history_import


class Command(BaseCommand):
    help = (
        "Import finished cases from an earlier system (CSV or xlsx). Re-running the same file "
        "loads nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="who imports (username), on record")
        parser.add_argument("--unit", default=None, help="org unit (code) for rows that name none")
        parser.add_argument(
            "--channel", default="phone", help="channel for rows that name none (phone)"
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help=f"which column holds a field; fields: {', '.join(FIELDS)}",
        )
        parser.add_argument(
            "--check", action="store_true", help="read and check every row, load nothing"
        )
        parser.add_argument(
            "--report",
            default=None,
            metavar="CSV",
            help="also write the rows not loaded, with their reasons, to this CSV file",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, file, user, unit, channel, map, check, report, no_progress, **opts):
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
        bar = tqdm(
            total=count_rows(content, file),
            unit="row",
            desc="check" if check else "import",
            disable=no_progress,
            file=self.stderr._out,
        )
        try:
            result = history_import(
                actor=actor,
                content=content,
                filename=file,
                mapping=mapping,
                unit=unit,
                channel=channel,
                check_only=check,
                progress=bar.update,
            )
        except ApplicationError as error:
            raise CommandError(error.detail) from error
        finally:
            bar.close()
        for row, reason in result.refused:
            self.stdout.write(f"row {row}: REFUSED {reason}")
        if report:
            with open(report, "w", newline="", encoding="utf-8-sig") as out:
                writer = csv.writer(out)
                writer.writerow(["row", "result", "reason or number"])
                writer.writerows((row, "refused", reason) for row, reason in result.refused)
                writer.writerows((row, "already imported", n) for row, n in result.already)
        verb = "would be loaded" if check else "loaded"
        self.stdout.write(
            f"{len(result.created)} case(s) {verb}, {len(result.already)} already imported, "
            f"{len(result.refused)} row(s) refused"
        )
