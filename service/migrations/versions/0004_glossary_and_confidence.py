"""glossary entries and dismissed suggestions; per-segment MT confidence

Revision ID: 0004_glossary
Revises: 0003
Create Date: 2026-11-24 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_glossary"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "glossary_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_locale", sa.String(length=10), nullable=False),
        sa.Column("target_locale", sa.String(length=10), nullable=False),
        sa.Column("source_term", sa.String(length=200), nullable=False),
        sa.Column("target_term", sa.String(length=200), nullable=False),
        sa.Column("keep", sa.Boolean(), nullable=False),
        sa.Column("gender", sa.String(length=2), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_locale", "target_locale", "source_term"),
    )
    op.create_table(
        "glossary_dismissals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_locale", sa.String(length=10), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("dismissed_by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["dismissed_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_locale", "term"),
    )
    with op.batch_alter_table("translated_segments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confidence", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("translated_segments", schema=None) as batch_op:
        batch_op.drop_column("confidence")
    op.drop_table("glossary_dismissals")
    op.drop_table("glossary_entries")
