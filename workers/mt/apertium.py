"""Apertium: Debian's rule-based engine; real offline translation for en<->es and en->fr (via es).

Placeholders are sent as HTML-like tags in Apertium's HTML mode, which keeps tags in place.
All segments of a batch go through one process per mode, each in its own <p> block: a block
is a hard boundary, so Apertium cannot reorder words across segments (plain lines can be).
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
    blocks = _run("".join(f"<p>{_to_markup(text)}</p>\n" for text in texts), MODES[(source, target)])
    if len(blocks) != len(texts):
        blocks = [(_run(f"<p>{_to_markup(text)}</p>", MODES[(source, target)]) or [""])[0] for text in texts]
    return [_keep_initial_case(_from_markup(block), text) for block, text in zip(blocks, texts, strict=True)]


def _run(data: str, modes: list[str]) -> list[str]:
    from workers.mt import EngineError

    for mode in modes:
        result = subprocess.run(
            ["apertium", "-u", "-f", "html", mode], input=data, capture_output=True, text=True, timeout=300
        )
        if result.returncode != 0:
            raise EngineError(f"apertium {mode} failed: {result.stderr.strip()[:500]} ({INSTALL_HINT})")
        data = result.stdout
    return _BLOCK.findall(data)


_BLOCK = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def _keep_initial_case(translated: str, source: str) -> str:
    """Apertium capitalises each block; a lower-case source (a tag, a list fragment) stays lower-case."""
    if source[:1].islower() and translated[:1].isupper():
        return translated[0].lower() + translated[1:]
    return translated


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
