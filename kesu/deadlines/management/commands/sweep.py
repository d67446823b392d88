from django.core.management.base import BaseCommand

from kesu.core import clock
from kesu.deadlines.sweep import sweep


class Command(BaseCommand):
    help = "Run the deadline sweep once now (the worker runs it every minute)."

    def handle(self, *args, **options):
        result = sweep(now=clock.now())
        self.stdout.write(
            f"reminded {result.reminded}, "
            f"escalated to supervisors {result.escalated_to_supervisor}, "
            f"to head office {result.escalated_to_head_office}"
        )
