"""Drafting leases: one worker at a time drafts a translation, and a dead worker's draft comes back fast.

A worker takes a translation with a conditional write (free, or its lease expired), renews the
lease from a heartbeat thread while the engine runs, and stores its result only if it still holds
the lease. A duplicate task (redelivered message, sweep, retry) finds the lease taken and stops
without calling the engine. When a worker dies, nobody renews its lease; the sweep finds it
expired after `lease_seconds` and queues the translation again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm import Session, sessionmaker

from service.db import session_scope
from service.models import State, Translation, utcnow
from service.settings import Settings

log = logging.getLogger(__name__)
DRAFTABLE = (State.queued.value, State.translating.value)


def new_owner() -> str:
    """A name for one drafting attempt: host, process and a random part (unique per attempt)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def take(session: Session, translation: Translation, owner: str, settings: Settings) -> bool:
    """Lease the translation for `owner` if nobody holds it; True when taken (the caller commits)."""
    now = utcnow()
    statement = (
        update(Translation)
        .where(
            Translation.id == translation.id,
            Translation.state.in_(DRAFTABLE),
            or_(Translation.lease_owner.is_(None), Translation.lease_expires_at < now),
        )
        .values(
            state=State.translating.value,
            state_changed_at=now,
            attempts=Translation.attempts + 1,
            lease_owner=owner,
            lease_expires_at=now + timedelta(seconds=settings.lease_seconds),
        )
        .execution_options(synchronize_session=False)
    )
    taken = session.execute(statement).rowcount == 1
    session.expire(translation)
    return taken


def finish(session: Session, translation: Translation, owner: str, state: State, **values: object) -> bool:
    """Move the translation on and free the lease, only if `owner` still holds it."""
    statement = (
        update(Translation)
        .where(
            Translation.id == translation.id,
            Translation.lease_owner == owner,
            Translation.state == State.translating.value,
        )
        .values(state=state.value, state_changed_at=utcnow(), lease_owner=None, lease_expires_at=None, **values)
        .execution_options(synchronize_session=False)
    )
    finished = session.execute(statement).rowcount == 1
    session.expire(translation)
    return finished


def renew(sessions: sessionmaker[Session], settings: Settings, translation_id: int, owner: str) -> bool:
    with session_scope(sessions) as session:
        statement = (
            update(Translation)
            .where(Translation.id == translation_id, Translation.lease_owner == owner)
            .values(lease_expires_at=utcnow() + timedelta(seconds=settings.lease_seconds))
        )
        renewed = session.execute(statement).rowcount == 1
        session.commit()
        return renewed


@contextmanager
def heartbeat(sessions: sessionmaker[Session], settings: Settings, translation_id: int, owner: str) -> Iterator[None]:
    """Renew the lease every `heartbeat_seconds` while the body (the engine call) runs."""
    with heartbeat_many(sessions, settings, [(translation_id, owner)]):
        yield


@contextmanager
def heartbeat_many(sessions: sessionmaker[Session], settings: Settings, held: list[tuple[int, str]]) -> Iterator[None]:
    """One heartbeat thread for several leases (posts drafted in one engine batch)."""
    stop = threading.Event()
    beating = dict(held)  # translation id -> owner

    def beat() -> None:
        while beating and not stop.wait(settings.heartbeat_seconds):
            for translation_id, owner in list(beating.items()):
                try:
                    if not renew(sessions, settings, translation_id, owner):
                        log.warning(
                            "translation %s: lease %s was taken over; the result will be dropped",
                            translation_id,
                            owner,
                        )
                        del beating[translation_id]
                except Exception as error:  # noqa: BLE001 - a missed beat is retried; the lease has slack
                    log.warning("translation %s: could not renew the drafting lease: %s", translation_id, error)

    thread = threading.Thread(target=beat, name=f"lease-{held[0][0] if held else 0}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
