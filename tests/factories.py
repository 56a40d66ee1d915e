"""Builders for the people and posts tests need, through the same domain code users go through."""

from __future__ import annotations

from dataclasses import dataclass

from service import accounts
from service.db import session_scope
from service.settings import Settings

PASSWORD = "correct horse battery"


@dataclass
class Person:
    id: int
    username: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class People:
    admin: Person
    editor: Person
    maria: Person  # translates es, fr
    dariush: Person  # translates fa, de
    lucia: Person  # translates es


def make_people(sessions, settings: Settings) -> People:
    specs = {
        "admin": ("admin", []),
        "editor": ("editor", []),
        "maria": ("translator", ["es", "fr"]),
        "dariush": ("translator", ["fa", "de"]),
        "lucia": ("translator", ["es"]),
    }
    made = {}
    with session_scope(sessions) as session:
        for name, (role, languages) in specs.items():
            user = accounts.create_user(session, name, role, PASSWORD, languages, settings.locales)
            made[name] = Person(user.id, name, accounts.create_token(session, user, "tests"))
        session.commit()
    return People(**made)


def story(**overrides) -> dict:
    """A small post with a heading, a link, emphasis, a list, a quote and an image caption."""
    post = {
        "title": "City opens three new schools",
        "lede": "The schools will take 1,200 pupils from September.",
        "format": "html",
        "body": (
            '<p>The council approved the plan on Tuesday. Read <a href="https://example.org/plan">the full plan</a> '
            "before the <em>public meeting</em>.</p>"
            "<h2>What changes for families</h2>"
            "<ul><li>Two primary schools in the north.</li><li>One secondary school near the river.</li></ul>"
            "<blockquote><p>We have waited ten years for this.</p></blockquote>"
            '<figure><img src="https://example.org/school.jpg" alt="The new school"><figcaption>The new school in the north.</figcaption></figure>'
        ),
        "tags": ["education", "city"],
        "categories": ["Local"],
        "author": "Amira Haddad",
        "published_at": "2026-11-23T09:00:00Z",
    }
    post.update(overrides)
    return post


def submit(client, person: Person, **overrides):
    return client.post("/api/v1/posts", json=story(**overrides), headers=person.auth)


def csrf_token(html: str) -> str:
    import re

    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'name="csrf-token" content="([^"]+)"', html
    )
    return match.group(1)


def sign_in(client, username: str, password: str = PASSWORD):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def page_token(client, path: str) -> str:
    return csrf_token(client.get(path).get_data(as_text=True))
