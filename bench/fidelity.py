"""Fidelity of drafts: names, numbers, dates and links through Tarjama's pipeline vs the raw engine.

    .venv/bin/python bench/fidelity.py                      # print the tables
    .venv/bin/python bench/fidelity.py --write docs/fidelity.md

The corpus (bench/corpus/*.txt, written for this benchmark: real-style news articles) is cut
into segments by Tarjama's own segmenter and translated three ways on the same engine:
`raw` (the engine alone, markup put back: what Tarjama did before), `spans` (the pipeline with
an empty glossary) and `pipeline` (with bench/corpus/glossary.csv). Targets: Apertium en->es and
en->fr (real translations), and synthetic Argos packages en->de, en->fa, en->ar (random weights:
their text is nonsense, but numbers, dates and names must still come out right).

Expectations are computed here with their own patterns and Babel, not with the pipeline's code,
so a pipeline bug cannot hide itself: numbers in the target's convention (CLDR), dates as
Babel's long or month-day form (Solar Hijri for fa), acronyms and glossary terms in their
target form, possessives on names as "de X" rather than a verb. A segment is *damaged* when a
number's value, a date, an acronym, a name or a glossary term is missing or a number is glued to
a word; the QA rows say how many damaged segments QA flags and how many intact ones it flags.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from babel.dates import format_date, format_skeleton  # noqa: E402
from babel.numbers import format_decimal  # noqa: E402

from service import confidence, glossary, glossary_io, qa, segments  # noqa: E402
from service.l10n import native_digits  # noqa: E402
from service.models import GlossaryEntry  # noqa: E402
from service.settings import Settings  # noqa: E402
from service.target_forms import Options  # noqa: E402
from workers import fidelity, mt  # noqa: E402

CORPUS = ROOT / "bench" / "corpus"
DATA = Path("/work/benchdata/fidelity")
YEAR = 2024  # the stories' year, for dates written without one
LOCALES = ("en", "es", "fr", "de", "fa", "ar")
APERTIUM = ("es", "fr")
ARGOS = ("de", "fa", "ar")

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTH_NUMBER = {name: i for i, name in enumerate(MONTHS.split("|"), start=1)}
DATE = re.compile(
    rf"(?:\b(?P<prep>on|On|since|until|by|before|after|from|in|In)\s+)?"
    rf"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\s+)?"
    rf"(?:(?P<m1>{MONTHS})\s+(?P<d1>\d{{1,2}})(?!\d)(?:,\s*(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{MONTHS})(?:\s+(?P<y2>\d{{4}}))?"
    rf"|(?P<m3>{MONTHS})\s+(?P<y3>\d{{4}}))"
)
NUMBER = re.compile(r"(?<![\w.,:/#-])(?:US\$|[$€£])?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?%?(?![\w:/]|[.,-]\d)")
AS_IS = re.compile(r"(?<![\w.,:/-])(?:\d{1,2}:\d{2}|\d+(?:-\d+)+|[12]\d{3}s)(?![\w:-])")
ADDRESS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+")
ACRONYM = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]*[A-Z](?:-\d+)?(?![\w-])")
POSSESSIVE = re.compile(r"(?P<owner>(?:[A-Z][\w-]+\s)*[A-Z][\w-]+|[A-Z]{2,})(?:'s|’s)\b")


@dataclass
class Item:
    source: str
    text: str = ""
    warnings: list[str] = field(default_factory=list)
    confidence: float | None = None
    leftover: bool = False


def load_corpus() -> list[str]:
    texts = []
    for path in sorted(CORPUS.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        body = "".join(f"<p>{p.strip()}</p>" for p in "\n".join(lines[2:]).split("\n\n") if p.strip())
        texts += [s.text for s in segments.extract(lines[0], lines[1], body).segments]
    return texts


def load_glossary() -> list[GlossaryEntry]:
    rows = glossary_io.read((CORPUS / "glossary.csv").read_bytes(), "glossary.csv")
    return [GlossaryEntry(**glossary.validate(row, LOCALES, "en")) for row in rows]


# --- what the target should contain -------------------------------------------------------------


def digits(text: str, locale: str) -> str:
    return native_digits(text, locale)


def ascii_digits(text: str) -> str:
    return "".join(
        str(unicodedata.digit(c)) if c.isdigit() else c for c in text.translate({0x200E: None, 0x200F: None})
    )


def values_in(text: str, locale: str) -> Counter:
    """Numbers by value as a reader of `locale` reads them."""
    text = ascii_digits(text)
    comma_decimal = locale in ("es", "fr", "de")
    spaced = r"|(?<=\d) (?=\d{3}\b)" if locale == "fr" else ""  # "1 500" groups digits only in French
    found = Counter()
    for token in re.findall(rf"\d+(?:(?:[.,\u202f\u00a0\u066b\u066c]{spaced})\d+)*", text):
        if comma_decimal:
            token = re.sub(r"[.\u202f\u00a0 ](?=\d{3}\b)", "", token).replace(",", ".")
        else:
            token = re.sub(r"[,\u066c](?=\d{3}\b)", "", token).replace("\u066b", ".")
        try:
            found[Decimal(token).normalize()] += 1
        except ArithmeticError:
            continue
    return found


def expected_numbers(source: str, locale: str) -> list[tuple[Decimal, str]]:
    """(value, string in the target's convention) for each number outside dates and addresses."""
    blocked = [m.span() for m in DATE.finditer(source)] + [m.span() for m in ADDRESS.finditer(source)]
    result = []
    for match in NUMBER.finditer(source):
        if any(a <= match.start() < b for a, b in blocked):
            continue
        whole, decimals = match.group(1), match.group(2) or ""
        value = Decimal(whole.replace(",", "") + decimals)
        before = source[: match.start()].rstrip().split()
        code = "," not in whole and not decimals and before and re.fullmatch(r"[A-Z][\w-]*|No\.", before[-1])
        year = len(whole) == 4 and not decimals and 1000 <= value <= 2199
        if code or year:
            expected = digits(whole, locale)
        else:
            formatted = format_decimal(value, locale=locale, numbering_system="default", decimal_quantization=False)
            expected = digits(formatted, locale)
        result.append((value.normalize(), expected))
    for match in AS_IS.finditer(source):  # times, ranges, scores, decades: digits as they are
        result += [(Decimal(d), digits(d, locale)) for d in re.findall(r"\d+", match.group(0))]
    return result


def expected_dates(source: str, locale: str) -> list[tuple[bool, list[str]]]:
    """(has "on", acceptable core forms) for each English date expression."""
    result = []
    for match in DATE.finditer(source):
        month = MONTH_NUMBER[match.group("m1") or match.group("m2") or match.group("m3")]
        day = int(match.group("d1") or match.group("d2") or 0)
        year = match.group("y1") or match.group("y2") or match.group("y3")
        moment = date(int(year or YEAR), month, day or 1)
        if locale == "fa" and day:
            import jdatetime

            solar = jdatetime.date.fromgregorian(date=moment)
            core = f"{solar.day} {jdatetime.date.j_months_fa[solar.month - 1]}" + (f" {solar.year}" if year else "")
        elif day and year:
            core = format_date(moment, "long", locale=locale)
        elif day:
            core = format_skeleton("MMMMd", moment, locale=locale)
        else:
            core = format_skeleton("yMMMM", moment, locale=locale)
        forms = [digits(core, locale)]
        if locale == "fr" and day == 1:
            forms.append(forms[0].replace("1 ", "1er ", 1))
        result.append(((match.group("prep") or "").lower() == "on", forms))
    return result


def clean(text: str) -> str:
    return " ".join(segments.plain(text).replace("\u202f", " ").replace("\u00a0", " ").split())


def has(text: str, form: str, cased: bool = True) -> bool:
    """The form as a word (or words) of the text; a plural ending may follow it."""
    form = clean(form)
    first = (
        f"[{re.escape(form[:1].lower())}{re.escape(form[:1].upper())}]" if form[:1].isalpha() else re.escape(form[:1])
    )
    pattern = rf"(?<![\w]){first}{re.escape(form[1:])}(?:s|es)?(?![\w])"
    return re.search(pattern, text, 0 if cased else re.IGNORECASE) is not None


def glued(text: str) -> int:
    return len(re.findall(r"[^\W\d_]\d|\d(?!(?:er|e|º|st|nd|rd|th|s)\b)[^\W\d_]", ascii_digits(text)))


# --- scoring ------------------------------------------------------------------------------------------


@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)

    def add(self, name: str, ok: bool, n: int = 1) -> None:
        self.counts[name + ":total"] += n
        self.counts[name + ":ok"] += n if ok else 0

    def rate(self, name: str) -> str:
        total = self.counts[name + ":total"]
        return f"{100 * self.counts[name + ':ok'] / total:.1f}% ({self.counts[name + ':ok']}/{total})" if total else "—"


