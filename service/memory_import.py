"""The TMX import job: check the whole file, learn its common words, then store it in batches.

A file that is not well-formed TMX is refused before anything is stored. Units are then stored
in batches of a few thousand, each committed, so a big import never blocks approvals for long
(running the same import again is harmless: entries are keyed by their source).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session, sessionmaker

from service import memory_index, tmx
from service.db import session_scope
from service.models import utcnow
from service.settings import Settings
from service.tmx import TmxError

__all__ = ["TmxError", "import_tmx"]
BATCH = 2000
SHOWN_SKIPS = 20


@dataclass
class ImportReport:
    imported: Counter = field(default_factory=Counter)
    skipped: list[tmx.Skip] = field(default_factory=list)

    def __str__(self) -> str:
        pairs = ", ".join(f"{s}->{t}: {n}" for (s, t), n in sorted(self.imported.items()))
        lines = [f"imported {sum(self.imported.values())} entries ({pairs or 'none'})"]
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)} units:")
            lines += [f"  unit {skip.number}: {skip.reason}" for skip in self.skipped[:SHOWN_SKIPS]]
            if len(self.skipped) > SHOWN_SKIPS:
                lines.append(f"  ... and {len(self.skipped) - SHOWN_SKIPS} more")
        return "\n".join(lines)


class _Progress:
    """Reads the file for the parser and says how far it got, every tenth."""

    def __init__(self, stream: BinaryIO, size: int, label: str, echo: Callable[[str], None]) -> None:
        self.stream, self.size, self.label, self.echo = stream, max(size, 1), label, echo
        self.done, self.shown = 0, 0

    def read(self, n: int = -1) -> bytes:
        data = self.stream.read(n)
        self.done += len(data)
        tenth = self.done * 10 // self.size
        if tenth > self.shown:
            self.shown = tenth
            self.echo(f"{self.label}: {tenth * 10}%")
        return data


def import_tmx(
    sessions: sessionmaker[Session], settings: Settings, path: Path, source: str | None, echo: Callable[[str], None]
) -> ImportReport:
    report, samples = ImportReport(), {}
    size = path.stat().st_size
    with open(path, "rb") as stream:
        for item in tmx.read(_Progress(stream, size, "checking", echo), settings.locales, source):
            if isinstance(item, tmx.Skip):
                report.skipped.append(item)
                continue
            report.imported[(item.source_locale, item.target_locale)] += 1
            sample = samples.setdefault(item.source_locale, [])
            if len(sample) < memory_index.SAMPLE:
                sample.append(item.source_text)
    coming = Counter()
    for (source_locale, _target), count in report.imported.items():
        coming[source_locale] += count
    with session_scope(sessions) as session:
        for locale in memory_index.rebuild_due(session, dict(coming)):
            memory_index.rebuild_stop_list(session, locale, samples.get(locale), coming=coming[locale])
        session.commit()
    now = utcnow().replace(microsecond=0)
    with open(path, "rb") as stream:
        batch: list[tmx.Unit] = []
        for item in tmx.read(_Progress(stream, size, "importing", echo), settings.locales, source):
            if isinstance(item, tmx.Unit):
                batch.append(item)
            if len(batch) >= BATCH:
                _store(sessions, batch, now)
                batch = []
        _store(sessions, batch, now)
    memory_index.upkeep(lambda: session_scope(sessions), echo)
    return report


def _store(sessions: sessionmaker[Session], batch: list[tmx.Unit], now) -> None:
    if not batch:
        return
    with session_scope(sessions) as session:
        tmx.import_units(session, batch, now)
        session.commit()
