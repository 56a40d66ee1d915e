"""One SQLAlchemy session per request; views commit once, at the end of their work."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from service.db import make_engine, make_session_factory
from service.settings import Settings


def init_app(app: Flask, settings: Settings) -> None:
    app.extensions["tarjama.sessions"] = make_session_factory(make_engine(settings))
    app.teardown_appcontext(_close)


def get_session() -> Session:
    if "db_session" not in g:
        g.db_session = current_app.extensions["tarjama.sessions"]()
    return g.db_session


def settings() -> Settings:
    return current_app.extensions["tarjama.settings"]


def _close(_error: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
