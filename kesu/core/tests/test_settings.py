"""Settings from the environment: safe defaults, clear errors."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import database_from_url, env_bool, env_list


def test_booleans_accept_the_usual_spellings_and_refuse_others(monkeypatch):
    monkeypatch.setenv("KESU_X", "yes")
    assert env_bool("KESU_X", False) is True
    monkeypatch.setenv("KESU_X", "0")
    assert env_bool("KESU_X", True) is False
    monkeypatch.delenv("KESU_X")
    assert env_bool("KESU_X", True) is True
    monkeypatch.setenv("KESU_X", "perhaps")
    with pytest.raises(ImproperlyConfigured):
        env_bool("KESU_X", False)


def test_lists_split_on_commas(monkeypatch):
    monkeypatch.setenv("KESU_HOSTS", "kesu.example.com, 10.0.0.5 ,")
    assert env_list("KESU_HOSTS", []) == ["kesu.example.com", "10.0.0.5"]


def test_database_urls_for_both_engines(tmp_path):
    sqlite = database_from_url(f"sqlite:///{tmp_path}/sub/kesu.sqlite3")
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert sqlite["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert (tmp_path / "sub").is_dir()
    postgres = database_from_url("postgres://kesu@db.internal:5432/kesu")
    assert (postgres["ENGINE"], postgres["HOST"], postgres["NAME"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        "kesu",
    )


def test_a_production_host_without_a_secret_key_is_refused():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import config.settings.base"],
        env={"KESU_ALLOWED_HOSTS": "kesu.example.com", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "KESU_SECRET_KEY" in result.stderr
