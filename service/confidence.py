"""How much to trust a machine draft of one segment: the engine's own score, lowered by QA.

Reviewers have little time; the queue puts the drafts with the weakest segments first and the
editor highlights those segments. The engine's score comes from the engine itself
(`workers.mt.translate_scored`): CTranslate2's probability per token for Argos, the share of
words Apertium knew. Each QA warning then lowers it: damage a reader would see (a number, a
name, a date) halves it, a doubt (markup placed automatically, a leftover word) takes a fifth.
"""

from __future__ import annotations

from collections.abc import Iterable

from service import qa

LOW = 0.6  # below this a segment is highlighted and counted as weak
UNSCORED = 0.8  # an engine that gives no score: neither trusted nor doubted
SEVERE = qa.DAMAGE | {qa.EMPTY, qa.MARKUP_LOST, qa.ADDRESS_CHANGED, qa.UNTRANSLATED}


def score(engine_score: float | None, warnings: Iterable[str]) -> float:
    """A number from 0 to 1; three decimals are plenty to sort by."""
    value = UNSCORED if engine_score is None else min(max(engine_score, 0.0), 1.0)
    for code in warnings:
        value *= 0.5 if code in SEVERE else 0.8
    return round(value, 3)


def is_low(value: float | None) -> bool:
    return value is not None and value < LOW
