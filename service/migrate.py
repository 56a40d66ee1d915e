"""Create or upgrade the database schema with Alembic (`tarjama init`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from service.db import make_engine
from service.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", settings.effective_database_url.replace("%", "%%"))
    return config


def upgrade(settings: Settings) -> None:
    engine = make_engine(settings)
    with engine.begin() as connection:
        config = alembic_config(settings)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    engine.dispose()


def revisions(settings: Settings, engine) -> tuple[set[str], set[str]]:
    """(the database's current revisions, the code's head revisions): equal when up to date."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(settings)).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current, heads
