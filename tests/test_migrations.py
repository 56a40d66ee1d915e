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
