"""the life of a story: edits, carried-over segments, embargo, withdrawal, slugs, audit

Revision ID: 0010_story_lifecycle
Revises: 0009_stemmed_search
Create Date: 2026-11-23 18:45:00

- posts: revision_number (edits race on it), embargoed (lifted by the beat task), withdrawn_at;
- translations: correction (reviewed first), drafted_revision_id (what the draft rows translate);
- translated_segments: carried_over, previous_source;
- published_pages: withdrawn_at, withdrawn_reason;
- term_translations: slug (a locale's own term slug);
- post_slugs (old slugs answer 301) and post_events (audit history of posts).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_story_lifecycle"
down_revision = "0009_stemmed_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision_number", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("embargoed", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_posts_embargoed", ["embargoed"], unique=False)
    op.execute(
        "UPDATE posts SET revision_number = (SELECT max(number) FROM revisions WHERE revisions.post_id = posts.id) "
        "WHERE EXISTS (SELECT 1 FROM revisions WHERE revisions.post_id = posts.id)"
    )
    with op.batch_alter_table("translations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("correction", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("drafted_revision_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_translations_drafted_revision_id_revisions", "revisions", ["drafted_revision_id"], ["id"]
        )
    # Drafts stored before this migration translate the revision their translation points at.
    op.execute(
        "UPDATE translations SET drafted_revision_id = revision_id "
        "WHERE EXISTS (SELECT 1 FROM translated_segments s WHERE s.translation_id = translations.id)"
    )
    with op.batch_alter_table("translated_segments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carried_over", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("previous_source", sa.Text(), nullable=True))
    with op.batch_alter_table("published_pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_reason", sa.String(length=20), nullable=True))
    with op.batch_alter_table("term_translations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slug", sa.String(length=100), nullable=True))
    op.create_table(
        "post_slugs",
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("slug"),
    )
    with op.batch_alter_table("post_slugs", schema=None) as batch_op:
        batch_op.create_index("ix_post_slugs_post_id", ["post_id"], unique=False)
    op.create_table(
        "post_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("post_events", schema=None) as batch_op:
        batch_op.create_index("ix_post_events_post_id", ["post_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("post_events", schema=None) as batch_op:
        batch_op.drop_index("ix_post_events_post_id")
    op.drop_table("post_events")
    with op.batch_alter_table("post_slugs", schema=None) as batch_op:
        batch_op.drop_index("ix_post_slugs_post_id")
    op.drop_table("post_slugs")
    with op.batch_alter_table("term_translations", schema=None) as batch_op:
        batch_op.drop_column("slug")
    with op.batch_alter_table("published_pages", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_reason")
        batch_op.drop_column("withdrawn_at")
    with op.batch_alter_table("translated_segments", schema=None) as batch_op:
        batch_op.drop_column("previous_source")
        batch_op.drop_column("carried_over")
    with op.batch_alter_table("translations", schema=None) as batch_op:
        batch_op.drop_constraint("fk_translations_drafted_revision_id_revisions", type_="foreignkey")
        batch_op.drop_column("drafted_revision_id")
        batch_op.drop_column("correction")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index("ix_posts_embargoed")
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("embargoed")
        batch_op.drop_column("revision_number")
