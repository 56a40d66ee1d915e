"""XLIFF 2.0: a draft out to a translator's CAT tool (OmegaT, Trados, memoQ) and back.

One `<unit>` per segment (`id="s<position>"`, the segment's version as `tj:version`), inline
markup as `<pc>` (paired) and `<ph>` (standalone) with the real tags in `<originalData>`, the
segment's state from its origin, and notes (QA warnings, origin). The `<file>` names the
translation and the source revision it was made from.

Import is all or nothing: a file for another translation or revision, with a source that is not
the post's, broken inline markup or a segment saved in Tarjama since the export is refused with
the list of what is wrong; otherwise each changed segment is saved through `review.edit_segment`
(the editor's rules: the claim, the version, QA).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from service import review
from service.errors import N_, DomainError
from service.models import Segment, TranslatedSegment, Translation, User
from service.segments import PLACEHOLDER, normalise

NS = "urn:oasis:names:tc:xliff:document:2.0"
TJ = "urn:tarjama:xliff:1"
STATES = {"mt": "initial", "human": "translated", "tm": "reviewed"}


Problem = tuple[str, dict]


class XliffRejected(DomainError):
    """The file is refused whole; `problems` says every reason (English templates + params)."""

    status = 422
    code = "xliff_rejected"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        english = [template % params for template, params in problems]
        super().__init__(N_("The XLIFF file was not imported; nothing was changed."), field="file", problems=english)
        self.message = f"{self.template} " + "; ".join(english)


class _Broken(ValueError):
    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template % params)
        self.problem = (template, params)


@dataclass
class ImportReport:
    changed: list[int] = field(default_factory=list)
    unchanged: int = 0


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def file_original(translation: Translation) -> str:
    return f"tarjama:translation/{translation.id}/revision/{translation.revision_id}"


def unit_notes(draft: TranslatedSegment, describe: Callable[[str], str]) -> list[tuple[str, str]]:
    """(category, text) notes of a unit. Another kind of note is one more line here."""
    notes = [("qa", describe(code)) for code in draft.warnings]
    notes.append(("origin", draft.origin))
    return notes


def export(translation: Translation, describe_warning: Callable[[str], str] = str) -> bytes:
    root = ET.Element(
        _q("xliff"), {"version": "2.0", "srcLang": translation.post.source_locale, "trgLang": translation.locale}
    )
    file_element = ET.SubElement(root, _q("file"), {"id": f"t{translation.id}", "original": file_original(translation)})
    drafts = {s.position: s for s in translation.segments}
    for source in translation.revision.segments:
        draft = drafts.get(source.position)
        if draft is None:
            continue
        unit = ET.SubElement(
            file_element,
            _q("unit"),
            {"id": f"s{source.position}", "name": source.block, f"{{{TJ}}}version": str(draft.version)},
        )
        notes = ET.SubElement(unit, _q("notes"))
        for category, text in unit_notes(draft, describe_warning):
            ET.SubElement(notes, _q("note"), {"category": category}).text = text
        _original_data(unit, source)
        segment = ET.SubElement(unit, _q("segment"), {"state": STATES.get(draft.origin, "initial")})
        _inline(ET.SubElement(segment, _q("source")), source.source_text, source.markup)
        _inline(ET.SubElement(segment, _q("target")), draft.text, source.markup)
    _indent(root)
    ET.register_namespace("", NS)  # idempotent; done here so that importing the module changes nothing
    ET.register_namespace("tj", TJ)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _indent(element: ET.Element, level: int = 0) -> None:
    """Line breaks between structural elements only: whitespace inside <source>/<target> is content."""
    if element.tag in (_q("source"), _q("target"), _q("note"), _q("data")) or not len(element):
        return
    element.text = "\n" + "  " * (level + 1)
    for child in element:
        _indent(child, level + 1)
        child.tail = "\n" + "  " * (level + 1)
    child.tail = "\n" + "  " * level


def _original_data(unit: ET.Element, source: Segment) -> None:
    """The real tags behind the placeholders, for CAT tools that show them."""
    if not source.markup:
        return
    data = ET.SubElement(unit, _q("originalData"))
    for key, tag in sorted(source.markup.items()):
        ET.SubElement(data, _q("data"), {"id": f"d{key}"}).text = tag
        if key.startswith("g"):
            name = tag[1:].split(" ", 1)[0].rstrip(">")
            ET.SubElement(data, _q("data"), {"id": f"d{key}e"}).text = f"</{name}>"


def _inline(element: ET.Element, text: str, markup: dict[str, str]) -> None:
    """Placeholder text as XLIFF inline content: <g1>…</g1> -> <pc id="1">…</pc>, <x2/> -> <ph id="2"/>."""
    stack, position = [element], 0
    last: ET.Element | None = None

    def add_text(chunk: str) -> None:
        if not chunk:
            return
        if last is not None and last in list(stack[-1]):
            last.tail = (last.tail or "") + chunk
        else:
            stack[-1].text = (stack[-1].text or "") + chunk

    for match in PLACEHOLDER.finditer(text):
        add_text(text[position : match.start()])
        position = match.end()
        closing, g_number, x_number = match.groups()
        if x_number:
            attrs = {"id": x_number} | ({"dataRef": f"dx{x_number}"} if f"x{x_number}" in markup else {})
            last = ET.SubElement(stack[-1], _q("ph"), attrs)
        elif not closing:
            key = f"g{g_number}"
            attrs = {"id": g_number} | ({"dataRefStart": f"d{key}", "dataRefEnd": f"d{key}e"} if key in markup else {})
            child = ET.SubElement(stack[-1], _q("pc"), attrs)
            stack.append(child)
            last = None
        elif len(stack) > 1 and stack[-1].get("id") == g_number:
            last = stack.pop()
    add_text(text[position:])


def import_file(session: Session, translation: Translation, user: User, data: bytes) -> ImportReport:
    """Apply a CAT tool's file to the draft, or refuse it whole (XliffRejected)."""
    review._require_holder(translation, user)  # the same rule as the editor, checked before reading
    targets = _read(translation, data)
    drafts = {s.position: s for s in translation.segments}
    report, problems = ImportReport(), []
    for position, (version, text) in sorted(targets.items()):
        draft = drafts[position]
        if text is None or normalise(text) == normalise(draft.text):
            report.unchanged += 1
        elif version is None:
            problems.append(
                (N_("unit %(unit)s has no Tarjama version; export the file again"), {"unit": f"s{position}"})
            )
        elif version != draft.version:
            problems.append(
                (N_("unit %(unit)s was saved in Tarjama after this file was exported"), {"unit": f"s{position}"})
            )
        else:
            report.changed.append(position)
    if problems:
        raise XliffRejected(problems)
    for position in report.changed:
        review.edit_segment(session, translation, position, user, targets[position][1], targets[position][0])
    if report.changed:
        review.record(translation, user, "xliff_imported", f"{len(report.changed)} segments changed")
    return report


