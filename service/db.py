"""Database engine and sessions: plain SQLAlchemy 2, usable without Flask (workers, CLI)."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from service.settings import Settings


class Base(DeclarativeBase):
    pass


_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def make_engine(settings: Settings) -> Engine:
    url = settings.effective_database_url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    _engines.add(engine)
    return engine


def dispose_engines() -> None:
    """Close every pooled connection this process opened: an engine dropped without
    dispose() keeps its idle connections until the garbage collector finds it, and a
    server's connection limit can be reached long before that (many apps in one process)."""
    for engine in list(_engines):
        engine.dispose()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets the web and worker processes read while the other writes."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    from service import metrics, signals

    factory = sessionmaker(bind=engine, expire_on_commit=False)
    metrics.track_flow(factory)  # translation events are counted whichever process commits them
    signals.track(factory)  # ... and become notifications and webhook deliveries in their transaction
    return factory


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for one unit of work in a task or command: the caller commits."""
    session = factory()
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
