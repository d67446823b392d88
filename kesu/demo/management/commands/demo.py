from django.core.management.base import BaseCommand, CommandError

from kesu.demo.generator import DEMO_PASSWORD, USERS, demo_is_loaded, demo_summary, load_demo


class Command(BaseCommand):
    help = "Load the demo firm: org tree, one user per role, categories and ~200 cases."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing if already loaded")
        parser.add_argument("--count", type=int, default=200, help="how many cases (200)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (2026)")

    def handle(self, *args, if_empty: bool, count: int, seed: int, **options):
        if count < 0:
            raise CommandError("--count cannot be negative")
        if demo_is_loaded():
            if if_empty:
                self.stdout.write("demo data already loaded")
                return
            raise CommandError("the demo data is already loaded (start from an empty database)")
        load_demo(count=count, seed=seed)
        summary = demo_summary()
        self.stdout.write(
            self.style.SUCCESS(
                "demo loaded: " + ", ".join(f"{value} {key}" for key, value in summary.items())
            )
        )
        for username, display_name, role, _unit in USERS[:7]:
            self.stdout.write(f"  {username:<11} {DEMO_PASSWORD}  {role.label} · {display_name}")
