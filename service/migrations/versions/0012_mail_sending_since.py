"""when an e-mail copy was taken for sending, so an interrupted send can be retried

Revision ID: 0012_mail_sending_since
Revises: 0011_display_names
Create Date: 2026-11-23 21:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_mail_sending_since"
down_revision = "0011_display_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mail_sending_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("mail_sending_since")
