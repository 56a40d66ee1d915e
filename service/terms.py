"""Tags and categories: stable slugs from the source name, a display name per locale.

Display names are translated like segments (machine first, in the same batch as the post)
and translators can correct them; a corrected name is never overwritten by the machine.
"""

from __future__ import annotations

from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm import Session

from service import cache, characters
from service.errors import N_, Forbidden, InvalidInput
from service.models import Post, PostTerm, Term, TermTranslation, User, utcnow
from service.slugs import slugify

KINDS = ("tag", "category")


def slug_for(name: str) -> str:
    return slugify(name, limit=100)


def attach(session: Session, post: Post, tags: list[str], categories: list[str]) -> None:
    """Link the post to its terms, creating the terms it is the first to use."""
    for position, term_id in enumerate(term_ids(session, tags, categories, post.source_locale)):
        post.terms.append(PostTerm(term_id=term_id, position=position))


def link(session: Session, post_id: int, ids: list[int]) -> None:
    """Link a post just stored to its terms, in order, in one statement."""
    if ids:
        session.execute(
            insert(PostTerm), [{"post_id": post_id, "term_id": term_id, "position": n} for n, term_id in enumerate(ids)]
        )


def term_ids(session: Session, tags: list[str], categories: list[str], source_locale: str) -> list[int]:
    """Ids of the terms named (categories first), creating missing ones; one query when all exist."""
    wanted: list[tuple[str, str, str]] = []
    for kind, names in (("category", categories), ("tag", tags)):
        wanted += [(kind, slug_for(name), name) for name in names]
    if not wanted:
        return []
    keys = [(kind, slug) for kind, slug, _name in wanted]
    found = {
        (term.kind, term.slug): term.id
        for term in session.scalars(select(Term).where(tuple_(Term.kind, Term.slug).in_(keys)))
    }
    ids: list[int] = []
    for kind, slug, name in wanted:
        if (kind, slug) not in found:
            found[(kind, slug)] = find_or_create(session, kind, name, source_locale).id
        if found[(kind, slug)] not in ids:
            ids.append(found[(kind, slug)])
    return ids


def find_or_create(session: Session, kind: str, name: str, source_locale: str) -> Term:
    slug = slug_for(name)
    term = session.scalar(select(Term).where(Term.kind == kind, Term.slug == slug))
    if term is None:
        term = Term(kind=kind, slug=slug, name=name, source_locale=source_locale)
        session.add(term)
        session.flush()
    return term


def terms_of(post: Post, kind: str) -> list[Term]:
    return [link.term for link in post.terms if link.term.kind == kind]


def by_slug(session: Session, kind: str, slug: str) -> Term | None:
    return session.scalar(select(Term).where(Term.kind == kind, Term.slug == slug))


def untranslated(post: Post, locale: str) -> list[Term]:
    """The post's terms that have no name yet in `locale` (the drafting step fills them)."""
    return [
        link.term
        for link in post.terms
        if link.term.source_locale != locale and not any(t.locale == locale for t in link.term.translations)
    ]


def store_machine_names(session: Session, names: dict[int, str], locale: str) -> None:
    """Keep machine names only where no name exists yet (human corrections win)."""
    for term_id, name in names.items():
        exists = session.scalar(
            select(TermTranslation).where(TermTranslation.term_id == term_id, TermTranslation.locale == locale)
        )
        if exists is None and name.strip():
            session.add(TermTranslation(term_id=term_id, locale=locale, name=name.strip()[:120], origin="mt"))
    session.flush()
    cache.bump(session, [locale])


def rename(
    session: Session, term: Term, locale: str, name: str, user: User, slug: str | None = None
) -> TermTranslation:
    """A translator sets a term's display name in one of their languages (and, if given, its slug there)."""
    if not user.can_translate(locale):
        raise Forbidden(N_("you do not translate into %(locale)s"), params={"locale": locale})
    characters.refuse_unstorable(name, "name")
    name = " ".join(characters.neutralise_bidi(name).split())
    characters.refuse_invisible(name, "name")
    if not name or len(name) > 120:
        raise InvalidInput(N_("a name must be 1 to 120 characters"), field="name")
    translation = next((t for t in term.translations if t.locale == locale), None)
    if translation is None:
        translation = TermTranslation(term=term, locale=locale, name=name, origin="human")
        session.add(translation)
    translation.name, translation.origin, translation.updated_at = name, "human", utcnow()
    session.flush()
    if slug is not None:
        _give_slug(session, translation, slug)
    cache.bump(session, [locale])
    return translation


def approve_names(session: Session, post: Post, locale: str) -> None:
    """A translator approved the post in `locale`, names included: readers may see them now."""
    approved = False
    for link in post.terms:
        for translation in link.term.translations:
            if translation.locale == locale and translation.origin == "mt":
                translation.origin, translation.updated_at = "human", utcnow()
                approved = True
    if approved:
        session.flush()
        cache.bump(session, [locale])


def _give_slug(session: Session, translation: TermTranslation, wanted: str) -> None:
    """The locale's own slug ("" for none: the source slug serves); the source slug then answers 301."""
    term = translation.term
    slug = slug_for(wanted) if wanted.strip() else ""
    if not slug or slug == term.slug:
        translation.slug = None
        return
    taken = session.scalar(
        select(Term.id).where(Term.kind == term.kind, Term.slug == slug, Term.id != term.id)
    ) or session.scalar(
        select(TermTranslation.id)
        .join(Term, Term.id == TermTranslation.term_id)
        .where(
            Term.kind == term.kind,
            TermTranslation.locale == translation.locale,
            TermTranslation.slug == slug,
            TermTranslation.id != translation.id,
        )
    )
    if taken:
        raise InvalidInput(
            N_("the address %(slug)s is used by another tag or category"), field="slug", params={"slug": repr(slug)}
        )
    translation.slug = slug


def by_locale_slug(session: Session, kind: str, locale: str, slug: str) -> Term | None:
    """A term by the slug its reviewed name has in `locale`."""
    return session.scalar(
        select(Term)
        .join(TermTranslation, TermTranslation.term_id == Term.id)
        .where(Term.kind == kind, TermTranslation.locale == locale, TermTranslation.slug == slug)
    )


def all_terms(session: Session) -> list[Term]:
    return list(session.scalars(select(Term).order_by(Term.kind, Term.name)))
