"""TMX 1.4b: the translation memory in and out, so it can move to and from CAT tools.

Inline markup travels as TMX inline codes: `<g1>…</g1>` as `<bpt i="1" x="1">`/`<ept i="1">`,
`<x2/>` as `<ph x="2">`. Reading streams the file (`iterparse`), so a memory of a million units
is never held in memory; a file that is not well-formed TMX is refused as a whole, a unit that
cannot be used is skipped with the reason.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import memory
from service.models import MemoryEntry, Post, as_utc
from service.segments import PLACEHOLDER

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TMX_DATE = "%Y%m%dT%H%M%SZ"


class TmxError(ValueError):
    """The file cannot be read as TMX at all: nothing is imported."""


@dataclass
class Unit:
    source_locale: str
    target_locale: str
    source_text: str
    target_text: str
    approved_at: datetime | None
    author: str
    post_slug: str | None


@dataclass
class Skip:
    number: int
    reason: str


def export(session: Session, source_locale: str, target_locale: str) -> Iterator[str]:
    """The memory of one language pair as a TMX document, streamed piece by piece."""
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4">\n'
        f'<header creationtool="Tarjama" creationtoolversion="1" segtype="sentence" o-tmf="tarjama" '
        f'adminlang="en" srclang="{_attr(source_locale)}" datatype="plaintext"/>\n<body>\n'
    )
    rows = session.execute(
        select(MemoryEntry, Post.slug)
        .outerjoin(Post, Post.id == MemoryEntry.post_id)
        .where(MemoryEntry.source_locale == source_locale, MemoryEntry.target_locale == target_locale)
        .order_by(MemoryEntry.id)
        .execution_options(yield_per=1000)
    )
    for entry, slug in rows:
        date = as_utc(entry.approved_at).strftime(TMX_DATE)
        author = _attr(entry.approved_by_name)
        post = f'<prop type="x-tarjama-post">{html.escape(slug)}</prop>' if slug else ""
        yield (
            f'<tu creationdate="{date}" creationid="{author}" changedate="{date}" changeid="{author}">{post}'
            f'<tuv xml:lang="{_attr(source_locale)}"><seg>{_seg(entry.source_text)}</seg></tuv>'
            f'<tuv xml:lang="{_attr(target_locale)}"><seg>{_seg(entry.target_text)}</seg></tuv></tu>\n'
        )
    yield "</body>\n</tmx>\n"


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _seg(text: str) -> str:
    """Segment text with placeholders as TMX inline codes (their content is the native code)."""
    out, position = [], 0
    for match in PLACEHOLDER.finditer(text):
        out.append(html.escape(text[position : match.start()], quote=False))
        position = match.end()
        closing, g_number, x_number = match.groups()
        code = html.escape(match.group(0), quote=False)
        if x_number:
            out.append(f'<ph x="{x_number}">{code}</ph>')
        elif closing:
            out.append(f'<ept i="{g_number}">{code}</ept>')
        else:
            out.append(f'<bpt i="{g_number}" x="{g_number}">{code}</bpt>')
    out.append(html.escape(text[position:], quote=False))
    return "".join(out)


def read(stream: BinaryIO, locales: tuple[str, ...], source: str | None = None) -> Iterator[Unit | Skip]:
    """Units of a TMX file, one per target language of each <tu>, or why a <tu> was skipped.

    Raises TmxError when the file is not TMX (not XML, wrong root, no source language).
    """
    srclang = source
    number = 0
    try:
        for event, element in ET.iterparse(stream, events=("start", "end")):
            if event == "start" and number == 0 and element.tag != "tmx":
                raise TmxError(f"this is not a TMX file: it starts with <{element.tag}>, not <tmx>")
            if event == "start" and element.tag == "tmx":
                number = 1
                if not (element.get("version") or "").startswith("1."):
                    raise TmxError(f"TMX version {element.get('version')!r} is not supported (use 1.4)")
            if event != "end":
                continue
            if element.tag == "header":
                header_lang = element.get("srclang")
                srclang = source or (header_lang if header_lang and header_lang != "*all*" else None)
                if srclang is None:
                    raise TmxError("the TMX header names no source language (srclang): give --source")
            elif element.tag == "tu":
                if srclang is None:
                    raise TmxError("the TMX file has no <header> before its first <tu>")
                yield from _units(element, number, srclang, locales)
                number += 1
                element.clear()
    except ET.ParseError as error:
        line, column = error.position
        raise TmxError(f"the file is not well-formed XML (line {line}, column {column}): {error.msg}") from None
    if number == 0:
        raise TmxError("the file is empty or not TMX")


def _locale(tag: str | None, locales: tuple[str, ...]) -> str | None:
    primary = (tag or "").replace("_", "-").split("-")[0].lower()
    return primary if primary in locales else None


def _units(tu: ET.Element, number: int, srclang: str, locales: tuple[str, ...]) -> Iterator[Unit | Skip]:
    source_locale = _locale(tu.get("srclang") or srclang, locales)
    if source_locale is None:
        yield Skip(number, f"source language {srclang} is not one of Tarjama's ({', '.join(locales)})")
        return
    variants: dict[str, str] = {}
    for tuv in tu.findall("tuv"):
        seg = tuv.find("seg")
        locale = _locale(tuv.get(XML_LANG) or tuv.get("lang"), locales)
        if seg is None or locale is None:
            continue
        try:
            variants[locale] = _text(seg)
        except ValueError as error:
            yield Skip(number, f"{tuv.get(XML_LANG)}: {error}")
            return
    source_text = variants.pop(source_locale, None)
    if not source_text:
        yield Skip(number, f"no {source_locale} text")
        return
    if not variants:
        yield Skip(number, "no translation into one of Tarjama's languages")
        return
    when = _date(tu.get("changedate") or tu.get("creationdate"))
    author = (tu.get("changeid") or tu.get("creationid") or "")[:80]
    slug = next((p.text for p in tu.findall("prop") if p.get("type") == "x-tarjama-post"), None)
    wanted = set(PLACEHOLDER.findall(source_text))
    for target_locale, target_text in variants.items():
        if not target_text:
            yield Skip(number, f"empty {target_locale} text")
        elif not set(PLACEHOLDER.findall(target_text)) <= wanted:
            yield Skip(number, f"the {target_locale} text has inline codes the source does not have")
        else:
            yield Unit(source_locale, target_locale, source_text, target_text, when, author, slug)


def _text(seg: ET.Element) -> str:
    """A <seg> as text with placeholders; raises ValueError on broken inline codes."""
    parts, opened, closed = [seg.text or ""], {}, set()
    for child in seg:
        if child.tag == "bpt":
            i = child.get("i")
            if not i or i in opened:
                raise ValueError(f'<bpt> without a unique "i" ({i!r})')
            opened[i] = child.get("x") or i
            parts.append(f"<g{_number(opened[i])}>")
        elif child.tag == "ept":
            i = child.get("i")
            if i not in opened or i in closed:
                raise ValueError(f"<ept i={i!r}> closes nothing")
            closed.add(i)
            parts.append(f"</g{_number(opened[i])}>")
        elif child.tag in ("ph", "it"):
            parts.append(f"<x{_number(child.get('x') or str(100 + len(parts)))}/>")
        elif child.tag == "hi":
            parts.append(_text(child))
        else:
            raise ValueError(f"unknown inline element <{child.tag}>")
        parts.append(child.tail or "")
    if set(opened) != closed:
        raise ValueError("a <bpt> has no matching <ept>")
    return "".join(parts)


def _number(value: str) -> int:
    if not value.isdigit():
        raise ValueError(f"inline code number {value!r} is not a number")
    return int(value)


def _date(value: str | None) -> datetime | None:
    try:
        return datetime.strptime(value or "", TMX_DATE).replace(tzinfo=UTC)
    except ValueError:
        return None


def import_units(session: Session, units: list[Unit], now: datetime) -> int:
    """Store a batch of units (newer entries already in memory are kept); returns how many."""
    slugs = {u.post_slug for u in units if u.post_slug}
    posts = dict(session.execute(select(Post.slug, Post.id).where(Post.slug.in_(slugs))).all()) if slugs else {}
    by_pair: dict[tuple[str, str], dict[str, dict]] = {}
    for unit in units:
        pair = memory.canonical(unit.source_text)
        by_pair.setdefault((unit.source_locale, unit.target_locale), {})[pair.key] = {
            "source_key": pair.key,
            "source_text": pair.text,
            "target_text": memory.renumber(unit.target_text, pair.mapping),
            "post_id": posts.get(unit.post_slug),
            "approved_at": unit.approved_at or now,
            "approved_by_name": unit.author,
        }
    for (source_locale, target_locale), rows in by_pair.items():
        memory.store(session, source_locale, target_locale, list(rows.values()), approved_at=now)
    return sum(len(rows) for rows in by_pair.values())
