"""The `tarjama` command: set up, manage users, tokens and models, and run the local stack."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import click
from sqlalchemy import select

from service import cli_ops
from service.db import make_engine, make_session_factory, session_scope
from service.errors import DomainError
from service.settings import Settings, SettingsError, load_settings


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def _sessions(settings: Settings):
    return make_session_factory(make_engine(settings))


@click.group()
def main() -> None:
    """Tarjama: multilingual publishing with machine translation and human review."""


@main.command()
def init() -> None:
    """Create the database, or upgrade it to the current schema."""
    from service.migrate import upgrade

    settings = _settings()
    upgrade(settings)
    click.echo(f"database ready: {settings.effective_database_url}")


@main.group()
def users() -> None:
    """Manage user accounts."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "editor", "translator", "reader"]), required=True)
@click.option("--languages", default="", help="Comma-separated locales a translator works in, e.g. fa,ar")
@click.option("--password", default=None, help="Password (at least 8 characters); generated and printed if omitted")
def users_add(name: str, role: str, languages: str, password: str | None) -> None:
    from service import accounts

    settings = _settings()
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    with session_scope(_sessions(settings)) as session:
        try:
            accounts.create_user(session, name, role, password, languages.split(","), settings.locales)
        except DomainError as error:
            raise click.ClickException(error.message) from None
        session.commit()
    click.echo(f"user {name} ({role}) created" + (f"; password: {password}" if generated else ""))


@users.command("set-password")
@click.argument("name")
@click.option("--password", default=None, help="New password (at least 8 characters); generated and printed if omitted")
def users_set_password(name: str, password: str | None) -> None:
    """Give NAME a new password (e.g. after 'tarjama import' of an archive made without passwords)."""
    from service import accounts

    generated = password is None
    password = password or secrets.token_urlsafe(12)
    with session_scope(_sessions(_settings())) as session:
        user = accounts.find_user(session, name)
        if user is None:
            raise click.ClickException(f"no user named {name!r}")
        try:
            accounts.set_password(user, password)
        except DomainError as error:
            raise click.ClickException(error.message) from None
        session.commit()
    click.echo(f"password of {name} changed" + (f"; new password: {password}" if generated else ""))


@main.group()
def tokens() -> None:
    """Manage API tokens."""


@tokens.command("create")
@click.argument("name")
@click.option("--label", default="cli", help="What the token is for")
def tokens_create(name: str, label: str) -> None:
    """Print a new API token for user NAME (shown only once)."""
    from service import accounts

    with session_scope(_sessions(_settings())) as session:
        user = accounts.find_user(session, name)
        if user is None:
            raise click.ClickException(
                f"no user named {name!r}: create one with 'tarjama users add {name} --role editor'"
            )
        token = accounts.create_token(session, user, label)
        session.commit()
    click.echo(token)


@main.group("glossary")
def glossary_group() -> None:
    """Terms with a fixed translation and names kept as they are, per language pair."""


