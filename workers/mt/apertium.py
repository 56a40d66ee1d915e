"""Apertium: Debian's rule-based engine; real offline translation for en<->es and en->fr (via es).

Placeholders are sent as HTML-like tags in Apertium's HTML mode, which keeps tags in place.
All segments of a batch go through one process per mode, each in its own <p> block: a block
is a hard boundary, so Apertium cannot reorder words across segments (plain lines can be).

Protected spans (`<n1/>`, `<d2/>`, `<t3/>`, see service/protect.py) travel as words (`Zn1`,
`Zd2`, `Zt3`) whose analysis Tarjama writes into Apertium's stream itself, between the
morphological analyser and the tagger: a numeral, an adverb (a date phrase) or a proper noun. So the grammar around them holds ("the Zt1's report" ->
"el informe de Zt1") and no hop of a pivot can translate them. Words the first hop did not
know (a surname like "Meta") are protected the same way in the second hop, so the Spanish leg
of en->fr cannot turn them into Spanish words ("Meta" -> "But").

Apertium runs with its unknown-word marks on: the marks are counted (the engine's confidence,
and QA's leftover-word check) and removed from the text.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

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
# How each mode's analyser writes a proper noun; a protected numeral is `<num>` everywhere.
# (es-fr reads an unknown <np><al> subject as missing and adds "il": "Meta il a dit"; a place name it does not.)
PROPER_NOUN = {"eng-spa": "<np><al><sg>", "spa-eng": "<np><al><m><sg>", "es-fr": "<np><loc>", "fr-es": "<np><loc>"}
_SPAN = re.compile(r"<([ntd])(\d+)/>")
_WORD_TOKEN = re.compile(r"[*@]*\b[Zz]([ntd])(\d+)\b")  # with the unknown-word marks Apertium puts on it
_ANALYSED_TOKEN = re.compile(r"\^(Z[ntdu]\d+)/\*Z[ntdu]\d+\$")
_MARKED = re.compile(r"(?<![\w<])([*@#]+)([^\W\d_][\w'’-]*)")
_BLOCK = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def supports(source: str, target: str) -> bool:
    return (source, target) in MODES


def translate_batch(texts: list[str], source: str, target: str, settings: Settings) -> list[str]:
    return [result.text for result in translate_scored(texts, source, target, settings)]


def translate_scored(texts: list[str], source: str, target: str, settings: Settings) -> list:
    """Translations with the engine's confidence: the share of words Apertium knew in every hop."""
    from workers.mt import MissingModel, Result

    if (source, target) not in MODES:
        pairs = ", ".join(f"{s}-{t}" for s, t in MODES)
        raise MissingModel(f"Apertium has no {source}-{target} pair here (it has {pairs})")
    if shutil.which("apertium") is None:
        raise MissingModel(f"apertium not found: {INSTALL_HINT}")
    modes = MODES[(source, target)]
    blocks = [_to_markup(text) for text in texts]
    unknown: list[list[str]] = [[] for _ in texts]
    leftover: list[list[str]] = [[] for _ in texts]
    kept: list[dict[str, str]] = [{} for _ in texts]
    for hop, mode in enumerate(modes):
        blocks = _translate_blocks(blocks, mode)
        between_hops = hop < len(modes) - 1
        for index, block in enumerate(blocks):
            blocks[index], marked = _take_marks(block, kept[index] if between_hops else None)
            (leftover if hop else unknown)[index].extend(marked)
    results = []
    for text, block, words_kept, lost, left in zip(texts, blocks, kept, unknown, leftover, strict=True):
        block = _put_back_kept(block, words_kept)
        translated = _keep_initial_case(_from_markup(block), text)
        words = max(len(_SPAN.sub(" ", PLACEHOLDER.sub(" ", text)).split()), 1)
        doubtful = [w for w in lost + left if w[:1].islower()]
        score = max(0.0, 1.0 - len(doubtful) / words)
        results.append(Result(translated, score, unknown=[w for w in lost if w[:1].islower()], leftover=left))
    return results


def _put_back_kept(block: str, kept: dict[str, str]) -> str:
    return re.sub(r"\b[Zz]u(\d+)\b", lambda m: kept.get(f"Zu{m.group(1)}", m.group(0)), block)


