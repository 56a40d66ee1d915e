"""Export and import: a whole Tarjama database as a versioned archive (JSON Lines in a tar).

Generic over the SQLAlchemy metadata: every table of `Base.metadata` goes in, in dependency
order, one `tables/<name>.jsonl` file each, with the columns and their encodings listed in
`manifest.json` - so a table added by a later feature comes along without a change here. The
format is described in docs/archive.md. Only what is not content is special-cased below:
secrets (left out unless asked), transient records, and the search index (rebuilt with the
target database's own kind of index).
"""

from __future__ import annotations

import base64
import io
import json
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Column, Connection, Engine, Table, func, select, text
from sqlalchemy import types as sqltypes
from sqlalchemy.exc import DBAPIError

from service import (
    models,  # noqa: F401 - registers every table on Base.metadata
    search,
)
from service.db import Base

FORMAT = "tarjama-archive"
VERSION = 1
BATCH = 1000
UNUSABLE_PASSWORD = "!"  # werkzeug's check_password_hash is False for it: no sign-in until reset
# Secret columns are dropped (and filled with a placeholder on import) unless secrets are asked for;
# a table mapped to None is left out entirely then.
SECRETS: dict[str, dict[str, str] | None] = {"users": {"password_hash": UNUSABLE_PASSWORD}, "api_tokens": None}
SKIPPED = {"login_attempts": "failed sign-ins: transient security records, not content"}
SEARCH_TABLE = "page_search"
Progress = Callable[[str, int, int], None]


class ArchiveError(Exception):
    """The archive cannot be written or read, or the target database cannot take it."""


@dataclass
class TableCount:
    name: str
    expected: int
    found: int


@dataclass
class ImportReport:
    counts: list[TableCount] = field(default_factory=list)
    users_without_password: list[str] = field(default_factory=list)
    schema_revision: str = ""


# --- encoding: one JSON value per column value, chosen by the column's type ---


def _encoding(column: Column) -> str:
    kind = column.type
    if isinstance(kind, sqltypes.DateTime):
        return "datetime"
    if isinstance(kind, sqltypes.Date):
        return "date"
    if isinstance(kind, sqltypes.LargeBinary):
        return "base64"
    if isinstance(kind, sqltypes.Numeric) and not isinstance(kind, sqltypes.Float):
        return "decimal"
    if isinstance(kind, sqltypes.JSON):
        return "json"
    return "plain"


def _encode(value: object, encoding: str) -> object:
    if value is None:
        return None
    if encoding == "datetime":
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()
    if encoding == "date":
        return value.isoformat()
    if encoding == "base64":
        return base64.b64encode(value).decode("ascii")
    if encoding == "decimal":
        return str(value)
    return value


def _decode(value: object, encoding: str) -> object:
    if value is None:
        return None
    if encoding == "datetime":
        return datetime.fromisoformat(value).astimezone(UTC)
    if encoding == "date":
        return date.fromisoformat(value)
    if encoding == "base64":
        return base64.b64decode(value)
    if encoding == "decimal":
        return Decimal(value)
    return value


# --- export ---


def export(engine: Engine, path: Path, schema_revision: str, with_secrets: bool = False, progress=None) -> dict:
    """Write every table to `path` (a .tar, or .tar.gz/.tgz) from one consistent snapshot."""
    with tempfile.TemporaryDirectory() as tmp, _snapshot(engine) as connection:
        workdir = Path(tmp)
        entries, skipped = [], dict(SKIPPED)
        for table in Base.metadata.sorted_tables:
            if table.name in SKIPPED:
                continue
            if SECRETS.get(table.name, {}) is None and not with_secrets:
                skipped[table.name] = "secrets: export with --with-passwords to keep them"
                continue
            entries.append(_export_table(connection, table, workdir, with_secrets, progress))
        derived = [_export_search(connection, workdir)]
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "tarjama_version": _version(),
            "schema_revision": schema_revision,
            "source_dialect": engine.dialect.name,
            "with_secrets": with_secrets,
            "tables": entries,
            "derived": [d for d in derived if d],
            "skipped": skipped,
        }
        partial = path.with_name(path.name + ".part")
        mode = "w:gz" if path.name.endswith((".gz", ".tgz")) else "w"
        with tarfile.open(partial, mode) as tar:
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False).encode())
            for entry in [*entries, *manifest["derived"]]:
                tar.add(workdir / entry["file"], arcname=entry["file"])
        partial.replace(path)
    return manifest


