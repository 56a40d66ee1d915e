"""The glossary: per language pair, terms with a fixed translation and names kept as they are.

Engines translate a surname that is also a word ("Meta" -> "But") and render an organisation
their own way ("US" -> "EE.UU." in French). A glossary entry overrides the engine: its matches
become protected spans (service/protect.py) and come back as the entry's target form, and QA
checks that form is in the draft. Matching is case-aware (the entry "Meta" does not match the
word "meta"; a lower-case entry also matches its capitalised form at the start of a sentence)
and covers plurals and possessives of the source term ("lawmakers", "Meta's", "the Joneses'").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import N_, Conflict, Forbidden, InvalidInput, NotFound
from service.models import GlossaryEntry, Role, User, utcnow
from service.spans import Found

ANY_TARGET = "*"
GENDERS = ("", "m", "f", "mp", "fp")
TERM, NAME = "term", "name"  # span kinds: a fixed translation, a name kept as it is
MAX_TERM = 200


@dataclass(frozen=True)
class Term:
    """One entry as the drafting pipeline uses it (plain data, no session needed)."""

    source: str
    target: str
    keep: bool = False
    gender: str = ""


@dataclass(frozen=True)
class Match:
    term: Term
    plural: bool = False


def terms_for(session: Session, source_locale: str, target_locale: str) -> list[Term]:
    """The entries that apply to a pair; an entry for this target wins over an all-targets one."""
    rows = session.scalars(
        select(GlossaryEntry).where(
            GlossaryEntry.source_locale == source_locale,
            GlossaryEntry.target_locale.in_([target_locale, ANY_TARGET]),
        )
    )
    return choose(list(rows), target_locale)


def choose(rows: list[GlossaryEntry], target_locale: str) -> list[Term]:
    """One term per source term: the entry for this target language wins over an all-targets one."""
    chosen: dict[str, GlossaryEntry] = {}
    for row in rows:
        if row.target_locale not in (target_locale, ANY_TARGET):
            continue
        if row.source_term not in chosen or row.target_locale != ANY_TARGET:
            chosen[row.source_term] = row
    return [Term(r.source_term, r.target_term, r.keep, r.gender) for r in chosen.values()]


# --- matching -------------------------------------------------------------------------------


def find(text: str, terms: list[Term]) -> list[Found]:
    """Glossary matches in `text`, longest entries first, never overlapping."""
    found: list[Found] = []
    for term in sorted(terms, key=lambda t: len(t.source), reverse=True):
        for match in _pattern(term.source, term.keep).finditer(text):
            if any(match.start() < f.end and f.start < match.end() for f in found):
                continue
            plural = bool(match.groupdict().get("plural"))
            kind = NAME if term.keep else TERM
            found.append(Found(match.start(), match.end(), kind, match.group(0), Match(term, plural)))
    return sorted(found, key=lambda f: f.start)


_PATTERNS: dict[tuple[str, bool], re.Pattern[str]] = {}


def _pattern(source: str, keep: bool) -> re.Pattern[str]:
    """`lawmaker` matches Lawmaker/lawmakers; the name `Meta` matches Meta/META (and Meta's) but not meta."""
    key = (source, keep)
    if key not in _PATTERNS:
        cased = _cased(source)
        *head, last = source.split()
        if keep or not last[-1:].isalpha():
            tail = re.escape(last)
        elif last.endswith("y") and len(last) > 2 and last[-2] not in "aeiou":
            tail = re.escape(last[:-1]) + "(?:y|(?P<plural>ies))"
        else:
            tail = re.escape(last) + "(?P<plural>s|es)?"
        words = [re.escape(word) for word in head] + [tail]
        if not cased:  # "prime minister" also matches "Prime minister" and "Prime Minister"
            words = [f"[{w[0]}{w[0].upper()}]{w[1:]}" if w[:1].isalpha() else w for w in words]
        body = r"\s+".join(words)
        if cased and source.upper() != source:
            body = f"(?:{body}|{re.escape(source.upper())})"
        if re.fullmatch(r"[A-Z]{2,5}", source):  # the entry "US" also matches "U.S."
            body = f"(?:{body}|{re.escape('.'.join(source))}\\.?)"
        _PATTERNS[key] = re.compile(rf"(?<![\w-]){body}(?![\w]|-\w)")
    return _PATTERNS[key]


def _cased(source: str) -> bool:
    return any(c.isupper() for c in source)


def target_form(match: Match, locale: str) -> str:
    """The entry's target, in the plural when the source matched a plural of a common noun."""
    term = match.term
    if term.keep or not match.plural or _cased(term.target) or " " in term.target:
        return term.target
    return plural(term.target, locale)


def plural(word: str, locale: str) -> str:
    """Regular plurals of Spanish and French nouns (an irregular one belongs in its own entry)."""
    language = locale.split("_")[0]
    if language == "es":
        if word.endswith("z"):
            return word[:-1] + "ces"
        return word + ("s" if word[-1:] in "aeiouáéó" else "es")
    if language == "fr":
        if word.endswith(("s", "x", "z")):
            return word
        if word.endswith("al"):
            return word[:-2] + "aux"
        return word + ("x" if word.endswith(("eau", "eu")) else "s")
    return word


# --- managing entries -------------------------------------------------------------------------


def require_editor(user: User | None) -> None:
    """Editors and admins manage the glossary; `None` is the command line, run by the operator."""
    if user is not None and user.role not in (Role.editor, Role.admin):
        raise Forbidden(N_("only editors and admins can change the glossary"))


def _clean(value: object, field: str, required: bool = True) -> str:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if required and not text:
        raise InvalidInput(N_("%(field)s is required"), field=field, params={"field": field})
    if len(text) > MAX_TERM:
        raise InvalidInput(
            N_("%(field)s must be at most %(n)d characters"), field=field, params={"field": field, "n": MAX_TERM}
        )
    return text


def validate(data: dict, locales: tuple[str, ...], source_default: str) -> dict:
    """A form, API body or import row, checked and normalised; errors name the field."""
    source_locale = _clean(data.get("source_locale") or source_default, "source_locale")
    target_locale = _clean(data.get("target_locale") or ANY_TARGET, "target_locale")
    if source_locale not in locales:
        raise InvalidInput(N_("unknown language %(locale)s"), field="source_locale", params={"locale": source_locale})
    if target_locale != ANY_TARGET and (target_locale not in locales or target_locale == source_locale):
        raise InvalidInput(N_("unknown language %(locale)s"), field="target_locale", params={"locale": target_locale})
    keep = data.get("keep") in (True, "1", "true", "yes", "on", "keep")
    source_term = _clean(data.get("source_term"), "source_term")
    target_term = source_term if keep else _clean(data.get("target_term"), "target_term")
    gender = data.get("gender") or ""
    if gender not in GENDERS:
        raise InvalidInput(N_("gender must be one of m, f, mp, fp"), field="gender")
    if not keep and target_locale == ANY_TARGET:
        raise InvalidInput(N_("a translated term needs a target language"), field="target_locale")
    return {
        "source_locale": source_locale,
        "target_locale": target_locale,
        "source_term": source_term,
        "target_term": target_term,
        "keep": keep,
        "gender": gender,
        "note": _clean(data.get("note", ""), "note", required=False),
    }


def save(
    session: Session, user: User | None, data: dict, locales: tuple[str, ...], source_default: str
) -> GlossaryEntry:
    """Add an entry, or update the one with the same pair and source term (an import re-run)."""
    require_editor(user)
    values = validate(data, locales, source_default)
    entry = session.scalar(
        select(GlossaryEntry).where(
            GlossaryEntry.source_locale == values["source_locale"],
            GlossaryEntry.target_locale == values["target_locale"],
            GlossaryEntry.source_term == values["source_term"],
        )
    )
    if entry is None:
        entry = GlossaryEntry(created_by_id=user.id if user else None, **values)
        session.add(entry)
    else:
        for key, value in values.items():
            setattr(entry, key, value)
    entry.updated_at = utcnow()
    session.flush()
    return entry


def update(session: Session, user: User, entry_id: int, data: dict, locales: tuple[str, ...]) -> GlossaryEntry:
    require_editor(user)
    entry = get(session, entry_id)
    values = validate(data, locales, entry.source_locale)
    clash = session.scalar(
        select(GlossaryEntry).where(
            GlossaryEntry.source_locale == values["source_locale"],
            GlossaryEntry.target_locale == values["target_locale"],
            GlossaryEntry.source_term == values["source_term"],
            GlossaryEntry.id != entry.id,
        )
    )
    if clash is not None:
        raise Conflict(N_("the glossary already has %(term)s for this pair"), params={"term": values["source_term"]})
    for key, value in values.items():
        setattr(entry, key, value)
    entry.updated_at = utcnow()
    session.flush()
    return entry


def delete(session: Session, user: User, entry_id: int) -> None:
    require_editor(user)
    session.delete(get(session, entry_id))
    session.flush()


def get(session: Session, entry_id: int) -> GlossaryEntry:
    entry = session.get(GlossaryEntry, entry_id)
    if entry is None:
        raise NotFound(N_("glossary entry %(n)d does not exist"), params={"n": entry_id})
    return entry


def entries(session: Session, target_locale: str | None = None, query: str = "") -> list[GlossaryEntry]:
    statement = select(GlossaryEntry).order_by(GlossaryEntry.source_term, GlossaryEntry.target_locale)
    if target_locale:
        statement = statement.where(GlossaryEntry.target_locale == target_locale)
    rows = list(session.scalars(statement))
    if query:
        needle = query.casefold()
        rows = [r for r in rows if needle in r.source_term.casefold() or needle in r.target_term.casefold()]
    return rows