@glossary_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", default=None, help="Source language of rows that do not name one (default: the site's)")
def glossary_import(file: Path, source: str | None) -> None:
    """Add or update entries from a CSV or TBX FILE (all rows or none)."""
    from sqlalchemy.exc import IntegrityError

    from service import glossary_io

    settings = _settings()
    with session_scope(_sessions(settings)) as session:
        try:
            rows = glossary_io.read(file.read_bytes(), file.name)
            count = glossary_io.import_rows(session, None, rows, settings.locales, source or settings.source_locale)
            session.commit()
        except DomainError as error:
            raise click.ClickException(f"{file.name}: {error.message}") from None
        except IntegrityError:  # someone saved the same term meanwhile: nothing of the file is stored
            raise click.ClickException(f"{file.name}: the glossary changed meanwhile; import it again") from None
    click.echo(f"imported {count} glossary entries from {file.name}")


@glossary_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def glossary_export(file: Path) -> None:
    """Write every entry to FILE: TBX when it ends in .tbx, CSV otherwise."""
    from service import glossary, glossary_io

    settings = _settings()
    with session_scope(_sessions(settings)) as session:
        entries = glossary.entries(session)
        if file.suffix.lower() == ".tbx":
            text = glossary_io.write_tbx(entries, settings.source_locale)
        else:
            text = glossary_io.write_csv(entries)
    file.write_text(text, encoding="utf-8")
    click.echo(f"exported {len(entries)} glossary entries to {file}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def run(host: str, port: int) -> None:
    """Run the whole local stack in the foreground: Redis (if none is set), web, worker, beat."""
    from service.stack import run_stack

    sys.exit(run_stack(_settings(), host, port))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-run", is_flag=True, help="Load the demo and exit instead of running the stack")
def demo(host: str, port: int, no_run: bool) -> None:
    """Set up demo users and posts, then run the stack."""
    from service import demo as demo_content
    from service.migrate import upgrade

    os.environ.setdefault("TARJAMA_MT_ENGINES", demo_content.DEMO_ENGINES)
    settings = _settings()
    upgrade(settings)
    with session_scope(_sessions(settings)) as session:
        credentials = demo_content.load(session, settings)
        session.commit()
    demo_content.install_demo_models(settings, click.echo)
    click.echo("\nDemo users (name / password):")
    for name, password, role in credentials:
        click.echo(f"  {name:<12} {password:<20} {role}")
    click.echo(f"\nReader page: http://{host}:{port}/en/posts/{demo_content.FIRST_SLUG}")
    if not no_run:
        from service.stack import run_stack

        sys.exit(run_stack(settings, host, port))


@main.command()
def reindex() -> None:
    """Re-render every published page, rebuild the search index and link posts to their terms."""
    from service import publishing, terms
    from service.models import Post, State, Translation

    settings = _settings()
    with session_scope(_sessions(settings)) as session:
        posts = list(session.scalars(select(Post)))
        for post in posts:
            if not post.terms:
                terms.attach(session, post, post.tags, post.categories)
            publishing.publish_source(session, post)
        published = list(session.scalars(select(Translation).where(Translation.state == State.published.value)))
        for translation in published:
            publishing.publish(session, translation)
        session.commit()
    click.echo(f"re-rendered {len(posts)} originals and {len(published)} translations")


@main.command("resume")
def resume() -> None:
    """Queue again every translation still waiting for machine translation."""
    from service import dispatch
    from service.models import State, Translation

    settings = _settings()
    with session_scope(_sessions(settings)) as session:
        work = [
            (t.post_id, t.locale, t.post.source_locale)
            for t in session.scalars(select(Translation).where(Translation.state == State.queued.value))
        ]
    click.echo(f"queued {dispatch.enqueue_translations(settings, work)} translations")


@main.group()
def memory() -> None:
    """Translation memory: TMX import and export, index upkeep."""


@memory.command("import")
@click.argument("file_", metavar="FILE.tmx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", default=None, help="Source language when the TMX header does not say (srclang)")
def memory_import(file_: Path, source: str | None) -> None:
    """Import a TMX 1.4b file: checked whole first (a malformed file imports nothing), then stored."""
    from service import memory_import as importer

    settings = _settings()
    try:
        report = importer.import_tmx(_sessions(settings), settings, file_, source, click.echo)
    except importer.TmxError as error:
        raise click.ClickException(f"{file_} was not imported: {error}") from None
    click.echo(report)


@memory.command("export")
@click.option("--source", required=True, help="Source language, e.g. en")
@click.option("--target", required=True, help="Target language, e.g. es")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)")
def memory_export(source: str, target: str, output: Path | None) -> None:
    """Write the memory of one language pair as TMX 1.4b."""
    from service import tmx

    settings = _settings()
    for name, value in (("--source", source), ("--target", target)):
        if value not in settings.locales:
            raise click.BadParameter(f"{value!r} is not one of {', '.join(settings.locales)}", param_hint=name)
    with (
        session_scope(_sessions(settings)) as session,
        click.open_file(str(output or "-"), "w", encoding="utf-8") as out,
    ):
        for piece in tmx.export(session, source, target):
            out.write(piece)


@memory.command("reindex")
def memory_reindex() -> None:
    """Learn each language's common words again and re-index the memory (also done hourly by beat)."""
    from service import memory_index

    sessions = _sessions(_settings())
    done = memory_index.upkeep(lambda: session_scope(sessions), click.echo, force=True)
    click.echo(f"memory index up to date ({done} entries re-indexed)")


for _command in (cli_ops.models, cli_ops.check, cli_ops.export, cli_ops.import_):
    main.add_command(_command)

if __name__ == "__main__":
    main()
