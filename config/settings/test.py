"""Test settings: the same as base, with a database chosen by KESU_TEST_DATABASE_URL."""

import os

from .base import *  # noqa: F403
from .base import database_from_url

_url = os.environ.get("KESU_TEST_DATABASE_URL")
if _url:
    DATABASES = {"default": database_from_url(_url)}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES = {"default": database_from_url("sqlite:///" + str(VAR_DIR / "test.sqlite3"))}  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "zh-hans"
