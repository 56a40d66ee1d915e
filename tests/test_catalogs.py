"""The UI catalogs: every string of the code translated into every UI language, msgfmt-clean."""

from __future__ import annotations

import re
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


@pytest.mark.parametrize("locale", ("fa", "ar"))
def test_messages_built_at_run_time_leave_no_english(app, template, locale):
    """Validation messages splice in field names, states and languages; history lines word their
    details: in a Persian or Arabic UI none of those pieces may stay English."""
    from types import SimpleNamespace

    from flask_babel import force_locale, gettext

    from service.errors import InvalidInput
    from service.web.labels import STATE_LABELS, event_label, ui_message
    from service.web.wording import FIELD_LABELS, history_detail

    latin = re.compile(r"[A-Za-z]")
    words = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
    samples = {"locale": "es", "state": "in_review", "source": "en"}
    spliced = []
    with app.test_request_context(), force_locale(locale):
        for message in template:
            if not isinstance(message.id, str) or "%(name)s" not in message.id:
                continue
            names = set(re.findall(r"%\((\w+)\)", message.id)) - {"name"}
            if not names <= set(samples):
                continue
            for field in FIELD_LABELS:
                params = {"name": field, **{key: samples[key] for key in names}}
                text = ui_message(InvalidInput(message.id, field=field, params=params))
                spliced.append(text)
                kept = set(words.findall(gettext(message.id, **{k: "" for k in params})))  # e.g. "NUL"
                assert set(words.findall(text)) <= kept, (message.id, field, text)
        for state in STATE_LABELS:
            text = ui_message(InvalidInput("a draft in state %(state)s cannot be claimed", params={"state": state}))
            assert not latin.search(text), text
        events = [
            ("edited", "segment 3", None),
            ("xliff_imported", "4 segments changed", None),
            ("requeued", "found stuck: lease expired", None),
            ("failed", "EngineError: no model", None),
            ("drafted", "x", {"memory": 1, "machine": 9, "engine": "argos", "seconds": 0.2}),
            ("drafted", "x", {"machine": 9}),
        ]
        for action, detail, data in events:
            event = SimpleNamespace(action=action, detail=detail, data=data)
            line = f"{event_label(action)} ({history_detail(event)})"
            assert not latin.search(line.replace("XLIFF", "")), line  # a format's name stays as it is
    assert len(spliced) >= 3 * len(FIELD_LABELS)