def score(items: list[Item], locale: str, terms: list[glossary.Term]) -> tuple[Tally, list[bool]]:
    """Per-measure rates, and which segments are damaged.

    Synthetic Argos models write random subwords, digits included ("1asc"), so for them a number
    glued to a word is noise, shown but not counted as damage.
    """
    noisy = locale in ARGOS
    tally, damaged = Tally(), []
    by_form = {t.source: t.target for t in terms}
    for item in items:
        text, broken = clean(item.text), False
        found = values_in(text, locale)
        for value, expected in expected_numbers(item.source, locale):
            present = found[value] > 0
            found[value] -= 1 if present else 0
            tally.add("numbers present (by value)", present)
            tally.add("numbers in the target's convention", has(text, expected))
            tally.add("numbers ≥ 1,000 in the target's convention", has(text, expected), 1 if value >= 1000 else 0)
            broken |= not present
        glued_here = glued(text) > glued(item.source)
        tally.add("segments with a number glued to a word (lower is better)", glued_here)
        broken |= glued_here and not noisy
        for on, forms in expected_dates(item.source, locale):
            ok = any(has(text, form, cased=False) for form in forms)
            tally.add("dates in the target's form", ok)
            broken |= not ok
            if on and locale in ("es", "fr"):
                tally.add(
                    "'on <date>' read as 'on top of' (lower is better)",
                    bool(re.search(r"\b(encima|dessus)\b", text, re.I)),
                )
        for match in glossary.find(item.source, terms):
            form = glossary.target_form(match.value, locale)
            ok = has(text, form, cased=any(c.isupper() for c in form[1:]))
            tally.add("glossary and do-not-translate terms in target form", ok)
            broken |= not ok
        for match in ACRONYM.finditer(item.source):
            acronym = match.group(0)
            ok = has(text, by_form.get(acronym, acronym))
            tally.add("acronyms in the glossary's form, else as written", ok)
            broken |= not ok
        if locale in ("es", "fr"):
            for match in POSSESSIVE.finditer(item.source):
                owner = (
                    match.group("owner").split()[-1] if match.group("owner") not in by_form else match.group("owner")
                )
                form = re.escape(clean(by_form.get(owner, owner)))
                tally.add(
                    "possessives as 'de X' / 'du X'",
                    bool(re.search(rf"\b(de|del|du|des|d[’'])\s*(la |las |los |l[’'])?{form}", text, re.I)),
                )
                tally.add(
                    "possessives read as a verb (lower is better)", bool(re.search(rf"{form}\s+(es|est)\b", text))
                )
        if locale == "fr":
            tally.add("segments with pivot-language words left (lower is better)", item.leftover)
        tally.counts["segments"] += 1
        damaged.append(broken)
    return tally, damaged


