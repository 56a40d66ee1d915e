"""Cross-post batching: when several posts wait for one language pair, one engine call drafts them.

An engine (CTranslate2 above all) translates one batch of 200 segments for far less than 20
batches of 10. So the task for one post takes its own translation's lease (`drafting.start`),
then the leases of other translations of the same pair still waiting in the database, oldest
first, up to `mt_posts_per_batch` posts or about `mt_segments_per_batch` segments, and sends all
their segments to the engine at once. Their own queue messages, when a worker gets to them, find
them drafted and stop there (`drafting.start` returns the state).

Each post keeps its own lease (renewed together while the engine runs) and is stored on its own
by `drafting.store`: the rules are those of one post. A translation leased by another worker is
never taken, a post whose lease was lost meanwhile has only its own result dropped, and a failed
batch is drafted again post by post so that only the post the engine cannot take fails.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.db import session_scope
from service.models import Post, State, Translation
from service.settings import Settings
from workers import drafting, fidelity, lease

log = logging.getLogger(__name__)


def draft_waiting(sessions: sessionmaker[Session], settings: Settings, post_id: int, locale: str) -> str:
    """Draft this post's translation, with other posts waiting for the same pair; returns its state."""
    first = drafting.start(sessions, settings, post_id, locale)
    if isinstance(first, str):
        return first
    jobs = [first, *gather(sessions, settings, first)]
    return draft_together(sessions, settings, jobs)[0]


def gather(sessions: sessionmaker[Session], settings: Settings, first: drafting.Job) -> list[drafting.Job]:
    """Lease other waiting translations of `first`'s pair (each with its own conditional write)."""
    jobs: list[drafting.Job] = []
    room = settings.mt_segments_per_batch - len(first.engine_texts)
    for post_id in waiting_posts(sessions, first, settings.mt_posts_per_batch - 1):
        if room <= 0:
            break
        job = drafting.start(sessions, settings, post_id, first.locale)
        if isinstance(job, drafting.Job):  # else drafted or taken meanwhile: someone else has it
            jobs.append(job)
            room -= len(job.engine_texts)
    return jobs


def waiting_posts(sessions: sessionmaker[Session], first: drafting.Job, limit: int) -> list[int]:
    """Posts whose translation into the same locale, from the same source locale, waits unleased."""
    if limit <= 0:
        return []
    query = (
        select(Translation.post_id)
        .join(Post, Post.id == Translation.post_id)
        .where(
            Translation.locale == first.locale,
            Post.source_locale == first.source_locale,
            Translation.state == State.queued.value,
            Translation.lease_owner.is_(None),
            Translation.id != first.translation_id,
        )
        .order_by(Translation.state_changed_at, Translation.id)
        .limit(limit)
    )
    with session_scope(sessions) as session:
        return list(session.scalars(query))


def draft_together(sessions: sessionmaker[Session], settings: Settings, jobs: list[drafting.Job]) -> list[str]:
    """One engine call for every job (all of one pair); each stored under its own lease."""
    source, locale = jobs[0].source_locale, jobs[0].locale
    engine_name = settings.engine_for(source, locale)
    started = time.perf_counter()
    try:
        with lease.heartbeat_many(sessions, settings, [(job.translation_id, job.owner) for job in jobs]):
            drafts = fidelity.draft_many(settings, [(job.engine_texts, job.context) for job in jobs], source, locale)
    except Exception as error:  # noqa: BLE001 - any engine failure is kept for the editor
        if len(jobs) > 1:
            log.warning("a batch of %d posts failed (%s); drafting them one by one", len(jobs), error)
            return [draft_together(sessions, settings, [job])[0] for job in jobs]
        job = jobs[0]
        return [drafting._mark_failed(sessions, job.post_id, locale, engine_name, error, job.owner)]
    seconds = time.perf_counter() - started
    total = sum(len(job.engine_texts) for job in jobs) or 1
    return [
        drafting.store(sessions, job, translated, engine_name, seconds * len(job.engine_texts) / total)
        for job, translated in zip(jobs, drafts, strict=True)
    ]
