"""The data model: a post, its revisions and segments, and one translation per locale.

Unique constraints hold the flow together so that every task can run twice safely:
one Translation per (post, locale), one TranslatedSegment per (translation, position),
one PublishedPage per (post, locale).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db import Base


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything Tarjama stores is UTC, so say so."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Role(enum.StrEnum):
    admin = "admin"
    editor = "editor"
    translator = "translator"
    reader = "reader"


class State(enum.StrEnum):
    queued = "queued"
    translating = "translating"
    awaiting_review = "awaiting_review"
    in_review = "in_review"
    approved = "approved"
    published = "published"
    rejected = "rejected"
    outdated = "outdated"
    failed = "failed"


class Origin(enum.StrEnum):
    mt = "mt"
    tm = "tm"
    human = "human"


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    ui_locale: Mapped[str | None] = mapped_column(String(10))
    display_name: Mapped[str | None] = mapped_column(String(120))  # bylines and history; the login otherwise
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def shown_name(self) -> str:
        """How the newsroom sees this person: the display name, or the login when none is set."""
        return self.display_name or self.username

    def can_translate(self, locale: str) -> bool:
        return self.role == Role.admin or (self.role == Role.translator and locale in self.languages)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    user: Mapped[User] = relationship()


class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    source_locale: Mapped[str] = mapped_column(String(10))
    author: Mapped[str] = mapped_column(String(200))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The number of the current revision: edits move it on with a conditional write (one of two racing edits wins).
    revision_number: Mapped[int] = mapped_column(Integer, default=1)
    # Dated in the future when stored: hidden until then; the beat task lifts it and refreshes caches.
    embargoed: Mapped[bool] = mapped_column(default=False, index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    terms: Mapped[list[PostTerm]] = relationship(order_by="PostTerm.position", cascade="all, delete-orphan")
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="post", order_by="Revision.number", cascade="all, delete-orphan"
    )
    translations: Mapped[list[Translation]] = relationship(
        back_populates="post", order_by="Translation.locale", cascade="all, delete-orphan"
    )

    @property
    def current_revision(self) -> Revision:
        return self.revisions[-1]


class Revision(Base):
    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("post_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    lede: Mapped[str] = mapped_column(Text, default="")
    body_format: Mapped[str] = mapped_column(String(10))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    skeleton: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    post: Mapped[Post] = relationship(back_populates="revisions")
    segments: Mapped[list[Segment]] = relationship(
        back_populates="revision", order_by="Segment.position", cascade="all, delete-orphan"
    )


class Segment(Base):
    __tablename__ = "segments"
    __table_args__ = (UniqueConstraint("revision_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    block: Mapped[str] = mapped_column(String(20))
    source_text: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64), index=True)
    markup: Mapped[dict] = mapped_column(JSON, default=dict)
    revision: Mapped[Revision] = relationship(back_populates="segments")


class Translation(Base):
    __tablename__ = "translations"
    __table_args__ = (
        UniqueConstraint("post_id", "locale"),
        Index("ix_translations_locale_state", "locale", "state"),
        Index("ix_translations_state_changed", "state", "state_changed_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    locale: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(20), default=State.queued.value)
    engine: Mapped[str | None] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The drafting lease: which worker attempt holds the translation, until when (renewed by heartbeats).
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_comment: Mapped[str | None] = mapped_column(Text)
    state_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    post: Mapped[Post] = relationship(back_populates="translations")
    # A correction of a translation published before: reviewed first.
    correction: Mapped[bool] = mapped_column(default=False)
    # The revision the draft rows belong to (a new revision is aligned with it when drafted again).
    drafted_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    revision: Mapped[Revision] = relationship(foreign_keys=[revision_id])
    claimed_by: Mapped[User | None] = relationship()
    segments: Mapped[list[TranslatedSegment]] = relationship(
        back_populates="translation", order_by="TranslatedSegment.position", cascade="all, delete-orphan"
    )
    events: Mapped[list[TranslationEvent]] = relationship(
        back_populates="translation", order_by="TranslationEvent.id", cascade="all, delete-orphan"
    )


class TranslatedSegment(Base):
    __tablename__ = "translated_segments"
    __table_args__ = (UniqueConstraint("translation_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(ForeignKey("translations.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(10))
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    # 0..1: the engine's own score lowered by QA warnings (service/confidence.py); None once a person wrote it
    confidence: Mapped[float | None] = mapped_column(Float)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    carried_over: Mapped[bool] = mapped_column(default=False)  # kept from the previous revision's draft
    previous_source: Mapped[str | None] = mapped_column(Text)  # an edited segment's source before the edit
    translation: Mapped[Translation] = relationship(back_populates="segments")


class TranslationEvent(Base):
    """Who did what to a translation, and when: the draft's history."""

    __tablename__ = "translation_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(ForeignKey("translations.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    data: Mapped[dict | None] = mapped_column(JSON)  # figures the UI words in each language
    translation: Mapped[Translation] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class PublishedPage(Base):
    __tablename__ = "published_pages"
    __table_args__ = (
        UniqueConstraint("post_id", "locale"),
        # Reader listings walk this index newest first from a cursor (service/site.py).
        Index("ix_published_pages_listing", "locale", "listed_at", "post_id"),
        # Sitemap parts read (post, locale, lastmod) from the index alone, not from rows full of HTML.
        Index("ix_published_pages_sitemap", "post_id", "locale", "updated_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    locale: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(Text)
    lede_html: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The post's publication date, copied here so that listings sort on one table's index.
    listed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Withdrawn pages answer 410; reason "withdrawn" (an editor) or "correction" (until approved).
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_reason: Mapped[str | None] = mapped_column(String(20))
    post: Mapped[Post] = relationship()


class PostSlug(Base):
    """A slug a post had before an edit changed it: readers following an old link get a 301."""

    __tablename__ = "post_slugs"
    slug: Mapped[str] = mapped_column(String(200), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)


class PostEvent(Base):
    """The audit history of a post: edits, withdrawals, restores, deletion (kept after a delete)."""

    __tablename__ = "post_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(Integer, index=True)  # no foreign key: the record outlives the post
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[User | None] = relationship()


class PageTerm(Base):
    """A published page under a tag or category: what archive listings walk, newest first.

    Derived from post_terms and published_pages by `site.list_post` at every publish.
    """

    __tablename__ = "page_terms"
    __table_args__ = (Index("ix_page_terms_listing", "term_id", "locale", "listed_at", "post_id", "page_id"),)
    page_id: Mapped[int] = mapped_column(ForeignKey("published_pages.id", ondelete="CASCADE"), primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id", ondelete="CASCADE"), primary_key=True)
    post_id: Mapped[int] = mapped_column(Integer)
    locale: Mapped[str] = mapped_column(String(10))
    listed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IdempotencyRecord(Base):
    """The first answer to a request sent with an `Idempotency-Key`, replayed on retries."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LoginAttempt(Base):
    """Failed sign-ins, counted to slow down password guessing (kept in the DB: all web workers see them)."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_username_at", "username", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LoginThrottle(Base):
    """Sign-in attempts in the current window, one counter per key (name+address, or address).

    Incremented with one atomic upsert before the password is checked, so parallel guesses
    cannot all slip past the limit.
    """

    __tablename__ = "login_throttles"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Term(Base):
    """A tag or category: a stable slug (from its source name) and a display name per locale."""

    __tablename__ = "terms"
    __table_args__ = (UniqueConstraint("kind", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    slug: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(60))
    source_locale: Mapped[str] = mapped_column(String(10))
    translations: Mapped[list[TermTranslation]] = relationship(back_populates="term", cascade="all, delete-orphan")

    def display_name(self, locale: str) -> str:
        if locale == self.source_locale:
            return self.name
        return next((t.name for t in self.translations if t.locale == locale and t.origin != "mt"), self.name)

    def slug_in(self, locale: str) -> str:
        """The locale's own slug, if a translator gave it one; the source slug otherwise."""
        return next(
            (t.slug for t in self.translations if t.locale == locale and t.origin != "mt" and t.slug), self.slug
        )

    def draft_name(self, locale: str) -> str:
        """The name in `locale` as translators see it, reviewed or not ("" when there is none)."""
        if locale == self.source_locale:
            return self.name
        return next((t.name for t in self.translations if t.locale == locale), "")


class TermTranslation(Base):
    __tablename__ = "term_translations"
    __table_args__ = (UniqueConstraint("term_id", "locale"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(120))
    origin: Mapped[str] = mapped_column(String(10))  # mt (unreviewed: never shown to readers), human
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    slug: Mapped[str | None] = mapped_column(String(100))  # the locale's own slug; the source slug still works
    term: Mapped[Term] = relationship(back_populates="translations")


class PostTerm(Base):
    __tablename__ = "post_terms"
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    term: Mapped[Term] = relationship()


class SiteGeneration(Base):
    """Bumped whenever anything a scope's reader pages show changes: the cache key of its pages.

    A scope is a locale, "*" (pages spanning locales: the sitemap index) or "map:N" (sitemap part N).
    """

    __tablename__ = "site_generations"
    locale: Mapped[str] = mapped_column(String(10), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GlossaryEntry(Base):
    """A term with a fixed translation, or a name kept as it is, for one language pair.

    `target_locale` "*" applies to every target language (names: people, organisations, places);
    an entry for a specific target wins over it. `gender` ("m", "f", "mp", "fp") lets the draft
    agree the article in front of the term ("la ONU", "las Naciones Unidas").
    """

    __tablename__ = "glossary_entries"
    __table_args__ = (UniqueConstraint("source_locale", "target_locale", "source_term"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source_locale: Mapped[str] = mapped_column(String(10))
    target_locale: Mapped[str] = mapped_column(String(10))
    source_term: Mapped[str] = mapped_column(String(200))
    target_term: Mapped[str] = mapped_column(String(200))
    keep: Mapped[bool] = mapped_column(default=False)
    gender: Mapped[str] = mapped_column(String(2), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GlossaryDismissal(Base):
    """A suggested glossary name an editor said no to: not suggested again."""

    __tablename__ = "glossary_dismissals"
    __table_args__ = (UniqueConstraint("source_locale", "term"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source_locale: Mapped[str] = mapped_column(String(10))
    term: Mapped[str] = mapped_column(String(200))
    dismissed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MemoryEntry(Base):
    """One approved segment pair of translation memory: the newest approval of a source wins.

    `source_key` hashes the source normalised for matching (whitespace, typographic quotes,
    placeholders numbered by position); texts are stored with placeholders so numbered.
    """

    __tablename__ = "memory_entries"
    __table_args__ = (UniqueConstraint("source_locale", "target_locale", "source_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source_locale: Mapped[str] = mapped_column(String(10))
    target_locale: Mapped[str] = mapped_column(String(10))
    source_key: Mapped[str] = mapped_column(String(64))
    source_text: Mapped[str] = mapped_column(Text)
    target_text: Mapped[str] = mapped_column(Text)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"), index=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_by_name: Mapped[str] = mapped_column(String(80), default="")
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    index_version: Mapped[int] = mapped_column(Integer, default=0)
    post: Mapped[Post | None] = relationship()


class MemoryPrefixToken(Base):
    """The fuzzy-match index: an entry's rarest words (its prefix), enough to find it at >= 75%."""

    __tablename__ = "memory_prefix_tokens"
    source_locale: Mapped[str] = mapped_column(String(10), primary_key=True)
    target_locale: Mapped[str] = mapped_column(String(10), primary_key=True)
    token: Mapped[str] = mapped_column(String(80), primary_key=True)
    size: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("memory_entries.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class MemoryStopList(Base):
    """Per source language, the words too common to index, learnt from the memory itself."""

    __tablename__ = "memory_stop_lists"
    source_locale: Mapped[str] = mapped_column(String(10), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    tokens: Mapped[dict] = mapped_column(JSON, default=dict)
    sample_size: Mapped[int] = mapped_column(Integer, default=0)
    entries_at_build: Mapped[int] = mapped_column(Integer, default=0)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Comment(Base):
    """A remark on a translation, or on one of its segments (`position`), with @mentions."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_translation", "translation_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(ForeignKey("translations.id", ondelete="CASCADE"))
    position: Mapped[int | None] = mapped_column(Integer)  # None: on the whole translation
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    author: Mapped[User | None] = relationship()


class Notification(Base):
    """Something one person should know about; `mail_state` tracks its optional e-mail copy."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
        Index("ix_notifications_mail", "mail_state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    translation_id: Mapped[int | None] = mapped_column(ForeignKey("translations.id", ondelete="CASCADE"))
    data: Mapped[dict] = mapped_column(JSON, default=dict)  # figures the UI words in each language
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    mail_state: Mapped[str] = mapped_column(String(10), default="none")  # none | pending | sending | sent | failed
    mail_sending_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # a runner took it then
    translation: Mapped[Translation | None] = relationship()


class MailAddress(Base):
    """Where a person wants e-mail copies of their notifications (none: in-app only)."""

    __tablename__ = "mail_addresses"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    address: Mapped[str] = mapped_column(String(254))


class Webhook(Base):
    """An endpoint of the newsroom's other systems; the secret signs each body (HMAC-SHA256)."""

    __tablename__ = "webhooks"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(1000))
    secret: Mapped[str] = mapped_column(String(1000))  # sealed (service/sealing.py)
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebhookDelivery(Base):
    """The outbox: one event for one webhook, written in the transaction that caused it."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)  # the exact JSON that is signed and sent
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    webhook: Mapped[Webhook] = relationship()
    log: Mapped[list[WebhookAttempt]] = relationship(order_by="WebhookAttempt.id", cascade="all, delete-orphan")


class WebhookAttempt(Base):
    """One try at delivering: what the receiver answered, or why it could not be reached."""

    __tablename__ = "webhook_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
