"""Chinese first, English too: every string is in the catalogues and translated."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "kesu" / "locale"
REQUIRE = __import__("os").environ.get("KESU_REQUIRE_SERVICES") == "1"


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def translation_of(entry) -> str:
    """The translation, or for a plural entry its one Chinese form."""
    if entry.msgid_plural:
        forms = entry.msgstr_plural
        return forms.get(0) or forms.get("0") or ""
    return entry.msgstr


def test_every_chinese_message_is_translated_and_not_fuzzy():
    po = catalogue("zh_Hans")
    untranslated = [e.msgid for e in po if not translation_of(e)]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert (untranslated, fuzzy) == ([], [])
    assert len(po) > 150


def test_translations_keep_their_placeholders():
    import re

    placeholder = re.compile(r"%\(\w+\)s")
    for entry in catalogue("zh_Hans"):
        assert sorted(placeholder.findall(entry.msgid)) == sorted(
            placeholder.findall(translation_of(entry))
        ), entry.msgid


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_the_compiled_catalogue_matches_its_source(language):
    po = catalogue(language)
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    assert {e.msgid: translation_of(e) for e in po if translation_of(e)} == {
        e.msgid: translation_of(e) for e in mo if e.msgid
    }


def test_the_catalogue_holds_every_string_in_the_code(tmp_path):
    # given a fresh extraction of the code's strings into a scratch copy
    if shutil.which("xgettext") is None:
        if REQUIRE:
            pytest.fail("GNU gettext (xgettext) is missing (KESU_REQUIRE_SERVICES=1)")
        pytest.skip("GNU gettext (xgettext) is not installed")
    root = Path(settings.BASE_DIR)
    for folder in ("kesu", "config"):
        shutil.copytree(
            root / folder, tmp_path / folder, ignore=shutil.ignore_patterns("locale", "__pycache__")
        )
    (tmp_path / "kesu" / "locale").mkdir()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "--settings=config.settings.base",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={**__import__("os").environ, "PYTHONPATH": str(tmp_path)},
    )
    fresh = {
        e.msgid for e in polib.pofile(str(tmp_path / "kesu/locale/zh_Hans/LC_MESSAGES/django.po"))
    }
    # then nothing in the code is missing from the committed catalogue (run `make messages`)
    assert fresh - {e.msgid for e in catalogue("zh_Hans")} == set()


@pytest.mark.django_db
def test_the_api_speaks_chinese_by_default_and_english_on_request(client):
    response = client.get("/api/v1/complaints")
    assert response.json()["detail"] == "请提供有效令牌：Authorization: Bearer …"
    response = client.get("/api/v1/complaints", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "Send a valid token: Authorization: Bearer …"