def _export_table(connection: Connection, table: Table, workdir: Path, with_secrets: bool, progress) -> dict:
    dropped = set() if with_secrets else set(SECRETS.get(table.name) or {})
    columns = [c for c in table.columns if c.name not in dropped]
    encodings = {c.name: _encoding(c) for c in columns}
    total = connection.scalar(select(func.count()).select_from(table)) or 0
    file_name = f"tables/{table.name}.jsonl"
    (workdir / "tables").mkdir(exist_ok=True)
    rows = 0
    query = select(*columns).order_by(*table.primary_key.columns)
    with open(workdir / file_name, "w", encoding="utf-8") as out:
        for row in connection.execution_options(yield_per=BATCH).execute(query):
            record = {name: _encode(value, encodings[name]) for name, value in row._mapping.items()}
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            rows += 1
            if progress and (rows % BATCH == 0 or rows == total):
                progress(table.name, rows, total)
    if progress and rows == 0:
        progress(table.name, 0, 0)
    entry = {
        "name": table.name,
        "file": file_name,
        "rows": rows,
        "primary_key": [c.name for c in table.primary_key.columns],
        "columns": [{"name": c.name, "type": str(c.type), "encoding": encodings[c.name]} for c in columns],
    }
    if dropped:
        entry["note"] = f"{', '.join(sorted(dropped))} left out (secret); export with --with-passwords to keep"
    return entry


