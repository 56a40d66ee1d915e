"""webhook secrets are stored sealed

Revision ID: 0014_sealed_webhook_secrets
Revises: 0013_folded_search
Create Date: 2026-11-23 22:30:00

A sealed secret (service/sealing.py) is longer than the 200 characters the column allowed.
Secrets stored in the clear before are sealed the first time a delivery uses them (the
migration cannot: it may run without the server's secret key).
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_sealed_webhook_secrets"
down_revision = "0013_folded_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhooks") as batch:
        batch.alter_column("secret", type_=sa.String(1000), existing_type=sa.String(200), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("webhooks") as batch:
        batch.alter_column("secret", type_=sa.String(200), existing_type=sa.String(1000), existing_nullable=False)
