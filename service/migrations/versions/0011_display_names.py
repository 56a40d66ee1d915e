"""display names of users

Revision ID: 0011_display_names
Revises: 0010_story_lifecycle
Create Date: 2026-11-23 18:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_display_names"
down_revision = "0010_story_lifecycle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("display_name", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("display_name")
