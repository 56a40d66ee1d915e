"""Drafting: machine-translate every segment of a post into one locale and store the draft.

Safe to run twice: a translation already drafted is left alone, and a rerun after a crash
rewrites the same rows (one TranslatedSegment per translation and position).
"""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from service import memory, qa, terms
from service.db import session_scope
from service.models import State, TranslatedSegment, Translation, TranslationEvent, utcnow
from service.segments import repair_placeholders
from service.settings import Settings
from workers import mt

DRAFTABLE = {State.queued.value, State.translating.value}


def _translation(session: Session, post_id: int, locale: str) -> Translation | None:
    return session.scalar(select(Translation).where(Translation.post_id == post_id, Translation.locale == locale))


def draft_translation(sessions: sessionmaker[Session], settings: Settings, post_id: int, locale: str) -> str:
    """Translate a post into `locale`; returns the translation's resulting state."""
    with session_scope(sessions) as session:
        translation = _translation(session, post_id, locale)
        if translation is None:
            return "missing"
        if translation.state not in DRAFTABLE:
            return translation.state
        translation.state = State.translating.value
        translation.state_changed_at = utcnow()
        translation.attempts += 1
        source_locale = translation.post.source_locale
        sources = [(segment.position, segment.source_text) for segment in translation.revision.segments]
        term_names = [(term.id, term.name) for term in terms.untranslated(translation.post, locale)]
        # Memory: segments approved before are filled from it and never reach the engine.
        remembered = memory.exact_matches(session, source_locale, locale, [text for _, text in sources])
        session.commit()

    engine_name = settings.engine_for(source_locale, locale)
    started = time.perf_counter()
    try:
        pending = [text for index, (_, text) in enumerate(sources) if index not in remembered]
        translated = mt.translate_batch(settings, pending + [name for _, name in term_names], source_locale, locale)
    except Exception as error:  # noqa: BLE001 - any engine failure is kept for the editor
        return _mark_failed(sessions, post_id, locale, engine_name, error)
    seconds = time.perf_counter() - started
    machine, names = iter(translated[: len(pending)]), translated[len(pending) :]
    drafts = [remembered[index] if index in remembered else next(machine) for index in range(len(sources))]
    with session_scope(sessions) as session:
        translation = _translation(session, post_id, locale)
        if translation is None or translation.state != State.translating.value:
            return translation.state if translation else "missing"
        for old in list(translation.segments):
            session.delete(old)
        session.flush()
        for index, ((position, source), draft) in enumerate(zip(sources, drafts, strict=True)):
            text, moved = repair_placeholders(draft, source)
            warnings = qa.check_segment(source, text) + ([qa.MARKUP_MOVED] if moved else [])
            session.add(
                TranslatedSegment(
                    translation_id=translation.id,
                    position=position,
                    text=text,
                    origin="tm" if index in remembered else "mt",
                    warnings=warnings,
                )
            )
        translation.engine = engine_name
        translation.error = None
        translation.state = State.awaiting_review.value
        translation.state_changed_at = utcnow()
        detail, figures = memory.drafting_summary(len(remembered), len(pending), engine_name, seconds)
        translation.events.append(TranslationEvent(action="drafted", detail=detail, data=figures))
        session.commit()
        state = translation.state
    _store_term_names(sessions, {term_id: name for (term_id, _), name in zip(term_names, names, strict=True)}, locale)
    return state


def _store_term_names(sessions: sessionmaker[Session], names: dict[int, str], locale: str) -> None:
    """Tag and category names: a draft for another post may have stored them first; that is fine."""
    if not names:
        return
    with session_scope(sessions) as session:
        try:
            terms.store_machine_names(session, names, locale)
            session.commit()
        except IntegrityError:
            session.rollback()


def _mark_failed(sessions: sessionmaker[Session], post_id: int, locale: str, engine: str, error: Exception) -> str:
    with session_scope(sessions) as session:
        translation = _translation(session, post_id, locale)
        if translation is None:
            return "missing"
        translation.state = State.failed.value
        translation.state_changed_at = utcnow()
        translation.engine = engine
        translation.error = f"{type(error).__name__}: {error}"[:2000]
        translation.events.append(TranslationEvent(action="failed", detail=translation.error))
        session.commit()
        return translation.state


def find_stuck(sessions: sessionmaker[Session], settings: Settings) -> list[tuple[int, str]]:
    """Translations left queued or translating too long (lost message, killed worker).

    Their clock is reset so the next sweep does not queue them again straight away.
    """
    cutoff = utcnow() - timedelta(seconds=settings.stuck_after_seconds)
    with session_scope(sessions) as session:
        stuck = list(
            session.scalars(
                select(Translation).where(Translation.state.in_(DRAFTABLE), Translation.state_changed_at < cutoff)
            )
        )
        for translation in stuck:
            translation.state_changed_at = utcnow()
            translation.events.append(TranslationEvent(action="requeued", detail="found stuck by the sweep"))
        session.commit()
        return [(t.post_id, t.locale) for t in stuck]
