from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker: the deadline sweep every minute, emails, recomputations."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2, help="worker threads (2)")

    def handle(self, *args, workers: int, **options):
        # Quiet: errors and warnings only, so that the server's log beside it stays readable.
        call_command("run_huey", workers=max(workers, 1), worker_type="thread", verbose=False)
