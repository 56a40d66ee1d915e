"""Drafting: machine-translate every segment of a post into one locale and store the draft.

Safe to run twice: a translation already drafted is left alone, and a rerun after a crash
rewrites the same rows (one TranslatedSegment per translation and position). Only the worker
holding the translation's lease (`workers/lease.py`) calls the engine and stores the result.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from service import memory, publishing, revisions, terms
from service.db import session_scope
from service.models import Post, State, TranslatedSegment, Translation, TranslationEvent, utcnow
from service.settings import Settings
from workers import fidelity, lease

DRAFTABLE = set(lease.DRAFTABLE)


def _translation(session: Session, post_id: int, locale: str) -> Translation | None:
    return session.scalar(select(Translation).where(Translation.post_id == post_id, Translation.locale == locale))


@dataclass
class Job:
    """One translation's drafting work, read under its lease.

    `ready` holds the drafts that need no engine (filled from memory); every other source
    segment, and the post's untranslated tag and category names, go to the engine in one batch.
    """

    translation_id: int
    post_id: int
    locale: str
    source_locale: str
    owner: str
    sources: list[tuple[int, str]]  # (position, source text) of the revision being translated
    ready: dict[int, fidelity.Draft]  # index in `sources` -> draft that needs no engine
    term_names: list[tuple[int, str]]  # (term id, source name)
    context: fidelity.Context = field(default_factory=fidelity.Context)
    revision_id: int | None = None
    correction: bool = False  # drafted again after an edit of the original: it is reviewed as a correction
    carried: dict[int, int | None] = field(default_factory=dict)  # index -> who last edited the kept draft
    previous_source: dict[int, str] = field(default_factory=dict)  # index -> an edited segment's old source
    layout_only: bool = False  # a correction that kept every approved sentence: republished without review

    @property
    def pending(self) -> list[str]:
        """Source segments that still need the engine, in order."""
        return [text for index, (_, text) in enumerate(self.sources) if index not in self.ready]

    @property
    def engine_texts(self) -> list[str]:
        """What this job sends to the engine: pending segments, then term names."""
        return self.pending + [name for _, name in self.term_names]


def draft_translation(sessions: sessionmaker[Session], settings: Settings, post_id: int, locale: str) -> str:
    """Translate a post into `locale`; returns the translation's resulting state."""
    job = start(sessions, settings, post_id, locale)
    if isinstance(job, str):
        return job
    engine_name = settings.engine_for(job.source_locale, locale)
    started = time.perf_counter()
    try:
        with lease.heartbeat(sessions, settings, job.translation_id, job.owner):
            translated = fidelity.draft_batch(settings, job.engine_texts, job.source_locale, locale, job.context)
    except Exception as error:  # noqa: BLE001 - any engine failure is kept for the editor
        return _mark_failed(sessions, post_id, locale, engine_name, error, job.owner)
    return store(sessions, job, translated, engine_name, time.perf_counter() - started)


def start(sessions: sessionmaker[Session], settings: Settings, post_id: int, locale: str) -> Job | str:
    """Take the lease and plan the work; a state (str) instead when there is nothing to do here."""
    owner = lease.new_owner()
    with session_scope(sessions) as session:
        translation = _translation(session, post_id, locale)
        if translation is None:
            return "missing"
        if translation.state not in DRAFTABLE:
            return translation.state
        if not lease.take(session, translation, owner, settings):
            return translation.state  # another worker holds it: the engine runs once
        source_locale = translation.post.source_locale
        job = Job(
            translation_id=translation.id,
            post_id=post_id,
            locale=locale,
            source_locale=source_locale,
            owner=owner,
            sources=[(segment.position, segment.source_text) for segment in translation.revision.segments],
            ready={},
            term_names=[(term.id, term.name) for term in terms.untranslated(translation.post, locale)],
            revision_id=translation.revision_id,
            correction=translation.correction,
        )
        _carry_over(session, job, translation)
        session.commit()
    job.context = fidelity.load_context(sessions, settings, post_id, source_locale, locale)
    _fill_from_memory(sessions, job)
    return job


def _carry_over(session: Session, job: Job, translation: Translation) -> None:
    """After an edit of the original, unchanged segments keep their translation (service/revisions.py)."""
    carried = revisions.carry_over(session, translation)
    for index, kept in carried.kept.items():
        job.ready[index] = fidelity.Draft(kept.text, list(kept.warnings or []), kept.confidence, kept.origin)
        job.carried[index] = kept.updated_by_id
    job.previous_source = carried.previous_source
    job.layout_only = job.correction and _keeps_the_approved_text(session, job, translation, carried.kept)


def _keeps_the_approved_text(session: Session, job: Job, translation: Translation, kept: dict) -> bool:
    """Every sentence kept as last published, none new or edited, no new tag name: nothing to review.

    A draft saved since the last publication (a correction still in review) holds text no one
    approved, so then the translator reviews as usual. Texts are compared by the fingerprints the
    publication recorded (not by timestamps, which different machines write).
    """
    if job.term_names or len(kept) != len(job.sources):
        return False
    published = session.scalar(
        select(TranslationEvent.data)
        .where(TranslationEvent.translation_id == translation.id, TranslationEvent.action == "published")
        .order_by(TranslationEvent.id.desc())
        .limit(1)
    )
    shown = Counter((published or {}).get("texts") or [])
    return bool(shown) and not Counter(publishing.text_fingerprints(d.text for d in kept.values())) - shown


