"""Translation memory: approved segment pairs, reused when the same source comes again.

Stored when a translation is approved (`store_approved`, newest approval of a source wins);
used when a post is drafted (`exact_matches`: those segments are filled from memory and never
sent to MT) and in the editor (near matches, `service/memory_index.py`).

Sources match after normalising what does not change a translator's work: whitespace,
typographic quotes, and placeholder numbers (a link is `<g1>` in one paragraph and `<g3>` in
another). Texts are stored with placeholders numbered by position and renumbered to the
segment's own placeholders when reused, so the real tags of the new post come back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from service import memory_index, revisions
from service.errors import N_, Forbidden, NotFound
from service.memory_index import QUOTES
from service.models import MemoryEntry, Role, TranslatedSegment, Translation, User, utcnow
from service.segments import PLACEHOLDER, normalise, repair_placeholders

CHUNK = 500


@dataclass(frozen=True)
class Canonical:
    """A text with placeholders renumbered by position, and how its own numbers map to them."""

    text: str
    mapping: dict[str, str]

    @property
    def key(self) -> str:
        return hashlib.sha256(self.text.translate(QUOTES).encode("utf-8")).hexdigest()


def canonical(text: str) -> Canonical:
    mapping: dict[str, str] = {}
    for match in PLACEHOLDER.finditer(text):
        key = _key(match)
        if key not in mapping:
            mapping[key] = f"{key[0]}{len(mapping) + 1}"
    return Canonical(renumber(normalise(text), mapping), mapping)


def _key(match) -> str:
    _closing, g_number, x_number = match.groups()
    return f"x{x_number}" if x_number else f"g{g_number}"


def renumber(text: str, mapping: dict[str, str]) -> str:
    """Rename placeholders by `mapping`; placeholders it does not know are dropped."""

    def swap(match) -> str:
        new = mapping.get(_key(match))
        if new is None:
            return ""
        return f"<{new}/>" if match.group(3) else f"<{match.group(1)}{new}>"

    return normalise(PLACEHOLDER.sub(swap, text))


def adapt(target_text: str, segment_source: str) -> str:
    """A stored translation with the placeholders of the segment it is reused for."""
    inverse = {canon: own for own, canon in canonical(segment_source).mapping.items()}
    text, _moved = repair_placeholders(renumber(target_text, inverse), segment_source)
    return text


def store_approved(session: Session, translation: Translation, user: User) -> int:
    """Remember every segment pair of an approved translation; returns how many were stored."""
    sources = {s.position: s.source_text for s in translation.revision.segments}
    approved_at = utcnow().replace(microsecond=0)
    rows: dict[str, dict] = {}
    for draft in translation.segments:
        source = sources.get(draft.position)
        if source is None or not draft.text.strip():
            continue
        pair = canonical(source)
        rows[pair.key] = {
            "source_key": pair.key,
            "source_text": pair.text,
            "target_text": renumber(draft.text, pair.mapping),
            "post_id": translation.post_id,
        }
    return store(
        session,
        translation.post.source_locale,
        translation.locale,
        list(rows.values()),
        approved_at=approved_at,
        approved_by=user,
    )


def store(
    session: Session,
    source_locale: str,
    target_locale: str,
    rows: list[dict],
    approved_at: datetime,
    approved_by: User | None = None,
    approved_by_name: str | None = None,
) -> int:
    """Insert or update entries (each row: source_key, source_text, target_text, post_id).

    One conditional upsert: an entry is replaced only by an approval at least as new as its
    own, so two translators approving the same sentence at once leave the later one.
    """
    common = {
        "source_locale": source_locale,
        "target_locale": target_locale,
        "approved_by_id": approved_by.id if approved_by else None,
        "approved_by_name": approved_by.username if approved_by else (approved_by_name or ""),
        "approved_at": approved_at,
        "index_version": 0,
    }
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    for start in range(0, len(rows), CHUNK):
        chunk = [{**common, "post_id": None, **row} for row in rows[start : start + CHUNK]]
        statement = insert(MemoryEntry).values(chunk)
        replaced = ("source_text", "target_text", "post_id", "approved_by_id", "approved_by_name", "approved_at")
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["source_locale", "target_locale", "source_key"],
                set_={name: statement.excluded[name] for name in replaced},
                where=statement.excluded.approved_at >= MemoryEntry.approved_at,
            )
        )
        memory_index.index_keys(session, source_locale, target_locale, [row["source_key"] for row in chunk])
    return len(rows)


def exact_matches(session: Session, source_locale: str, target_locale: str, sources: list[str]) -> dict[int, str]:
    """For each source (by index) that memory holds, its stored translation, placeholders adapted."""
    pairs = [canonical(text) for text in sources]
    wanted = {pair.key for pair in pairs}
    found: dict[str, str] = {}
    keys = sorted(wanted)
    for start in range(0, len(keys), CHUNK):
        found.update(
            session.execute(
                select(MemoryEntry.source_key, MemoryEntry.target_text).where(
                    MemoryEntry.source_locale == source_locale,
                    MemoryEntry.target_locale == target_locale,
                    MemoryEntry.source_key.in_(keys[start : start + CHUNK]),
                )
            ).all()
        )
    return {index: adapt(found[pair.key], sources[index]) for index, pair in enumerate(pairs) if pair.key in found}


def search(session: Session, source_locale: str, target_locale: str, query: str, limit: int = 50) -> list[MemoryEntry]:
    """Entries whose source or translation contains the words typed, newest first (a concordance)."""
    words = normalise(query).split()[:8]
    if not words:
        return []
    statement = select(MemoryEntry).where(
        MemoryEntry.source_locale == source_locale, MemoryEntry.target_locale == target_locale
    )
    for word in words:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(
            or_(
                MemoryEntry.source_text.ilike(pattern, escape="\\"), MemoryEntry.target_text.ilike(pattern, escape="\\")
            )
        )
    return list(session.scalars(statement.order_by(MemoryEntry.approved_at.desc(), MemoryEntry.id.desc()).limit(limit)))


def delete_entry(session: Session, entry_id: int, user: User) -> MemoryEntry:
    """Admins remove a bad entry; it is never offered or reused again (unless approved anew)."""
    if user.role != Role.admin:
        raise Forbidden(N_("only admins can delete memory entries"))
    entry = session.get(MemoryEntry, entry_id)
    if entry is None:
        raise NotFound(N_("memory entry %(id)d does not exist"), params={"id": entry_id})
    memory_index.unindex(session, [entry.id])
    session.delete(entry)
    return entry


def from_memory(session: Session, translation_ids: list[int]) -> dict[int, int]:
    """How many segments of each translation hold a translation taken from memory."""
    if not translation_ids:
        return {}
    rows = session.execute(
        select(TranslatedSegment.translation_id, func.count())
        .where(TranslatedSegment.translation_id.in_(translation_ids), TranslatedSegment.origin == "tm")
        .group_by(TranslatedSegment.translation_id)
    )
    return dict(rows.all())


def drafting_summary(remembered: int, machine: int, engine: str, seconds: float) -> tuple[str, dict]:
    """The drafting event: English for the API and logs, figures for the UI to word per language."""
    figures = {"memory": remembered, "machine": machine, "engine": engine, "seconds": round(seconds, 2)}
    if not remembered:
        return f"{machine} segments machine-translated by {engine} in one batch call ({seconds:.2f} s)", figures
    if not machine:
        return f"{remembered} from memory, none machine-translated", figures
    return (
        f"{remembered} from memory, {machine} machine-translated by {engine} in one batch call ({seconds:.2f} s)",
        figures,
    )


@dataclass
class Suggestion:
    """A near match offered for one segment: the stored pair, its score, how the sources differ."""

    entry: MemoryEntry
    score: int
    target: str  # the stored translation with this segment's placeholders
    diff: list[tuple[str, str]]


def suggestions(session: Session, translation: Translation, limit: int = 3) -> dict[int, list[Suggestion]]:
    """Near matches for every segment not already filled from memory, by position."""
    drafts = {s.position: s for s in translation.segments}
    found = {}
    for source in translation.revision.segments:
        draft = drafts.get(source.position)
        if draft is not None and draft.origin == "tm":
            continue
        matches = memory_index.near_matches(
            session, translation.post.source_locale, translation.locale, source.source_text, limit
        )
        if matches:
            found[source.position] = [
                Suggestion(
                    m.entry,
                    m.score,
                    adapt(m.entry.target_text, source.source_text),
                    source_diff(canonical(source.source_text).text, m.entry.source_text),
                )
                for m in matches
            ]
    return found


_AS_MEMORY_SEES_IT = {"same": "same", "removed": "memory", "added": "this"}


def source_diff(current: str, remembered: str) -> list[tuple[str, str]]:
    """Word-level difference of two sources: ("same" | "memory" only | "this" segment only, text).

    The editor's revision difference, read from the remembered source to this one."""
    return [(_AS_MEMORY_SEES_IT[op], text) for op, text in revisions.word_diff(remembered, current)]
