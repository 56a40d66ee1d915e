"""Reader pages: one published post in one locale, with a localised 404 when it is missing."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template
from sqlalchemy import select

from service import l10n, publishing
from service.models import Post, PublishedPage
from service.web.database import get_session, settings

bp = Blueprint("reader", __name__)


def _enter_locale(locale: str) -> None:
    if locale not in settings().locales:
        abort(404)
    g.page_locale = locale


@bp.get("/<locale>/posts/<slug>")
def post_page(locale: str, slug: str):
    _enter_locale(locale)
    session = get_session()
    page = publishing.page_for(session, locale, slug)
    if page is None:
        post = session.scalar(select(Post).where(Post.slug == slug))
        pages = _pages_of(post.id) if post else []
        return render_template("not_found.html", locale=locale, alternates=pages), 404
    return render_template(
        "post.html",
        locale=locale,
        page=page,
        post=page.post,
        date=l10n.format_date(page.post.published_at, locale),
        alternates=_pages_of(page.post_id),
    )


def _pages_of(post_id: int) -> list[PublishedPage]:
    return list(
        get_session().scalars(
            select(PublishedPage).where(PublishedPage.post_id == post_id).order_by(PublishedPage.locale)
        )
    )
