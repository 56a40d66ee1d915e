"""translation memory: entries, fuzzy-match prefix index, stop lists; event figures

Revision ID: 0004_translation_memory
Revises: 0004_leases_login_throttles
Create Date: 2026-11-24 09:00:00

No database extension is needed: the fuzzy index is a plain table (see service/memory_index.py),
so the same migration runs on SQLite and on a PostgreSQL where CREATE EXTENSION is not allowed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_translation_memory"
down_revision = "0004_leases_login_throttles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "memory_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_locale", sa.String(length=10), nullable=False),
        sa.Column("target_locale", sa.String(length=10), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("target_text", sa.Text(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_name", sa.String(length=80), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("index_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["approved_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_locale", "target_locale", "source_key"),
    )
    with op.batch_alter_table("memory_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_memory_entries_post_id"), ["post_id"], unique=False)
    op.create_table(
        "memory_prefix_tokens",
        sa.Column("source_locale", sa.String(length=10), nullable=False),
        sa.Column("target_locale", sa.String(length=10), nullable=False),
        sa.Column("token", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["memory_entries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("source_locale", "target_locale", "token", "size", "entry_id"),
    )
    op.create_table(
        "memory_stop_lists",
        sa.Column("source_locale", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("tokens", sa.JSON(), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.Column("entries_at_build", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source_locale"),
    )
    with op.batch_alter_table("translation_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("translation_events", schema=None) as batch_op:
        batch_op.drop_column("data")
    op.drop_table("memory_stop_lists")
    op.drop_table("memory_prefix_tokens")
    with op.batch_alter_table("memory_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memory_entries_post_id"))
    op.drop_table("memory_entries")
