"""Create or upgrade the database schema with Alembic (`tarjama init`, and `tarjama run` at start).

Most starts find the schema current. That is checked without Alembic (importing and running it
costs seconds): the database's `alembic_version` against the heads of the migration files, read
with `ast`. Only when they differ does Alembic run.
"""

from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from service.db import make_engine
from service.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(settings: Settings):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", settings.effective_database_url.replace("%", "%%"))
    return config


def upgrade(settings: Settings) -> bool:
    """Bring the schema to the newest migration; returns whether anything had to run."""
    engine = make_engine(settings)
    try:
        if database_heads(engine) == script_heads():
            return False
        from alembic import command

        with engine.begin() as connection:
            config = alembic_config(settings)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return True
    finally:
        engine.dispose()


def database_heads(engine) -> set[str]:
    try:
        with engine.connect() as connection:
            return {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}
    except SQLAlchemyError:  # no alembic_version table yet: a new database
        return set()


def script_heads(directory: Path = MIGRATIONS / "versions") -> set[str]:
    """Revisions no other migration builds on, from each file's `revision`/`down_revision` literals."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in directory.glob("*.py"):
        values = {}
        for node in ast.parse(path.read_text()).body:
            target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                values[target.id] = ast.literal_eval(node.value)
        if "revision" in values:
            revisions.add(values["revision"])
            down = values.get("down_revision")
            parents.update([down] if isinstance(down, str) else list(down or ()))
    return revisions - parents


def revisions(settings: Settings, engine) -> tuple[set[str], set[str]]:
    """(the database's current revisions, the code's head revisions): equal when up to date."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(settings)).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current, heads
