"""Glossary files: CSV for spreadsheets, TBX (ISO 30042) for terminology tools and other CAT tools.

CSV columns: `source_term, target_locale, target_term, keep, gender, note` (plus an optional
`source_locale`); `target_locale` `*` with `keep` = yes is a name kept as it is in every language.
TBX: one concept per entry, a `langSec` (TBX v3) or `langSet` (TBX v2) per language, the gender in
`termNote type="grammaticalGender"`; a concept with no target-language term, or noted
"do-not-translate", is a name kept as it is. Import goes through `glossary.save`, so a file gets
the same checks as the web form and re-importing a file updates entries instead of duplicating them.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from sqlalchemy.orm import Session

from service import glossary
from service.errors import N_, InvalidInput
from service.models import GlossaryEntry, User

CSV_FIELDS = ["source_locale", "source_term", "target_locale", "target_term", "keep", "gender", "note"]
TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_GENDER_WORDS = {"masculine": "m", "feminine": "f"}
DO_NOT_TRANSLATE = "do-not-translate"


def read(data: bytes, filename: str) -> list[dict]:
    """Rows of a CSV or TBX file, by its name; errors say what is wrong, in the `file` field."""
    name = filename.lower()
    if name.endswith((".tbx", ".xml")):
        return read_tbx(data)
    if name.endswith((".csv", ".txt")):
        return read_csv(data)
    raise InvalidInput(N_("a glossary file must be .csv or .tbx"), field="file")


def read_csv(data: bytes) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(N_("the file is not UTF-8 text"), field="file") from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "source_term" not in reader.fieldnames:
        raise InvalidInput(N_("the CSV file needs a header row with a source_term column"), field="file")
    return [{key: (value or "").strip() for key, value in row.items() if key} for row in reader]


def read_tbx(data: bytes) -> list[dict]:
    try:
        root = ET.fromstring(data)  # noqa: S314 - expat refuses external entities and entity bombs
    except ET.ParseError as error:
        raise InvalidInput(
            N_("the TBX file is not valid XML: %(error)s"), field="file", params={"error": str(error)}
        ) from None
    source_locale = _attr_lang(root) or "en"
    rows = []
    for concept in _all(root, "conceptEntry", "termEntry"):
        note = " ".join(n.text or "" for n in _all(concept, "note", "descrip")).strip()
        languages = {}
        for section in _all(concept, "langSec", "langSet"):
            term = next(_all(section, "term"), None)
            if term is not None and (term.text or "").strip():
                gender = next((n.text for n in _all(section, "termNote") if n.get("type") == "grammaticalGender"), "")
                number = next((n.text for n in _all(section, "termNote") if n.get("type") == "grammaticalNumber"), "")
                languages[_attr_lang(section)] = (term.text.strip(), _gender(gender, number))
        if source_locale not in languages:
            continue
        source_term = languages.pop(source_locale)[0]
        keep = DO_NOT_TRANSLATE in note.casefold() or not languages
        clean_note = note.replace(DO_NOT_TRANSLATE, "").strip()
        if keep:
            rows.append(
                {
                    "source_locale": source_locale,
                    "source_term": source_term,
                    "target_locale": "*",
                    "keep": "yes",
                    "note": clean_note,
                }
            )
        for locale, (target_term, gender) in [] if keep else languages.items():
            rows.append(
                {
                    "source_locale": source_locale,
                    "source_term": source_term,
                    "target_locale": locale,
                    "target_term": target_term,
                    "gender": gender,
                    "note": clean_note,
                }
            )
    return rows


def _all(element: ET.Element, *names: str) -> Iterable[ET.Element]:
    """Descendants by local name, with or without the TBX namespace (v2 files have none)."""
    return (child for child in element.iter() if child.tag.rsplit("}", 1)[-1] in names)


def _attr_lang(element: ET.Element) -> str:
    return (element.get(XML_LANG) or element.get("lang") or "").split("-")[0].lower()


def _gender(gender: str | None, number: str | None) -> str:
    code = _GENDER_WORDS.get((gender or "").strip().lower(), "")
    if code and (number or "").strip().lower() == "plural":
        code += "p"
    return code


def import_rows(
    session: Session, user: User | None, rows: list[dict], locales: tuple[str, ...], source_default: str
) -> int:
    """Save every row, or none: a bad row is reported with its line number and field."""
    for number, row in enumerate(rows, start=2):
        try:
            glossary.save(session, user, row, locales, source_default)
        except InvalidInput as error:
            raise InvalidInput(
                N_("row %(row)d: %(error)s"),
                field=error.field,
                params={"row": number, "error": error.message},
            ) from None
    return len(rows)


def write_csv(entries: list[GlossaryEntry]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for entry in entries:
        writer.writerow(
            {
                "source_locale": entry.source_locale,
                "source_term": entry.source_term,
                "target_locale": entry.target_locale,
                "target_term": "" if entry.keep else entry.target_term,
                "keep": "yes" if entry.keep else "",
                "gender": entry.gender,
                "note": entry.note,
            }
        )
    return out.getvalue()


def write_tbx(entries: list[GlossaryEntry], source_locale: str) -> str:
    """TBX-Basic (TBX v3, DCA style): one concept per source term, a language section per target."""
    ET.register_namespace("", TBX_NS)
    tbx = ET.Element(f"{{{TBX_NS}}}tbx", {"type": "TBX-Basic", "style": "dca", XML_LANG: source_locale})
    header = ET.SubElement(tbx, f"{{{TBX_NS}}}tbxHeader")
    ET.SubElement(ET.SubElement(header, f"{{{TBX_NS}}}fileDesc"), f"{{{TBX_NS}}}sourceDesc").append(
        _p("Tarjama glossary")
    )
    body = ET.SubElement(ET.SubElement(tbx, f"{{{TBX_NS}}}text"), f"{{{TBX_NS}}}body")
    concepts: dict[str, list[GlossaryEntry]] = {}
    for entry in entries:
        if entry.source_locale == source_locale:
            concepts.setdefault(entry.source_term, []).append(entry)
    for number, (source_term, group) in enumerate(sorted(concepts.items()), start=1):
        concept = ET.SubElement(body, f"{{{TBX_NS}}}conceptEntry", {"id": f"c{number}"})
        notes = [e.note for e in group if e.note] + ([DO_NOT_TRANSLATE] if any(e.keep for e in group) else [])
        if notes:
            ET.SubElement(concept, f"{{{TBX_NS}}}note").text = "; ".join(dict.fromkeys(notes))
        _lang_section(concept, source_locale, source_term, "")
        for entry in group:
            if not entry.keep:
                _lang_section(concept, entry.target_locale, entry.target_term, entry.gender)
    ET.indent(tbx)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tbx, encoding="unicode") + "\n"


def _p(text: str) -> ET.Element:
    element = ET.Element(f"{{{TBX_NS}}}p")
    element.text = text
    return element


def _lang_section(concept: ET.Element, locale: str, term: str, gender: str) -> None:
    section = ET.SubElement(concept, f"{{{TBX_NS}}}langSec", {XML_LANG: locale})
    term_section = ET.SubElement(section, f"{{{TBX_NS}}}termSec")
    ET.SubElement(term_section, f"{{{TBX_NS}}}term").text = term
    if gender:
        words = {"m": "masculine", "f": "feminine"}
        ET.SubElement(term_section, f"{{{TBX_NS}}}termNote", {"type": "grammaticalGender"}).text = words[gender[0]]
        if gender.endswith("p"):
            ET.SubElement(term_section, f"{{{TBX_NS}}}termNote", {"type": "grammaticalNumber"}).text = "plural"
