from django.core.management.base import BaseCommand, CommandError

from kesu.complaints.presets import PRESETS
from kesu.complaints.services import preset_load
from kesu.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Presets (categories and time limits): `kesu preset list`, `kesu preset load NAME`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("list", help="the presets Kesu ships")
        load = sub.add_parser("load", help="load or refresh a preset's categories")
        load.add_argument("name", help=", ".join(PRESETS))

    def handle(self, *args, verb: str, **options):
        if verb == "list":
            for name, (title, tree) in PRESETS.items():
                self.stdout.write(f"{name}\t{title}\t{len(tree)} top-level categories")
            return
        try:
            counts = preset_load(name=options["name"])
        except ApplicationError as error:
            raise CommandError(error.detail) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"loaded preset {options['name']}: {counts['categories']} categories, "
                f"{counts['policies']} time-limit policies"
            )
        )