def qa_rates(items: list[Item], damaged: list[bool], locale: str) -> dict[str, str]:
    counted = qa.DAMAGE - {qa.NUMBERS_GLUED} if locale in ARGOS else qa.DAMAGE  # see score()
    flagged = [bool(counted & set(item.warnings)) for item in items]
    hits = sum(f and d for f, d in zip(flagged, damaged, strict=True))
    alarms = sum(f and not d for f, d in zip(flagged, damaged, strict=True))
    bad, good = sum(damaged), len(damaged) - sum(damaged)
    untranslated = sum(qa.UNTRANSLATED in item.warnings and not d for item, d in zip(items, damaged, strict=True))
    return {
        "damaged segments": f"{bad} of {len(damaged)}",
        "QA flags damaged segments": f"{100 * hits / bad:.1f}% ({hits}/{bad})" if bad else "— (none damaged)",
        "QA false alarms on intact segments": f"{100 * alarms / good:.1f}% ({alarms}/{good})" if good else "—",
        "false 'untranslated' alarms": str(untranslated),
    }


def confidence_order(items: list[Item], damaged: list[bool]) -> str:
    """How often a damaged segment scores below an intact one (0.5 = no better than chance)."""
    bad = [i.confidence for i, d in zip(items, damaged, strict=True) if d and i.confidence is not None]
    good = [i.confidence for i, d in zip(items, damaged, strict=True) if not d and i.confidence is not None]
    if not bad or not good:
        return "—"
    pairs = sum((b < g) + 0.5 * (b == g) for b in bad for g in good)
    return f"{pairs / (len(bad) * len(good)):.2f}"


