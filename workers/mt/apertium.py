"""Apertium: Debian's rule-based engine; real offline translation for en<->es and en->fr (via es).

Placeholders are sent as HTML-like tags in Apertium's HTML mode, which keeps tags in place.
All segments of a batch go through one process per mode, one segment per line.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess

from service.segments import PLACEHOLDER
from service.settings import Settings

MODES: dict[tuple[str, str], list[str]] = {
    ("en", "es"): ["eng-spa"],
    ("es", "en"): ["spa-eng"],
    ("es", "fr"): ["es-fr"],
    ("fr", "es"): ["fr-es"],
    ("en", "fr"): ["eng-spa", "es-fr"],
    ("fr", "en"): ["fr-es", "spa-eng"],
}
INSTALL_HINT = "apt-get install apertium apertium-eng-spa apertium-fr-es"


def supports(source: str, target: str) -> bool:
    return (source, target) in MODES


def translate_batch(texts: list[str], source: str, target: str, settings: Settings) -> list[str]:
    from workers.mt import EngineError

    if (source, target) not in MODES:
        pairs = ", ".join(f"{s}-{t}" for s, t in MODES)
        raise EngineError(f"Apertium has no {source}-{target} pair here (it has {pairs})")
    if shutil.which("apertium") is None:
        raise EngineError(f"apertium not found: {INSTALL_HINT}")
    lines = _run("\n".join(_to_markup(text) for text in texts), MODES[(source, target)])
    if len(lines) != len(texts):
        lines = [_run(_to_markup(text), MODES[(source, target)])[0] for text in texts]
    return [_from_markup(line) for line in lines]


def _run(data: str, modes: list[str]) -> list[str]:
    from workers.mt import EngineError

    for mode in modes:
        result = subprocess.run(
            ["apertium", "-u", "-f", "html", mode], input=data + "\n", capture_output=True, text=True, timeout=300
        )
        if result.returncode != 0:
            raise EngineError(f"apertium {mode} failed: {result.stderr.strip()[:500]} ({INSTALL_HINT})")
        data = result.stdout.rstrip("\n")
    return data.split("\n")


def _to_markup(text: str) -> str:
    """Escape the text, keep placeholders as tags Apertium will leave alone."""
    parts, position = [], 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(html.escape(text[position : match.start()], quote=False))
        parts.append(match.group(0))
        position = match.end()
    parts.append(html.escape(text[position:], quote=False))
    return "".join(parts)


def _from_markup(line: str) -> str:
    line = re.sub(r"<x(\d+)></x\1>", r"<x\1/>", line)
    return " ".join(html.unescape(line).split())
