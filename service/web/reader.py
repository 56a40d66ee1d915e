"""The reader site: per-locale home, posts, archives, search, feeds; sitemap and robots.txt."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from service import l10n, search, site, sitemap, terms
from service.cache import EVERY_LOCALE
from service.models import Post, PostSlug, PublishedPage, Revision
from service.web.database import get_session, settings
from service.web.i18n import machine_time
from service.web.page_cache import cached, page_cache

bp = Blueprint("reader", __name__)
by_locale = cached(lambda kwargs: kwargs["locale"])
site_wide = cached(lambda kwargs: EVERY_LOCALE)
by_sitemap_part = cached(lambda kwargs: sitemap.scope(kwargs["number"]))


@bp.before_app_request
def _enter_locale() -> None:
    """Reader URLs start with a locale; the page speaks it, and unknown locales are 404."""
    args = request.view_args or {}
    if request.blueprint == "reader" and "locale" in args:
        if args["locale"] not in settings().locales:
            abort(404)
        g.page_locale = args["locale"]


@bp.app_context_processor
def _reader_helpers() -> dict:
    def reader_date(moment) -> str:
        return l10n.format_date(moment, g.get("page_locale", "en"), solar_hijri=settings().fa_solar_hijri)

    return {
        "reader_date": reader_date,
        "site_locales": settings().locales,
        "source_locale": settings().source_locale,
        "og_locale": l10n.og_locale,
        "language_in": l10n.language_in,
        "atom_time": atom_time,
    }


def atom_time(moment) -> str:
    """RFC 3339 in UTC, as Atom and sitemaps want it."""
    return machine_time(moment or datetime.now(UTC))


def _cursors() -> tuple[site.Cursor | None, site.Cursor | None]:
    """(before, after) from ?before= / ?after=; a malformed one is 404, and so is an old ?page=N."""
    if request.args.get("page", "1") != "1":
        abort(404)
    found = []
    for name in ("before", "after"):
        raw = request.args.get(name)
        cursor = site.Cursor.parse(raw) if raw is not None else None
        if raw is not None and cursor is None:
            abort(404)
        found.append(cursor)
    return found[0], found[1]


def _listing(locale: str, term=None) -> site.Listing:
    before, after = _cursors()
    session, per_page = get_session(), settings().posts_per_page
    if term is None:
        listing = site.latest(session, locale, per_page, before, after)
    else:
        listing = site.by_term(session, locale, term, per_page, before, after)
    if not listing.pages and not listing.first:
        abort(404)
    return listing


def _canonical_args() -> dict[str, str]:
    return {name: request.args[name] for name in ("before", "after") if name in request.args}


def _render(template: str, locale: str, **context):
    response = render_template(template, locale=locale, recent=site.recent(get_session(), locale), **context)
    return response, 200, {"Content-Language": locale}


@bp.get("/")
def root():
    """Send readers to the language their browser asks for."""
    best = request.accept_languages.best_match(settings().locales) or settings().source_locale
    response = redirect(url_for("reader.home", locale=best))
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/<locale>/")
@by_locale
def home(locale: str):
    listing = _listing(locale)
    return _render("home.html", locale, listing=listing, cursor_args=_canonical_args())


@bp.get("/<locale>/posts/<slug>")
@by_locale
def post_page(locale: str, slug: str):
    page = site.page(get_session(), locale, slug)
    if page is None:
        return _missing_post(locale, slug)
    post = page.post
    return _render(
        "post.html",
        locale,
        page=page,
        post=post,
        tags=terms.terms_of(post, "tag"),
        categories=terms.terms_of(post, "category"),
        alternates=site.alternate_locales(get_session(), post.id),
        updated=_source_update(page),
    )


def _source_update(page: PublishedPage):
    """When the original was edited after the revision this page shows (None when the page is current)."""
    if page.locale == page.post.source_locale:
        return None
    latest = (
        get_session()
        .execute(
            select(Revision.id, Revision.created_at)
            .where(Revision.post_id == page.post_id)
            .order_by(Revision.number.desc())
            .limit(1)
        )
        .first()
    )
    return latest.created_at if latest and latest.id != page.revision_id else None


def _missing_post(locale: str, slug: str):
    session = get_session()
    moved = session.scalar(select(Post.slug).join(PostSlug, PostSlug.post_id == Post.id).where(PostSlug.slug == slug))
    if moved:
        return redirect(url_for(".post_page", locale=locale, slug=moved), 301)
    if site.withdrawn_page(session, locale, slug) is not None:
        return render_template("withdrawn.html", locale=locale), 410
    post = session.scalar(select(Post).where(Post.slug == slug))
    pages = site.alternates(get_session(), post.id) if post else []
    return render_template("not_found.html", locale=locale, alternates=pages), 404


def _term(locale: str, kind: str, slug: str):
    """The term at this address: its locale's own slug, or the source slug (then 301 to the locale's)."""
    term = terms.by_slug(get_session(), kind, slug) or terms.by_locale_slug(get_session(), kind, locale, slug)
    if term is None:
        abort(404)
    return term


def _archive(locale: str, kind: str, slug: str):
    term = _term(locale, kind, slug)
    if term.slug_in(locale) != slug:
        return redirect(url_for(f".{kind}", locale=locale, slug=term.slug_in(locale)), 301)
    listing = _listing(locale, term)
    name = term.display_name(locale)
    heading = _("Posts tagged “%(name)s”", name=name) if kind == "tag" else _("Posts in %(name)s", name=name)
    return _render(
        "archive.html", locale, listing=listing, term=term, heading=heading, kind=kind, cursor_args=_canonical_args()
    )


@bp.get("/<locale>/tag/<slug>")
@by_locale
def tag(locale: str, slug: str):
    return _archive(locale, "tag", slug)


@bp.get("/<locale>/category/<slug>")
@by_locale
def category(locale: str, slug: str):
    return _archive(locale, "category", slug)


@bp.get("/<locale>/search")
@by_locale
def search_page(locale: str):
    query = " ".join(request.args.get("q", "").split())[:200]
    hits = search.search(get_session(), locale, query) if query else []
    pages = {p.id: p for p in site.pages_by_id(get_session(), locale, [hit.page_id for hit in hits])}
    results = [(pages[hit.page_id], hit.snippet_html) for hit in hits if hit.page_id in pages]
    return _render("search.html", locale, query=query, results=results)


def _feed(locale: str, pages: list[PublishedPage], title: str, self_url: str, alternate_url: str):
    # An empty feed says when the site last changed, not "now": the same bytes from every web process.
    updated = max((p.updated_at for p in pages), default=None) or page_cache().generation(EVERY_LOCALE)[1]
    body = render_template(
        "feed.xml",
        locale=locale,
        pages=pages,
        title=title,
        self_url=self_url,
        alternate_url=alternate_url,
        updated=updated,
    )
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


@bp.get("/<locale>/feed.xml")
@by_locale
def feed(locale: str):
    pages = site.newest(get_session(), locale, 20)
    return _feed(locale, pages, settings().site_name, request.url, url_for(".home", locale=locale, _external=True))


@bp.get("/<locale>/tag/<slug>/feed.xml")
@by_locale
def tag_feed(locale: str, slug: str):
    term = _term(locale, "tag", slug)
    pages = site.newest(get_session(), locale, 20, term)
    title = f"{settings().site_name}: {term.display_name(locale)}"
    return _feed(locale, pages, title, request.url, url_for(".tag", locale=locale, slug=slug, _external=True))


@bp.get("/robots.txt")
def robots():
    lines = [
        "User-agent: *",
        "Disallow: /review",
        "Disallow: /editor",
        "Disallow: /api/",
        "Disallow: /login",
        f"Sitemap: {url_for('.sitemap_index', _external=True)}",
    ]
    return "\n".join(lines) + "\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


def _post_url(locale: str) -> str:
    """The absolute URL prefix of a locale's posts (scheme and host as the request sees them)."""
    return url_for(".post_page", locale=locale, slug="_", _external=True)[:-1]


def _xml(chunks) -> tuple[str, int, dict]:
    return "".join(chunks), 200, {"Content-Type": "application/xml; charset=utf-8"}


@bp.get("/sitemap.xml")
@site_wide
def sitemap_index():
    """The only part while there is one, else an index of the parts with when each last changed."""
    parts = sitemap.part_count(get_session())
    if parts <= 1:
        return _xml(sitemap.part_xml(get_session(), 1, _post_url))
    store = page_cache()
    listed = [
        (url_for(".sitemap_part", number=number, _external=True), store.generation(sitemap.scope(number))[1])
        for number in range(1, parts + 1)
    ]
    return _xml(sitemap.index_xml(listed))


@bp.get("/sitemap-<int:number>.xml")
@by_sitemap_part
def sitemap_part(number: int):
    if not 1 <= number <= sitemap.part_count(get_session()):
        abort(404)
    return _xml(sitemap.part_xml(get_session(), number, _post_url))


@bp.get("/<locale>/<path:rest>")
def not_found_in_locale(locale: str, rest: str):
    return render_template("not_found.html", locale=locale, alternates=[]), 404