def _read(translation: Translation, data: bytes) -> dict[int, tuple[int | None, str | None]]:
    """Each unit's (exported version, target text with placeholders); XliffRejected lists every problem."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        problem = N_("the file is not well-formed XML (line %(line)d): %(detail)s")
        raise XliffRejected([(problem, {"line": error.position[0], "detail": error.msg})]) from None
    if root.tag != _q("xliff") or not (root.get("version") or "").startswith("2."):
        raise XliffRejected([(N_("the file is not XLIFF 2"), {})])
    problems: list[Problem] = []
    languages = (translation.post.source_locale, translation.locale)
    if (_lang(root.get("srcLang")), _lang(root.get("trgLang"))) != languages:
        found = f"{root.get('srcLang')} -> {root.get('trgLang')}"
        problems.append(
            (
                N_("the file translates %(found)s, this draft %(expected)s"),
                {"found": found, "expected": " -> ".join(languages)},
            )
        )
    files = root.findall(_q("file"))
    original = (files[0].get("original") or "") if len(files) == 1 else ""
    if original != file_original(translation):
        same_translation = original.startswith(f"tarjama:translation/{translation.id}/")
        problems.append(
            (N_("the file was made from an older text of the post; export the draft again"), {})
            if same_translation
            else (N_("the file is for another draft (%(found)s)"), {"found": original or "?"})
        )
        raise XliffRejected(problems)
    sources = {s.position: s.source_text for s in translation.revision.segments}
    drafted = {s.position for s in translation.segments}
    targets: dict[int, tuple[int | None, str | None]] = {}
    for unit in files[0].iter(_q("unit")):
        unit_id = unit.get("id") or ""
        try:
            position, entry = _unit(unit, unit_id, sources, drafted - set(targets))
        except _Broken as error:
            problems.append(error.problem)
            continue
        targets[position] = entry
    if problems:
        raise XliffRejected(problems)
    return targets


def _unit(unit: ET.Element, unit_id: str, sources: dict[int, str], open_positions: set[int]):
    position = int(unit_id[1:]) if unit_id[:1] == "s" and unit_id[1:].isdigit() else -1
    if position not in sources or position not in open_positions:
        raise _Broken(N_("unit %(unit)s is not a segment of this draft, or appears twice"), unit=unit_id)
    segment = unit.find(_q("segment"))
    source_el = segment.find(_q("source")) if segment is not None else None
    target_el = segment.find(_q("target")) if segment is not None else None
    source_text = _text(source_el, unit_id) if source_el is not None else ""
    target_text = _text(target_el, unit_id) if target_el is not None else None
    if normalise(source_text) != normalise(sources[position]):
        raise _Broken(N_("unit %(unit)s: its source is not the post's text"), unit=unit_id)
    if target_text is not None and not set(PLACEHOLDER.findall(target_text)) <= set(PLACEHOLDER.findall(source_text)):
        raise _Broken(N_("unit %(unit)s: the translation has inline markup the source does not have"), unit=unit_id)
    version = unit.get(f"{{{TJ}}}version") or ""
    return position, (int(version) if version.isdigit() else None, target_text)


def _lang(tag: str | None) -> str:
    return (tag or "").replace("_", "-").split("-")[0].lower()


def _text(element: ET.Element, unit_id: str) -> str:
    """Inline content back to placeholder text; _Broken on markup Tarjama cannot put back."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag.removeprefix(f"{{{NS}}}")
        number = child.get("id") or ""
        if tag in ("pc", "ph") and not number.isdigit():
            raise _Broken(
                N_('unit %(unit)s: <%(tag)s id="%(id)s"> was not exported by Tarjama'), unit=unit_id, tag=tag, id=number
            )
        if tag == "pc":
            parts.append(f"<g{number}>{_text(child, unit_id)}</g{number}>")
        elif tag == "ph":
            parts.append(f"<x{number}/>")
        elif tag == "mrk":
            parts.append(_text(child, unit_id))
        elif tag == "cp":
            parts.append(chr(int(child.get("hex") or "20", 16)))
        else:
            raise _Broken(
                N_("unit %(unit)s: inline element <%(tag)s> cannot be put back (use <pc> and <ph>)"),
                unit=unit_id,
                tag=tag,
            )
        parts.append(child.tail or "")
    text = "".join(parts)
    seen: dict[str, str] = {}
    for match in PLACEHOLDER.finditer(text):
        closing, g_number, x_number = match.groups()
        number, kind = (x_number, "x") if x_number else (g_number, "g")
        if closing:
            continue
        if number in seen:
            raise _Broken(N_("unit %(unit)s: inline markup id %(id)s is used twice"), unit=unit_id, id=number)
        seen[number] = kind
    return text
