"""Glossary suggestions: recurring names and acronyms that the engine (or a translator) changed.

A newsroom's names repeat from story to story; a surname that is also a word ("Luna", "Meta")
comes out translated in every draft until someone adds it to the glossary. Here the recent
posts are read once: a capitalised word inside a sentence, or an acronym, that appears in at
least two segments and is missing from at least one machine draft (or from a translator's
correction) of those segments is suggested. An editor accepts it in one click (kept as it is in
every language) or dismisses it for good.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from service import glossary, spans
from service.errors import N_, InvalidInput
from service.models import GlossaryDismissal, GlossaryEntry, Post, Translation, User
from service.segments import plain

RECENT_POSTS = 200
MIN_SEGMENTS = 2
# Capitalised words that are not names: calendar words, titles, and sentence openers.
_COMMON_WORDS = """
I A The This That These Those It He She We They You His Her Its Their Our My Mr Mrs Ms Dr Prof
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
August September October November December President Minister Prime Secretary General Chief Director
Governor Mayor Judge Senator Coach Captain King Queen Prince Pope North South East West Central New Old
Read According Under After Before During Since Until While When Where Why How What Who If In On At For
From With By To Of And But Or As Most Some Many More Less All Every Each Both
"""
COMMON = frozenset(_COMMON_WORDS.split())
_CAPITALISED = re.compile(r"(?<![\w'’.-])[A-Z][a-z][\w'’-]*")


@dataclass
class Suggestion:
    term: str
    kind: str  # "acronym" or "name"
    segments: int = 0
    changed: int = 0  # drafts that do not contain the term
    examples: list[str] = field(default_factory=list)


def suggestions(session: Session, source_locale: str, limit: int = 30) -> list[Suggestion]:
    """Candidates from the latest posts, most frequent first; known and dismissed terms left out."""
    known = set(session.scalars(select(GlossaryEntry.source_term).where(GlossaryEntry.source_locale == source_locale)))
    known |= set(
        session.scalars(select(GlossaryDismissal.term).where(GlossaryDismissal.source_locale == source_locale))
    )
    found: dict[str, Suggestion] = {}
    for source, drafts in _segments_with_drafts(session, source_locale):
        for term, kind in _candidates(source):
            if term in known:
                continue
            item = found.setdefault(term, Suggestion(term, kind))
            item.segments += 1
            missing = [d for d in drafts if not re.search(rf"(?<!\w){re.escape(term)}(?!\w)", plain(d))]
            item.changed += len(missing)
            if missing and len(item.examples) < 2:
                item.examples.append(plain(missing[0]))
    chosen = [s for s in found.values() if s.segments >= MIN_SEGMENTS and s.changed]
    return sorted(chosen, key=lambda s: (-s.segments, -s.changed, s.term))[:limit]


def _segments_with_drafts(session: Session, source_locale: str):
    """(source text, [draft texts]) for each segment of the latest posts' translated revisions."""
    posts = session.scalars(
        select(Post)
        .where(Post.source_locale == source_locale)
        .order_by(Post.id.desc())
        .limit(RECENT_POSTS)
        .options(selectinload(Post.translations).selectinload(Translation.segments))
    )
    for post in posts:
        drafts: dict[tuple[int, int], list[str]] = defaultdict(list)
        for translation in post.translations:
            for segment in translation.segments:
                drafts[(translation.revision_id, segment.position)].append(segment.text)
        for translation_revision in {t.revision for t in post.translations}:
            for segment in translation_revision.segments:
                texts = drafts.get((translation_revision.id, segment.position), [])
                if texts:
                    yield segment.source_text, texts


def _candidates(source: str) -> set[tuple[str, str]]:
    text = plain(source)
    result = {(spans.acronym_base(f.text), "acronym") for f in spans.find(text) if f.kind == spans.ACRONYM}
    for match in _CAPITALISED.finditer(text):
        word = re.sub(r"(?:'s|’s|'|’)$", "", match.group(0))
        before = text[: match.start()].rstrip()
        if not before or before.endswith((".", "!", "?", ":", '"', "“")) or word in COMMON:
            continue  # the first word of a sentence is capitalised anyway
        result.add((word, "name"))
    return result


def accept(session: Session, user: User, term: str, locales: tuple[str, ...], source_locale: str) -> GlossaryEntry:
    """One click: keep the name as it is in every language (an editor can add translations later)."""
    return glossary.save(
        session,
        user,
        {"source_locale": source_locale, "target_locale": glossary.ANY_TARGET, "source_term": term, "keep": True},
        locales,
        source_locale,
    )


def dismiss(session: Session, user: User, term: str, source_locale: str) -> None:
    glossary.require_editor(user)
    term = " ".join(term.split()) if isinstance(term, str) else ""
    if not term or len(term) > glossary.MAX_TERM:
        raise InvalidInput(N_("%(field)s is required"), field="term", params={"field": "term"})
    exists = session.scalar(
        select(GlossaryDismissal).where(
            GlossaryDismissal.source_locale == source_locale, GlossaryDismissal.term == term
        )
    )
    if exists is None:
        session.add(GlossaryDismissal(source_locale=source_locale, term=term, dismissed_by_id=user.id))
        session.flush()
