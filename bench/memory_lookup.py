"""Near-match lookup in a translation memory of 1,000,000 segments: SQLite and PostgreSQL, interleaved.

    .venv/bin/python bench/memory_lookup.py --pg postgresql+psycopg://postgres@127.0.0.1:55432/tarjama_bench

Fills each database once (kept under --data, default /work/benchdata/memory, and in the given
PostgreSQL database) with English-like sentences from a word-bigram model of the Debian
documentation on this machine, then looks up queries that are near variants of stored sentences
(one or two words changed: hits) and new sentences (misses), alternating SQLite and PostgreSQL
query by query, several rounds. Anchor: the pg_trgm similarity operator (`%` with a GIN index at
0.75, what Weblate uses) on the same PostgreSQL table, and an exact lookup for a 40-segment post.
Target: p99 < 50 ms for the near-match lookup.
"""

from __future__ import annotations

import argparse
import collections
import gc
import gzip
import random
import re
import statistics
import time
from pathlib import Path

from sqlalchemy import func, select, text

from service import memory, memory_index
from service.db import make_engine, make_session_factory
from service.migrate import upgrade
from service.models import MemoryEntry, utcnow
from service.settings import Settings


def corpus(path: Path, count: int, seed: int = 1) -> list[str]:
    """`count` sentences from a word-bigram model of the English text under /usr/share/doc (cached)."""
    if path.exists():
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) >= count:
            return lines[:count]
    texts = []
    for doc in [*Path("/usr/share/doc").rglob("*"), *Path("/usr/share/common-licenses").rglob("*")]:
        try:
            if doc.is_file() and doc.stat().st_size < 2_000_000:
                if doc.suffix == ".gz":
                    with gzip.open(doc) as handle:
                        data = handle.read()
                else:
                    data = doc.read_bytes()
                texts.append(data.decode("utf-8", "ignore"))
        except (OSError, EOFError, gzip.BadGzipFile):
            continue
    words = re.findall(r"[A-Za-z][a-z]+(?:'[a-z]+)?|[0-9]+|[.,]", "\n".join(texts))
    chain: dict[str, list[str]] = collections.defaultdict(list)
    for first, second in zip(words, words[1:], strict=False):
        chain[first].append(second)
    starts = [w for w in chain["."] if w[0].isupper()]
    rng = random.Random(seed)
    sentences = set()
    while len(sentences) < count:
        word = rng.choice(starts)
        out, length = [word], rng.randint(6, 35)
        while len(out) < length:
            word = rng.choice(chain.get(word) or starts)
            if word == ".":
                if len(out) >= 6:
                    break
                word = rng.choice(starts)
            out.append(word)
        sentences.add(" ".join(out).replace(" ,", ",").strip(", ") + ".")
    lines = sorted(sentences)
    random.Random(seed).shuffle(lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def fill(engine, sessions, sources: list[str], label: str) -> None:
    """Bulk-load the sentences as approved pairs with their index rows, as memory.store would write them.

    (memory.store is the path approvals and TMX imports take; it is too slow to load a million
    rows here, so the same rows are computed with the same functions and written in bulk.)
    """
    with sessions() as session:
        if (session.scalar(select(func.count()).select_from(MemoryEntry)) or 0) >= len(sources):
            return
        session.execute(text("DELETE FROM memory_prefix_tokens"))
        session.execute(text("DELETE FROM memory_entries"))
        version = memory_index.rebuild_stop_list(session, "en", sources[: memory_index.SAMPLE], coming=len(sources))
        session.commit()
        stop = memory_index.stop_list(session, "en")[1]
    started, now = time.perf_counter(), utcnow()
    for start in range(0, len(sources), 50_000):
        entries, prefixes = [], []
        for number, source in enumerate(sources[start : start + 50_000], start + 1):
            pair = memory.canonical(source)
            entries.append((number, "en", "es", pair.key, pair.text, f"es: {source}", "bench", now, version))
            ordered = memory_index._ordered(memory_index.tokens(pair.text), stop)
            size = len(ordered)
            keep = size - memory_index._at_least(size) + 1
            prefixes += [("en", "es", token, size, number, i) for i, token in enumerate(ordered[:keep])]
        with engine.begin() as connection:
            raw = connection.connection.dbapi_connection
            cursor = raw.cursor()
            mark = "?" if engine.dialect.name == "sqlite" else "%s"
            cursor.executemany(
                "INSERT INTO memory_entries (id, source_locale, target_locale, source_key, source_text, target_text, "
                f"approved_by_name, approved_at, index_version) VALUES ({', '.join([mark] * 9)})",
                entries,
            )
            cursor.executemany(
                "INSERT INTO memory_prefix_tokens (source_locale, target_locale, token, size, entry_id, position) "
                f"VALUES ({', '.join([mark] * 6)})",
                prefixes,
            )
        print(f"  {label}: {start + len(entries):,} entries ({time.perf_counter() - started:.0f} s)", flush=True)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("SELECT setval('memory_entries_id_seq', (SELECT max(id) FROM memory_entries))"))
            connection.execute(text("ANALYZE memory_entries"))
            connection.execute(text("ANALYZE memory_prefix_tokens"))


