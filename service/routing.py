"""Which queue carries a translation, and which queues a worker serves.

One queue per engine and language pair (`translate.apertium.en-es`, `translate.argos.en-de`):
a worker drafting a long neural-MT batch never holds up a Spanish draft that Apertium does in
a second, as long as another worker serves the Apertium queues. `TARJAMA_WORKER_QUEUES` says
what a worker serves, so a machine can take only some pairs (and load only their models):

    apertium          every pair Apertium serves        argos     every pair Argos serves
    en-de             one pair (whatever its engine)     upkeep    the sweep and index upkeep
    translate.argos.en-de   one queue by its name        *         everything (the default)
"""

from __future__ import annotations

from service.settings import Settings, SettingsError

PREFIX = "translate"
ENGINES = ("apertium", "argos")
# The sweep has its own queue, so "nothing waits in the work queues" means what it says.
SWEEP_QUEUE = "tarjama.sweep"
DEFAULT_QUEUE = "celery"  # everything else (the memory index upkeep)
UPKEEP = (DEFAULT_QUEUE, SWEEP_QUEUE)


def queue_for(settings: Settings, source: str, target: str) -> str:
    """The queue of a language pair: named after its engine, so operators can tell them apart."""
    return f"{PREFIX}.{settings.engine_for(source, target)}.{source}-{target}"


def pairs(settings: Settings) -> list[tuple[str, str]]:
    """Every pair a post can ask for: a post may be written in any of the site's locales."""
    return [(source, target) for source in settings.locales for target in settings.locales if source != target]


def translation_queues(settings: Settings) -> list[str]:
    return sorted({queue_for(settings, source, target) for source, target in pairs(settings)})


def all_queues(settings: Settings) -> list[str]:
    return [*translation_queues(settings), *UPKEEP]


def worker_queues(settings: Settings) -> list[str]:
    """The queues a worker consumes, from `TARJAMA_WORKER_QUEUES` (every queue when unset)."""
    if not settings.worker_queues or "*" in settings.worker_queues:
        return all_queues(settings)
    chosen: list[str] = []
    for selector in settings.worker_queues:
        found = _select(settings, selector)
        if not found:
            raise SettingsError(
                f"TARJAMA_WORKER_QUEUES: {selector!r} names no queue; use an engine ({', '.join(ENGINES)}), "
                f"a pair such as en-de, 'upkeep', or '*'"
            )
        chosen += [name for name in found if name not in chosen]
    return chosen


def _select(settings: Settings, selector: str) -> list[str]:
    if selector == "upkeep":
        return list(UPKEEP)
    if selector in ENGINES:
        return [name for name in translation_queues(settings) if name.split(".")[1] == selector]
    source, sep, target = selector.partition("-")
    if sep and (source, target) in pairs(settings):
        return [queue_for(settings, source, target)]
    return [selector] if selector in all_queues(settings) else []
