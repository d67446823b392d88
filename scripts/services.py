"""Which outside services the test run can reach: `python scripts/services.py postgres`.

Exits 0 when reachable, 1 when not (with the reason on stderr). Used by `make test`.
"""

from __future__ import annotations

import os
import shutil
import sys

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/test"


def postgres() -> str | None:
    import psycopg

    url = os.environ.get("KESU_TEST_DATABASE_URL") or DEFAULT_POSTGRES
    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL at {url} is not reachable: {error}".strip()


def chromium() -> str | None:
    if shutil.which("chromium") is None:
        return "Debian's chromium is not installed (apt-get install chromium)"
    return None


if __name__ == "__main__":
    checks = {"postgres": postgres, "chromium": chromium}
    problem = checks[sys.argv[1]]()
    if problem:
        print(problem, file=sys.stderr)
        sys.exit(1)
