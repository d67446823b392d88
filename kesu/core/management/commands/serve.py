import atexit
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve Kesu on http://127.0.0.1:8000 (pages, API, admin) with its background worker."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start the worker (run `kesu worker`)"
        )

    def handle(self, *args, port: int, host: str, no_worker: bool, **options):
        if not 1 <= port <= 65535:
            raise CommandError(f"--port must be between 1 and 65535, not {port}")
        if not no_worker:
            # One command for one machine: the worker runs beside the server and stops with it.
            worker = subprocess.Popen([sys.executable, "-m", "kesu.cli", "worker"])
            atexit.register(worker.terminate)

            def stop(signum, frame):
                worker.terminate()
                sys.exit(0)

            # Ctrl-C reaches both processes; a SIGTERM to the server must stop the worker too.
            signal.signal(signal.SIGTERM, stop)
        # Django's server with its static files: enough for one machine. Several machines
        # behind a proxy run a WSGI server on config.wsgi and `kesu worker` on their own.
        call_command("runserver", f"{host}:{port}", use_reloader=False, insecure_serving=True)
