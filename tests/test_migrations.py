"""The Alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from service.db import Base


def test_migrated_schema_matches_the_models(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": _not_search_index})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def _not_search_index(name, type_, _parent) -> bool:
    """The full-text index is database-specific SQL (FTS5 or tsvector), not a model."""
    return not (type_ == "table" and name and name.startswith("page_search"))


def test_a_current_schema_is_recognised_without_running_alembic(tmp_path):
    """`tarjama init`/`run` skip Alembic (seconds of start-up) when the schema is already current."""
    from alembic.script import ScriptDirectory

    from service.migrate import alembic_config, script_heads, upgrade
    from service.settings import Settings

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'fresh.db'}", data_dir=tmp_path)
    assert script_heads() == set(ScriptDirectory.from_config(alembic_config(settings)).get_heads())
    assert upgrade(settings) is True  # a new database: migrations ran
    assert upgrade(settings) is False  # nothing due: the versions compared, no migration run
