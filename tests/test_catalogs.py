"""The UI catalogs: every string of the code translated into every UI language, msgfmt-clean."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from babel.messages.pofile import read_po

from tests.conftest import ROOT

LOCALES = ("fa", "ar", "fr", "de", "es")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """Extract the strings from the code now, so a string added without a translation fails here."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "pybabel") if (ROOT / ".venv").exists() else "pybabel",
            "extract",
            "-F",
            "locales/babel.cfg",
            "-k",
            "_l",
            "-k",
            "N_",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with open(pot, "rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_ui_string_is_translated(template, locale):
    with open(ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle, locale=locale)
    missing = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        strings = translated.string if translated else None
        if not strings or (isinstance(strings, tuple) and not all(strings)):
            missing.append(message.id)
    assert missing == []


@pytest.mark.parametrize("locale", (*LOCALES, "en"))
def test_catalog_passes_msgfmt_check(locale):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("msgfmt not found: apt-get install gettext")
    po = ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po"
    result = subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr
