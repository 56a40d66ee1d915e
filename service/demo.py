"""Demo content for `tarjama demo`: users with printed passwords and three short stories.

Spanish and French drafts come from Apertium (real translations). Persian, Arabic and German
drafts come from synthetic Argos packages with random weights (nonsense text) unless real
packages are installed: the point is to show the flow and right-to-left pages offline.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from service import accounts, intake
from service.settings import Settings

DEMO_ENGINES = "en-es=apertium,es-en=apertium,en-fr=apertium,*=argos"
FIRST_SLUG = "city-opens-three-new-schools"
USERS = [
    ("admin", "demo-admin-2026", "admin", []),
    ("editor", "demo-editor-2026", "editor", []),
    ("maria", "demo-maria-2026", "translator", ["es", "fr"]),
    ("dariush", "demo-dariush-2026", "translator", ["fa", "ar", "de"]),
]
POSTS = [
    {
        "title": "City opens three new schools",
        "lede": "The schools will take 1,200 pupils from September.",
        "format": "markdown",
        "body": (
            "The city council approved the plan on Tuesday after a long debate.\n\n"
            "## What changes for families\n\n"
            "Parents can register their children online. Read the **full plan** on "
            "[the council website](https://example.org/plan).\n\n"
            "- Two primary schools in the north.\n- One secondary school near the river.\n\n"
            "> We have waited ten years for this. It is a good day for the city.\n"
        ),
        "tags": ["education", "city"],
        "categories": ["Local"],
        "author": "Amira Haddad",
        "published_at": "2026-11-23T09:00:00Z",
    },
    {
        "title": "Heavy rain floods the old town",
        "lede": "Several streets were closed on Monday night.",
        "format": "text",
        "body": (
            "Heavy rain flooded several streets in the old town on Monday night.\n\n"
            "The fire service pumped water from 40 houses. Nobody was hurt, the police said."
        ),
        "tags": ["weather"],
        "categories": ["Local"],
        "author": "Jonas Weber",
        "published_at": "2026-11-22T18:30:00Z",
    },
    {
        "title": "Museum reopens after renovation",
        "lede": "The doors open again after two years of work.",
        "format": "html",
        "body": (
            "<p>The city museum reopens on Saturday with a new wing for <em>modern art</em>.</p>"
            '<figure><img src="https://example.org/museum.jpg" alt="The new museum wing">'
            "<figcaption>The new wing, seen from the park.</figcaption></figure>"
            "<p>Entry is free for children under 12.</p>"
        ),
        "tags": ["culture"],
        "categories": ["Culture"],
        "author": "Sara Costa",
        "published_at": "2026-11-20T12:00:00Z",
    },
]


def load(session: Session, settings: Settings) -> list[tuple[str, str, str]]:
    """Create demo users and posts, unless they exist; return (name, password, role) rows."""
    for name, password, role, languages in USERS:
        if accounts.find_user(session, name) is None:
            wanted = [lang for lang in languages if lang in settings.locales] or list(settings.target_locales)
            accounts.create_user(
                session, name, role, password, wanted if role == "translator" else [], settings.locales
            )
    editor = accounts.find_user(session, "editor")
    for number, post in enumerate(POSTS):
        intake.submit_post(session, editor, post, settings, idempotency_key=f"demo-post-{number}")
    return [(name, password, role) for name, password, role, _ in USERS]


def install_demo_models(settings: Settings, echo: Callable[[str], None]) -> None:
    """Build synthetic Argos packages for argos-served locales that have none installed."""
    from workers.mt import argos
    from workers.mt.synthetic import build_package

    installed = {(p.from_code, p.to_code) for p in argos.installed_packages(settings)}
    for locale in settings.target_locales:
        pair = (settings.source_locale, locale)
        if settings.engine_for(*pair) != "argos" or pair in installed:
            continue
        echo(f"building a synthetic Argos package {pair[0]}->{pair[1]} (random weights: nonsense drafts)")
        archive = build_package(settings.data_dir / "demo-models", *pair)
        argos.install_file(settings, archive)
