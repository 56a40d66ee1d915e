"""The `tarjama` command: set up, manage users, tokens and models, and run the local stack."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import click
from sqlalchemy import select

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


@main.group()
def models() -> None:
    """Argos Translate models used by the argos engine."""


@models.command("list")
def models_list() -> None:
    from workers.mt import argos

    settings = _settings()
    packages = argos.installed_packages(settings)
    if not packages:
        click.echo(f"no Argos packages installed in {settings.effective_argos_dir}")
    for package in packages:
        click.echo(
            f"{package.from_code} -> {package.to_code}  version {package.package_version}  {package.package_path}"
        )


@models.command("install")
@click.argument("source", required=False)
@click.argument("target", required=False)
@click.option(
    "--file",
    "file_",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Install a downloaded .argosmodel",
)
def models_install(source: str | None, target: str | None, file_: Path | None) -> None:
    """Install the SOURCE->TARGET model from the Argos index, or a local --file."""
    from workers.mt import argos

    settings = _settings()
    if file_:
        try:
            argos.install_file(settings, file_)
        except Exception as error:  # noqa: BLE001 - report any unreadable package plainly
            raise click.ClickException(f"could not install {file_}: {error}") from None
        click.echo(f"installed {file_.name} into {settings.effective_argos_dir}")
        return
    if not (source and target):
        raise click.UsageError("give SOURCE and TARGET (e.g. 'en fr') or --file PATH.argosmodel")
    try:
        click.echo(argos.install_from_index(settings, source, target))
    except argos.EngineError as error:
        raise click.ClickException(str(error)) from None


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
            (t.post_id, t.locale)
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


if __name__ == "__main__":
    main()