def _export_search(connection: Connection, workdir: Path) -> dict | None:
    """The search index's text, so import can rebuild the same index without re-rendering pages."""
    rows = search.indexed(connection)
    file_name = f"derived/{SEARCH_TABLE}.jsonl"
    (workdir / "derived").mkdir(exist_ok=True)
    count = 0
    with open(workdir / file_name, "w", encoding="utf-8") as out:
        for page_id, locale, title, body in rows:
            record = {"page_id": int(page_id), "locale": locale, "title": title, "body": body}
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    return {
        "name": SEARCH_TABLE,
        "file": file_name,
        "rows": count,
        "note": "full-text search text per published page; rebuilt as each database's own index on import",
    }


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One read transaction for every table, so the archive is consistent while the site runs."""
    if engine.dialect.name == "sqlite":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("BEGIN")  # WAL: reads see one snapshot until COMMIT
            try:
                yield connection
            finally:
                connection.exec_driver_sql("COMMIT")
        return
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection, connection.begin():
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        yield connection


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tarjama")
    except PackageNotFoundError:
        return "unknown"


# --- import ---


def read_manifest(path: Path) -> dict:
    try:
        with tarfile.open(path, "r:*") as tar:
            manifest = json.load(tar.extractfile("manifest.json"))
    except (tarfile.TarError, KeyError, OSError, ValueError) as error:
        raise ArchiveError(f"{path} is not a Tarjama archive ({error})") from None
    if manifest.get("format") != FORMAT:
        raise ArchiveError(f"{path} is not a Tarjama archive (format {manifest.get('format')!r})")
    if manifest.get("version") != VERSION:
        raise ArchiveError(f"{path} is archive version {manifest.get('version')}; this Tarjama reads version {VERSION}")
    return manifest


def non_empty_tables(connection: Connection) -> dict[str, int]:
    counts = {t.name: connection.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
    return {name: count for name, count in counts.items() if count}


def import_(engine: Engine, path: Path, progress: Progress | None = None) -> ImportReport:
    """Load an archive into an empty, migrated database in one transaction, then count every table."""
    manifest = read_manifest(path)
    by_name = {entry["name"]: entry for entry in manifest["tables"]}
    known = {t.name: t for t in Base.metadata.sorted_tables}
    unknown = sorted(set(by_name) - set(known))
    if unknown:
        raise ArchiveError(
            f"the archive has tables this Tarjama does not know ({', '.join(unknown)}): "
            "it was made by a newer version; upgrade this installation first"
        )
    report = ImportReport(schema_revision=manifest.get("schema_revision", ""))
    with tarfile.open(path, "r:*") as tar, engine.begin() as connection:
        filled = non_empty_tables(connection)
        if filled:
            listing = ", ".join(f"{name}: {count} rows" for name, count in filled.items())
            raise ArchiveError(f"the target database is not empty ({listing}); import only into an empty database")
        for table in known.values():
            if table.name in by_name:
                try:
                    _import_table(connection, tar, table, by_name[table.name], manifest["with_secrets"], progress)
                except DBAPIError as error:
                    raise ArchiveError(
                        f"{table.name} could not be loaded, nothing was imported: {error.orig}"
                    ) from None
        report.counts = [
            TableCount(name, by_name[name]["rows"], connection.scalar(select(func.count()).select_from(known[name])))
            for name in known
            if name in by_name
        ]
        for entry in manifest.get("derived", []):
            if entry["name"] == SEARCH_TABLE:
                _import_search(connection, tar, entry, progress)
                found = search.indexed_count(connection)
                report.counts.append(TableCount(SEARCH_TABLE, entry["rows"], found))
        _reset_sequences(connection)
        wrong = [c for c in report.counts if c.expected != c.found]
        if wrong:
            raise ArchiveError(
                "verification failed, nothing was imported: "
                + ", ".join(f"{c.name} has {c.found} rows, the archive {c.expected}" for c in wrong)
            )
        if "users" in by_name:
            users = known["users"]
            report.users_without_password = list(
                connection.scalars(select(users.c.username).where(users.c.password_hash == UNUSABLE_PASSWORD))
            )
    return report


def _lines(tar: tarfile.TarFile, entry: dict) -> Iterator[dict]:
    member = tar.extractfile(entry["file"])
    if member is None:
        raise ArchiveError(f"the archive has no {entry['file']}")
    for line in io.TextIOWrapper(member, encoding="utf-8"):
        if line.strip():
            yield json.loads(line)


def _import_table(connection: Connection, tar: tarfile.TarFile, table: Table, entry: dict, secrets: bool, progress):
    encodings = {column["name"]: column["encoding"] for column in entry["columns"]}
    missing = sorted(set(encodings) - set(table.columns.keys()))
    if missing:
        raise ArchiveError(f"{table.name} in the archive has columns this Tarjama lacks: {', '.join(missing)}")
    fill = {} if secrets else {k: v for k, v in (SECRETS.get(table.name) or {}).items() if k not in encodings}
    total, done, batch = entry["rows"], 0, []
    for record in _lines(tar, entry):
        batch.append({**fill, **{name: _decode(value, encodings[name]) for name, value in record.items()}})
        if len(batch) >= BATCH:
            done += _insert(connection, table, batch)
            batch = []
            if progress:
                progress(table.name, done, total)
    done += _insert(connection, table, batch)
    if progress:
        progress(table.name, done, total)


def _insert(connection: Connection, table: Table, batch: list[dict]) -> int:
    if batch:
        connection.execute(table.insert(), batch)
    return len(batch)


def _import_search(connection: Connection, tar: tarfile.TarFile, entry: dict, progress) -> None:
    from sqlalchemy.orm import Session

    session = Session(bind=connection)
    for done, record in enumerate(_lines(tar, entry), start=1):
        search.index_page(session, record["page_id"], record["locale"], record["title"], record["body"])
        if progress and (done % BATCH == 0 or done == entry["rows"]):
            progress(SEARCH_TABLE, done, entry["rows"])
    session.flush()


def _reset_sequences(connection: Connection) -> None:
    """PostgreSQL: ids were inserted as they were, so move each id sequence past the largest."""
    if connection.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, sqltypes.Integer):
            continue
        name, column = table.name, key[0].name
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', '{column}'), "
                f"COALESCE((SELECT MAX({column}) FROM {name}), 1), "
                f"(SELECT MAX({column}) FROM {name}) IS NOT NULL) "
                f"WHERE pg_get_serial_sequence('{name}', '{column}') IS NOT NULL"
            )
        )