def _fill_from_memory(sessions: sessionmaker[Session], job: Job) -> None:
    """Segments approved before are filled from memory and never reach the engine."""
    with session_scope(sessions) as session:
        remembered = memory.exact_matches(session, job.source_locale, job.locale, [text for _, text in job.sources])
    for index, text in remembered.items():
        if index in job.ready:
            continue
        source = job.sources[index][1]
        job.ready[index] = fidelity.remembered_draft(source, text, job.locale, job.context)


def store(
    sessions: sessionmaker[Session], job: Job, translated: list[fidelity.Draft], engine_name: str, seconds: float
) -> str:
    """Write the draft rows if this worker still holds the lease; returns the resulting state."""
    machine = iter(translated[: len(job.pending)])
    names = [draft.text for draft in translated[len(job.pending) :]]
    drafts = [job.ready.get(index) or next(machine) for index in range(len(job.sources))]
    with session_scope(sessions) as session:
        translation = _translation(session, job.post_id, job.locale)
        if translation is None:
            return "missing"
        state = State.awaiting_review
        if job.correction:
            state = State.published if job.layout_only else State.outdated
        values = {"engine": engine_name, "error": None, "drafted_revision_id": job.revision_id}
        if not lease.finish(session, translation, job.owner, state, **values):
            return translation.state  # the lease was lost (this worker stalled): the other result counts
        for old in list(translation.segments):
            session.delete(old)
        session.flush()
        for index, ((position, _source), draft) in enumerate(zip(job.sources, drafts, strict=True)):
            session.add(
                TranslatedSegment(
                    translation_id=translation.id,
                    position=position,
                    text=draft.text,
                    origin=draft.origin,
                    warnings=draft.warnings,
                    confidence=draft.confidence,
                    carried_over=index in job.carried,
                    updated_by_id=job.carried.get(index),
                    previous_source=job.previous_source.get(index),
                )
            )
        from_memory = sum(1 for index, draft in job.ready.items() if draft.origin == "tm" and index not in job.carried)
        detail, figures = memory.drafting_summary(from_memory, len(job.pending), engine_name, seconds)
        translation.events.append(TranslationEvent(action="drafted", detail=detail, data=figures))
        if job.layout_only:
            _republish(session, translation)
        session.commit()
        state = translation.state
    term_names = {term_id: name for (term_id, _), name in zip(job.term_names, names, strict=True)}
    _store_term_names(sessions, term_names, job.locale)
    return state


def _republish(session: Session, translation: Translation) -> None:
    """Only the original's layout changed: the approved sentences go out in the new layout at once."""
    session.flush()
    session.expire(translation, ["segments"])
    publishing.publish_approved(
        session, translation, None, ": only the layout changed, the approved text was republished", layout_only=True
    )


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


def _mark_failed(
    sessions: sessionmaker[Session], post_id: int, locale: str, engine: str, error: Exception, owner: str
) -> str:
    detail = f"{type(error).__name__}: {error}"[:2000]
    with session_scope(sessions) as session:
        translation = _translation(session, post_id, locale)
        if translation is None:
            return "missing"
        if lease.finish(session, translation, owner, State.failed, engine=engine, error=detail):
            translation.events.append(TranslationEvent(action="failed", detail=detail))
            session.commit()
        return translation.state


def find_stuck(
    sessions: sessionmaker[Session], settings: Settings, queue_is_empty: bool | Callable[[str, str], bool] = True
) -> list[tuple[int, str, str]]:
    """Translations to queue again: their worker died, or their queue message was lost.

    - translating, and the lease expired: nobody renewed it, so its worker is gone;
    - queued for `stuck_after_seconds` while nothing waits in the broker's queue (a message
      still waiting behind others is not lost; Redis restarted empty, or a dead worker had
      taken it). A backlog postpones this until it drains; it never floods the queue.
    Each is set back to queued with its clock reset (one conditional write each, so two
    sweeps never queue the same translation twice) and gets a `requeued` event. `queue_is_empty`
    may say it per pair, `(source, locale) -> bool`: each pair has its own queue. Returns
    (post id, locale, source locale), what `dispatch.enqueue_translations` routes by.
    """
    now = utcnow()
    cutoff = now - timedelta(seconds=settings.stuck_after_seconds)
    translating = Translation.state == State.translating.value
    reasons = {
        "its worker stopped (drafting lease expired)": or_(
            and_(translating, Translation.lease_expires_at < now),
            and_(translating, Translation.lease_owner.is_(None), Translation.state_changed_at < cutoff),
        )
    }
    if queue_is_empty:
        reasons["its queue message was lost"] = and_(
            Translation.state == State.queued.value, Translation.state_changed_at < cutoff
        )
    pair_is_empty = queue_is_empty if callable(queue_is_empty) else lambda _source, _locale: True
    found = []
    with session_scope(sessions) as session:
        for reason, condition in reasons.items():
            for tid, post_id, locale, source in session.execute(
                select(Translation.id, Translation.post_id, Translation.locale, Post.source_locale)
                .join(Post, Post.id == Translation.post_id)
                .where(condition)
            ).all():
                if reason == "its queue message was lost" and not pair_is_empty(source, locale):
                    continue  # messages still wait in this pair's queue: it may well be one of them
                requeue = (
                    update(Translation)
                    .where(Translation.id == tid, condition)
                    .values(state=State.queued.value, state_changed_at=now, lease_owner=None, lease_expires_at=None)
                )
                if session.execute(requeue).rowcount == 1:
                    session.add(
                        TranslationEvent(translation_id=tid, action="requeued", detail=f"found stuck: {reason}")
                    )
                    found.append((post_id, locale, source))
        session.commit()
    return found