def variant(rng: random.Random, sentence: str, vocabulary: list[str]) -> str:
    words = sentence.rstrip(".").split()
    for _ in range(max(1, len(words) // 10)):
        index = rng.randrange(len(words))
        if rng.random() < 0.3 and len(words) > 6:
            del words[index]
        else:
            words[index] = rng.choice(vocabulary)
    return " ".join(words) + "."


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def row(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"| {name:<42} | {len(ms):>5} | {percentile(ms, 50):>8.1f} | {percentile(ms, 99):>8.1f} | "
        f"{max(ms):>8.1f} | {statistics.pstdev(ms):>7.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200, help="half near variants, half new sentences")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data", type=Path, default=Path("/work/benchdata/memory"))
    parser.add_argument("--pg", help="PostgreSQL URL of a database the benchmark may fill (skipped if absent)")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    sentences = corpus(args.data / f"corpus-{args.entries + args.queries}.txt", args.entries + args.queries)
    stored, fresh = sentences[: args.entries], sentences[args.entries :]
    databases = {"sqlite": f"sqlite:///{args.data / f'memory-{args.entries}.db'}"}
    if args.pg:
        databases["postgresql"] = args.pg
    factories = {}
    for name, url in databases.items():
        settings = Settings(database_url=url, data_dir=args.data)
        upgrade(settings)
        engine = make_engine(settings)
        factories[name] = make_session_factory(engine)
        fill(engine, factories[name], stored, name)

    rng = random.Random(5)
    vocabulary = sorted({w for s in stored[:20_000] for w in s.rstrip(".").split()})
    half = args.queries // 2
    queries = [("hit", variant(rng, rng.choice(stored), vocabulary)) for _ in range(half)]
    queries += [("miss", sentence) for sentence in fresh[: args.queries - half]]
    # A web worker does not hold a million-sentence corpus: drop it, so that the garbage
    # collector's full passes time the lookup's own objects, not this script's data.
    del sentences, stored, fresh, vocabulary
    gc.collect()
    timings: dict[str, list[float]] = collections.defaultdict(list)
    found = collections.Counter()
    sessions = {name: factory() for name, factory in factories.items()}
    for session in sessions.values():  # warm the caches once
        memory_index.near_matches(session, "en", "es", queries[0][1])
    order = list(sessions)
    for round_number in range(args.rounds):
        for kind, query in queries:
            for name in order if round_number % 2 == 0 else order[::-1]:
                started = time.perf_counter()
                matches = memory_index.near_matches(sessions[name], "en", "es", query)
                timings[f"{name} near match"].append(time.perf_counter() - started)
                timings[f"{name} near match, {kind}"].append(timings[f"{name} near match"][-1])
                found[(name, kind)] += bool(matches)
            order = order[::-1]
    post = [s for _, s in queries[:40]]
    for _ in range(args.rounds * 5):
        for name, session in sessions.items():
            started = time.perf_counter()
            memory.exact_matches(session, "en", "es", post)
            timings[f"{name} exact, 40-segment post"].append(time.perf_counter() - started)
    if "postgresql" in sessions:
        anchor(sessions["postgresql"], queries[:50], timings)

    print(f"\nmemory of {args.entries:,} segments, {len(queries)} queries x {args.rounds} rounds, interleaved")
    print("| lookup                                     |     n | p50 (ms) | p99 (ms) | max (ms) |  sd ms |")
    print("|--------------------------------------------|-------|----------|----------|----------|--------|")
    for name in sorted(timings):
        print(row(name, timings[name]))
    for (name, kind), count in sorted(found.items()):
        print(
            f"{name}: {count / args.rounds:.0f} of {half if kind == 'hit' else len(queries) - half} {kind} queries found a match >= 75%"
        )


def anchor(session, queries: list[tuple[str, str]], timings: dict[str, list[float]]) -> None:
    """pg_trgm `%` at 0.75 over a GIN index on the same sources: the usual way, for comparison."""
    try:
        session.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        session.execute(
            text("CREATE INDEX IF NOT EXISTS bench_memory_trgm ON memory_entries USING gin (source_text gin_trgm_ops)")
        )
        session.commit()
    except Exception as error:  # noqa: BLE001 - the anchor is optional
        session.rollback()
        print(f"(no pg_trgm anchor: {error})")
        return
    session.execute(text("SET pg_trgm.similarity_threshold = 0.75"))
    for _kind, query in queries:
        started = time.perf_counter()
        session.execute(
            text(
                "SELECT id FROM memory_entries WHERE source_text % :q ORDER BY similarity(source_text, :q) DESC LIMIT 3"
            ),
            {"q": query},
        ).all()
        timings["postgresql pg_trgm % (anchor)"].append(time.perf_counter() - started)


if __name__ == "__main__":
    main()