def _translate_blocks(blocks: list[str], mode: str) -> list[str]:
    out = _run("".join(f"<p>{block}</p>\n" for block in blocks), mode)
    if len(out) != len(blocks):  # a block boundary got lost: one call per segment
        out = [(_run(f"<p>{block}</p>", mode) or [""])[0] for block in blocks]
    return [_unglue(block) for block in out]


# eng-spa turns "a 12-day strike" into "una huelgade12 días": a hyphenated word has no blanks to
# put between the words its compound rule writes. Put them back (and the next hop can read them).
_GLUED = re.compile(r"\b([^\W\d_]{2,}?)(de|d')([*@#]?)(Z[ntdu]\d+|\d+)([^\W\d_]*)")


def _unglue(block: str) -> str:
    return _GLUED.sub(
        lambda m: " ".join(filter(None, [m.group(1), m.group(2), m.group(3) + m.group(4), m.group(5)])), block
    )


def _run(data: str, mode: str) -> list[str]:
    """One hop: analyse, write in the protected words' analyses, then the rest of the mode's pipeline."""
    analyse, rest = _pipeline(mode)
    analysed = _shell(f"apertium-deshtml | {analyse}", data, mode)
    tags = PROPER_NOUN.get(mode, "<np><loc>")

    def inject(match: re.Match[str]) -> str:
        word = match.group(1)
        return f"^{word}/{word}{ {'n': '<num>', 'd': '<adv>'}.get(word[1], tags) }$"

    translated = _shell(f"{rest} | apertium-rehtml", _ANALYSED_TOKEN.sub(inject, analysed), mode)
    return _BLOCK.findall(translated)


def _shell(script: str, data: str, mode: str) -> str:
    from workers.mt import EngineError

    result = subprocess.run(
        ["bash", "-c", script, "apertium", "-g", ""], input=data, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise EngineError(f"apertium {mode} failed: {result.stderr.strip()[:500]} ({INSTALL_HINT})")
    return result.stdout


@cache
def _pipeline(mode: str) -> tuple[str, str]:
    """The mode's commands (as `apertium -f html` runs them), split after the analyser."""
    from workers.mt import MissingModel

    prefix = Path(shutil.which("apertium") or "/usr/bin/apertium").resolve().parent.parent
    mode_file = prefix / "share" / "apertium" / "modes" / f"{mode}.mode"
    if not mode_file.exists():
        raise MissingModel(f"Apertium mode {mode} is not installed ({INSTALL_HINT})")
    script = subprocess.run(
        ["apertium-wblank-mode", str(mode_file)], capture_output=True, text=True, check=True
    ).stdout.strip()
    analyse, _, rest = script.partition("|")
    return analyse.strip(), rest.strip()


def _take_marks(block: str, kept: dict[str, str] | None) -> tuple[str, list[str]]:
    """Remove Apertium's unknown-word marks (*, @, #) and list the marked words.

    Between two hops (`kept` given) a marked word becomes a protected word `ZuN` for the next
    hop: a surname the first hop did not know must not be translated by the second.
    """
    marked: list[str] = []

    def unmark(match: re.Match[str]) -> str:
        word = match.group(2)
        if re.fullmatch(r"[Zz][ntdu]\d+", word):  # a protected word: keep a "#" of the text ("#3")
            return match.group(1).replace("*", "").replace("@", "") + word
        marked.append(word)
        if kept is None:
            return word
        token = f"Zu{len(kept) + 1}"
        kept[token] = word
        return token

    return _MARKED.sub(unmark, block), marked


def _keep_initial_case(translated: str, source: str) -> str:
    """Apertium capitalises each block; a lower-case source (a tag, a list fragment) stays lower-case."""
    if source[:1].islower() and translated[:1].isupper():
        return translated[0].lower() + translated[1:]
    return translated


def _to_markup(text: str) -> str:
    """Escape the text, keep placeholders as tags Apertium will leave alone, spans as protected words."""
    parts, position = [], 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(_escape(text[position : match.start()]))
        parts.append(match.group(0))
        position = match.end()
    parts.append(_escape(text[position:]))
    return "".join(parts)


def _escape(text: str) -> str:
    return html.escape(_SPAN.sub(lambda m: f"Z{m.group(1)}{m.group(2)}", text), quote=False)


def _from_markup(line: str) -> str:
    line = re.sub(r"<x(\d+)></x\1>", r"<x\1/>", line)
    line = _WORD_TOKEN.sub(lambda m: f"<{m.group(1)}{m.group(2)}/>", line)
    return " ".join(html.unescape(line).split())
