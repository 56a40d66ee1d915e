"""Near matches in translation memory: every entry at least 75% similar, fast at a million entries.

Similarity is word-level edit similarity, `1 - edits / words in the longer source`, counting
words and punctuation, case-insensitive, placeholders ignored: what translators know from CAT
tools. 100% means the same words (an exact match may still differ in markup or quotes).

The index is *prefix filtering* (Bayardo et al. 2007, "Scaling up all pairs similarity search";
Xiao et al. 2008, PPJoin). Two sources that are >= 75% similar share at least
`ceil(0.75 * longer)` words, so once each source's words are put in one global order, the first
`n - ceil(0.75 n) + 1` words of each (its *prefix*) must have a word in common. Only prefixes are
stored (about a quarter of the words), each with the entry's length and the word's position,
which bound the similarity further; a lookup reads a few short index ranges, then scores the
few hundred candidates exactly. No candidate that can reach 75% is missed, whatever the order.

The order decides the speed: the rarest words first, so that prefixes hold rare words. Words
common in a language's memory (its stop list) go last; they are learnt from a sample of the
memory and frozen, because the order must not change under stored prefixes. A rebuilt stop
list gets a new version, and entries are re-indexed in batches (`index_version`); the periodic
upkeep (workers/tasks.py) and `tarjama memory reindex` do it.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from service.models import MemoryEntry, MemoryPrefixToken, MemoryStopList, as_utc, utcnow
from service.segments import PLACEHOLDER

THRESHOLD_PERCENT = 75
CANDIDATE_CAP = 3000  # a source of only very common words may reach it; the best are kept
SAMPLE = 10_000
MIN_ENTRIES_FOR_STOP_LIST = 1_000
REBUILD_GROWTH = 4  # rebuild the stop list when the memory has grown this many times
_WORD = re.compile(r"\w+|[^\w\s]")
QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "‹": "'", "›": "'"}
    | {"“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"'}
)


@dataclass
class NearMatch:
    entry: MemoryEntry
    score: int  # percent


def tokens(text: str) -> list[str]:
    return _WORD.findall(PLACEHOLDER.sub(" ", text).translate(QUOTES).casefold())


def _labelled(words: list[str]) -> list[str]:
    """The second "the" is "the#2": sets of labelled words count repeated words right."""
    seen: Counter = Counter()
    out = []
    for word in words:
        word = word[:70]
        seen[word] += 1
        out.append(word if seen[word] == 1 else f"{word}#{seen[word]}")
    return out


def _at_least(n: int) -> int:
    """ceil(0.75 n) in integers: the words two sources must share."""
    return (3 * n + 3) // 4


def _ordered(words: list[str], stop: dict[str, int]) -> list[str]:
    return sorted(_labelled(words), key=lambda token: (stop.get(token, 0), zlib.crc32(token.encode())))


def stop_list(session: Session, source_locale: str) -> tuple[int, dict[str, int]]:
    """The current (version, common words with their sample counts); version 1 is the empty list."""
    row = session.get(MemoryStopList, source_locale)
    return (row.version, row.tokens) if row else (1, {})


def index_keys(session: Session, source_locale: str, target_locale: str, keys: list[str]) -> None:
    """Index the entries with these keys that are new, or were indexed under an older stop list."""
    version, stop = stop_list(session, source_locale)
    entries = session.execute(
        select(MemoryEntry.id, MemoryEntry.source_text).where(
            MemoryEntry.source_locale == source_locale,
            MemoryEntry.target_locale == target_locale,
            MemoryEntry.source_key.in_(keys),
            MemoryEntry.index_version != version,
        )
    ).all()
    _index(session, source_locale, target_locale, entries, version, stop)


def _index(session: Session, source_locale: str, target_locale: str, entries, version: int, stop: dict) -> None:
    if not entries:
        return
    ids = [entry_id for entry_id, _ in entries]
    unindex(session, ids)
    rows = []
    for entry_id, source_text in entries:
        ordered = _ordered(tokens(source_text), stop)
        size = len(ordered)
        rows += [
            {
                "source_locale": source_locale,
                "target_locale": target_locale,
                "token": token,
                "size": size,
                "entry_id": entry_id,
                "position": position,
            }
            for position, token in enumerate(ordered[: size - _at_least(size) + 1])
        ]
    if rows:
        session.execute(MemoryPrefixToken.__table__.insert(), rows)
    session.execute(MemoryEntry.__table__.update().where(MemoryEntry.id.in_(ids)).values(index_version=version))


def unindex(session: Session, entry_ids: list[int]) -> None:
    session.execute(delete(MemoryPrefixToken).where(MemoryPrefixToken.entry_id.in_(entry_ids)))


def near_matches(
    session: Session, source_locale: str, target_locale: str, source_text: str, limit: int = 3
) -> list[NearMatch]:
    """Entries whose source is at least 75% similar to `source_text`, best (then newest) first."""
    words = tokens(source_text)
    n = len(words)
    if n == 0:
        return []
    ordered = _ordered(words, _stop_words(session, source_locale))
    shortest, longest = _at_least(n), (4 * n) // 3
    # One index range per prefix word: a UNION of simple parts, each walking the primary key.
    params: dict[str, object] = {"s": source_locale, "t": target_locale, "lo": shortest, "n3": 3 * n}
    parts = []
    for i, token in enumerate(ordered[: n - shortest + 1]):
        params[f"k{i}"], params[f"h{i}"] = token, min(longest, 4 * (n - i) // 3)
        parts.append(
            "SELECT entry_id FROM memory_prefix_tokens WHERE source_locale = :s AND target_locale = :t "
            f"AND token = :k{i} AND size BETWEEN :lo AND :h{i} AND 4 * (size - position) >= :n3"
        )
    # The candidates' sources come back with the index lookup: one round trip, no id list.
    candidates = session.execute(
        text(
            "SELECT e.id, e.source_text, e.approved_at FROM memory_entries e JOIN ("
            + " UNION ".join(parts)
            + f" LIMIT {CANDIDATE_CAP}) c ON c.entry_id = e.id"
        ).columns(approved_at=MemoryEntry.__table__.c.approved_at.type),
        params,
    )
    ranked = []
    for entry_id, source, approved_at in candidates:
        score = _score(words, tokens(source))
        if score >= THRESHOLD_PERCENT:
            ranked.append((-score, -as_utc(approved_at).timestamp(), -entry_id))
    best = {-entry_id: -score for score, _, entry_id in sorted(ranked)[:limit]}
    if not best:
        return []
    # Only the few shown are loaded whole: a boilerplate sentence may match hundreds of entries.
    entries = {entry.id: entry for entry in session.scalars(select(MemoryEntry).where(MemoryEntry.id.in_(best)))}
    # `best` is in rank order; an entry an admin deleted meanwhile is left out, as before.
    return [NearMatch(entries[entry_id], score) for entry_id, score in best.items() if entry_id in entries]


_STOP_CACHE: dict[tuple, dict[str, int]] = {}


def _stop_words(session: Session, source_locale: str) -> dict[str, int]:
    """The stop list, decoded once per version and process (it changes a few times in a memory's life)."""
    stamp = session.execute(
        select(MemoryStopList.version, MemoryStopList.built_at).where(MemoryStopList.source_locale == source_locale)
    ).first()
    if stamp is None:
        return {}
    key = (source_locale, *stamp)
    if key not in _STOP_CACHE:
        if len(_STOP_CACHE) > 16:
            _STOP_CACHE.clear()
        _STOP_CACHE[key] = stop_list(session, source_locale)[1]
    return _STOP_CACHE[key]


def _score(words: list[str], other: list[str]) -> int:
    """Word-level edit similarity in percent; 0 when it cannot reach the threshold.

    rapidfuzz's Levenshtein (C++, bit-parallel) stops at the edit budget a 75% match allows:
    scoring a few hundred candidates costs about a millisecond instead of tens.
    """
    longer = max(len(words), len(other))
    budget = longer - _at_least(longer)
    edits = Levenshtein.distance(words, other, score_cutoff=budget)
    return int(100 * (1 - edits / longer)) if edits <= budget else 0


def rebuild_due(session: Session, extra: dict[str, int] | None = None) -> list[str]:
    """Source languages whose stop list is missing or was learnt from a much smaller memory.

    `extra` adds entries about to be imported, so that a big import learns its words first.
    """
    due = []
    counts = dict(
        session.execute(select(MemoryEntry.source_locale, func.count()).group_by(MemoryEntry.source_locale)).all()
    )
    for locale in set(counts) | set(extra or {}):
        count = counts.get(locale, 0) + (extra or {}).get(locale, 0)
        row = session.get(MemoryStopList, locale)
        if count >= MIN_ENTRIES_FOR_STOP_LIST and (row is None or count >= REBUILD_GROWTH * row.entries_at_build):
            due.append(locale)
    return sorted(due)


def rebuild_stop_list(session: Session, source_locale: str, sample: list[str] | None = None, coming: int = 0) -> int:
    """Learn the common words of a source language (from `sample` sources, or the newest entries).

    Returns the new version; the entries are then re-indexed in batches by `reindex_batch`.
    """
    if sample is None:
        sample = list(
            session.scalars(
                select(MemoryEntry.source_text)
                .where(MemoryEntry.source_locale == source_locale)
                .order_by(MemoryEntry.id.desc())
                .limit(SAMPLE)
            )
        )
    counts: Counter = Counter()
    for source in sample[:SAMPLE]:
        counts.update(set(_labelled(tokens(source))))
    floor = max(3, len(sample) // 1000)
    common = {token: count for token, count in counts.items() if count >= floor}
    entries = session.scalar(select(func.count()).where(MemoryEntry.source_locale == source_locale)) or 0
    row = session.get(MemoryStopList, source_locale)
    if row is None:
        row = MemoryStopList(source_locale=source_locale, version=1)
        session.add(row)
    row.version += 1
    row.tokens = common
    row.sample_size = len(sample[:SAMPLE])
    row.entries_at_build = entries + coming
    row.built_at = utcnow()
    session.flush()
    return row.version


def reindex_batch(session: Session, source_locale: str, batch: int = 2000) -> int:
    """Re-index up to `batch` entries still indexed under an older stop list; returns how many."""
    version, stop = stop_list(session, source_locale)
    rows = session.execute(
        select(MemoryEntry.id, MemoryEntry.target_locale, MemoryEntry.source_text)
        .where(MemoryEntry.source_locale == source_locale, MemoryEntry.index_version != version)
        .limit(batch)
    ).all()
    by_target: dict[str, list] = {}
    for entry_id, target, source_text in rows:
        by_target.setdefault(target, []).append((entry_id, source_text))
    for target, entries in by_target.items():
        _index(session, source_locale, target, entries, version, stop)
    return len(rows)


def upkeep(session_scope: Callable, progress: Callable[[str], None] = lambda _msg: None, force: bool = False) -> int:
    """Rebuild due stop lists and re-index stale entries, committing batch by batch.

    `session_scope()` gives a context-managed session; this is an outer-layer loop (the
    periodic task and the CLI call it), so it commits, a batch at a time, to keep writers free.
    """
    done = 0
    with session_scope() as session:
        due = list(session.scalars(select(MemoryEntry.source_locale).distinct())) if force else rebuild_due(session)
        for locale in due:
            rebuild_stop_list(session, locale)
            progress(f"learnt the common words of {locale}")
        session.commit()
        locales = list(session.scalars(select(MemoryEntry.source_locale).distinct()))
    for locale in locales:
        while True:
            with session_scope() as session:
                count = reindex_batch(session, locale)
                session.commit()
            done += count
            if count:
                progress(f"re-indexed {done} entries")
            else:
                break
    return done
