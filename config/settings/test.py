"""Test settings: base, on SQLite, or on PostgreSQL for the second pass of `make test`."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR, database_from_url

if os.environ.get("KESU_TEST_ON_POSTGRES") == "1":
    _url = os.environ.get("KESU_TEST_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/test"
    DATABASES = {"default": database_from_url(_url)}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES = {"default": database_from_url(f"sqlite:///{VAR_DIR / 'test.sqlite3'}")}

# Hashing strength is not under test; speed is.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "zh-hans"

# Tasks run at once, in the test's own process; the worker's own tests build real queues.
HUEY = {**HUEY, "immediate": True}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Files the tests upload stay apart from a developer's own var/media.
MEDIA_ROOT = VAR_DIR / "test-media"
