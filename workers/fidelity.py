"""Machine drafts that keep names, numbers, dates and links right: the steps around the engine call.

    protect spans (service/protect.py: numbers, dates, addresses, acronyms, glossary terms)
      -> MT, one batch for the language pair (workers/mt, with the engine's scores)
      -> restore spans in the target's form (Babel/CLDR), put markup back (service/segments.py)
      -> QA (service/qa.py) -> confidence (service/confidence.py)

The drafting task calls `draft_batch` with the segments that need the engine; the benchmark
(bench/fidelity.py) calls the same function, so what it measures is what editors get.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from service import confidence, glossary, protect, qa
from service.db import session_scope
from service.models import Post
from service.segments import repair_placeholders
from service.settings import Settings
from service.target_forms import Options
from workers import mt


@dataclass(frozen=True)
class Context:
    """What a pair's drafts depend on besides the text: its glossary and the site's conventions."""

    terms: tuple[glossary.Term, ...] = ()
    options: Options = field(default_factory=Options)


@dataclass
class Draft:
    text: str
    warnings: list[str]
    confidence: float | None  # None: a person's words (memory), nothing for the machine to be unsure of
    origin: str = "mt"  # mt, or tm when filled from translation memory


def load_context(
    sessions: sessionmaker[Session], settings: Settings, post_id: int, source_locale: str, locale: str
) -> Context:
    """The glossary of the pair, and the story's year (for dates written without one)."""
    with session_scope(sessions) as session:
        terms = glossary.terms_for(session, source_locale, locale)
        post = session.get(Post, post_id)
        year = post.published_at.year if post else None
    return Context(tuple(terms), Options(solar_hijri=settings.fa_solar_hijri, reference_year=year))


def draft_batch(settings: Settings, texts: list[str], source: str, target: str, context: Context) -> list[Draft]:
    """Drafts for segments of one language pair, in one engine batch."""
    return draft_many(settings, [(texts, context)], source, target)[0]


def draft_many(
    settings: Settings, groups: list[tuple[list[str], Context]], source: str, target: str
) -> list[list[Draft]]:
    """Drafts for several posts of one pair (each with its own context) from ONE engine call.

    The engine is fastest on large batches (workers/batching.py gathers the posts); protecting
    and checking stay per post, since a post's context (its year) differs from another's.
    """
    protected = [
        [protect.protect(text, target, list(context.terms), context.options, source) for text in texts]
        for texts, context in groups
    ]
    results = iter(mt.translate_scored(settings, [p.text for group in protected for p in group], source, target))
    return [
        [_finish(p, next(results), target, context) for p in group]
        for group, (_, context) in zip(protected, groups, strict=True)
    ]


def remembered_draft(source: str, text: str, target: str, context: Context) -> Draft:
    """A draft filled from translation memory: approved words, still checked against this source."""
    return Draft(text, qa.check_segment(source, text, target, context.terms, options=context.options), None, "tm")


def _finish(protected: protect.Protected, result: mt.Result, target: str, context: Context) -> Draft:
    # markup first: its repair splits the text into words, which must not split "1 500"
    repaired, moved = repair_placeholders(result.text, protected.source)
    restored = protect.restore(repaired, protected, target)
    text = restored.text
    warnings = qa.check_segment(
        protected.source,
        text,
        target,
        context.terms,
        options=context.options,
        protected=protected,
        unknown=result.unknown,
        leftover=result.leftover,
        moved=moved,
        placed=bool(restored.placed),
    )
    return Draft(text, warnings, confidence.score(result.score, warnings))