# --- running ------------------------------------------------------------------------------------------


def build_argos(settings: Settings) -> None:
    from workers.mt import argos
    from workers.mt.synthetic import build_package

    installed = {(p.from_code, p.to_code) for p in argos.installed_packages(settings)}
    for target in ARGOS:
        if ("en", target) not in installed:
            argos.install_file(settings, build_package(DATA / "archives", "en", target, seed=sum(map(ord, target))))


def raw_apertium(texts: list[str], locale: str) -> list[mt.Result]:
    """The engine as Tarjama called it before: `apertium -u -f html` per hop, <p> per segment.

    The last hop runs with unknown-word marks, only to count the pivot-language words left.
    """
    from workers.mt import apertium

    modes = apertium.MODES[("en", locale)]
    data = "".join(f"<p>{apertium._to_markup(text)}</p>\n" for text in texts)
    for hop, mode in enumerate(modes):
        flags = ["-u"] if hop < len(modes) - 1 or len(modes) == 1 else []
        data = subprocess.run(
            ["apertium", *flags, "-f", "html", mode], input=data, capture_output=True, text=True, check=True
        ).stdout
    blocks = re.findall(r"<p>(.*?)</p>", data, re.DOTALL)
    results = []
    for text, block in zip(texts, blocks, strict=True):
        marked = re.findall(r"(?<![\w<])[*@#]+([^\W\d_][\w'-]*)", block)
        block = re.sub(r"(?<![\w<])[*@#]+(?=[^\W\d_])", "", block)
        translated = apertium._keep_initial_case(apertium._from_markup(block), text)
        results.append(mt.Result(translated, None, leftover=[w for w in marked if w[:1].islower()]))
    return results


def run(settings: Settings, texts: list[str], locale: str, entries: list[GlossaryEntry]) -> dict[str, list[Item]]:
    terms = glossary.choose(entries, locale)
    options = Options(solar_hijri=True, reference_year=YEAR)
    raw = raw_apertium(texts, locale) if locale in APERTIUM else mt.translate_scored(settings, texts, "en", locale)
    runs = {"raw engine": []}
    for source, result in zip(texts, raw, strict=True):
        text, _moved = segments.repair_placeholders(result.text, source)
        warnings = qa.check_segment(source, text, locale, terms, options=options)
        score = confidence.score(result.score, warnings)  # what the queue would show for it
        runs["raw engine"].append(Item(source, text, warnings, score, bool(result.leftover)))
    for name, context in (
        ("spans, no glossary", fidelity.Context((), options)),
        ("pipeline", fidelity.Context(tuple(terms), options)),
    ):
        drafts = fidelity.draft_batch(settings, texts, "en", locale, context)
        runs[name] = [
            Item(s, d.text, d.warnings, d.confidence, qa.PIVOT_WORDS in d.warnings)
            for s, d in zip(texts, drafts, strict=True)
        ]
    return runs


