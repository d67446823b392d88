"""The `kesu` console script: Django's manage.py under Kesu's name.

Kesu's own commands (serve, demo, preset, token, complaint) are management commands, so
`kesu help` lists them beside Django's (migrate, createsuperuser, …).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kesu", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
