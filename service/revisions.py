"""Aligning a new revision with the previous one: what a correction changed, segment by segment.

Segments are matched in three passes, as a person comparing two versions would:
1. the same text in the same order (the longest common run of source hashes),
2. the same text moved elsewhere (any unmatched earlier segment with the same hash),
3. edited text: an unmatched earlier segment, in the same stretch of the post, whose words are
   mostly the same (similarity >= EDITED).
Whatever is left is new. Same and moved segments keep their translation (text, origin, the
translator's edits); edited and new ones are drafted again, an edited one showing its old source.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from sqlalchemy.orm import Session

from service.models import Revision, TranslatedSegment, Translation

EDITED = 0.5  # below this the segments share too little: treat the new one as new
_WORDS = re.compile(r"</?g\d+>|<x\d+/>|\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Match:
    kind: str  # "same", "moved", "edited" or "new"
    previous: int | None  # index of the matched segment in the previous revision


@dataclass(frozen=True)
class Source:
    """What alignment needs of a segment: its hash and its text."""

    hash: str
    text: str


def align(previous: list[Source], current: list[Source]) -> list[Match]:
    """One Match per segment of `current`, each previous segment matched at most once."""
    found: dict[int, Match] = {}
    used: set[int] = set()
    matcher = SequenceMatcher(None, [s.hash for s in previous], [s.hash for s in current], autojunk=False)
    opcodes = matcher.get_opcodes()
    for tag, i1, i2, j1, _j2 in opcodes:
        if tag == "equal":
            for offset in range(i2 - i1):
                found[j1 + offset] = Match("same", i1 + offset)
                used.add(i1 + offset)
    by_hash: dict[str, list[int]] = defaultdict(list)
    for index, segment in enumerate(previous):
        if index not in used:
            by_hash[segment.hash].append(index)
    for index, segment in enumerate(current):
        if index not in found and by_hash.get(segment.hash):
            earlier = by_hash[segment.hash].pop(0)
            found[index] = Match("moved", earlier)
            used.add(earlier)
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "replace":
            _pair_edited(previous, current, range(i1, i2), range(j1, j2), found, used)
    return [found.get(index, Match("new", None)) for index in range(len(current))]


def _pair_edited(
    previous: list[Source], current: list[Source], old: range, new: range, found: dict[int, Match], used: set[int]
) -> None:
    """Within one replaced stretch, pair each new segment with its most similar unmatched old one."""
    for j in new:
        if j in found:
            continue
        best, best_ratio = None, EDITED
        for i in old:
            if i in used:
                continue
            ratio = similarity(previous[i].text, current[j].text)
            if ratio >= best_ratio:
                best, best_ratio = i, ratio
        if best is not None:
            found[j] = Match("edited", best)
            used.add(best)


def similarity(old: str, new: str) -> float:
    return SequenceMatcher(None, _WORDS.findall(old), _WORDS.findall(new), autojunk=False).ratio()


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level difference of a source before and after an edit: ("same" | "removed" | "added", text)."""
    before, after = _WORDS.findall(old), _WORDS.findall(new)
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            ops.append(("removed", "".join(before[i1:i2])))
        if j2 > j1:
            ops.append(("added", "".join(after[j1:j2])))
    return ops


@dataclass
class Carried:
    """A translation's drafts planned against a new revision: what is kept, what was edited."""

    kept: dict[int, TranslatedSegment]  # index in the new revision -> the earlier draft it keeps
    previous_source: dict[int, str]  # index -> the source an edited segment had before


def carry_over(session: Session, translation: Translation) -> Carried:
    """Match the revision being translated with the one the current draft rows translate."""
    carried = Carried({}, {})
    if translation.drafted_revision_id in (None, translation.revision_id):
        return carried
    earlier = session.get(Revision, translation.drafted_revision_id)
    if earlier is None:
        return carried
    drafts = {segment.position: segment for segment in translation.segments}
    before = earlier.segments
    now = translation.revision.segments
    matches = align(
        [Source(s.source_hash, s.source_text) for s in before], [Source(s.source_hash, s.source_text) for s in now]
    )
    for index, match in enumerate(matches):
        if match.previous is None:
            continue
        if match.kind == "edited":
            carried.previous_source[index] = before[match.previous].source_text
            continue
        draft = drafts.get(before[match.previous].position)
        if draft is not None and draft.text.strip():
            carried.kept[index] = draft
    return carried
