from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve Kesu on http://127.0.0.1:8000 (the web pages, the API and the admin)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")

    def handle(self, *args, port: int, host: str, **options):
        if not 1 <= port <= 65535:
            raise CommandError(f"--port must be between 1 and 65535, not {port}")
        # Django's server with its static files: enough for one machine. Several machines
        # behind a proxy run a WSGI server on config.wsgi instead.
        call_command("runserver", f"{host}:{port}", use_reloader=False, insecure_serving=True)
