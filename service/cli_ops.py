"""`tarjama models|check|export|import`: the operator's commands, attached to `tarjama` by service/cli.py.

Each command presents what a plain module computes: workers/mt/packages.py and inventory.py
(models), service/readiness.py (check), service/archive.py (export, import).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from service.settings import Settings, SettingsError, load_settings


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def _human(size: int | None) -> str:
    from workers.mt.inventory import human_size

    return human_size(size)


# --- models ---


@click.group()
def models() -> None:
    """Translation models: Argos packages and the Apertium modes that serve each language pair."""


@models.command("list")
def models_list() -> None:
    """Per configured language pair: the engine, what serves it, its version and size."""
    from workers.mt import argos, inventory

    settings = _settings()
    rows = [("PAIR", "ENGINE", "SERVED BY", "VERSION", "SIZE")]
    for status in inventory.inventory(settings):
        served = status.serves if status.installed else f"NOT INSTALLED: {status.serves}"
        rows.append((status.pair, status.engine, served, status.version or "-", _human(status.size)))
    _table(rows)
    packages = argos.installed_packages(settings)
    click.echo(f"\nArgos packages in {settings.effective_argos_dir}:")
    if not packages:
        click.echo("  no Argos packages installed")
    for package in sorted(packages, key=lambda p: (p.from_code, p.to_code)):
        size = _human(inventory.directory_size(Path(package.package_path)))
        click.echo(f"  {package.from_code} -> {package.to_code}  version {package.package_version}  {size}")


def _table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])


@models.command("install")
@click.argument("source", required=False)
@click.argument("target", required=False)
@click.option(
    "--file",
    "file_",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Install a downloaded .argosmodel (offline)",
)
def models_install(source: str | None, target: str | None, file_: Path | None) -> None:
    """Install the SOURCE->TARGET package from the Argos index, or a local --file.

    The archive is verified (zip checksums, metadata.json, model and tokenizer, language
    codes) before anything is installed.
    """
    from workers.mt import packages

    settings = _settings()
    if file_ is None and not (source and target):
        raise click.UsageError("give SOURCE and TARGET (e.g. 'en fr') or --file PATH.argosmodel")
    try:
        if file_ is not None:
            info = packages.install(settings, file_, source, target)
            origin = file_.name
        else:
            with _DownloadProgress(f"downloading {source}->{target}") as progress:
                info, origin = packages.install_from_index(settings, source, target, progress)
    except packages.PackageError as error:
        raise click.ClickException(f"nothing installed: {error}") from None
    click.echo(
        f"verified {origin}: {info.from_code}->{info.to_code}, version {info.version or '?'}, "
        f"model and tokenizer present, {_human(info.size)}"
    )
    click.echo(f"installed Argos {info.from_code}->{info.to_code} {info.version} into {settings.effective_argos_dir}")


class _DownloadProgress:
    """A progress bar when the size is known, a byte count every few MB otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar = None
        self.shown = 0
        self.reported = 0

    def __enter__(self):
        return self

    def __call__(self, done: int, total: int | None) -> None:
        if total:
            if self.bar is None:
                self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
                self.bar.__enter__()
            self.bar.update(done - self.shown)
            self.shown = done
        elif done - self.reported >= 4 << 20:
            click.echo(f"{self.label}: {_human(done)}", err=True)
            self.reported = done

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@models.command("remove")
@click.argument("source")
@click.argument("target")
def models_remove(source: str, target: str) -> None:
    """Delete the installed Argos package for SOURCE->TARGET."""
    from workers.mt import inventory, packages

    settings = _settings()
    removed = packages.remove(settings, source, target)
    if not removed:
        raise click.ClickException(f"no Argos package for {source}->{target} is installed")
    for path in removed:
        click.echo(f"removed {path}")
    if (source, target) in inventory.configured_pairs(settings):
        status = inventory.status(settings, source, target)
        if not status.installed:
            click.echo(f"warning: {status.pair} is configured but nothing serves it now: {status.serves}", err=True)


# --- check ---


@click.command()
def check() -> None:
    """Check the database, Redis, a recent worker, the language pairs and the configuration."""
    from service import readiness
    from service.db import make_engine
    from workers.mt import inventory

    settings = _settings()
    engine = make_engine(settings)
    try:
        checks = readiness.dependencies(settings, engine)
        if checks[0].ok:
            checks.insert(1, readiness.schema(settings, engine))
    finally:
        engine.dispose()
    for status in inventory.inventory(settings):
        detail = f"{status.engine}: {status.serves}" + (f" ({status.version})" if status.version else "")
        checks.append(readiness.Check(status.pair, status.installed, detail))
    checks += readiness.configuration(settings)
    for item in checks:
        label = "ok" if item.ok else ("FAIL" if item.severity == "fail" else "warn")
        click.echo(f"{label:<5} {item.name:<15} {item.detail}" + (f": {item.error}" if item.error else ""))
    failed = [item.name for item in checks if item.failed]
    if failed:
        raise click.ClickException(f"{len(failed)} problem(s): {', '.join(failed)}")
    click.echo("everything Tarjama needs is in place")


# --- export / import ---


class _TableProgress:
    def __init__(self, verb: str) -> None:
        self.verb = verb
        self.current: str | None = None

    def __call__(self, table: str, done: int, total: int) -> None:
        end = "\n" if done >= total else "\r"
        click.echo(f"{self.verb} {table:<24} {done:>9} / {total}", nl=False, err=True)
        click.echo(end, nl=False, err=True)


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--with-passwords", is_flag=True, help="Keep password hashes and API tokens (they are secrets)")
def export(file: Path, with_passwords: bool) -> None:
    """Write the whole database to FILE (a .tar, or .tar.gz): see docs/archive.md."""
    from service import archive
    from service.db import make_engine
    from service.migrate import revisions

    settings = _settings()
    engine = make_engine(settings)
    try:
        current, heads = revisions(settings, engine)
        if current != heads:
            raise click.ClickException("the database schema is not up to date: run 'tarjama init' first")
        manifest = archive.export(engine, file, ",".join(sorted(current)), with_passwords, _TableProgress("exported"))
    finally:
        engine.dispose()
    rows = sum(entry["rows"] for entry in manifest["tables"])
    click.echo(f"wrote {file}: {len(manifest['tables'])} tables, {rows} rows")
    for name, why in manifest["skipped"].items():
        click.echo(f"  left out {name}: {why}")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(file: Path) -> None:
    """Load FILE (made by 'tarjama export') into this installation's database, which must be empty."""
    from sqlalchemy.engine import make_url

    from service import archive
    from service.db import make_engine
    from service.migrate import upgrade

    settings = _settings()
    try:
        manifest = archive.read_manifest(file)
    except archive.ArchiveError as error:
        raise click.ClickException(str(error)) from None
    target = make_url(settings.effective_database_url).render_as_string(hide_password=True)
    click.echo(f"importing {file} ({manifest['source_dialect']}, {manifest['created_at']}) into {target}")
    upgrade(settings)
    engine = make_engine(settings)
    try:
        report = archive.import_(engine, file, _TableProgress("imported"))
    except archive.ArchiveError as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.dispose()
    rows = sum(count.found for count in report.counts)
    click.echo(f"verified: {len(report.counts)} tables, {rows} rows, each table as many rows as the archive")
    if report.users_without_password:
        names = ", ".join(report.users_without_password)
        click.echo(
            f"{len(report.users_without_password)} users have no password (the archive has none): {names}; "
            "set one with 'tarjama users set-password NAME'"
        )