def table(locale: str, engine: str, runs: dict[str, list[Item]], terms: list[glossary.Term]) -> str:
    scored = {name: score(items, locale, terms) for name, items in runs.items()}
    names = list(runs)
    rows = sorted({key.rsplit(":", 1)[0] for tally, _ in scored.values() for key in tally.counts if ":" in key})
    order = [
        "numbers present (by value)",
        "numbers in the target's convention",
        "numbers ≥ 1,000 in the target's convention",
        "segments with a number glued to a word (lower is better)",
        "dates in the target's form",
        "'on <date>' read as 'on top of' (lower is better)",
        "acronyms in the glossary's form, else as written",
        "glossary and do-not-translate terms in target form",
        "possessives as 'de X' / 'du X'",
        "possessives read as a verb (lower is better)",
        "segments with pivot-language words left (lower is better)",
    ]
    rows = [r for r in order if r in rows]
    lines = [f"### en → {locale} ({engine}, {len(next(iter(runs.values())))} segments)", ""]
    lines.append("| measure | " + " | ".join(names) + " |")
    lines.append("|---|" + "---|" * len(names))
    for row in rows:
        lines.append(f"| {row} | " + " | ".join(_cell(scored[n][0], row) for n in names) + " |")
    for key in (
        "damaged segments",
        "QA flags damaged segments",
        "QA false alarms on intact segments",
        "false 'untranslated' alarms",
    ):
        lines.append(f"| {key} | " + " | ".join(qa_rates(runs[n], scored[n][1], locale)[key] for n in names) + " |")
    lines.append(
        "| confidence ranks damaged below intact (AUC) | "
        + " | ".join(confidence_order(runs[n], scored[n][1]) for n in names)
        + " |"
    )
    return "\n".join(lines) + "\n"


def _cell(tally: Tally, row: str) -> str:
    if "(lower is better)" in row:
        bad, total = tally.counts[row + ":ok"], tally.counts[row + ":total"]
        return f"{bad} of {tally.counts['segments']}" if row.startswith("segments") else f"{bad} of {total}"
    return tally.rate(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", type=Path, help="replace the results section of this Markdown file")
    parser.add_argument("--targets", default=",".join(APERTIUM + ARGOS))
    args = parser.parse_args()
    settings = Settings(
        data_dir=DATA,
        argos_packages_dir=DATA / "argos-packages",
        mt_engines=(("en-es", "apertium"), ("en-fr", "apertium"), ("*", "argos")),
        mt_beam_size=1,
    )
    texts, entries = load_corpus(), load_glossary()
    targets = [t for t in args.targets.split(",") if t]
    if any(t in ARGOS for t in targets):
        build_argos(settings)
    started = time.perf_counter()
    sections = []
    for locale in targets:
        runs = run(settings, texts, locale, entries)
        engine = "Apertium" if locale in APERTIUM else "synthetic Argos"
        sections.append(table(locale, engine, runs, glossary.choose(entries, locale)))
        print(sections[-1], flush=True)
    print(f"({len(texts)} segments per target, {time.perf_counter() - started:.0f} s)")
    if args.write:
        write(args.write, "\n".join(sections))


def write(path: Path, results: str) -> None:
    start, end = "<!-- results:start -->", "<!-- results:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else f"{start}\n{end}\n"
    before, _, rest = text.partition(start)
    _, _, after = rest.partition(end)
    path.write_text(f"{before}{start}\n{results}{end}{after}", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
