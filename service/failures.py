"""Why a translation failed, as a sentence an editor can act on (the detail is for admins).

Drafting keeps the error as "<ExceptionClass>: <message>" (workers/drafting.py). The class
says what kind of failure it was: `MissingModel` (nothing installed for the pair: an admin
installs a model) or anything else (the engine broke: retry, an admin reads the detail).
"""

from __future__ import annotations

from service.errors import N_

NO_MODEL = N_("No %(language)s translation model is installed. An administrator can install one on the Models page.")
ENGINE_BROKE = N_(
    "Machine translation into %(language)s did not work this time. Try again; if it fails again, "
    "an administrator can see why."
)
MISSING_MARKERS = ("MissingModel:", "EngineError: no Argos package installed", "EngineError: Apertium has no")


def reason(error: str | None) -> str:
    """'no_model' or 'engine' (or '' when there is no error)."""
    if not error:
        return ""
    return "no_model" if error.startswith(MISSING_MARKERS) else "engine"


def sentence(error: str | None) -> str:
    """The English template of the sentence for editors; `%(language)s` is the target language."""
    return NO_MODEL if reason(error) == "no_model" else ENGINE_BROKE
